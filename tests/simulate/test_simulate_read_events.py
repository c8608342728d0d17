"""The simulator's files read back with uba.io.read_events."""

import pytest

io = pytest.importorskip("uba.io")


def test_default_run_reads_without_rejects(default_run):
    result, _ = default_run
    events, report = io.read_events(result.out_dir, return_report=True)

    assert [entry.format for entry in report.files] == ["stock"] * 19
    assert all(entry.rejected == {} for entry in report.files)
    assert all(entry.skipped == {} for entry in report.files)
    assert len(events) == result.n_lines


def test_plain_run_reads_without_rejects(small_run):
    events, report = io.read_events(list(small_run.log_paths), return_report=True)

    assert all(entry.rejected == {} for entry in report.files)
    assert len(events) == small_run.n_lines
    assert events["timestamp"].is_monotonic_increasing


def test_read_events_sees_crawl(default_run):
    result, _ = default_run
    row = result.labels.loc[result.labels["scenario"] == "rest_crawl"]
    user, date = row["user"].item(), row["date"].item()
    path = result.out_dir / f"conf_access_log.{date}.log.gz"
    events = io.read_events(path)
    crawl = events[
        (events["user"] == user) & (events["user_agent"] == "python-requests/2.31.0")
    ]

    assert (crawl["action"] == "content_api").sum() >= 300
    assert crawl["referer"].isna().all()
