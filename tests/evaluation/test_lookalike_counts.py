import pandas as pd
import pytest

from uba.evaluation import lookalikes_in_top

D1, D2 = pd.date_range("2026-03-02", periods=2, freq="D")


@pytest.fixture
def tables():
    scores = pd.DataFrame(
        {
            "user": ["ann", "bob", "cat", "dan", "ann", "bob", "eve"],
            "date": [D1, D1, D1, D1, D2, D2, D2],
            "score": [0.9, 0.8, 0.8, 0.2, 0.1, 0.5, 0.5],
        }
    )
    lookalikes = pd.DataFrame(
        {
            "user": ["ann", "cat", "cat", "dan", "eve", "ann"],
            "date": [D1, D1, D1, D1, D2, D2],
            "kind": [
                "heavy_writer",
                "heavy_writer",
                "remote_team",
                "new_joiner",
                "search_indexer",
                "heavy_writer",
            ],
        }
    )
    return scores, lookalikes


def as_dict(counts, column):
    return dict(zip(counts["kind"], counts[column]))


def test_lookalikes_by_kind_top_two(tables):
    counts = lookalikes_in_top(*tables, 2)

    # D1: ann first (1), cat tied with bob for 2-3 (1/2), dan last (0).
    # D2: eve tied with bob for 1-2 (1), ann last (0).
    assert as_dict(counts, "in_top") == pytest.approx(
        {
            "all": 2.5,
            "heavy_writer": 1.5,
            "new_joiner": 0.0,
            "remote_team": 0.5,
            "search_indexer": 1.0,
        }
    )
    assert as_dict(counts, "user_days") == {
        "all": 5,
        "heavy_writer": 3,
        "new_joiner": 1,
        "remote_team": 1,
        "search_indexer": 1,
    }


def test_lookalikes_by_kind_top_one(tables):
    counts = lookalikes_in_top(*tables, 1)

    assert as_dict(counts, "in_top") == pytest.approx(
        {
            "all": 1.5,
            "heavy_writer": 1.0,
            "new_joiner": 0.0,
            "remote_team": 0.0,
            "search_indexer": 0.5,
        }
    )


def test_lookalikes_table_layout(tables):
    counts = lookalikes_in_top(*tables, 2)

    assert list(counts.columns) == ["kind", "user_days", "in_top", "share_in_top"]
    assert counts["kind"].tolist()[0] == "all"
    assert counts["kind"].tolist()[1:] == sorted(counts["kind"].tolist()[1:])
    heavy = counts.loc[counts["kind"] == "heavy_writer"].iloc[0]
    assert heavy["share_in_top"] == pytest.approx(0.5)


def test_lookalikes_share_budget(tables):
    scores, lookalikes = tables

    # Half of four users on D1 and of three on D2 (1.5, rounded up): two each day.
    assert lookalikes_in_top(scores, lookalikes, 0.5).equals(
        lookalikes_in_top(scores, lookalikes, 2)
    )


def test_lookalikes_empty(tables):
    scores, _ = tables
    empty = pd.DataFrame(columns=["user", "date", "kind"])

    counts = lookalikes_in_top(scores, empty, 5)

    assert counts["kind"].tolist() == ["all"]
    assert counts["user_days"].tolist() == [0]
    assert counts["in_top"].tolist() == [0.0]
