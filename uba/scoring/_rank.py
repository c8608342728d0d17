"""Rank the users active on one day by how anomalous their profile is, with reasons."""

import numpy as np
import pandas as pd

from uba._dates import parse_day
from uba.exceptions import InvalidParameterError
from uba.features import CONTEXT_FEATURES, FEATURES_BY_NAME
from uba.scoring._narrative import describe_day, format_count
from uba.scoring._risk import risk_scores

N_REASONS = 3
DEFAULT_HISTORY_DAYS = 28

# Score drops below this share of the row's score are too small to call a reason.
MIN_EFFECT_SHARE = 0.02

_FEATURE_UNITS = {
    **{name: feature.unit for name, feature in FEATURES_BY_NAME.items()},
    **{feature.name: feature.unit for feature in CONTEXT_FEATURES},
}
NO_REASON_TEXT = (
    "no feature is clearly above its usual value; the score comes from a rare mix "
    "of values or from less activity than usual"
)


def rank_users(
    profiles, model, *, date=None, top=None, history_days=DEFAULT_HISTORY_DAYS
):
    """Rank the users active on one day, most anomalous first, with their reasons.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.build_profiles`. Rows of earlier days are the
        users' history.
    model : ProfileModel
        A trained model from :func:`uba.train_model` or :func:`uba.load_model`.
    date : str, date or None, default=None
        The server-local day to rank; a timestamp with a time zone names the
        calendar day it shows in that zone. None means the last day in ``profiles``.
    top : int or None, default=None
        Keep only the ``top`` best-ranked users. None keeps every active user.
    history_days : int, default=28
        Days before ``date`` whose profiles give a user's usual values.

    Returns
    -------
    ranking : pandas.DataFrame
        One row per user active on ``date``, best rank first, with the columns
        ``rank`` (1 is the most anomalous), ``user``, ``score`` (the model's anomaly
        score with the peers' shared change discounted, see Notes; higher is more
        anomalous; for the default detector about 1 for a day as
        unusual as a typical training day), ``risk``
        (0 to 100, the score combined with rule signals as ``uba.scoring._risk``
        documents; missing for a model saved without training score percentiles),
        ``rules`` (the rules that fired, with their strength), ``date``,
        ``usual_from``
        (``"own history"`` or ``"organisation"``), ``history_days`` (days of the
        user's own history found), ``organisation_ratio`` and ``self_ratio`` (for a
        :class:`~uba.detectors.SelfBaselineDetector`, the two parts of the score: how
        unusual the day is for the whole organisation and how far it goes beyond the
        user's own training days, missing when the model has too few of them; both
        missing for other detectors), ``shared_change`` (what the other members of the
        user's peer group changed on the day, at least 1; the score is divided by
        it, see Notes), ``summary`` (one plain sentence: what the user
        read, when, how that compares with their usual day, and new spaces,
        exports, downloads, searches, scripts or addresses), ``reasons`` (the top
        features in short form), then for
        ``k`` in 1..3: ``reason_k`` (feature name), ``reason_k_value`` (the day's
        value; for a robust z-score the z-score, while ``reasons`` states the count it
        measures), ``reason_k_usual`` (the user's usual value),
        ``reason_k_peer_usual`` (the median among the user's peer group in the
        window, or the organisation's) and ``reason_k_effect`` (the feature's effect
        on the score, see Notes).

    Raises
    ------
    ValueError
        If ``profiles`` is empty, ``date`` is invalid or has no active user, or a
        user has more than one row on ``date``.

    Notes
    -----
    The score is the model's score divided by ``shared_change``: the median
    organisation ratio and the median self ratio of the other members of the user's
    peer group on the same day, each at least 1, combined as the detector combines
    the user's own two ratios, and at most 2 (see :meth:`ProfileModel.shared_change`).
    A department that moves into a new space, or a team that reads more before a
    deadline, then does not fill the top of the ranking, unless its change is larger
    than the limit. A user whose group has 7 or fewer other active members that
    day, or who has no group, gets no discount. The shared change is computed from
    the users of ``profiles`` on ``date``: rank the features of all users of the
    day, as :func:`uba.build_features` gives them, not a subset.

    A reason is a feature above the user's usual value with the largest effect. The
    effect averages the score drop when only this feature returns to its usual value
    and the score rise when only this feature of the usual day takes today's value.
    The usual value is the median of the user's own profiles in the
    ``history_days`` before ``date``; a user with no such history is compared with the
    organisation's median from the model's training data, and ``usual_from`` says
    which. Features whose effect is below 2 % of the row's score are not listed, so a
    row may have fewer than three reasons; with none, ``reasons`` says so.
    """
    day = _resolve_day(profiles, date)
    _check_top(top)

    today = profiles.loc[profiles["date"] == day].reset_index(drop=True)
    _check_one_row_per_user(today, day)
    X = model.feature_matrix(today)
    users = today["user"].astype("str").to_numpy()
    detector_scores = model.score_matrix(X, users=users)
    organisation, own = _score_parts(model, X, users)
    shared = model.shared_change(X, users, today, parts=(organisation, own))
    scores = detector_scores / shared

    # Reasons cost two detector calls per feature and user, so with ``top`` only the
    # users who will be listed get them.
    if top is not None and top < len(today):
        listed = _best_rows(scores, users, top)
        today = today.iloc[listed].reset_index(drop=True)
        X, users, scores = X[listed], users[listed], scores[listed]
        detector_scores, shared = detector_scores[listed], shared[listed]
        organisation, own = organisation[listed], own[listed]

    history = _history(profiles, day, history_days)
    usual, history_counts = _usual_values(today, history, model)
    effects = _reason_effects(
        model, X, usual.to_numpy(dtype="float64"), detector_scores, users
    )
    effects /= shared[:, np.newaxis]

    ranking = pd.DataFrame(
        {
            "user": users,
            "score": scores,
            "date": day.date().isoformat(),
            "usual_from": np.where(history_counts > 0, "own history", "organisation"),
            "history_days": history_counts,
        }
    )
    ranking["organisation_ratio"] = np.round(organisation, 3)
    ranking["self_ratio"] = np.round(own, 3)
    ranking["shared_change"] = np.round(shared, 3)
    ranking.insert(2, "risk", np.nan)
    quantiles = model.metadata.get("score_quantiles")
    risk, strengths = risk_scores(scores, quantiles or [0.0, 0.0], today)
    if quantiles is not None:
        ranking["risk"] = np.round(risk, 1)
    ranking.insert(ranking.columns.get_loc("risk") + 1, "rules", _rule_text(strengths))
    ranking = _add_reasons(ranking, model.feature_names, X, usual, effects, today)
    ranking = _add_peer_usual(ranking, today, history, model.feature_names)
    ranking.insert(
        ranking.columns.get_loc("reasons"),
        "summary",
        [describe_day(today.iloc[row], usual.iloc[row]) for row in range(len(today))],
    )

    ranking = ranking.sort_values(["score", "user"], ascending=[False, True])
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    ranking = ranking.reset_index(drop=True)

    if top is not None:
        ranking = ranking.head(top)
    return ranking


def _check_one_row_per_user(today, day):
    repeated = today["user"].astype("str").duplicated()
    if repeated.any():
        user = today["user"].astype("str")[repeated].iloc[0]
        raise ValueError(
            f"profiles has {int(repeated.sum())} repeated rows on "
            f"{day.date().isoformat()}, the first for user {user!r}; pass one row per "
            f"user and day, as uba.build_features returns them"
        )


def _best_rows(scores, users, top):
    """Return the indices of the ``top`` rows in ranking order: score, then user."""
    order = np.lexsort((users, -scores))
    return order[:top]


def _score_parts(model, X, users):
    """Return the organisation and self ratios of each row, or NaN without them."""
    if not hasattr(model.detector, "score_parts"):
        missing = np.full(len(X), np.nan)
        return missing, missing.copy()
    return model.detector.score_parts(X, users=users)


def _resolve_day(profiles, date):
    if len(profiles) == 0:
        raise ValueError("No user-day profiles to rank: the logs held no named user.")

    if date is None:
        return profiles["date"].max()
    day = parse_day(date, "date")

    known = profiles["date"]
    if not (known == day).any():
        first = known.min().date().isoformat()
        last = known.max().date().isoformat()
        raise ValueError(
            f"No user was active on {day.date().isoformat()}; the logs cover "
            f"{first} to {last}."
        )
    return day


def _check_top(top):
    if top is None:
        return
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise InvalidParameterError(
            f"top must be a positive whole number, got {top!r}."
        )


def _history(profiles, day, history_days):
    if isinstance(history_days, bool) or not isinstance(
        history_days, (int, np.integer)
    ):
        raise InvalidParameterError(
            f"history_days must be a whole number, got {history_days!r}."
        )
    if history_days < 1:
        raise ValueError(f"history_days must be at least 1, got {history_days}.")

    window_start = day - pd.Timedelta(days=history_days)
    in_window = (profiles["date"] >= window_start) & (profiles["date"] < day)
    return profiles.loc[in_window]


def _usual_values(today, history, model):
    """Return each active user's usual feature values and their days of history."""
    names = list(model.feature_names)
    own = history.groupby(history["user"].astype("str"))[names].median()
    counts = history.groupby(history["user"].astype("str")).size()

    users = today["user"].astype("str")
    usual = own.reindex(users.to_numpy())
    history_counts = counts.reindex(users.to_numpy()).fillna(0).astype("int64")

    fallback = model.usual_values
    usual = usual.fillna(fallback)

    # The detector gets z-scores clipped at 0, so the usual values are clipped too.
    deviations = [name for name in names if name.endswith("_z")]
    usual[deviations] = usual[deviations].clip(lower=0.0)
    return usual.reset_index(drop=True), history_counts.to_numpy()


def _reason_effects(model, X, usual, scores, users):
    """Estimate how much each feature raises each row's score above its usual day.

    An effect averages two changes of the score: the drop when only this feature
    returns to its usual value, and the rise when only this feature of the usual day
    takes today's value. The first alone misses features when several deviate at
    once, because each one alone still leaves the row far from ordinary days. The
    second alone misses features that matter only together.
    """
    n_rows, n_features = X.shape
    n_pairs = n_rows * n_features
    pair = np.arange(n_pairs)
    row_index = np.repeat(np.arange(n_rows), n_features)
    feature_index = np.tile(np.arange(n_features), n_rows)

    drop_one = np.repeat(X, n_features, axis=0)
    drop_one[pair, feature_index] = usual[row_index, feature_index]
    add_one = np.repeat(usual, n_features, axis=0)
    add_one[pair, feature_index] = X[row_index, feature_index]

    # One batch, so the detector is called once. Every changed row keeps its user.
    pair_users = np.repeat(users, n_features)
    batch_scores = model.score_matrix(
        np.vstack([drop_one, add_one, usual]),
        users=np.concatenate([pair_users, pair_users, users]),
    )
    without = batch_scores[:n_pairs].reshape(n_rows, n_features)
    alone = batch_scores[n_pairs : 2 * n_pairs].reshape(n_rows, n_features)
    usual_scores = batch_scores[2 * n_pairs :]

    drop = scores[:, np.newaxis] - without
    rise = alone - usual_scores[:, np.newaxis]
    return (drop + rise) / 2


def _add_reasons(ranking, feature_names, X, usual, effects, today):
    names = np.asarray(feature_names, dtype=object)
    usual_matrix = usual.to_numpy(dtype="float64")
    min_effect = MIN_EFFECT_SHARE * np.abs(ranking["score"].to_numpy())

    chosen = [
        _choose_reasons(names, X[row], usual_matrix[row], effects[row], min_effect[row])
        for row in range(len(X))
    ]

    ranking["reasons"] = [
        "; ".join(
            _describe(
                names[index],
                X[row, index],
                usual_matrix[row, index],
                today.iloc[row],
                usual.iloc[row],
            )
            for index in indices
        )
        or NO_REASON_TEXT
        for row, indices in enumerate(chosen)
    ]

    for k in range(N_REASONS):
        label = f"reason_{k + 1}"
        picked = [indices[k] if k < len(indices) else None for indices in chosen]
        rows = range(len(X))
        ranking[label] = [None if index is None else names[index] for index in picked]
        ranking[f"{label}_value"] = [
            np.nan if index is None else X[row, index]
            for row, index in zip(rows, picked)
        ]
        ranking[f"{label}_usual"] = [
            np.nan if index is None else usual_matrix[row, index]
            for row, index in zip(rows, picked)
        ]
        ranking[f"{label}_effect"] = [
            np.nan if index is None else effects[row, index]
            for row, index in zip(rows, picked)
        ]
    return ranking


def _choose_reasons(names, values, usual_values, effects, min_effect):
    """Return the indices of up to three reasons for one row, largest effect first.

    Reading less than usual is no reason to suspect mining, even where it moves the
    score, so only features above their usual value count. Each behaviour appears
    once, because ``page_views``, ``page_views_z`` and ``peer_page_views_z`` all
    measure the same reading.
    """
    chosen, behaviours = [], set()
    for index in np.argsort(-effects, kind="stable"):
        if (
            len(chosen) == N_REASONS
            or effects[index] < min_effect
            or effects[index] <= 0
        ):
            break
        if values[index] <= usual_values[index]:
            continue
        behaviour = _behaviour(names[index])
        if behaviour in behaviours:
            continue
        behaviours.add(behaviour)
        chosen.append(index)
    return chosen


# Features that measure the same behaviour as another one. Distinct pages follow page
# views almost one for one in a bulk read, so listing both would waste a reason.
_SAME_BEHAVIOUR = {"distinct_pages": "page_views"}


def _behaviour(name):
    """Return the behaviour a feature measures, named by its main profile feature."""
    base = _base_feature(name)
    return _SAME_BEHAVIOUR.get(base, base)


def _base_feature(name):
    """Return the profile feature a feature name is about: ``peer_x_z`` is ``x``."""
    for suffix in ("_z", "_pct"):
        name = name.removesuffix(suffix)
    return name.removeprefix("peer_")


def _rule_text(strengths):
    """Return, per row, the rules that fired with their strength, or ""."""
    texts = []
    names = list(strengths)
    for row in range(len(next(iter(strengths.values())))):
        fired = [
            f"{name} {strengths[name][row]:.0%}"
            for name in names
            if strengths[name][row] > 0
        ]
        texts.append(", ".join(fired))
    return texts


def _add_peer_usual(ranking, today, history, feature_names):
    """Add ``reason_k_peer_usual``: the median of that feature among the user's peers.

    Peers are the users of the same ``peer_group`` on the days of the window. A user
    without a group, and features without a ``peer_group`` column, use the whole
    organisation instead.
    """
    names = list(feature_names)
    organisation = history[names].median() if len(history) else None
    by_group = None
    if "peer_group" in history.columns and len(history):
        by_group = history.groupby("peer_group", dropna=True)[names].median()

    groups = today["peer_group"] if "peer_group" in today.columns else None
    for k in range(1, N_REASONS + 1):
        column = f"reason_{k}"
        if column not in ranking.columns:
            continue
        values = []
        for row, name in enumerate(ranking[column]):
            values.append(_peer_value(name, row, groups, by_group, organisation))
        position = ranking.columns.get_loc(f"{column}_usual") + 1
        ranking.insert(position, f"{column}_peer_usual", values)
    return ranking


def _peer_value(name, row, groups, by_group, organisation):
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return np.nan
    group = None if groups is None else groups.iloc[row]
    if by_group is not None and group is not None and group in by_group.index:
        return float(by_group.at[group, name])
    if organisation is not None:
        return float(organisation[name])
    return np.nan


def _describe(name, value, usual, today_row, usual_row):
    """Describe one reason, giving a z-score as the count it measures."""
    base = _base_feature(name)
    if name.endswith("_z") and base in today_row.index:
        unit = _FEATURE_UNITS.get(base, "")
        today_text = _format_value(float(today_row[base]), unit)
        if name.startswith("peer_"):
            return f"{base} {today_text} ({value:.0f} robust SD above the peer group)"
        if base in usual_row.index:
            usual_text = _format_value(float(usual_row[base]), unit)
            return (
                f"{base} {today_text} (usual {usual_text}, {value:.0f} robust SD above)"
            )
    unit = _FEATURE_UNITS.get(name, "")
    return f"{name} {_format_value(value, unit)} (usual {_format_value(usual, unit)})"


def _format_value(value, unit):
    if unit == "fraction":
        return f"{value:.0%}"
    if unit in ("bits", "views per hour"):
        return f"{value:.1f}"
    return format_count(value)
