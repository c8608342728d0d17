"""Compare each user-day with the user's own trailing history and with their peers."""

import logging
import numbers
import warnings

import numpy as np
import pandas as pd

from uba.exceptions import InvalidParameterError, UBAWarning
from uba.features._context_catalogue import CONTEXT_FEATURE_NAMES
from uba.features._event_codes import (
    check_events,
    daily_tables,
    encode_events,
    user_day_key,
)
from uba.features._history import (
    BASELINE_FEATURES,
    BASELINE_NAMES,
    HISTORY_COLUMNS,
    NONE,
    ORGANISATION,
    PEERS,
    SELF,
    History,
    pooled_scores,
    self_scores,
    self_windows,
)
from uba.features._novelty import novelty_features
from uba.features._peers import (
    MIN_GROUP_SIZE,
    PeerAssignment,
    cluster_users,
    day_number,
    derive_peer_groups_before,
    foreign_space_share,
    normalise_peer_groups,
)
from uba.features._privilege import privilege_features
from uba.features._profiles import build_profiles
from uba.features._time_of_week import time_of_week_features
from uba.features._windows import DayAxis

logger = logging.getLogger(__name__)

_PROFILE_COLUMNS = ("user", "date", *HISTORY_COLUMNS)

# Neutral values of a user-day that has no baseline at all.
_NEUTRAL_Z = 0.0
_NEUTRAL_PERCENTILE = 50.0


def build_context_features(
    events,
    profiles,
    *,
    window_days=28,
    min_history_days=5,
    peer_groups=None,
    privileged_users=None,
    peer_groups_before=None,
):
    """Compare each user-day with the user's trailing history and with their peers.

    Every feature of a user-day on date ``d`` comes from the ``window_days`` days
    ``d - window_days`` to ``d - 1``, never from ``d`` or later, so a user-day gets the
    same values whether it is part of the training data or scored later.

    Parameters
    ----------
    events : pandas.DataFrame
        Events as returned by :func:`uba.read_events`, covering the days of
        ``profiles`` and the ``window_days`` days before the first of them.
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.build_profiles`, or some of their rows, such
        as the days to score. Profiles for user-days of ``events`` that ``profiles``
        lacks are built from the events and serve as history only.
    window_days : int, default=28
        Length of the trailing window in days.
    min_history_days : int, default=5
        Days in the window that a user needs to serve as their own baseline. With
        fewer, the baseline is the peer group, or else the whole organisation.
    peer_groups : dict or pandas.DataFrame, optional
        Group of each user, as a mapping or a DataFrame with the columns ``user`` and
        ``group`` (see :func:`read_peer_groups`). When None, groups are derived from
        the space views of ``events`` with :func:`derive_peer_groups`.
    privileged_users : iterable of str, optional
        Users who count as privileged on every day. When None, a user is privileged on
        a day with administration requests (``admin_requests``) on an earlier day of
        the window.
    peer_groups_before : str, date or None, default=None
        When groups are derived, use only the events of the local days before this
        one, so that the days being scored cannot move their users into other groups.
        Pass the first day to score. None derives them from all of ``events``.
        Ignored when ``peer_groups`` is given.

    Returns
    -------
    context : pandas.DataFrame
        One row per row of ``profiles``, in the same order and with the same index.
        Columns ``user``, ``date``, ``baseline`` (``"self"``, ``"peers"``,
        ``"organisation"``, or ``"none"`` when not even the organisation has
        ``min_history_days`` user-days in the window), ``peer_group`` (the group the
        peer features used, missing when they used the whole organisation), then the
        float64 features of :data:`uba.features.CONTEXT_FEATURE_NAMES`. ``attrs``
        contains ``peer_groups`` (the group of each user as given or derived),
        ``peer_groups_derived``, ``anonymous_requests``, ``history_user_days_added``
        (user-days built from the events), ``profile_rows_without_events``,
        ``users_in_small_groups`` and ``users_without_group``.

    Raises
    ------
    ValueError
        When a column is missing, a profile user or date is missing, or a user-day
        occurs twice in ``profiles``.
    InvalidParameterError
        When a parameter has an invalid type or value.

    Warns
    -----
    UBAWarning
        When profile rows have no events, so their event features are 0, or when
        peer groups are to be derived and none can be.

    See Also
    --------
    build_profiles, derive_peer_groups, read_peer_groups

    Notes
    -----
    ``docs/features.md`` documents every feature. Each one is computed with sorted
    searches over the events, so the cost grows as ``n log n`` in the number of
    events, plus one pass per day and group for the pooled peer statistics. Peer
    statistics pool the user-days of the whole group, the user's own included. A group
    with fewer than three members among the users of ``events`` and ``profiles``, or
    with fewer than ``min_history_days`` user-days in the window, falls back to the
    organisation.

    Examples
    --------
    >>> import pandas as pd
    >>> from uba.features import build_context_features, build_profiles
    >>> days = pd.date_range("2026-03-02 10:00", periods=8, freq="D", tz="UTC")
    >>> events = pd.DataFrame({
    ...     "timestamp": days, "utc_offset": 0, "user": "alice",
    ...     "client_ip": "192.0.2.10", "path": "/display/ENG/Home", "status": 200,
    ...     "user_agent": "Mozilla/5.0", "action": "page_view", "space_key": "ENG",
    ...     "page_id": pd.array([None] * 8, dtype="Int64"),
    ... })
    >>> context = build_context_features(events, build_profiles(events))
    >>> last = context.iloc[-1]
    >>> last["baseline"], float(last["history_days"]), float(last["new_spaces"])
    ('self', 7.0, 0.0)
    """
    window_days, min_history_days = _check_parameters(window_days, min_history_days)
    if peer_groups_before is not None:
        day_number(peer_groups_before)
    check_events(events)
    _check_profiles(profiles)
    mapping = normalise_peer_groups(peer_groups)
    privileged_names = _check_privileged_users(privileged_users)

    if len(profiles) == 0:
        features = {name: np.zeros(0) for name in CONTEXT_FEATURE_NAMES}
        context = _assemble(profiles, features, [], [])
        context.attrs.update(_empty_attrs(mapping))
        return context

    profile_users = profiles["user"].astype(str).to_numpy()
    profile_days = _day_numbers(profiles["date"])
    codes = encode_events(events, extra_users=np.unique(profile_users))
    profile_user = np.searchsorted(codes.users, profile_users)

    history, query_rows, n_added = _build_history(
        events, profiles, (profile_user, profile_days), codes
    )
    codes.request_user_day = None
    n_without_events = _count_rows_without_events(profile_user, profile_days, codes)

    axis = DayAxis(history.day.min(), history.day.max(), window_days)
    history.day = axis.offset(history.day)
    tables = daily_tables(codes, axis.offset(codes.day), axis.n_days)

    derived = mapping is None
    if derived and peer_groups_before is not None:
        mapping = derive_peer_groups_before(events, peer_groups_before)
    elif derived:
        mapping = cluster_users(tables.spaces, codes.users)
    if derived and not mapping:
        warnings.warn(NO_DERIVED_GROUPS, UBAWarning, stacklevel=3)
    assignment = PeerAssignment(mapping, codes.users)
    _log_assignment(assignment)

    features, baseline, group = _compute(
        tables,
        history,
        query_rows,
        assignment,
        axis,
        min_history_days,
        _privileged_mask(privileged_names, codes.users),
    )

    group_names = np.append(assignment.group_names, None).astype(object)
    context = _assemble(
        profiles, features, np.asarray(BASELINE_NAMES)[baseline], group_names[group]
    )
    context.attrs.update(
        {
            "peer_groups": dict(mapping),
            "peer_groups_derived": derived,
            "anonymous_requests": codes.n_anonymous,
            "history_user_days_added": n_added,
            "profile_rows_without_events": n_without_events,
            "users_in_small_groups": assignment.merged_users,
            "users_without_group": assignment.unassigned_users,
        }
    )
    return context


def _check_parameters(window_days, min_history_days):
    for name, value in (
        ("window_days", window_days),
        ("min_history_days", min_history_days),
    ):
        if (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 1
        ):
            raise InvalidParameterError(
                f"{name} must be a positive integer, got {value!r}"
            )
    if min_history_days > window_days:
        raise InvalidParameterError(
            f"min_history_days must be at most window_days ({window_days}), got "
            f"{min_history_days}; no user could then serve as their own baseline"
        )
    return int(window_days), int(min_history_days)


def _check_profiles(profiles):
    if not isinstance(profiles, pd.DataFrame):
        raise TypeError(
            f"profiles must be a pandas DataFrame from uba.build_profiles, "
            f"got {type(profiles).__name__}"
        )

    missing = [column for column in _PROFILE_COLUMNS if column not in profiles.columns]
    if missing:
        raise ValueError(
            f"profiles is missing the columns {missing}; "
            f"pass the DataFrame returned by uba.build_profiles"
        )

    for column in _PROFILE_COLUMNS:
        n_missing = int(profiles[column].isna().sum())
        if n_missing:
            first = profiles.index[profiles[column].isna().to_numpy()][0]
            raise ValueError(
                f"profiles has {n_missing} missing values in column {column!r}, the "
                f"first at index {first!r}; rebuild the profiles with "
                f"uba.build_profiles"
            )


def _check_privileged_users(privileged_users):
    if privileged_users is None:
        return None
    if isinstance(privileged_users, str):
        raise InvalidParameterError(
            f"privileged_users must be a collection of user names, got the single "
            f"string {privileged_users!r}; pass {{{privileged_users!r}}}"
        )
    try:
        names = set(privileged_users)
    except TypeError:
        raise InvalidParameterError(
            f"privileged_users must be a collection of user names, got "
            f"{type(privileged_users).__name__}"
        ) from None

    not_names = [name for name in names if not isinstance(name, str)]
    if not_names:
        raise InvalidParameterError(
            f"privileged_users must contain user names as str, got {not_names[0]!r}"
        )
    return names


def _log_assignment(assignment):
    if assignment.unassigned_users:
        logger.info(
            "Users without a peer group, compared with the organisation instead: %d",
            assignment.unassigned_users,
        )
    if assignment.merged_users:
        logger.info(
            "Users in peer groups of fewer than %d members, compared with the "
            "organisation instead: %d",
            MIN_GROUP_SIZE,
            assignment.merged_users,
        )


def _privileged_mask(names, users):
    if names is None:
        return None

    mask = np.isin(users, sorted(names))
    n_unknown = len(names) - int(mask.sum())
    if n_unknown:
        logger.info("%d privileged users have neither events nor profiles", n_unknown)
    return mask


def _day_numbers(dates):
    """Return the calendar day of each date as days since 1970-01-01."""
    dates = pd.to_datetime(dates)
    if dates.dt.tz is not None:
        dates = dates.dt.tz_localize(None)
    return (
        dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    )


def _build_history(events, profiles, profile_keys, codes):
    """Return the history, the history row of each profile row, and the rows added.

    The history contains the profile rows plus profiles built from the events of
    every user-day that ``profiles`` lacks.
    """
    profile_user, profile_days = profile_keys
    keys = user_day_key(profile_user, profile_days)
    _check_unique_user_days(profiles, keys)

    values = [profiles[list(HISTORY_COLUMNS)].to_numpy(dtype="float64")]
    users, days = [profile_user], [profile_days]

    missing = np.setdiff1d(codes.user_days, keys, assume_unique=True)
    if len(missing):
        added = build_profiles(events.loc[np.isin(codes.request_user_day, missing)])
        values.append(added[list(HISTORY_COLUMNS)].to_numpy(dtype="float64"))
        users.append(np.searchsorted(codes.users, added["user"].astype(str).to_numpy()))
        days.append(_day_numbers(added["date"]))
        logger.info("built %d history user-days that the profiles lack", len(missing))

    user = np.concatenate(users).astype("int64")
    day = np.concatenate(days)
    order = np.lexsort((day, user))
    history = History(
        user=user[order], day=day[order], values=np.concatenate(values)[order]
    )

    position = np.empty(len(order), dtype="int64")
    position[order] = np.arange(len(order))
    return history, position[: len(profiles)], len(missing)


def _check_unique_user_days(profiles, keys):
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if len(repeated):
        row = profiles.iloc[order[repeated[0] + 1]]
        raise ValueError(
            f"profiles has {len(repeated)} repeated user-days, the first for user "
            f"{row['user']!r} on {row['date']}; pass one row per user and day"
        )


# Message when the space views give no peer groups to derive.
NO_DERIVED_GROUPS = (
    "No peer groups could be derived from the spaces users read: no request names a "
    "space, or no user's spaces set them apart. Every user is compared with the "
    "organisation instead of peers; pass peer_groups (or --peer-groups) to set them."
)


def _count_rows_without_events(profile_user, profile_days, codes):
    keys = user_day_key(profile_user, profile_days)
    n_without = int((~np.isin(keys, codes.user_days)).sum())
    if n_without:
        warnings.warn(
            f"{n_without} profile rows have no events, so their event features "
            f"(novelty, foreign spaces, hours of the week) are 0; pass the events "
            f"the profiles were built from",
            UBAWarning,
            stacklevel=3,
        )
    return n_without


def _compute(
    tables, history, query_rows, assignment, axis, min_history_days, privileged
):
    """Return the features, the baseline code and the peer group code of each query."""
    window_days = axis.window_days
    query_user = history.user[query_rows]
    query_day = history.day[query_rows]
    queries = (query_user, query_day)
    user_group = assignment.user_group
    group = user_group[query_user]

    lo, hi = self_windows(history, query_rows, axis.n_days, window_days)
    history_days = hi - lo
    today = history.values[query_rows][:, : len(BASELINE_FEATURES)]
    self_z, self_pct = self_scores(history, lo, hi, today, window_days)
    peer_reference, peer_z, peer_pct = _peer_scores(
        history, queries, today, user_group, axis, min_history_days
    )

    own = history_days >= min_history_days
    baseline = np.where(own, SELF, peer_reference)
    features = {"history_days": history_days.astype("float64")}
    features.update(_baseline_scores(own, (self_z, self_pct), (peer_z, peer_pct)))
    features.update(_peer_features(peer_z))

    features.update(
        novelty_features(tables, queries, (baseline, group, user_group), axis)
    )
    features["foreign_space_share"] = foreign_space_share(
        tables.spaces, queries, (peer_reference, group, user_group), axis
    )
    features["hour_rarity"], features["rare_hour_share"] = time_of_week_features(
        tables.hours, queries, (baseline, group, user_group), axis
    )
    features["privileged"], features["privileged_content_views"] = privilege_features(
        history, query_rows, (lo, hi), privileged
    )

    group = np.where(peer_reference == PEERS, group, -1)
    return features, baseline, group


def _peer_scores(history, queries, today, user_group, axis, min_history_days):
    """Return each query's peer reference and its scores against that reference.

    The reference is the peer group when it has at least ``min_history_days``
    user-days in the window, else the organisation under the same condition, else
    none (scores NaN).
    """
    query_user, query_day = queries
    query_group = user_group[query_user]
    reference = np.full(len(query_user), NONE)
    z = np.full(today.shape, np.nan)
    percentile = np.full(today.shape, np.nan)
    n_features = today.shape[1]

    row_group = user_group[history.user]
    member = row_group >= 0
    group_pool = (
        row_group[member],
        history.day[member],
        history.values[member][:, :n_features],
    )
    organisation_pool = (
        np.zeros(len(history.day), dtype="int64"),
        history.day,
        history.values[:, :n_features],
    )

    # Users in a group first; then everyone the group could not serve.
    scores = (reference, z, percentile)
    in_group = np.flatnonzero(query_group >= 0)
    group_queries = (in_group, query_group[in_group], query_day[in_group])
    _score_against_pool(
        group_pool, group_queries, today, scores, PEERS, axis, min_history_days
    )

    rest = np.flatnonzero(reference == NONE)
    rest_queries = (rest, np.zeros(len(rest), dtype="int64"), query_day[rest])
    _score_against_pool(
        organisation_pool,
        rest_queries,
        today,
        scores,
        ORGANISATION,
        axis,
        min_history_days,
    )
    return reference, z, percentile


def _score_against_pool(pool, queries, today, scores, kind, axis, min_history_days):
    """Score the query rows against a pool and store the results where it is usable.

    ``queries`` is ``(rows, entity, day_offset)``; ``scores`` is the
    ``(reference, z, percentile)`` arrays to fill in place.
    """
    rows, entity, day = queries
    reference, z, percentile = scores
    pool_z, pool_pct, pool_size = pooled_scores(
        pool,
        (entity, day, today[rows]),
        axis.n_days,
        axis.window_days,
        BASELINE_FEATURES,
    )

    usable = pool_size >= min_history_days
    z[rows[usable]] = pool_z[usable]
    percentile[rows[usable]] = pool_pct[usable]
    reference[rows[usable]] = kind


def _baseline_scores(own, self_scores_, reference_scores):
    self_z, self_pct = self_scores_
    reference_z, reference_pct = reference_scores
    z = np.where(own[:, None], self_z, reference_z)
    percentile = np.where(own[:, None], self_pct, reference_pct)

    features = {}
    for j, name in enumerate(BASELINE_FEATURES):
        features[f"{name}_z"] = np.nan_to_num(z[:, j], nan=_NEUTRAL_Z)
        features[f"{name}_pct"] = np.nan_to_num(
            percentile[:, j], nan=_NEUTRAL_PERCENTILE
        )
    return features


def _peer_features(peer_z):
    features = {}
    for name in ("page_views", "distinct_spaces"):
        column = peer_z[:, BASELINE_FEATURES.index(name)]
        features[f"peer_{name}_z"] = np.nan_to_num(column, nan=_NEUTRAL_Z)
    return features


def _empty_attrs(mapping):
    counts = (
        "anonymous_requests",
        "history_user_days_added",
        "profile_rows_without_events",
        "users_in_small_groups",
        "users_without_group",
    )
    attrs = {"peer_groups": dict(mapping or {}), "peer_groups_derived": mapping is None}
    attrs.update({name: 0 for name in counts})
    return attrs


def _assemble(profiles, features, baseline_names, peer_group_names):
    columns = {
        "user": profiles["user"].array,
        "date": profiles["date"].array,
        "baseline": pd.array(baseline_names, dtype="str"),
        "peer_group": pd.array(peer_group_names, dtype="str"),
    }
    for name in CONTEXT_FEATURE_NAMES:
        columns[name] = np.asarray(features[name], dtype="float64")
    return pd.DataFrame(columns, index=profiles.index)
