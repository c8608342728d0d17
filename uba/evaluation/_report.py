"""Every ranking metric of a score table in one result, overall and per scenario."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from uba.evaluation._lookalikes import count_lookalikes_in_top, lookalikes_by_chance
from uba.evaluation._pooled import auc_undefined_reason, pooled_metrics, warn_undefined
from uba.evaluation._ranks import is_labelled
from uba.evaluation._recall import (
    DEFAULT_BUDGETS,
    cumulative_recall_from_attacks,
    detections_of_attacks,
    mean_days_to_detection,
    prepare_attacks,
    ranks_of_attacks,
    recall_from_attacks,
    warn_no_attacks,
)
from uba.evaluation._validation import TOTAL_KIND, check_disjoint, check_lookalikes

# Column name and daily budget of each recall in the result tables.
RECALL_CUTOFFS = {
    "recall_at_1": 1,
    "recall_at_5": 5,
    "recall_at_10": 10,
    "recall_at_1pct": 0.01,
}
DETECTION_K = 5
LOOKALIKE_CUTOFFS = {"lookalikes_in_top_5": 5, "lookalikes_in_top_10": 10}


@dataclass(frozen=True)
class EvaluationResult:
    """Metrics of one score table against labelled attacks.

    Attributes
    ----------
    overall : pandas.DataFrame
        One row with the columns:

        - ``user_days`` and ``days``: user-days and days in the score table;
        - ``attacked_user_days``, and ``attacks`` (user and scenario pairs);
        - ``recall_at_1``, ``recall_at_5``, ``recall_at_10`` and ``recall_at_1pct``
          (see :func:`recall_at_k`);
        - ``cumulative_recall`` and ``cumulative_recall_normalized``, with budgets
          of 1 % to 10 % of the day's users (see :func:`cumulative_recall`);
        - ``average_precision`` and ``roc_auc``;
        - ``lookalikes_in_top_5`` and ``lookalikes_in_top_10``: expected look-alike
          user-days in the daily top 5 or 10, summed over days. They are NaN
          without look-alikes;
        - ``mean_days_to_detection``: days until the user is in the top 5, over the
          attacks found (see :func:`days_to_detection`);
        - ``attack_detection_rate``: expected share of attacks found in the top 5
          on at least one labelled day.
    by_scenario : pandas.DataFrame
        One row per scenario, in alphabetical order, with ``scenario``,
        ``attacked_user_days``, ``attacks`` and the metrics of ``overall`` except
        the look-alike counts, computed on that scenario's attacks only.
    lookalikes : pandas.DataFrame
        Look-alikes per kind, with a first row ``"all"``: ``kind``, ``user_days``,
        ``in_top_5`` and ``in_top_10``, then ``by_chance_in_top_5`` and
        ``by_chance_in_top_10``: how many would be there if each day's top places
        that the attacks leave free went to the day's unlabelled user-days at
        random. A kind above its chance count is ranked higher than ordinary
        users. Empty without look-alikes.
    attack_ranks : pandas.DataFrame
        The table of :func:`attack_ranks`.
    detections : pandas.DataFrame
        The table of :func:`days_to_detection` with ``k=5``.
    """

    overall: pd.DataFrame
    by_scenario: pd.DataFrame
    lookalikes: pd.DataFrame
    attack_ranks: pd.DataFrame
    detections: pd.DataFrame


def evaluate(scores, labels, lookalikes=None):
    """Compute every ranking metric of a score table, overall and per scenario.

    Parameters
    ----------
    scores : pandas.DataFrame
        Score table with the columns ``user`` (str), ``date`` (datetime64 at
        midnight) and ``score`` (float, higher is more suspicious), one row per
        active user-day.
    labels : pandas.DataFrame
        Attacked user-days with the columns ``user``, ``date`` and ``scenario``, one
        row per user-day. Every labelled user-day must be in ``scores``.
    lookalikes : pandas.DataFrame or None, default=None
        Benign look-alike user-days with the columns ``user``, ``date`` and
        ``kind``; none of them may be labelled as attacked.

    Returns
    -------
    result : EvaluationResult
        ``overall`` (one row), ``by_scenario`` (one row per scenario),
        ``lookalikes``, ``attack_ranks`` and ``detections``; the attribute
        documentation of :class:`EvaluationResult` lists every column.

    Raises
    ------
    ValueError
        If an input table is invalid (see :func:`recall_at_k` and
        :func:`lookalikes_in_top`), or a user-day is both labelled and listed as a
        look-alike.

    Notes
    -----
    Ties are broken uniformly at random and every metric is its expected value (see
    :func:`recall_at_k` and :func:`average_precision`); ranks are mid-ranks.

    The per-scenario recalls keep every user-day in the daily rankings, because the
    analyst reviews them all. The per-scenario average precision and ROC AUC take that
    scenario's attacked user-days as positives and the unlabelled user-days as
    negatives, and leave the other scenarios' attacked user-days out.

    Metrics that are undefined are NaN: every attack metric when ``labels`` is
    empty, and the ROC AUC when every user-day is attacked. Each case warns once
    with an :class:`UndefinedMetricWarning`.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-03", "2026-03-03"])
    >>> scores = pd.DataFrame({"user": ["ann", "bob", "ann", "bob"], "date": days,
    ...                        "score": [0.2, 0.9, 0.8, 0.1]})
    >>> labels = pd.DataFrame({"user": ["ann", "ann"], "date": days[[0, 2]],
    ...                        "scenario": ["crawl", "crawl"]})
    >>> result = evaluate(scores, labels)
    >>> result.overall[["recall_at_1", "roc_auc", "mean_days_to_detection"]]
       recall_at_1  roc_auc  mean_days_to_detection
    0          0.5      0.5                     0.0
    """
    ranked, attacked = prepare_attacks(scores, labels)
    clean_labels = attacked[["user", "date", "scenario"]]
    clean_lookalikes = _check_lookalikes(lookalikes, ranked, clean_labels)
    _warn_undefined_metrics(ranked, clean_labels)

    detections = detections_of_attacks(attacked, DETECTION_K)
    lookalike_counts = _lookalike_table(ranked, attacked, clean_lookalikes)

    overall = {
        "user_days": len(ranked),
        "days": int(ranked["date"].nunique()),
        **_attack_metrics(ranked, attacked, clean_labels, detections),
        **_lookalike_totals(lookalike_counts),
    }
    overall = pd.DataFrame([overall])
    overall = overall[_overall_columns()]

    return EvaluationResult(
        overall=overall,
        by_scenario=_scenario_table(ranked, attacked, clean_labels, detections),
        lookalikes=lookalike_counts,
        attack_ranks=ranks_of_attacks(attacked),
        detections=detections,
    )


def _check_lookalikes(lookalikes, ranked, labels):
    if lookalikes is None:
        return None
    clean = check_lookalikes(lookalikes, ranked)
    check_disjoint(labels, clean)
    return clean


def _warn_undefined_metrics(ranked, labels):
    if len(labels) == 0:
        warn_no_attacks("Every attack metric")
        return

    reason = auc_undefined_reason(is_labelled(ranked, labels))
    if reason is not None:
        warn_undefined("roc_auc", reason)


def _attack_metrics(ranked, attacked, labels, detections, scenario=None):
    """Return the attack metrics of all attacks, or of one scenario's attacks."""
    recalls = {
        name: recall_from_attacks(attacked, k) for name, k in RECALL_CUTOFFS.items()
    }
    cumulative = cumulative_recall_from_attacks(attacked, DEFAULT_BUDGETS)
    average_precision, auc = pooled_metrics(ranked, labels, scenario=scenario)

    return {
        "attacked_user_days": len(attacked),
        "attacks": len(detections),
        **recalls,
        "cumulative_recall": cumulative,
        "cumulative_recall_normalized": cumulative / len(DEFAULT_BUDGETS),
        "average_precision": average_precision,
        "roc_auc": auc,
        "mean_days_to_detection": mean_days_to_detection(detections),
        "attack_detection_rate": _detection_rate(detections),
    }


def _scenario_table(ranked, attacked, labels, detections):
    rows = []
    for scenario in sorted(attacked["scenario"].unique()):
        of_scenario = attacked.loc[attacked["scenario"] == scenario]
        scenario_detections = detections.loc[detections["scenario"] == scenario]
        metrics = _attack_metrics(
            ranked, of_scenario, labels, scenario_detections, scenario=scenario
        )
        rows.append({"scenario": scenario, **metrics})

    columns = ["scenario", *_metric_columns()]
    return pd.DataFrame(rows, columns=columns)


def _lookalike_table(ranked, attacked, lookalikes):
    columns = ["kind", "user_days", *_lookalike_count_columns()]
    if lookalikes is None:
        return pd.DataFrame(columns=columns)

    tables = []
    for name, k in LOOKALIKE_CUTOFFS.items():
        counts = count_lookalikes_in_top(ranked, lookalikes, k)
        counts = counts.set_index(["kind", "user_days"])["in_top"]
        tables.append(counts.rename(_count_column(name)))

    table = pd.concat(tables, axis=1).reset_index()
    for name, k in LOOKALIKE_CUTOFFS.items():
        by_chance = lookalikes_by_chance(ranked, attacked, lookalikes, k)
        table[_chance_column(name)] = table["kind"].map(by_chance).to_numpy()
    return table[columns]


def _lookalike_totals(lookalike_counts):
    """Return the ``"all"`` row's counts, or NaN when no look-alikes were given."""
    total_row = lookalike_counts.loc[lookalike_counts["kind"] == TOTAL_KIND]
    if len(total_row) == 0:
        return {name: np.nan for name in LOOKALIKE_CUTOFFS}
    return {
        name: float(total_row[_count_column(name)].iloc[0])
        for name in LOOKALIKE_CUTOFFS
    }


def _detection_rate(detections):
    if len(detections) == 0:
        return float("nan")
    return float(detections["detection_probability"].mean())


def _count_column(name):
    """Return ``in_top_5`` for ``lookalikes_in_top_5``."""
    return name.removeprefix("lookalikes_")


def _chance_column(name):
    """Return ``by_chance_in_top_5`` for ``lookalikes_in_top_5``."""
    return f"by_chance_{_count_column(name)}"


def _lookalike_count_columns():
    counts = [_count_column(name) for name in LOOKALIKE_CUTOFFS]
    return counts + [_chance_column(name) for name in LOOKALIKE_CUTOFFS]


def _metric_columns():
    return [
        "attacked_user_days",
        "attacks",
        *RECALL_CUTOFFS,
        "cumulative_recall",
        "cumulative_recall_normalized",
        "average_precision",
        "roc_auc",
        "mean_days_to_detection",
        "attack_detection_rate",
    ]


def _overall_columns():
    metrics = _metric_columns()
    split = metrics.index("mean_days_to_detection")
    return [
        "user_days",
        "days",
        *metrics[:split],
        *LOOKALIKE_CUTOFFS,
        *metrics[split:],
    ]
