"""Ranking metrics for labelled attacks, and the baseline rankings they compare.

Every day, an analyst reviews the top of that day's ranking of active users. The
metrics measure how well a ranking puts attacked user-days there.

Inputs are plain DataFrames:

- a *score table* has the columns ``user`` (str), ``date`` (datetime64 at
  midnight, the local day) and ``score`` (float, higher is more suspicious), one
  row per active user-day, without NaN;
- *labels* have ``user``, ``date`` and ``scenario``, one row per attacked user-day.
  Each labelled user-day must be in the score table. An attack is a user and a
  scenario, over one or several days;
- *look-alikes* have ``user``, ``date`` and ``kind``: benign user-days that
  resemble attacks.

Ties are broken uniformly at random, and every metric is its expected value: a tied
group that straddles a cut-off counts fractionally, and ranks are mid-ranks. The
baselines turn user-day profiles from :func:`uba.features.build_profiles` into score
tables; :data:`BASELINES` maps their names to callables
``baseline(train_profiles, test_profiles)``.
"""

from uba.evaluation._baselines import (
    BASELINES,
    COUNT_FEATURES,
    community_rule_scores,
    model_scores,
    non_browser_scores,
    pages_per_hour_scores,
    privileged_account_scores,
    raw_count_isolation_forest_scores,
)
from uba.evaluation._lookalikes import lookalikes_in_top
from uba.evaluation._pooled import average_precision, roc_auc
from uba.evaluation._recall import (
    DEFAULT_BUDGETS,
    attack_ranks,
    cumulative_recall,
    days_to_detection,
    recall_at_k,
)
from uba.evaluation._report import EvaluationResult, evaluate
from uba.evaluation._validation import UndefinedMetricWarning

__all__ = [
    "BASELINES",
    "COUNT_FEATURES",
    "DEFAULT_BUDGETS",
    "EvaluationResult",
    "UndefinedMetricWarning",
    "attack_ranks",
    "average_precision",
    "community_rule_scores",
    "cumulative_recall",
    "days_to_detection",
    "evaluate",
    "lookalikes_in_top",
    "model_scores",
    "non_browser_scores",
    "pages_per_hour_scores",
    "privileged_account_scores",
    "raw_count_isolation_forest_scores",
    "recall_at_k",
    "roc_auc",
]
