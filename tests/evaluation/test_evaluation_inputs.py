import numpy as np
import pandas as pd
import pytest

from uba.evaluation import (
    cumulative_recall,
    days_to_detection,
    lookalikes_in_top,
    recall_at_k,
)
from uba.exceptions import InvalidParameterError

D1, D2 = pd.date_range("2026-03-02", periods=2, freq="D")


@pytest.fixture
def scores():
    return pd.DataFrame(
        {"user": ["ann", "bob", "cat"], "date": D1, "score": [0.9, 0.5, 0.1]}
    )


@pytest.fixture
def labels():
    return pd.DataFrame({"user": ["bob"], "date": [D1], "scenario": ["crawl"]})


def test_missing_score_column(scores, labels):
    with pytest.raises(ValueError, match=r"scores is missing the columns \['score'\]"):
        recall_at_k(scores.drop(columns="score"), labels, 1)


def test_missing_label_column(scores, labels):
    with pytest.raises(
        ValueError, match=r"labels is missing the columns \['scenario'\]"
    ):
        recall_at_k(scores, labels.drop(columns="scenario"), 1)


def test_duplicate_score_user_days(scores, labels):
    doubled = pd.concat([scores, scores.iloc[[0, 2]]], ignore_index=True)

    with pytest.raises(
        ValueError,
        match="scores has 2 duplicate user-days \\(ann on 2026-03-02, cat on 2026-03-02\\)",
    ):
        recall_at_k(doubled, labels, 1)


def test_nan_scores(scores, labels):
    scores.loc[1, "score"] = np.nan

    with pytest.raises(ValueError, match="scores has 1 NaN score, at index 1;"):
        recall_at_k(scores, labels, 1)


def test_non_numeric_scores(scores, labels):
    scores["score"] = ["high", "low", "low"]

    with pytest.raises(ValueError, match="'score' must be numeric"):
        recall_at_k(scores, labels, 1)


def test_labelled_user_days_absent(scores):
    labels = pd.DataFrame(
        {
            "user": ["bob", "zed", "ann"],
            "date": [D1, D1, D2],
            "scenario": "crawl",
        }
    )

    with pytest.raises(
        ValueError,
        match=r"labels has 2 labelled user-days \(of 3\) not found in the score table "
        r"\(zed on 2026-03-02, ann on 2026-03-03\)",
    ):
        recall_at_k(scores, labels, 1)


def test_duplicate_labels(scores):
    labels = pd.DataFrame(
        {"user": ["bob", "bob"], "date": [D1, D1], "scenario": ["crawl", "export"]}
    )

    with pytest.raises(ValueError, match="labels has 1 duplicate user-day "):
        recall_at_k(scores, labels, 1)


def test_missing_scenario(scores):
    labels = pd.DataFrame({"user": ["bob"], "date": [D1], "scenario": [None]})

    with pytest.raises(ValueError, match="labels has 1 row without a scenario"):
        recall_at_k(scores, labels, 1)


def test_string_dates_rejected(scores, labels):
    scores["date"] = "2026-03-02"

    with pytest.raises(ValueError, match="convert it with pandas.to_datetime"):
        recall_at_k(scores, labels, 1)


def test_dates_not_midnight_rejected(scores, labels):
    scores["date"] = pd.Timestamp("2026-03-02 10:30")

    with pytest.raises(ValueError, match="scores has 3 dates not at midnight"):
        recall_at_k(scores, labels, 1)


def test_timezone_dates_rejected(scores, labels):
    scores["date"] = pd.Timestamp("2026-03-02", tz="UTC")

    with pytest.raises(ValueError, match="without a time zone"):
        recall_at_k(scores, labels, 1)


def test_not_a_dataframe(labels):
    with pytest.raises(TypeError, match="scores must be a pandas DataFrame, got dict"):
        recall_at_k({"user": ["ann"]}, labels, 1)


def test_empty_scores(labels):
    empty = pd.DataFrame(columns=["user", "date", "score"])

    with pytest.raises(ValueError, match="scores is empty"):
        recall_at_k(empty, labels, 1)


@pytest.mark.parametrize("k", [0, -1, 1.0, 1.5, 0.0, True, "5", None])
def test_invalid_k(scores, labels, k):
    with pytest.raises(InvalidParameterError, match="k must be a whole number"):
        recall_at_k(scores, labels, k)


@pytest.mark.parametrize("k", [1, np.int64(2), 0.5, np.float64(0.25)])
def test_valid_k(scores, labels, k):
    assert 0.0 <= recall_at_k(scores, labels, k) <= 1.0


def test_invalid_detection_k(scores, labels):
    with pytest.raises(InvalidParameterError, match="k must be"):
        days_to_detection(scores, labels, k=0)


@pytest.mark.parametrize("budgets", [(), (0.01, 2.5), "0.1", 0.1])
def test_invalid_budgets(scores, labels, budgets):
    with pytest.raises(InvalidParameterError, match="budget"):
        cumulative_recall(scores, labels, budgets)


def test_lookalike_kind_all_reserved(scores):
    lookalikes = pd.DataFrame({"user": ["ann"], "date": [D1], "kind": ["all"]})

    with pytest.raises(ValueError, match="uses the kind 'all'"):
        lookalikes_in_top(scores, lookalikes, 1)


def test_lookalike_absent(scores):
    lookalikes = pd.DataFrame({"user": ["zed"], "date": [D1], "kind": ["reorg"]})

    with pytest.raises(
        ValueError,
        match=r"lookalikes has 1 look-alike user-day \(of 1\) not found in the score table",
    ):
        lookalikes_in_top(scores, lookalikes, 1)


def test_lookalike_repeated_row(scores):
    lookalikes = pd.DataFrame(
        {"user": ["ann", "ann"], "date": [D1, D1], "kind": ["reorg", "reorg"]}
    )

    with pytest.raises(ValueError, match="lookalikes has 1 repeated row "):
        lookalikes_in_top(scores, lookalikes, 1)


def test_category_users_accepted(scores, labels):
    scores["user"] = scores["user"].astype("category")

    assert recall_at_k(scores, labels, 2) == 1.0


def test_extra_columns_ignored(scores, labels):
    scores["note"] = "x"
    labels["attack_id"] = 7

    assert recall_at_k(scores, labels, 2) == 1.0
