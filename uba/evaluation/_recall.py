"""Recall of attacked user-days within daily review budgets, and time to detection."""

import warnings

import numpy as np
import pandas as pd

from uba.evaluation._ranks import attach_scenarios, rank_within_days, top_k_probability
from uba.evaluation._validation import (
    UndefinedMetricWarning,
    check_budgets,
    check_k,
    check_labels,
    check_score_table,
)

DEFAULT_BUDGETS = (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10)


def recall_at_k(scores, labels, k):
    """Compute the share of attacked user-days found in their day's top ``k``.

    Each day's active users are ranked by score, and an analyst reviews the top
    ``k`` of every day. The recall pools the attacked user-days of all days: it is
    the expected number found, divided by the number of attacked user-days. Days
    without an attack add nothing to either count.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table with the columns ``user`` (str), ``date`` (datetime64 at
        midnight) and ``score`` (float, higher is more suspicious), one row per
        active user-day.
    labels : pandas.DataFrame
        Attacked user-days with the columns ``user``, ``date`` and ``scenario``, one
        row per user-day. Every labelled user-day must be in ``scores``.
    k : int or float
        Daily review budget: an int >= 1 is a number of users, a float in (0, 1) is
        a share of the day's active users, rounded up and at least 1.

    Returns
    -------
    recall : float
        Value in [0, 1]; NaN with an :class:`UndefinedMetricWarning` when
        ``labels`` is empty.

    Raises
    ------
    ValueError
        If a table lacks a column, has missing values or duplicate user-days, a
        score is NaN, or a labelled user-day is absent from ``scores``.
    InvalidParameterError
        If ``k`` is neither an int >= 1 nor a float in (0, 1).

    Notes
    -----
    Ties are broken uniformly at random, and the recall is its expected value. A
    user-day with ``h`` users strictly above it and ``t`` users tied with it (itself
    included) is in a top ``k`` with probability ``clip((k - h) / t, 0, 1)``. So a
    tied group that straddles the cut-off counts fractionally.

    Examples
    --------
    >>> import pandas as pd
    >>> day = pd.Timestamp("2026-03-02")
    >>> scores = pd.DataFrame({"user": ["ann", "bob", "cat", "dan"], "date": day,
    ...                        "score": [0.9, 0.5, 0.5, 0.1]})
    >>> labels = pd.DataFrame({"user": ["cat"], "date": [day], "scenario": ["crawl"]})
    >>> recall_at_k(scores, labels, 2)
    0.5
    """
    check_k(k)
    _, attacked = prepare_attacks(scores, labels)
    if len(attacked) == 0:
        warn_no_attacks(f"recall_at_k(k={k!r})")
    return recall_from_attacks(attacked, k)


def cumulative_recall(scores, labels, budgets=DEFAULT_BUDGETS, *, normalize=False):
    """Sum the recall of attacked user-days over a series of daily review budgets.

    For each budget, the analyst reviews that share of each day's active users
    (rounded up, at least 1), and :func:`recall_at_k` gives the recall. The
    cumulative recall is the sum over the budgets, so its maximum is the number of
    budgets. It rewards rankings that put attacks near the very top.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table: ``user``, ``date``, ``score``, one row per active user-day.
    labels : pandas.DataFrame
        Attacked user-days: ``user``, ``date``, ``scenario``.
    budgets : sequence of float or int, default=(0.01, 0.02, ..., 0.10)
        Daily budgets. A float in (0, 1) is a share of the day's active users; an
        int is a number of users.
    normalize : bool, default=False
        Whether to divide the sum by the number of budgets, giving a value in
        [0, 1].

    Returns
    -------
    cumulative : float
        Sum of the recalls, in [0, len(budgets)], or their mean when ``normalize``
        is true; NaN with an :class:`UndefinedMetricWarning` when ``labels`` is
        empty.

    Raises
    ------
    ValueError
        If an input table is invalid (see :func:`recall_at_k`).
    InvalidParameterError
        If ``budgets`` is empty or a budget is neither an int >= 1 nor a float in
        (0, 1).

    Notes
    -----
    Ties are broken at random in expectation, as in :func:`recall_at_k`.

    The metric follows Tuor et al. [1]_. Budgets given as shares of the day's
    active users keep it comparable between days and organisations of different
    size.

    References
    ----------
    .. [1] A. Tuor, S. Kaplan, B. Hutchinson, N. Nichols and S. Robinson, "Deep
       Learning for Unsupervised Insider Threat Detection in Structured
       Cybersecurity Data Streams", AAAI-17 Workshop on Artificial Intelligence for
       Cyber Security, 2017. arXiv:1710.00811.
    """
    budgets = check_budgets(budgets)
    _, attacked = prepare_attacks(scores, labels)
    if len(attacked) == 0:
        warn_no_attacks("cumulative_recall")
    return cumulative_recall_from_attacks(attacked, budgets, normalize=normalize)


def attack_ranks(scores, labels):
    """List each attacked user-day with its rank among the users active that day.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table: ``user``, ``date``, ``score``, one row per active user-day.
    labels : pandas.DataFrame
        Attacked user-days: ``user``, ``date``, ``scenario``.

    Returns
    -------
    ranks : pandas.DataFrame
        One row per attacked user-day, sorted by date and user, with the columns
        ``user``, ``date``, ``scenario``, ``score``, ``rank`` (float, 1 is the top
        of the day) and ``active_users`` (users scored that day).

    Raises
    ------
    ValueError
        If an input table is invalid (see :func:`recall_at_k`).

    Notes
    -----
    ``rank`` is the mid-rank ``1 + h + (t - 1) / 2``, where ``h`` is the number of
    that day's users with a strictly higher score and ``t`` the number with the same
    score, the user-day itself included. It is the expected position when ties are
    broken at random.
    """
    _, attacked = prepare_attacks(scores, labels)
    return ranks_of_attacks(attacked)


def days_to_detection(scores, labels, k=5):
    """Measure, per attack, the days from its start until its user enters the top k.

    An attack is a user together with a scenario. Its first labelled day is day 0;
    the attack is detected on the first labelled day on which the user is among the
    top ``k`` of that day's ranking.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table: ``user``, ``date``, ``score``, one row per active user-day.
    labels : pandas.DataFrame
        Attacked user-days: ``user``, ``date``, ``scenario``.
    k : int or float, default=5
        Daily review budget, as in :func:`recall_at_k`.

    Returns
    -------
    detections : pandas.DataFrame
        One row per attack, sorted by first day and user, with the columns:

        - ``user`` and ``scenario``;
        - ``first_day`` and ``last_day``: first and last labelled dates;
        - ``attacked_days``: labelled user-days;
        - ``detection_probability``: chance that the user is in the top ``k`` on at
          least one labelled day;
        - ``days_to_detection`` (float): calendar days from ``first_day`` to the
          detection. It is 0 when the attack is found on its first day and NaN when
          it is never found.

    Raises
    ------
    ValueError
        If an input table is invalid (see :func:`recall_at_k`).
    InvalidParameterError
        If ``k`` is neither an int >= 1 nor a float in (0, 1).

    Notes
    -----
    Ties are broken uniformly at random, independently on each day. On a day where
    the user's tied group straddles the cut-off, the user is in the top ``k`` with
    probability ``p`` (see :func:`recall_at_k`). ``days_to_detection`` is then the
    expected delay given that the attack is found at all, and it is NaN when
    ``detection_probability`` is 0. Without ties at the cut-off, ``p`` is 0 or 1 and
    both columns are exact.

    The same user labelled with the same scenario on dates far apart counts as one
    attack, which starts on the earliest of those dates.
    """
    check_k(k)
    _, attacked = prepare_attacks(scores, labels)
    return detections_of_attacks(attacked, k)


def prepare_attacks(scores, labels):
    """Check the inputs and return the ranked score table and its attacked rows."""
    table = check_score_table(scores)
    clean_labels = check_labels(labels, table)
    ranked = rank_within_days(table)
    return ranked, attach_scenarios(ranked, clean_labels)


def warn_no_attacks(metric):
    """Warn that ``metric`` is NaN because there are no labelled user-days."""
    warnings.warn(
        f"{metric} is undefined without attacked user-days; labels is empty, so the "
        f"result is NaN.",
        UndefinedMetricWarning,
        stacklevel=3,
    )


def recall_from_attacks(attacked, k):
    """Return the expected recall at ``k`` of ranked attacked rows; NaN when empty."""
    if len(attacked) == 0:
        return float("nan")
    return float(top_k_probability(attacked, k).mean())


def cumulative_recall_from_attacks(attacked, budgets, *, normalize=False):
    """Return the sum (or mean) of :func:`recall_from_attacks` over ``budgets``."""
    if len(attacked) == 0:
        return float("nan")

    total = sum(recall_from_attacks(attacked, budget) for budget in budgets)
    if normalize:
        return total / len(budgets)
    return total


def ranks_of_attacks(attacked):
    """Return the public columns of :func:`attack_ranks` from ranked attacked rows."""
    columns = ["user", "date", "scenario", "score", "rank", "active_users"]
    return attacked[columns].reset_index(drop=True)


def detections_of_attacks(attacked, k):
    """Return the table of :func:`days_to_detection` from ranked attacked rows."""
    keys = ["user", "scenario"]
    rows = attacked.sort_values([*keys, "date"], ignore_index=True)
    first_found = _first_detection_chance(rows, keys, k)

    start = rows.groupby(keys)["date"].transform("min")
    delay = (rows["date"] - start).dt.days.astype("float64")
    parts = rows[[*keys, "date"]].assign(
        first_found=first_found, weighted_delay=first_found * delay
    )
    per_attack = parts.groupby(keys, sort=False).agg(
        first_day=("date", "min"),
        last_day=("date", "max"),
        attacked_days=("date", "size"),
        detection_probability=("first_found", "sum"),
        weighted_delay=("weighted_delay", "sum"),
    )

    per_attack["days_to_detection"] = _safe_ratio(
        per_attack["weighted_delay"], per_attack["detection_probability"]
    )
    detections = per_attack.drop(columns="weighted_delay").reset_index()
    detections["attacked_days"] = detections["attacked_days"].astype("int64")
    return detections.sort_values(["first_day", "user", "scenario"], ignore_index=True)


def _first_detection_chance(rows, keys, k):
    """Return the chance that each row is the first labelled day its attack is found.

    That is the chance of being in the top ``k`` that day times the chance of being
    missed on every earlier labelled day of the same attack. ``rows`` must be sorted
    by attack and date.
    """
    found = pd.Series(top_k_probability(rows, k), index=rows.index)
    attack = [rows[key] for key in keys]

    missed_through = (1.0 - found).groupby(attack).cumprod()
    missed_before = missed_through.groupby(attack).shift(fill_value=1.0)
    return found * missed_before


def mean_days_to_detection(detections):
    """Return the expected delay over the detected attacks; NaN when none is found.

    Each attack weighs by its detection probability, so without ties this is the
    plain mean of ``days_to_detection`` over the attacks that were found.
    """
    probability = detections["detection_probability"].to_numpy(dtype="float64")
    if probability.sum() == 0:
        return float("nan")
    delay = detections["days_to_detection"].fillna(0.0).to_numpy(dtype="float64")
    return float((probability * delay).sum() / probability.sum())


def _safe_ratio(numerator, denominator):
    """Return ``numerator / denominator`` as a Series, NaN where the denominator is 0."""
    ratio = np.full(len(numerator), np.nan)
    np.divide(
        numerator.to_numpy(dtype="float64"),
        denominator.to_numpy(dtype="float64"),
        out=ratio,
        where=denominator.to_numpy() > 0,
    )
    return pd.Series(ratio, index=numerator.index)
