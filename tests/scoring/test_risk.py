import numpy as np
import pandas as pd
import pytest

from uba.scoring._risk import model_part, risk_scores, rule_strengths, score_quantiles


def test_model_part_zero_below_90th_percentile():
    quantiles = score_quantiles(np.arange(1, 101, dtype=float))

    parts = model_part(np.array([1.0, 50.0, 90.0]), quantiles)

    assert parts.tolist() == [0.0, 0.0, 0.0]


def test_model_part_rises_to_one_at_maximum():
    quantiles = score_quantiles(np.arange(0, 101, dtype=float))

    parts = model_part(np.array([95.0, 100.0, 500.0]), quantiles)

    assert parts[0] == pytest.approx(0.5)
    assert parts[1] == 1.0
    assert parts[2] == 1.0


def test_rule_strengths_hand_computed():
    features = pd.DataFrame(
        {
            "privileged_content_views": [25.0, 0.0, 0.0, 0.0],
            "non_browser_share": [0.5, 1.0, 0.0, 0.0],
            "page_views_z": [4.0, -3.0, 0.0, 0.0],
            "exports_z": [2.0, 30.0, 1.0, 6.0],
            "space_exports": [1.0, 0.0, 0.0, 0.0],
            "credential_kinds": [2.0, 9.0, 0.0, 1.0],
        }
    )

    strengths = rule_strengths(features)

    assert strengths["privileged_content"].tolist() == [0.5, 0.0, 0.0, 0.0]
    assert strengths["non_browser_bulk"].tolist() == pytest.approx([0.2, 0, 0, 0])
    assert strengths["export_burst"].tolist() == pytest.approx([0.5, 1.0, 0.0, 0.5])
    assert strengths["credential_search"].tolist() == pytest.approx([1 / 3, 1, 0, 0])


def test_missing_columns_give_no_rule():
    strengths = rule_strengths(pd.DataFrame({"page_views": [3.0]}))

    assert all(value.tolist() == [0.0] for value in strengths.values())


def test_risk_combines_model_and_rules():
    quantiles = score_quantiles(np.arange(0, 101, dtype=float))
    features = pd.DataFrame({"privileged_content_views": [0.0, 50.0, 50.0]})

    risk, _ = risk_scores(np.array([10.0, 10.0, 95.0]), quantiles, features)

    assert risk[0] == 0.0
    assert risk[1] == pytest.approx(60.0)
    # 1 - (1 - 0.5) * (1 - 0.6) = 0.8
    assert risk[2] == pytest.approx(80.0)
