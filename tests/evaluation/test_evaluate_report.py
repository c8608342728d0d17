import math
import warnings

import numpy as np
import pandas as pd
import pytest

from uba.evaluation import (
    UndefinedMetricWarning,
    average_precision,
    cumulative_recall,
    days_to_detection,
    evaluate,
    recall_at_k,
    roc_auc,
)

D1, D2 = pd.date_range("2026-03-02", periods=2, freq="D")

OVERALL_COLUMNS = [
    "user_days",
    "days",
    "attacked_user_days",
    "attacks",
    "recall_at_1",
    "recall_at_5",
    "recall_at_10",
    "recall_at_1pct",
    "cumulative_recall",
    "cumulative_recall_normalized",
    "average_precision",
    "roc_auc",
    "lookalikes_in_top_5",
    "lookalikes_in_top_10",
    "mean_days_to_detection",
    "attack_detection_rate",
]


@pytest.fixture
def two_scenarios():
    """One day: ann (X) 0.9, bob (Y) 0.8, cat 0.7, dan (Y) 0.6, eve 0.1."""
    scores = pd.DataFrame(
        {
            "user": ["ann", "bob", "cat", "dan", "eve"],
            "date": D1,
            "score": [0.9, 0.8, 0.7, 0.6, 0.1],
        }
    )
    labels = pd.DataFrame(
        {
            "user": ["ann", "bob", "dan"],
            "date": [D1, D1, D1],
            "scenario": ["X", "Y", "Y"],
        }
    )
    return scores, labels


def scenario_row(result, scenario):
    table = result.by_scenario
    return table.loc[table["scenario"] == scenario].iloc[0]


def test_scenario_ap_auc_leave_other_scenarios_out(two_scenarios):
    result = evaluate(*two_scenarios)

    # X: ann against cat and eve only.
    assert scenario_row(result, "X")["average_precision"] == pytest.approx(1.0)
    assert scenario_row(result, "X")["roc_auc"] == pytest.approx(1.0)

    # Y: bob 0.8, cat 0.7, dan 0.6, eve 0.1 without ann.
    assert scenario_row(result, "Y")["average_precision"] == pytest.approx(5 / 6)
    assert scenario_row(result, "Y")["roc_auc"] == pytest.approx(3 / 4)


def test_overall_ap_auc_all_attacks(two_scenarios):
    result = evaluate(*two_scenarios)
    overall = result.overall.iloc[0]

    assert overall["average_precision"] == pytest.approx((1 + 1 + 3 / 4) / 3)
    assert overall["roc_auc"] == pytest.approx(5 / 6)
    assert overall["average_precision"] == pytest.approx(
        average_precision(*two_scenarios)
    )
    assert overall["roc_auc"] == pytest.approx(roc_auc(*two_scenarios))


def test_scenario_recall_keeps_full_ranking(two_scenarios):
    result = evaluate(*two_scenarios)

    # bob ranks 2 and dan 4 among all five users, ann included.
    assert scenario_row(result, "Y")["recall_at_1"] == 0.0
    assert scenario_row(result, "Y")["recall_at_5"] == 1.0
    assert scenario_row(result, "X")["recall_at_1"] == 1.0
    assert result.overall.iloc[0]["recall_at_1"] == pytest.approx(1 / 3)


def test_overall_matches_single_metrics(two_scenarios):
    scores, labels = two_scenarios
    overall = evaluate(scores, labels).overall.iloc[0]
    detections = days_to_detection(scores, labels, k=5)

    assert overall["recall_at_10"] == recall_at_k(scores, labels, 10)
    assert overall["recall_at_1pct"] == recall_at_k(scores, labels, 0.01)
    assert overall["cumulative_recall"] == cumulative_recall(scores, labels)
    assert overall["cumulative_recall_normalized"] == pytest.approx(
        cumulative_recall(scores, labels, normalize=True)
    )
    assert overall["attacks"] == len(detections) == 3
    assert overall["attacked_user_days"] == 3
    assert overall["user_days"] == 5
    assert overall["days"] == 1


def test_overall_layout(two_scenarios):
    result = evaluate(*two_scenarios)

    assert list(result.overall.columns) == OVERALL_COLUMNS
    assert len(result.overall) == 1
    assert result.by_scenario["scenario"].tolist() == ["X", "Y"]
    assert list(result.by_scenario.columns) == ["scenario"] + [
        column for column in OVERALL_COLUMNS[2:] if not column.startswith("lookalikes")
    ]
    assert result.by_scenario["attacks"].tolist() == [1, 2]
    assert result.by_scenario["attacked_user_days"].tolist() == [1, 2]


def test_without_lookalikes_counts_are_nan(two_scenarios):
    result = evaluate(*two_scenarios)

    assert math.isnan(result.overall.iloc[0]["lookalikes_in_top_5"])
    assert math.isnan(result.overall.iloc[0]["lookalikes_in_top_10"])
    assert len(result.lookalikes) == 0


def test_lookalikes_in_overall(two_scenarios):
    scores, labels = two_scenarios
    lookalikes = pd.DataFrame(
        {"user": ["cat", "eve"], "date": [D1, D1], "kind": ["heavy_writer", "reorg"]}
    )

    result = evaluate(scores, labels, lookalikes)

    # cat ranks 3 and eve 5 of five users: both in the top 5 and the top 10.
    assert result.overall.iloc[0]["lookalikes_in_top_5"] == 2.0
    assert result.overall.iloc[0]["lookalikes_in_top_10"] == 2.0
    assert result.lookalikes["kind"].tolist() == ["all", "heavy_writer", "reorg"]
    assert list(result.lookalikes.columns) == [
        "kind",
        "user_days",
        "in_top_5",
        "in_top_10",
        "by_chance_in_top_5",
        "by_chance_in_top_10",
    ]


def test_lookalikes_by_chance_share_free_places(two_scenarios):
    scores, labels = two_scenarios
    lookalikes = pd.DataFrame(
        {"user": ["cat", "eve"], "date": [D1, D1], "kind": ["heavy_writer", "reorg"]}
    )

    table = evaluate(scores, labels, lookalikes).lookalikes.set_index("kind")

    # The three attacks take three of the five places; cat and eve share the rest.
    assert table.loc["all", "by_chance_in_top_5"] == 2.0
    assert table.loc["reorg", "by_chance_in_top_5"] == 1.0


def test_lookalikes_by_chance_in_large_day():
    users = [f"user{index}" for index in range(10)]
    scores = pd.DataFrame(
        {"user": users, "date": D1, "score": np.linspace(1.0, 0.1, 10)}
    )
    labels = pd.DataFrame({"user": ["user9"], "date": [D1], "scenario": ["X"]})
    lookalikes = pd.DataFrame(
        {"user": ["user0", "user1", "user2"], "date": D1, "kind": "remote_team"}
    )

    table = evaluate(scores, labels, lookalikes).lookalikes.set_index("kind")

    # The attack ranks last, so five places go to nine unlabelled user-days.
    assert table.loc["remote_team", "in_top_5"] == 3.0
    assert table.loc["remote_team", "by_chance_in_top_5"] == pytest.approx(15 / 9)
    assert table.loc["remote_team", "by_chance_in_top_10"] == pytest.approx(3.0)


def test_lookalike_that_is_attacked_rejected(two_scenarios):
    scores, labels = two_scenarios
    lookalikes = pd.DataFrame({"user": ["bob"], "date": [D1], "kind": ["reorg"]})

    with pytest.raises(
        ValueError, match="share 1 user-day, labelled as attacks.*bob on 2026-03-02"
    ):
        evaluate(scores, labels, lookalikes)


def test_detection_columns_over_days():
    scores = pd.DataFrame(
        {
            "user": [f"user{i}" for i in range(7)] * 2,
            "date": [D1] * 7 + [D2] * 7,
            "score": [7, 6, 5, 4, 3, 2, 1] + [1, 2, 3, 4, 5, 6, 7],
        }
    )
    # user6 ranks 7 on D1 (missed in the top 5) and 1 on D2; user0 ranks 1 on D1.
    labels = pd.DataFrame(
        {
            "user": ["user6", "user6", "user0"],
            "date": [D1, D2, D1],
            "scenario": ["crawl", "crawl", "export"],
        }
    )

    result = evaluate(scores, labels)
    overall = result.overall.iloc[0]

    assert overall["mean_days_to_detection"] == pytest.approx(0.5)
    assert overall["attack_detection_rate"] == 1.0
    assert scenario_row(result, "crawl")["mean_days_to_detection"] == 1.0
    assert scenario_row(result, "export")["mean_days_to_detection"] == 0.0
    assert result.attack_ranks["rank"].tolist() == [1.0, 7.0, 1.0]
    assert len(result.detections) == 2


def test_days_without_attacks_do_not_change_result(two_scenarios):
    scores, labels = two_scenarios
    quiet = pd.DataFrame({"user": ["ann", "zed"], "date": D2, "score": [0.5, 0.4]})
    with_quiet = pd.concat([scores, quiet], ignore_index=True)

    base = evaluate(scores, labels).overall
    extended = evaluate(with_quiet, labels).overall
    recall_columns = [column for column in OVERALL_COLUMNS if "recall" in column]

    pd.testing.assert_frame_equal(base[recall_columns], extended[recall_columns])


def test_empty_labels_warn_once():
    scores = pd.DataFrame({"user": ["ann", "bob"], "date": D1, "score": [0.9, 0.1]})
    labels = pd.DataFrame(columns=["user", "date", "scenario"])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = evaluate(scores, labels)

    undefined = [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    assert len(undefined) == 1
    assert len(caught) == 1
    overall = result.overall.iloc[0]
    assert math.isnan(overall["recall_at_5"])
    assert math.isnan(overall["average_precision"])
    assert math.isnan(overall["mean_days_to_detection"])
    assert overall["attacks"] == 0
    assert len(result.by_scenario) == 0
