"""A 0-100 risk that combines the model's score with rules an analyst trusts.

The model part is where a score falls among the scores of the training user-days: it
is 0 up to the 90th percentile and rises linearly to 1 at the training maximum, and
stays 1 beyond it. Each rule gives a strength from 0 to 1:

- privileged content reading: ``privileged_content_views / 50``;
- non-browser bulk reading beyond habit: ``non_browser_share * page_views_z / 10``;
- export burst: ``(exports_z - 2) / 8`` plus ``0.5`` per space export, so one or two
  page exports beyond habit give nothing;
- credential search: ``(credential_kinds - 1) / 3``, so searches for one kind of
  credential, such as a password reset page, give nothing;

each clipped to [0, 1], with negative z-scores counted as 0. The risk is
``100 * (1 - (1 - model) * prod(1 - 0.6 * rule))``: a model part of 1 gives 100, one
full rule alone gives 60, four full rules give 97, and nothing unusual gives 0.
"""

import numpy as np

# Percentile of the training scores from which the model part starts to rise.
MODEL_FLOOR_PERCENTILE = 90.0

# Weight of one rule at full strength.
RULE_WEIGHT = 0.6

# Values at which each rule reaches full strength.
PRIVILEGED_VIEWS_FULL = 50.0
PAGE_VIEWS_Z_FULL = 10.0
# A single export by a user who never exports has a z-score of about 1, which is no
# burst, so the rule starts above 2.
EXPORTS_Z_START = 2.0
EXPORTS_Z_FULL = 10.0
SPACE_EXPORT_STRENGTH = 0.5
CREDENTIAL_KINDS_FULL = 4.0

RULES = ("privileged_content", "non_browser_bulk", "export_burst", "credential_search")


def score_quantiles(training_scores):
    """Return the 0th to 100th percentiles of the training scores, 1001 values."""
    return np.quantile(
        np.asarray(training_scores, dtype="float64"), np.linspace(0, 1, 1001)
    )


def model_part(scores, quantiles):
    """Return the model part of the risk, in [0, 1], for each score."""
    quantiles = np.asarray(quantiles, dtype="float64")
    percentile = np.interp(scores, quantiles, np.linspace(0.0, 100.0, len(quantiles)))
    rising = (percentile - MODEL_FLOOR_PERCENTILE) / (100.0 - MODEL_FLOOR_PERCENTILE)
    return np.clip(rising, 0.0, 1.0)


def rule_strengths(features):
    """Return a dict of rule name to strength in [0, 1], one value per row.

    A column that ``features`` lacks counts as 0, so profile-only features give no
    rule strength except what their columns support.
    """

    def column(name):
        if name not in features.columns:
            return np.zeros(len(features))
        return features[name].to_numpy(dtype="float64")

    def positive(name):
        return np.maximum(column(name), 0.0)

    privileged = column("privileged_content_views") / PRIVILEGED_VIEWS_FULL
    non_browser = (
        column("non_browser_share") * positive("page_views_z") / PAGE_VIEWS_Z_FULL
    )
    exports = np.maximum(column("exports_z") - EXPORTS_Z_START, 0.0) / (
        EXPORTS_Z_FULL - EXPORTS_Z_START
    )
    exports = exports + SPACE_EXPORT_STRENGTH * column("space_exports")

    credential = (column("credential_kinds") - 1.0) / (CREDENTIAL_KINDS_FULL - 1.0)

    strengths = {
        "privileged_content": privileged,
        "non_browser_bulk": non_browser,
        "export_burst": exports,
        "credential_search": credential,
    }
    return {name: np.clip(value, 0.0, 1.0) for name, value in strengths.items()}


def risk_scores(scores, quantiles, features):
    """Return the 0-100 risk of each row and the rule strengths behind it."""
    model = model_part(scores, quantiles)
    strengths = rule_strengths(features)

    remaining = 1.0 - model
    for strength in strengths.values():
        remaining = remaining * (1.0 - RULE_WEIGHT * strength)
    return 100.0 * (1.0 - remaining), strengths
