"""Benign look-alike user-days that reach the top of the daily rankings."""

import numpy as np
import pandas as pd

from uba.evaluation._ranks import daily_cutoff, rank_within_days, top_k_probability
from uba.evaluation._validation import (
    TOTAL_KIND,
    check_k,
    check_lookalikes,
    check_score_table,
)


def lookalikes_in_top(scores, lookalikes, k):
    """Count the benign look-alike user-days that reach their day's top ``k``.

    A look-alike is a benign user-day that resembles an attack (a heavy writer, a
    remote team, a search indexer, a new joiner, a reorganisation). Each one in the
    daily top ``k`` costs the analyst a review, so fewer is better.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table with the columns ``user`` (str), ``date`` (datetime64 at
        midnight) and ``score`` (float, higher is more suspicious), one row per
        active user-day.
    lookalikes : pandas.DataFrame
        Look-alike user-days with the columns ``user``, ``date`` and ``kind``. A
        user-day may appear once per kind. Every listed user-day must be in
        ``scores``.
    k : int or float
        Daily review budget: an int >= 1 is a number of users, a float in (0, 1) is
        a share of the day's active users, rounded up and at least 1.

    Returns
    -------
    counts : pandas.DataFrame
        The first row, whose ``kind`` is ``"all"``, counts every look-alike
        user-day once, even one of several kinds. One row per kind follows, in
        alphabetical order. The columns are:

        - ``kind``;
        - ``user_days``: look-alike user-days of that kind;
        - ``in_top``: expected number of them in the daily top ``k``, summed over
          days;
        - ``share_in_top``: ``in_top`` divided by ``user_days``.

    Raises
    ------
    ValueError
        If a table lacks a column, has missing values or repeated rows, uses the
        kind ``"all"``, a score is NaN, or a look-alike user-day is absent from
        ``scores``.
    InvalidParameterError
        If ``k`` is neither an int >= 1 nor a float in (0, 1).

    Notes
    -----
    Ties are broken uniformly at random, and ``in_top`` is its expected value. A
    user-day with ``h`` users strictly above it and ``t`` users tied with it (itself
    included) is in a top ``k`` with probability ``clip((k - h) / t, 0, 1)``.

    Examples
    --------
    >>> import pandas as pd
    >>> day = pd.Timestamp("2026-03-02")
    >>> scores = pd.DataFrame({"user": ["ann", "bob", "cat"], "date": day,
    ...                        "score": [0.9, 0.5, 0.1]})
    >>> lookalikes = pd.DataFrame({"user": ["ann", "cat"], "date": day,
    ...                            "kind": ["heavy_writer", "new_joiner"]})
    >>> lookalikes_in_top(scores, lookalikes, 1)[["kind", "in_top"]]
               kind  in_top
    0           all     1.0
    1  heavy_writer     1.0
    2    new_joiner     0.0
    """
    check_k(k)
    table = check_score_table(scores)
    clean = check_lookalikes(lookalikes, table)
    ranked = rank_within_days(table)
    return count_lookalikes_in_top(ranked, clean, k)


def count_lookalikes_in_top(ranked, lookalikes, k):
    """Return the table of :func:`lookalikes_in_top` from checked, ranked inputs."""
    rows = lookalikes.merge(ranked, on=["user", "date"], how="inner")
    rows["in_top"] = top_k_probability(rows, k)

    by_kind = (
        rows.groupby("kind", sort=True)["in_top"]
        .agg(user_days="size", in_top="sum")
        .reset_index()
    )

    distinct = rows.drop_duplicates(["user", "date"])
    total = pd.DataFrame(
        {
            "kind": [TOTAL_KIND],
            "user_days": [len(distinct)],
            "in_top": [float(distinct["in_top"].sum())],
        }
    )

    counts = pd.concat([total, by_kind], ignore_index=True)
    counts["user_days"] = counts["user_days"].astype("int64")
    counts["in_top"] = counts["in_top"].astype("float64")
    counts["share_in_top"] = counts["in_top"] / counts["user_days"].where(
        counts["user_days"] > 0
    )
    return counts


def lookalikes_by_chance(ranked, attacked, lookalikes, k):
    """Return the look-alike user-days a random order would put in the daily top ``k``.

    On each day, the places of the top ``k`` that the attacked user-days do not
    take are shared at random among the day's other user-days. A kind whose
    user-days make up a fifth of them gets a fifth of those places. Compare
    ``in_top`` with this: a detector that ranks a kind as often as ordinary users
    meets it, and one that is misled by the kind exceeds it.

    Parameters
    ----------
    ranked : pandas.DataFrame
        Ranked score table from ``rank_within_days``.
    attacked : pandas.DataFrame
        Its attacked rows, with their ranks.
    lookalikes : pandas.DataFrame
        Checked look-alike user-days with the columns ``user``, ``date``, ``kind``.
    k : int or float
        Daily review budget, as in :func:`lookalikes_in_top`.

    Returns
    -------
    by_chance : pandas.Series
        Expected look-alike user-days in the top ``k`` under a random order, summed
        over days, indexed by ``kind`` with ``"all"`` first.
    """
    active = ranked.groupby("date")["active_users"].first()
    cutoff = np.minimum(daily_cutoff(active.to_numpy(), k), active.to_numpy())
    attack_places = (
        pd.Series(top_k_probability(attacked, k), index=attacked.index)
        .groupby(attacked["date"])
        .sum()
        .reindex(active.index, fill_value=0.0)
    )
    n_attacked = attacked.groupby("date").size().reindex(active.index, fill_value=0)
    unlabelled = active - n_attacked
    places = ((cutoff - attack_places) / unlabelled.where(unlabelled > 0)).fillna(0.0)

    rows = lookalikes.merge(ranked[["user", "date"]], on=["user", "date"])
    rows["by_chance"] = rows["date"].map(places).to_numpy()
    distinct = rows.drop_duplicates(["user", "date"])
    by_kind = rows.groupby("kind", sort=True)["by_chance"].sum()
    total = pd.Series({TOTAL_KIND: float(distinct["by_chance"].sum())})
    return pd.concat([total, by_kind]).rename_axis("kind")
