"""Trailing-window lookups over sorted integer keys, vectorised over many queries.

Every lookup answers a question about the days ``[day - window_days, day - 1]`` before
a query day, never the query day itself. Days are offsets on a :class:`DayAxis`.
Entities (users, peer groups) and items (spaces, pages, addresses) are non-negative
integer codes.
"""

import numpy as np

# Packed keys must stay below this bound so that int64 arithmetic cannot overflow.
_KEY_LIMIT = 2**62


class DayAxis:
    """Day numbers shifted so that every window start is a non-negative offset.

    The first day of the data gets the offset ``window_days``, so the window of every
    day in the data starts at offset 0 or later.

    Parameters
    ----------
    first_day, last_day : int
        First and last day number (days since 1970-01-01) that occur in the data.
    window_days : int
        Length of the trailing window.

    Attributes
    ----------
    origin : int
        Day number of offset 0.
    n_days : int
        Number of offsets from 0 to the last day of the data.
    """

    def __init__(self, first_day, last_day, window_days):
        self.first_day = int(first_day)
        self.window_days = int(window_days)
        self.origin = self.first_day - self.window_days
        self.n_days = int(last_day) - self.origin + 1

    def offset(self, day):
        """Return the offset of day numbers from the axis origin, as int64."""
        return np.asarray(day, dtype="int64") - self.origin


def pack(major, minor, n_minor):
    """Combine two non-negative integer codes into one sortable int64 key."""
    major = np.asarray(major, dtype="int64")
    if len(major) and (int(major.max()) + 1) * int(n_minor) >= _KEY_LIMIT:
        raise OverflowError(
            f"cannot pack {int(major.max()) + 1} x {n_minor} codes into int64 keys; "
            f"split the events into shorter periods"
        )
    return major * int(n_minor) + np.asarray(minor, dtype="int64")


def window_bounds(sorted_keys, entity, day_offset, n_days, window_days):
    """Return the rows ``[lo, hi)`` of each query's trailing window.

    Parameters
    ----------
    sorted_keys : numpy.ndarray
        Sorted keys ``pack(entity, day_offset, n_days)`` of the reference rows.
    entity, day_offset : numpy.ndarray
        The query entity and its day offset on the :class:`DayAxis`.
    n_days : int
        ``DayAxis.n_days``.
    window_days : int
        Window length; the window is ``[day - window_days, day)``.

    Returns
    -------
    lo, hi : numpy.ndarray
        Positions in ``sorted_keys``; ``hi - lo`` is the number of rows in the window.
    """
    upper = pack(entity, day_offset, n_days)
    lo = np.searchsorted(sorted_keys, upper - window_days, side="left")
    hi = np.searchsorted(sorted_keys, upper, side="left")
    return lo, hi


def seen_in_window(reference, query, n_days, window_days):
    """Return, per query, whether its (entity, item) occurs in its trailing window.

    Parameters
    ----------
    reference, query : tuple of numpy.ndarray
        ``(entity, item, day_offset)`` arrays. Repeated reference triples are fine.
    n_days : int
        ``DayAxis.n_days``.
    window_days : int
        Window length.

    Returns
    -------
    seen : numpy.ndarray of bool
    """
    ref_entity, ref_item, ref_day = reference
    query_entity, query_item, query_day = query
    seen = np.zeros(len(query_entity), dtype=bool)
    if len(ref_entity) == 0 or len(query_entity) == 0:
        return seen

    n_items = int(max(ref_item.max(), query_item.max())) + 1
    ref_pair = pack(ref_entity, ref_item, n_items)
    query_pair = pack(query_entity, query_item, n_items)

    keys = count_unique(pack(ref_pair, ref_day, n_days))[0]
    latest = np.searchsorted(keys, pack(query_pair, query_day, n_days), side="left") - 1

    # The key just below the query key is the latest earlier day of the same pair, if
    # the pair occurs before the query day at all.
    found = latest >= 0
    latest_key = keys[np.maximum(latest, 0)]
    same_pair = latest_key // n_days == query_pair
    in_window = latest_key % n_days >= query_day - window_days
    seen[:] = found & same_pair & in_window
    return seen


def seen_by_others_in_window(reference, query, n_days, window_days):
    """Return whether anyone but the querying user had the (entity, item) in the window.

    Parameters
    ----------
    reference : tuple of numpy.ndarray
        ``(entity, item, day_offset, user)`` arrays.
    query : tuple of numpy.ndarray
        ``(entity, item, day_offset, user)`` arrays; ``user`` is left out of the search.
    n_days, window_days : int
        See :func:`seen_in_window`.

    Returns
    -------
    seen : numpy.ndarray of bool
    """
    ref_entity, ref_item, ref_day, ref_user = reference
    query_entity, query_item, query_day, query_user = query
    seen = np.zeros(len(query_entity), dtype=bool)
    if len(ref_entity) == 0 or len(query_entity) == 0:
        return seen

    n_items = int(max(ref_item.max(), query_item.max())) + 1
    ref_keys = pack(pack(ref_entity, ref_item, n_items), ref_day, n_days)
    keys, lowest, highest = _user_extremes_per_key(ref_keys, ref_user)

    query_pair = pack(query_entity, query_item, n_items)
    lo, hi = window_bounds(keys, query_pair, query_day, n_days, window_days)

    # Some other user occurs in the window unless the smallest and the largest user
    # code over all its days are both the querying user.
    has_rows = hi > lo
    lowest_user = _range_reduce(lowest, lo, hi, np.minimum, window_days)
    highest_user = _range_reduce(highest, lo, hi, np.maximum, window_days)
    only_self = (lowest_user == query_user) & (highest_user == query_user)
    seen[:] = has_rows & ~only_self
    return seen


def _user_extremes_per_key(keys, users):
    """Return the sorted distinct keys with the smallest and largest user of each."""
    order = np.lexsort((users, keys))
    keys = keys[order]
    users = np.asarray(users, dtype="int64")[order]

    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)] - 1
    return keys[starts], users[starts], users[ends]


def _range_reduce(values, lo, hi, reducer, max_length):
    """Reduce ``values[lo:hi]`` for many ranges at once with a sparse table.

    Ranges must be at most ``max_length`` long. Empty ranges give an arbitrary value.
    """
    table = [values]
    width = 1
    while width * 2 <= max_length and len(table[-1]) > width:
        previous = table[-1]
        table.append(reducer(previous[:-width], previous[width:]))
        width *= 2

    length = np.maximum(hi - lo, 1)
    level = np.floor(np.log2(length)).astype("int64")
    level = np.minimum(level, len(table) - 1)

    result = np.zeros(len(lo), dtype=values.dtype)
    for k, row in enumerate(table):
        at_level = level == k
        if not at_level.any():
            continue
        start = lo[at_level]
        end = hi[at_level] - (1 << k)
        start = np.clip(start, 0, len(row) - 1)
        end = np.clip(end, 0, len(row) - 1)
        result[at_level] = reducer(row[start], row[end])
    return result


class DailyItems:
    """Distinct (user, day, item) triples with their number of events.

    Rows are sorted by user, day and item.

    Parameters
    ----------
    user, day, item : numpy.ndarray of int64
        User code, day offset and item code of each event; items are non-negative.
    n_days : int
        ``DayAxis.n_days``.

    Attributes
    ----------
    user, day, item : numpy.ndarray of int64
        One entry per distinct triple.
    count : numpy.ndarray of float64
        Events of each triple.
    """

    def __init__(self, user, day, item, n_days):
        n_items = int(item.max()) + 1 if len(item) else 1
        keys, count = count_unique(pack(pack(user, day, n_days), item, n_items))
        user_day = keys // n_items
        self.user = user_day // n_days
        self.day = user_day % n_days
        self.item = keys % n_items
        self.count = count.astype("float64")

    def __len__(self):
        return len(self.user)

    def match(self, queries, n_days):
        """Return (query index, row) for every row whose user-day is a query.

        ``queries`` is ``(user, day_offset)`` of distinct user-days.
        """
        query_keys = pack(*queries, n_days)
        if len(self.user) == 0 or len(query_keys) == 0:
            empty = np.zeros(0, dtype="int64")
            return empty, empty

        order = np.argsort(query_keys, kind="stable")
        sorted_keys = query_keys[order]
        row_keys = pack(self.user, self.day, n_days)
        position = np.searchsorted(sorted_keys, row_keys)
        position = np.minimum(position, len(sorted_keys) - 1)
        row = np.flatnonzero(sorted_keys[position] == row_keys)
        return order[position[row]], row


def count_unique(keys):
    """Return the sorted distinct values of an int64 array and how often each occurs."""
    if len(keys) == 0:
        return np.asarray(keys, dtype="int64"), np.zeros(0, dtype="int64")

    ordered = np.sort(keys)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    return ordered[starts], counts
