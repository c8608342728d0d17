"""Checks of the score tables, labels, look-alikes and cut-offs given to the metrics."""

from numbers import Integral, Real

import numpy as np
import pandas as pd

from uba.exceptions import InvalidParameterError, UBAWarning

# User-days listed in full in an error message; the rest are only counted.
_EXAMPLES_SHOWN = 5

# Kind of the look-alike total row; an input kind may not use it.
TOTAL_KIND = "all"


class UndefinedMetricWarning(UBAWarning):
    """A metric is undefined for the given labels and was returned as NaN."""


def check_score_table(scores):
    """Return a clean copy of a score table: ``user`` (str), ``date``, ``score``.

    Raises ValueError for missing columns, missing users, dates that are not
    midnight timestamps, NaN scores and duplicate user-days.
    """
    _check_frame(scores, "scores")
    _check_columns(scores, "scores", ("user", "date", "score"))
    if len(scores) == 0:
        raise ValueError("scores is empty; score at least one user-day.")

    table = pd.DataFrame(
        {
            "user": _clean_text(scores, "scores", "user"),
            "date": _clean_dates(scores, "scores"),
            "score": _clean_scores(scores),
        }
    )

    duplicated = table.duplicated(["user", "date"], keep="first")
    if duplicated.any():
        raise ValueError(
            f"scores has {_count(duplicated.sum(), 'duplicate user-day')} "
            f"({_describe_user_days(table.loc[duplicated])}); keep one score per "
            f"user and day."
        )
    return table


def check_labels(labels, table):
    """Return a clean copy of the labels: ``user``, ``date``, ``scenario`` (str).

    Raises ValueError for missing columns or values, duplicate user-days and
    labelled user-days that ``table`` (a checked score table) does not contain.
    """
    _check_frame(labels, "labels")
    _check_columns(labels, "labels", ("user", "date", "scenario"))

    clean = pd.DataFrame(
        {
            "user": _clean_text(labels, "labels", "user"),
            "date": _clean_dates(labels, "labels"),
            "scenario": _clean_text(labels, "labels", "scenario"),
        }
    )

    duplicated = clean.duplicated(["user", "date"], keep="first")
    if duplicated.any():
        raise ValueError(
            f"labels has {_count(duplicated.sum(), 'duplicate user-day')} "
            f"({_describe_user_days(clean.loc[duplicated])}); label each attacked "
            f"user-day once, with one scenario."
        )

    _check_scored(clean, table, "labels", "labelled")
    return clean


def check_lookalikes(lookalikes, table):
    """Return a clean copy of the look-alikes: ``user``, ``date``, ``kind`` (str).

    A user-day may carry several kinds. Raises ValueError for missing columns or
    values, repeated rows, the reserved kind ``"all"`` and look-alike user-days
    that ``table`` (a checked score table) does not contain.
    """
    _check_frame(lookalikes, "lookalikes")
    _check_columns(lookalikes, "lookalikes", ("user", "date", "kind"))

    clean = pd.DataFrame(
        {
            "user": _clean_text(lookalikes, "lookalikes", "user"),
            "date": _clean_dates(lookalikes, "lookalikes"),
            "kind": _clean_text(lookalikes, "lookalikes", "kind"),
        }
    )

    repeated = clean.duplicated(keep="first")
    if repeated.any():
        raise ValueError(
            f"lookalikes has {_count(repeated.sum(), 'repeated row')} "
            f"({_describe_user_days(clean.loc[repeated])}); list each user-day "
            f"once per kind."
        )

    if (clean["kind"] == TOTAL_KIND).any():
        raise ValueError(
            f"lookalikes uses the kind {TOTAL_KIND!r}, which names the total row of "
            f"the result; rename that kind."
        )

    _check_scored(clean, table, "lookalikes", "look-alike")
    return clean


def check_disjoint(labels, lookalikes):
    """Raise ValueError when a user-day is both attacked and a benign look-alike."""
    both = labels[["user", "date"]].merge(
        lookalikes[["user", "date"]].drop_duplicates(), on=["user", "date"]
    )
    if len(both) > 0:
        raise ValueError(
            f"labels and lookalikes share {_count(len(both), 'user-day')}, labelled as "
            f"attacks and listed as benign look-alikes ({_describe_user_days(both)}); "
            f"a look-alike must be an unattacked user-day."
        )


def check_k(k, name="k"):
    """Raise InvalidParameterError unless ``k`` is an int >= 1 or a float in (0, 1)."""
    is_count = isinstance(k, Integral) and not isinstance(k, bool) and k >= 1
    is_share = isinstance(k, Real) and not isinstance(k, Integral) and 0 < k < 1
    if not (is_count or is_share):
        raise InvalidParameterError(
            f"{name} must be a whole number of users >= 1 or a share of the day's "
            f"active users in (0, 1), got {k!r}."
        )


def check_budgets(budgets):
    """Return ``budgets`` as a tuple after checking each one like ``k``."""
    if isinstance(budgets, (str, bytes)) or not hasattr(budgets, "__iter__"):
        raise InvalidParameterError(
            f"budgets must be a sequence of daily budgets, got {budgets!r}."
        )

    budgets = tuple(budgets)
    if len(budgets) == 0:
        raise InvalidParameterError("budgets must contain at least one daily budget.")
    for budget in budgets:
        check_k(budget, name="each budget")
    return budgets


def check_profiles(profiles, columns, name="profiles"):
    """Raise ValueError unless ``profiles`` are user-day profiles with ``columns``.

    The listed feature columns must be numeric without NaN, and each user-day must
    appear once.
    """
    _check_frame(profiles, name)
    _check_columns(
        profiles,
        name,
        ("user", "date", *columns),
        hint="build them with uba.features.build_profiles",
    )

    for column in columns:
        values = profiles[column]
        if not pd.api.types.is_numeric_dtype(values):
            raise ValueError(
                f"{name} column {column!r} must be numeric, got dtype {values.dtype}."
            )
        missing = values.isna()
        if missing.any():
            raise ValueError(
                f"{name} column {column!r} has {_count(missing.sum(), 'missing value')} "
                f"({_describe_user_days(profiles.loc[missing])}); profiles from "
                f"uba.features.build_profiles have none."
            )

    duplicated = profiles.duplicated(["user", "date"], keep="first")
    if duplicated.any():
        raise ValueError(
            f"{name} has {_count(duplicated.sum(), 'duplicate user-day')} "
            f"({_describe_user_days(profiles.loc[duplicated])}); keep one profile "
            f"per user and day."
        )


def _check_frame(frame, name):
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame, got {type(frame).__name__}."
        )


def _check_columns(frame, name, required, hint=None):
    missing = [column for column in required if column not in frame.columns]
    if not missing:
        return

    next_step = f"; {hint}" if hint is not None else ""
    raise ValueError(
        f"{name} is missing the columns {missing}; it needs {list(required)} and has "
        f"{list(frame.columns)}{next_step}."
    )


def _clean_text(frame, name, column):
    values = frame[column]
    missing = values.isna()
    if missing.any():
        raise ValueError(
            f"{name} has {_count(missing.sum(), 'row')} without a {column}, at index "
            f"{_describe_rows(frame.index[missing])}; fill or drop them."
        )
    return values.astype("str").to_numpy()


def _clean_dates(frame, name):
    dates = frame["date"]
    if len(dates) == 0:
        # An empty table built as pd.DataFrame(columns=[...]) has object columns.
        return np.empty(0, dtype="datetime64[ns]")

    if not pd.api.types.is_datetime64_dtype(dates):
        raise ValueError(
            f"{name} column 'date' must be datetime64 without a time zone, got dtype "
            f"{dates.dtype}; convert it with pandas.to_datetime."
        )

    missing = dates.isna()
    if missing.any():
        raise ValueError(
            f"{name} has {_count(missing.sum(), 'row')} without a date, at index "
            f"{_describe_rows(frame.index[missing])}; fill or drop them."
        )

    off_midnight = dates != dates.dt.normalize()
    if off_midnight.any():
        first = dates[off_midnight].iloc[0]
        raise ValueError(
            f"{name} has {_count(off_midnight.sum(), 'date')} not at midnight, the "
            f"first {first}; a date names a local calendar day, so use "
            f"Series.dt.normalize() on it."
        )
    return dates.astype("datetime64[ns]").to_numpy()


def _clean_scores(scores):
    values = scores["score"]
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise ValueError(
            f"scores column 'score' must be numeric, got dtype {values.dtype}."
        )

    values = values.astype("float64")
    missing = values.isna()
    if missing.any():
        raise ValueError(
            f"scores has {_count(missing.sum(), 'NaN score')}, at index "
            f"{_describe_rows(scores.index[missing])}; score every user-day or drop "
            f"those rows."
        )
    return values.to_numpy()


def _check_scored(subset, table, name, adjective):
    """Raise ValueError when user-days of ``subset`` are absent from ``table``."""
    keys = subset[["user", "date"]].drop_duplicates()
    found = keys.merge(
        table[["user", "date"]], on=["user", "date"], how="left", indicator=True
    )
    absent = found.loc[found["_merge"] == "left_only"]
    if len(absent) > 0:
        raise ValueError(
            f"{name} has {_count(len(absent), adjective + ' user-day')} (of "
            f"{len(keys)}) not found in the score table "
            f"({_describe_user_days(absent)}); every {adjective} user-day must be an "
            f"active, scored user-day."
        )


def _describe_user_days(frame):
    """Return "user on YYYY-MM-DD" for the first rows of ``frame``, and a count."""
    shown = [
        f"{user} on {pd.Timestamp(date).date().isoformat()}"
        for user, date in zip(
            frame["user"].iloc[:_EXAMPLES_SHOWN], frame["date"].iloc[:_EXAMPLES_SHOWN]
        )
    ]
    text = ", ".join(shown)
    if len(frame) > _EXAMPLES_SHOWN:
        text += f" and {len(frame) - _EXAMPLES_SHOWN} more"
    return text


def _count(n, noun):
    """Return "1 row" or "3 rows"."""
    n = int(n)
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _describe_rows(index):
    shown = ", ".join(str(label) for label in index[:_EXAMPLES_SHOWN])
    if len(index) > _EXAMPLES_SHOWN:
        shown += f" and {len(index) - _EXAMPLES_SHOWN} more"
    return shown
