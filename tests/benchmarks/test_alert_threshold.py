import importlib.util
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "alert_threshold.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("alert_threshold", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def days():
    # Two test days of one seed: a slow crawl on both, a look-alike ranked 2nd on the
    # first day and ordinary users filling the rest.
    rows = [
        ("crawler", "2026-03-23", 1, 6.0, 99.6, "attack", "slow_browser_crawl"),
        ("writer", "2026-03-23", 2, 4.0, 98.5, "look-alike", None),
        ("anna", "2026-03-23", 3, 3.0, 80.0, "ordinary", None),
        ("bob", "2026-03-23", 6, 1.0, 0.0, "ordinary", None),
        ("admin", "2026-03-24", 1, 9.0, 100.0, "attack", "admin_content_read"),
        ("crawler", "2026-03-24", 2, 3.5, 98.0, "attack", "slow_browser_crawl"),
        ("anna", "2026-03-24", 3, 2.0, 50.0, "ordinary", None),
    ]
    table = pd.DataFrame(
        rows, columns=["user", "date", "rank", "score", "risk", "class", "scenario"]
    )
    return table.assign(seed=0)


def test_threshold_table_without_threshold(script, days):
    row = script.threshold_table(days).iloc[0]

    assert row["risk at least"] == 0.0
    assert row["attacked user-days listed"] == "3 of 3"
    assert row["slow crawl days"] == "2 of 2"
    assert row["slow crawls listed on a day"] == "1 of 1"
    assert row["look-alike user-days"] == 1
    assert row["ordinary user-days"] == 2
    assert row["listed per day"] == pytest.approx(3.0)


def test_threshold_drops_rows_below_risk(script, days):
    table = script.threshold_table(days).set_index("risk at least")

    row = table.loc[99.0]

    assert row["attacked user-days listed"] == "2 of 3"
    assert row["slow crawl days"] == "1 of 2"
    assert row["admin days"] == "1 of 1"
    assert row["look-alike user-days"] == 0
    assert row["ordinary user-days"] == 0


def test_overlap_counts_attacks_below_lookalike(script, days):
    sentence = script.overlap_sentence(days)

    assert sentence.startswith("1 of the 3 attacked user-days")
    assert "(4.00)" in sentence


def test_top_table_by_class(script, days):
    table = script.top_table(days).set_index("class")

    assert table.loc["attack", "user-days"] == 3
    assert table.loc["ordinary", "user-days"] == 2
    assert table.loc["look-alike", "score max"] == 4.0
