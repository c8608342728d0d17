"""Robust comparison of a user-day with the user-days of a trailing window.

A *history* is a table of user-days sorted by user and day: the profile rows handed to
:func:`uba.features.build_context_features`, plus profiles built from the events of any
user-day they lack. A reference is either the user's own rows in the window or the
pooled rows of a peer group or of the whole organisation.
"""

from dataclasses import dataclass

import numpy as np

from uba.features._windows import pack, window_bounds

# Profile columns compared with their history, in output order.
BASELINE_FEATURES = (
    "page_views",
    "distinct_pages",
    "distinct_spaces",
    "max_pages_per_hour",
    "off_hours_share",
    "rest_share",
    "non_browser_share",
    "exports",
    "attachment_downloads",
    "searches",
)

# Further profile columns that the context features read from the history.
EXTRA_HISTORY_COLUMNS = ("requests", "admin_requests")

HISTORY_COLUMNS = BASELINE_FEATURES + EXTRA_HISTORY_COLUMNS

# Codes of the reference a user-day is compared with, and their names in the output.
SELF, PEERS, ORGANISATION, NONE = 0, 1, 2, 3
BASELINE_NAMES = ("self", "peers", "organisation", "none")

SHARE_FEATURES = frozenset({"off_hours_share", "rest_share", "non_browser_share"})

# The MAD times this factor estimates the standard deviation of normal data.
MAD_TO_STD = 1.4826

# Smallest scale of a share's robust z-score, so that a user whose share never varied
# does not get an unbounded score for a change of one request.
SHARE_SCALE_FLOOR = 0.05

# Rows of the windows gathered at once, to bound memory (rows x window_days floats).
_CHUNK_ROWS = 50_000


@dataclass
class History:
    """User-days sorted by user and day.

    Attributes
    ----------
    user : numpy.ndarray of int64
        User code of each row.
    day : numpy.ndarray of int64
        Day offset of each row on the context's :class:`~uba.features._windows.DayAxis`.
    values : numpy.ndarray of float64
        One column per name of :data:`HISTORY_COLUMNS`.
    """

    user: np.ndarray
    day: np.ndarray
    values: np.ndarray

    def column(self, name):
        """Return one column of :attr:`values` by its profile name."""
        return self.values[:, HISTORY_COLUMNS.index(name)]


def scale_floor(feature, median):
    """Return the smallest scale of a robust z-score for ``feature``.

    Shares get :data:`SHARE_SCALE_FLOOR`. Counts get ``max(1, sqrt(median))``, the
    standard deviation of a Poisson count with that mean, because the day-to-day
    spread of a count grows with its level.
    """
    if feature in SHARE_FEATURES:
        return np.full_like(median, SHARE_SCALE_FLOOR)
    return np.maximum(1.0, np.sqrt(np.maximum(median, 0.0)))


def self_windows(history, query_rows, n_days, window_days):
    """Return the rows ``[lo, hi)`` of the history in each query row's own window."""
    keys = pack(history.user, history.day, n_days)
    return window_bounds(
        keys,
        history.user[query_rows],
        history.day[query_rows],
        n_days,
        window_days,
    )


def window_sums(values, lo, hi):
    """Return the sum of ``values[lo:hi]`` for each range."""
    cumulative = np.concatenate([[0.0], np.cumsum(values, dtype="float64")])
    return cumulative[hi] - cumulative[lo]


def self_scores(history, lo, hi, today, window_days):
    """Compare each query row with its own rows ``[lo, hi)`` of the history.

    Parameters
    ----------
    history : History
    lo, hi : numpy.ndarray
        Window rows of each query, from :func:`self_windows`.
    today : numpy.ndarray
        Today's values of :data:`BASELINE_FEATURES`, one row per query.
    window_days : int
        Maximum window length, in rows.

    Returns
    -------
    z, percentile : numpy.ndarray
        One column per baseline feature; NaN where the window is empty.
    """
    n_queries = len(lo)
    z = np.full((n_queries, len(BASELINE_FEATURES)), np.nan)
    percentile = np.full_like(z, np.nan)

    for start in range(0, n_queries, _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        index = lo[rows, None] + np.arange(window_days)
        valid = index < hi[rows, None]
        index = np.where(valid, index, 0)

        for j, feature in enumerate(BASELINE_FEATURES):
            window = np.where(valid, history.column(feature)[index], np.nan)
            z[rows, j], percentile[rows, j] = _robust_scores(
                feature, window, today[rows, j]
            )
    return z, percentile


def _robust_scores(feature, window, today):
    """Return the robust z-score and percentile of ``today`` within each window row.

    ``window`` has one row per query and NaN where the window has no day.
    """
    n_valid = np.sum(~np.isnan(window), axis=1)
    median = _row_median(window, n_valid)
    mad = _row_median(np.abs(window - median[:, None]), n_valid)

    scale = np.maximum(MAD_TO_STD * mad, scale_floor(feature, median))
    z = (today - median) / scale

    below = np.sum(window < today[:, None], axis=1)
    equal = np.sum(window == today[:, None], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        percentile = 100.0 * (below + 0.5 * equal) / n_valid
    return z, percentile


def _row_median(window, n_valid):
    """Return the median of the non-NaN values of each row; NaN for an empty row."""
    ordered = np.sort(window, axis=1)
    rows = np.arange(len(ordered))
    lower = ordered[rows, np.maximum((n_valid - 1) // 2, 0)]
    upper = ordered[rows, n_valid // 2]
    median = (lower + upper) / 2
    median[n_valid == 0] = np.nan
    return median


def pooled_scores(pool, queries, n_days, window_days, features):
    """Compare query rows with the pooled rows of their entity's trailing window.

    Parameters
    ----------
    pool : tuple of numpy.ndarray
        ``(entity, day_offset, values)`` of the rows that make up each entity's pool;
        ``values`` has one column per name in ``features``.
    queries : tuple of numpy.ndarray
        ``(entity, day_offset, today)`` of the query rows; ``today`` has the same
        columns as the pool values.
    n_days, window_days : int
        ``DayAxis.n_days`` and the window length.
    features : sequence of str
        Names of the value columns, which select each column's scale floor.

    Returns
    -------
    z, percentile : numpy.ndarray
        One column per feature; NaN for queries whose pool is empty.
    pool_size : numpy.ndarray of int64
        Number of pooled user-days in each query's window.
    """
    pool_entity, pool_day, pool_values = pool
    query_entity, query_day, today = queries

    order = np.lexsort((pool_day, pool_entity))
    keys = pack(pool_entity[order], pool_day[order], n_days)
    pool_values = pool_values[order]

    lo, hi = window_bounds(keys, query_entity, query_day, n_days, window_days)
    z = np.full(today.shape, np.nan)
    percentile = np.full(today.shape, np.nan)
    if len(query_entity) == 0:
        return z, percentile, hi - lo

    # Queries of the same entity and day share one pool, so each pool is sorted once.
    pair_keys = pack(query_entity, query_day, n_days)
    pair_order = np.argsort(pair_keys, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(pair_keys[pair_order]) != 0])
    ends = np.r_[starts[1:], len(pair_order)]

    for start, end in zip(starts, ends):
        members = pair_order[start:end]
        first = members[0]
        if hi[first] == lo[first]:
            continue
        values = pool_values[lo[first] : hi[first]]
        z[members], percentile[members] = _pooled_robust_scores(
            values, today[members], features
        )
    return z, percentile, hi - lo


def _pooled_robust_scores(values, today, features):
    ordered = np.sort(values, axis=0)
    median = np.median(ordered, axis=0)
    mad = np.median(np.abs(values - median), axis=0)

    z = np.empty(today.shape)
    percentile = np.empty(today.shape)
    for j, feature in enumerate(features):
        scale = max(
            MAD_TO_STD * mad[j], float(scale_floor(feature, median[j : j + 1])[0])
        )
        z[:, j] = (today[:, j] - median[j]) / scale

        below = np.searchsorted(ordered[:, j], today[:, j], side="left")
        not_above = np.searchsorted(ordered[:, j], today[:, j], side="right")
        percentile[:, j] = 100.0 * (below + not_above) / (2 * len(values))
    return z, percentile
