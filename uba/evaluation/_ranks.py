"""Daily ranks and top-k membership with ties broken at random, in expectation."""

from numbers import Integral

import numpy as np
import pandas as pd

# Decimals kept of ``share * active_users`` before rounding up, so that a product
# such as 0.07 * 100 = 7.000000000000001 gives a cut-off of 7, not 8.
_CUTOFF_DECIMALS = 9


def rank_within_days(table):
    """Add each user-day's position among the users active on its day.

    Parameters
    ----------
    table : pandas.DataFrame
        A checked score table with ``user``, ``date`` and ``score``.

    Returns
    -------
    ranked : pandas.DataFrame
        A copy with four more columns:

        - ``higher`` (int64): users of the day with a strictly higher score;
        - ``tied`` (int64): users of the day with the same score, the user-day
          itself included;
        - ``rank`` (float64): the mid-rank ``1 + higher + (tied - 1) / 2``;
        - ``active_users`` (int64): users scored that day.
    """
    by_day = table.groupby("date", sort=False)["score"]
    first = by_day.rank(method="min", ascending=False).astype("int64")
    last = by_day.rank(method="max", ascending=False).astype("int64")

    ranked = table.copy()
    ranked["higher"] = first - 1
    ranked["tied"] = last - first + 1
    ranked["rank"] = first + (ranked["tied"] - 1) / 2
    ranked["active_users"] = by_day.transform("size").astype("int64")
    return ranked


def daily_cutoff(active_users, k):
    """Return the number of users reviewed on a day with ``active_users`` users.

    An int ``k`` is the cut-off itself. A float ``k`` in (0, 1) is a share of the
    day's active users, rounded up and at least 1.
    """
    active_users = np.asarray(active_users, dtype="int64")
    if isinstance(k, Integral):
        return np.full(active_users.shape, int(k), dtype="int64")

    cutoff = np.ceil(np.round(k * active_users, _CUTOFF_DECIMALS)).astype("int64")
    return np.maximum(cutoff, 1)


def top_k_probability(ranked, k):
    """Return the chance that each ranked user-day is in its day's top ``k``.

    Ties are broken uniformly at random, so a user-day whose tied group straddles
    the cut-off is in the top ``k`` with probability ``(cutoff - higher) / tied``,
    clipped to [0, 1].
    """
    cutoff = daily_cutoff(ranked["active_users"].to_numpy(), k)
    higher = ranked["higher"].to_numpy(dtype="float64")
    tied = ranked["tied"].to_numpy(dtype="float64")
    return np.clip((cutoff - higher) / tied, 0.0, 1.0)


def attach_scenarios(ranked, labels):
    """Return the ranked rows of the labelled user-days, with their ``scenario``."""
    attacked = labels.merge(ranked, on=["user", "date"], how="inner", validate="1:1")
    return attacked.sort_values(["date", "user"], ignore_index=True)


def is_labelled(ranked, labels):
    """Return a boolean array: whether each row of ``ranked`` is a labelled user-day."""
    keys = pd.MultiIndex.from_frame(ranked[["user", "date"]])
    labelled = pd.MultiIndex.from_frame(labels[["user", "date"]])
    return keys.isin(labelled)
