"""Spaces, pages, client addresses and user agents that are new to a user on a day.

An item is new on a day when the user's reference did not have it on any day of the
trailing window. With a ``self`` baseline the reference is the user's own requests.
With a ``peers`` or ``organisation`` baseline it is the user's own requests together
with those of the peer group or of the whole organisation, so the spaces of a
newcomer's department are not new to them. With no baseline nothing counts as new.
"""

import numpy as np

from uba.features._history import NONE, ORGANISATION, PEERS
from uba.features._windows import seen_in_window


def novelty_features(tables, queries, reference, axis):
    """Return the novelty features of each query user-day.

    Parameters
    ----------
    tables : DailyTables
        Distinct items of each user-day, with day offsets on ``axis``.
    queries : tuple of numpy.ndarray
        ``(user, day_offset)`` of distinct query user-days.
    reference : tuple of numpy.ndarray
        ``(baseline, group, user_group)``: the baseline code per query, the group code
        per query and the group of each user code (-1 for none).
    axis : DayAxis

    Returns
    -------
    features : dict of str to numpy.ndarray
        ``new_spaces``, ``new_pages``, ``new_space_share``, ``new_client_ip`` and
        ``new_user_agent``, as float64.
    """
    n_queries = len(queries[0])
    new_spaces, views_in_new, space_views = _count_new(
        tables.spaces, queries, reference, axis
    )
    new_pages, _, _ = _count_new(tables.pages, queries, reference, axis)
    new_addresses, _, _ = _count_new(tables.client_ips, queries, reference, axis)
    new_agents, _, _ = _count_new(tables.user_agents, queries, reference, axis)

    new_space_share = np.zeros(n_queries)
    np.divide(views_in_new, space_views, out=new_space_share, where=space_views > 0)
    return {
        "new_spaces": new_spaces,
        "new_pages": new_pages,
        "new_space_share": new_space_share,
        "new_client_ip": (new_addresses > 0).astype("float64"),
        "new_user_agent": (new_agents > 0).astype("float64"),
    }


def _count_new(table, queries, reference, axis):
    """Return, per query, its new items, its events on new items and all its events."""
    n_queries = len(queries[0])
    entry_query, row = table.match(queries, axis.n_days)
    entries = (entry_query, table.item[row])

    new = ~_seen_by_reference(table, entries, queries, reference, axis)
    events = table.count[row]
    return (
        np.bincount(entry_query, weights=new, minlength=n_queries),
        np.bincount(entry_query, weights=events * new, minlength=n_queries),
        np.bincount(entry_query, weights=events, minlength=n_queries),
    )


def _seen_by_reference(table, entries, queries, reference, axis):
    """Return whether each (query, item) entry occurs in its reference's window."""
    entry_query, entry_item = entries
    query_user, query_day = queries
    baseline, group, user_group = reference

    entry_day = query_day[entry_query]
    seen = seen_in_window(
        (table.user, table.item, table.day),
        (query_user[entry_query], entry_item, entry_day),
        axis.n_days,
        axis.window_days,
    )

    kind = baseline[entry_query]
    peers = kind == PEERS
    if peers.any():
        table_group = user_group[table.user]
        member = table_group >= 0
        seen[peers] |= seen_in_window(
            (table_group[member], table.item[member], table.day[member]),
            (group[entry_query[peers]], entry_item[peers], entry_day[peers]),
            axis.n_days,
            axis.window_days,
        )

    organisation = kind == ORGANISATION
    if organisation.any():
        n_selected = int(organisation.sum())
        seen[organisation] |= seen_in_window(
            (np.zeros_like(table.user), table.item, table.day),
            (
                np.zeros(n_selected, dtype="int64"),
                entry_item[organisation],
                entry_day[organisation],
            ),
            axis.n_days,
            axis.window_days,
        )

    seen[kind == NONE] = True
    return seen
