"""The change that a user's peer group shows on the same day, to discount from scores.

When a department moves into a new space, or a deadline makes a whole team read
more, every member's day goes beyond their own habit at once, and away from the rest
of the organisation. Such a change is no sign that one account mines the wiki.

Take a ratio such as the organisation ratio or the self ratio of a detector. The
shared change of a user-day is the median ratio of the other members of the user's
peer group on the same day. It is about 1 on an ordinary day, and clearly above 1
when the group changed together. The ranking divides the score by it, so a user
ranks high only for what goes beyond what the peers did that day.

The user's own ratio is left out of the median, so an account cannot cancel its
own change. A group needs at least :data:`MIN_OTHER_PEERS` other members with a
ratio on the day; smaller groups, and users without a group, get 1.

The discount is at most :data:`MAX_SHARED_CHANGE`, because scores grow far more
slowly than page counts. A benign surge of most of a group, such as ten times the
usual reading, gives a shared change close to the score of one member who reads a
hundred times more. Without a limit, the group would hide that member.

NOTE: a member who mines the wiki on a day when most of the group changes together
loses up to half of the score. When half or more of a group's active members mine
on the same day, the medians rise with them and their change is discounted too.
"""

import numpy as np
import pandas as pd

# Other members of the peer group with a ratio that a shared change needs.
MIN_OTHER_PEERS = 8

# Largest factor a shared change divides a score by. A department moving into a new
# space gives about 1.6 in the benchmark's organisations.
MAX_SHARED_CHANGE = 2.0


def shared_change(ratios, groups, days):
    """Return, for each row, the median ratio of the other rows of its group-day.

    Parameters
    ----------
    ratios : array-like of shape (n_rows,)
        A ratio of each user-day, about 1 on a typical day; NaN for a user-day
        without one.
    groups : array-like of shape (n_rows,)
        Peer group of each user-day; missing values mean no group.
    days : array-like of shape (n_rows,)
        Day of each user-day.

    Returns
    -------
    shared : ndarray of shape (n_rows,)
        The median ratio of the other rows with the same group and day that have
        a ratio, at least 1; 1 where fewer than :data:`MIN_OTHER_PEERS`
        such rows exist or the row has no group.
    """
    ratios = np.asarray(ratios, dtype=np.float64)
    table = pd.DataFrame(
        {"group": np.asarray(groups, dtype=object), "day": np.asarray(days)}
    )
    shared = np.ones(len(ratios))

    usable = np.flatnonzero(table["group"].notna().to_numpy() & ~np.isnan(ratios))
    for rows in table.iloc[usable].groupby(["group", "day"]).indices.values():
        members = usable[rows]
        if len(members) <= MIN_OTHER_PEERS:
            continue
        shared[members] = np.maximum(_median_of_others(ratios[members]), 1.0)
    return shared


def _median_of_others(values):
    """Return, for each value, the median of the other values."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    n_others = len(values) - 1
    position = np.empty(len(values), dtype=np.int64)
    position[order] = np.arange(len(values))

    # The k-th smallest of the others is the k-th of all, or the next one when the
    # left-out value lies at or below it.
    def kth_of_others(k):
        return ordered[np.where(position <= k, k + 1, k)]

    middle = n_others // 2
    if n_others % 2:
        return kth_of_others(middle)
    return (kth_of_others(middle - 1) + kth_of_others(middle)) / 2
