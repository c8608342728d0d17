"""Average precision and ROC AUC over all user-days pooled into one ranking."""

import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from uba.evaluation._ranks import is_labelled
from uba.evaluation._validation import (
    UndefinedMetricWarning,
    check_labels,
    check_score_table,
)


def average_precision(scores, labels):
    """Compute the average precision of the scores over all user-days.

    All user-days of all days form one ranking by score; the attacked user-days are
    the positives and every other user-day is a negative.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table with the columns ``user`` (str), ``date`` (datetime64 at
        midnight) and ``score`` (float, higher is more suspicious), one row per
        active user-day.
    labels : pandas.DataFrame
        Attacked user-days with the columns ``user``, ``date`` and ``scenario``, one
        row per user-day. Every labelled user-day must be in ``scores``.

    Returns
    -------
    average_precision : float
        Value in (0, 1]; NaN with an :class:`UndefinedMetricWarning` when there is
        no attacked user-day.

    Raises
    ------
    ValueError
        If a table lacks a column, has missing values or duplicate user-days, a
        score is NaN, or a labelled user-day is absent from ``scores``.

    See Also
    --------
    sklearn.metrics.average_precision_score : The same value when no scores tie.

    Notes
    -----
    The average precision is the mean, over the positives, of the precision at the
    position of each positive. Tied scores are broken uniformly at random, and the
    result is the expected average precision. It is computed exactly, in one pass
    over the tied groups, without enumerating the orders. With ties,
    :func:`sklearn.metrics.average_precision_score` instead gives every positive of
    a tied group the precision at the end of the group, which can be higher or
    lower than the expected value.

    Examples
    --------
    >>> import pandas as pd
    >>> day = pd.Timestamp("2026-03-02")
    >>> scores = pd.DataFrame({"user": ["ann", "bob", "cat"], "date": day,
    ...                        "score": [0.9, 0.5, 0.1]})
    >>> labels = pd.DataFrame({"user": ["bob"], "date": [day], "scenario": ["crawl"]})
    >>> average_precision(scores, labels)
    0.5
    """
    score, positive = _pooled_inputs(scores, labels)
    if not positive.any():
        warn_undefined("average_precision", "there is no attacked user-day")
    return expected_average_precision(score, positive)


def roc_auc(scores, labels):
    """Compute the area under the ROC curve of the scores over all user-days.

    All user-days of all days form one ranking by score; the attacked user-days are
    the positives and every other user-day is a negative.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table: ``user``, ``date``, ``score``, one row per active user-day.
    labels : pandas.DataFrame
        Attacked user-days: ``user``, ``date``, ``scenario``.

    Returns
    -------
    auc : float
        Value in [0, 1], the probability that a random attacked user-day scores
        above a random other user-day; NaN with an :class:`UndefinedMetricWarning`
        when there is no attacked user-day or no other user-day.

    Raises
    ------
    ValueError
        If an input table is invalid (see :func:`average_precision`).

    See Also
    --------
    sklearn.metrics.roc_auc_score : Computes the value.

    Notes
    -----
    A positive and a negative with the same score count one half, which is the
    expected area when ties are broken uniformly at random.
    """
    score, positive = _pooled_inputs(scores, labels)
    reason = auc_undefined_reason(positive)
    if reason is not None:
        warn_undefined("roc_auc", reason)
    return tie_aware_roc_auc(score, positive)


def warn_undefined(metric, reason):
    """Warn that ``metric`` is NaN, giving the ``reason``."""
    warnings.warn(
        f"{metric} is undefined because {reason}; the result is NaN.",
        UndefinedMetricWarning,
        stacklevel=3,
    )


def auc_undefined_reason(positive):
    """Return why the ROC AUC is undefined for ``positive``, or None when it is not."""
    if not positive.any():
        return "there is no attacked user-day"
    if positive.all():
        return "every user-day is attacked"
    return None


def expected_average_precision(score, positive):
    """Return the average precision expected when ties are broken at random.

    Parameters
    ----------
    score : ndarray of shape (n_samples,)
        Scores, higher first; infinite values are allowed.
    positive : ndarray of bool of shape (n_samples,)
        Whether each sample is a positive.

    Returns
    -------
    average_precision : float
        NaN when there is no positive.
    """
    n_positives = int(positive.sum())
    if n_positives == 0:
        return float("nan")

    groups = (
        pd.DataFrame({"score": score, "positive": positive.astype("int64")})
        .groupby("score", sort=True)["positive"]
        .agg(["size", "sum"])
        .iloc[::-1]
    )
    tied = groups["size"].to_numpy(dtype="float64")
    positives = groups["sum"].to_numpy(dtype="float64")
    above = np.cumsum(tied) - tied
    positives_above = np.cumsum(positives) - positives

    with_positive = positives > 0
    total = _tied_group_precision_sums(
        tied[with_positive],
        positives[with_positive],
        above[with_positive],
        positives_above[with_positive],
    )
    return float(total / n_positives)


def _tied_group_precision_sums(tied, positives, above, positives_above):
    """Return the expected sum of the precisions at the positives of tied groups.

    A positive of a group of ``t`` tied samples, ``p`` of them positive, below
    ``h`` samples of which ``q`` are positive, lands at position ``h + j`` with
    ``j`` uniform on 1..t. Given ``j``, the other positives of the group before it
    number ``(j - 1)(p - 1)/(t - 1)`` on average. So its expected precision is
    ``mean_j (q + 1 + (j - 1)(p - 1)/(t - 1)) / (h + j)``, and the group adds ``p``
    times that.
    """
    slope = np.divide(
        positives - 1.0, tied - 1.0, out=np.zeros_like(tied), where=tied > 1
    )

    # One entry per position j = 1..t of every group.
    sizes = tied.astype("int64")
    group = np.repeat(np.arange(len(sizes)), sizes)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.arange(sizes.sum()) - offsets + 1.0

    found = positives_above[group] + 1.0 + (position - 1.0) * slope[group]
    precision = found / (above[group] + position)
    mean_precision = np.bincount(group, weights=precision) / tied
    return float((positives * mean_precision).sum())


def tie_aware_roc_auc(score, positive):
    """Return the ROC AUC with ties counted one half; NaN when it is undefined."""
    if auc_undefined_reason(positive) is not None:
        return float("nan")

    # Mid-ranks keep the order and ties of the scores and are always finite, which
    # roc_auc_score requires.
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float(roc_auc_score(positive, ranks))


def pooled_metrics(ranked, labels, scenario=None):
    """Return the average precision and ROC AUC of one scenario, or of all attacks.

    With a ``scenario``, its attacked user-days are the positives, the unlabelled
    user-days the negatives, and the other scenarios' attacked user-days are left
    out. The values are NaN, without a warning, when they are undefined.
    """
    positive = is_labelled(ranked, labels)
    keep = np.ones(len(ranked), dtype=bool)
    if scenario is not None:
        of_scenario = labels.loc[labels["scenario"] == scenario]
        positive_here = is_labelled(ranked, of_scenario)
        keep = positive_here | ~positive
        positive = positive_here

    score = ranked["score"].to_numpy()[keep]
    positive = positive[keep]
    return (
        expected_average_precision(score, positive),
        tie_aware_roc_auc(score, positive),
    )


def _pooled_inputs(scores, labels):
    table = check_score_table(scores)
    clean_labels = check_labels(labels, table)
    return table["score"].to_numpy(), is_labelled(table, clean_labels)
