"""The benchmark scenarios and what each one leaves in the events and profiles."""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from conftest import BENCHMARK_DAYS, BENCHMARK_TEST_DAYS
from simlog import before_day, on_day, view_spaces, views

from uba.simulate import (
    SCENARIOS,
    SlowBrowserCrawl,
    benchmark_scenarios,
    simulate_benchmark,
)
from uba.simulate._catalogue import CREDENTIAL_TERMS

BASE_URL = "https://wiki.example.com"
SENSITIVE_DEPARTMENTS = {"HR", "Finance", "Legal"}
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".xlsx", ".pptx", ".zip")


def _victim(result, scenario):
    """Return the user and the sorted dates of a scenario's labels."""
    rows = result.labels[result.labels["scenario"] == scenario]
    assert rows["user"].nunique() == 1, rows
    return rows["user"].iloc[0], sorted(rows["date"])


def _profile(profiles, user, date):
    row = profiles[(profiles["user"] == user) & (profiles["date"] == date)]
    assert len(row) == 1
    return row.iloc[0]


def _local_hours(frame):
    return frame["local"].dt.hour + frame["local"].dt.minute / 60


def test_benchmark_scenarios_cover_registry():
    scenarios = benchmark_scenarios(26, test_days=5, seed=0)
    names = [scenario.name for scenario in scenarios]

    assert sorted(names) == sorted(SCENARIOS)
    assert all(scenario.user is None for scenario in scenarios)


def test_benchmark_scenarios_inside_window():
    for seed in range(5):
        for scenario in benchmark_scenarios(26, test_days=5, seed=seed):
            days = scenario.day_span(26)
            assert min(days) >= 21, scenario
            assert max(days) <= 25, scenario


def test_benchmark_scenarios_deterministic():
    first = benchmark_scenarios(26, test_days=5, seed=4)
    again = benchmark_scenarios(26, test_days=5, seed=4)
    other = [benchmark_scenarios(26, test_days=5, seed=seed) for seed in range(5, 10)]

    assert first == again
    assert any(scenarios != first for scenarios in other)


def test_benchmark_slow_crawl_fits_short_window():
    scenarios = benchmark_scenarios(10, test_days=2, seed=1)
    (crawl,) = [s for s in scenarios if isinstance(s, SlowBrowserCrawl)]

    assert crawl.n_days == 2
    assert crawl.day_span(10) == [8, 9]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_days": 0}, r"n_days must be an integer >= 1, got 0"),
        ({"n_days": 5, "test_days": 6}, r"test_days must be at most n_days=5, got 6"),
        ({"n_days": 5, "test_days": 0}, r"test_days must be an integer >= 1, got 0"),
        ({"n_days": 5, "seed": -2}, r"seed must be an integer >= 0, got -2"),
        ({"n_days": 5.0}, r"n_days must be an integer >= 1, got 5\.0"),
    ],
)
def test_benchmark_scenarios_invalid_raises(kwargs, message):
    with pytest.raises(ValueError, match=message):
        benchmark_scenarios(**kwargs)


def test_simulate_benchmark_rejects_scenarios(tmp_path):
    with pytest.raises(ValueError, match=r"places its own scenarios"):
        simulate_benchmark(tmp_path, scenarios=[])


def test_benchmark_labels_in_test_window(benchmark_run):
    labels = benchmark_run.labels
    first_test = benchmark_run.organisation.dates[BENCHMARK_DAYS - BENCHMARK_TEST_DAYS]

    assert set(labels["scenario"]) == set(SCENARIOS)
    assert min(labels["date"]) >= first_test.isoformat()
    assert (labels["scenario"] != "").all()
    assert not labels.duplicated(["user", "date"]).any()


def test_benchmark_victims_distinct(benchmark_run):
    users_by_scenario = benchmark_run.labels.groupby("scenario")["user"].unique()

    assert all(len(users) == 1 for users in users_by_scenario)
    assert len({users[0] for users in users_by_scenario}) == len(SCENARIOS)


def test_benchmark_victims_ordinary(benchmark_run):
    organisation = benchmark_run.organisation
    for scenario, user in zip(
        benchmark_run.labels["scenario"], benchmark_run.labels["user"], strict=True
    ):
        person = organisation.user(user)
        if scenario == "admin_content_read":
            assert person.kind == "administrator"
        else:
            assert person.kind == "staff", scenario
            assert person.timezone == organisation.timezone, scenario


def test_slow_crawl_reads_unknown_spaces(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    organisation = benchmark_run.organisation
    user, dates = _victim(benchmark_run, "slow_browser_crawl")
    earlier = views(before_day(events, user, dates[0]))
    known = set(view_spaces(earlier, organisation).dropna())

    assert len(dates) >= 2
    assert len(known) >= 2
    for date in dates:
        day_views = views(on_day(events, user, date))
        spaces = view_spaces(day_views, organisation)
        crawl = day_views[~spaces.isin(known)]
        hours = _local_hours(crawl)
        assert 40 <= len(crawl) <= 80, date
        assert hours.max() - hours.min() >= 3, date
        assert hours.min() >= 6, date
        assert hours.max() < 20, date


def test_slow_crawl_keeps_browser(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    user, dates = _victim(benchmark_run, "slow_browser_crawl")
    earlier = before_day(events, user, dates[0])
    during = events[
        (events["user"] == user) & events["day"].isin(pd.to_datetime(dates))
    ]

    assert set(during["client_ip"]) == set(earlier["client_ip"])
    assert set(during["user_agent"]) == set(earlier["user_agent"])


def test_admin_reads_sensitive_spaces(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    organisation = benchmark_run.organisation
    user, (date,) = _victim(benchmark_run, "admin_content_read")
    spaces = {
        key
        for key, space in organisation.spaces.items()
        if space.department in SENSITIVE_DEPARTMENTS
    }
    earlier = views(before_day(events, user, date))
    day_views = views(on_day(events, user, date))
    day_spaces = view_spaces(day_views, organisation)
    earlier_spaces = set(view_spaces(earlier, organisation).dropna())
    profile = _profile(profiles, user, date)

    assert organisation.user(user).kind == "administrator"
    assert day_spaces.isin(spaces).sum() >= 40
    assert not earlier_spaces & spaces
    assert profile["admin_requests"] > 0


def test_off_hours_read_at_night(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    user, (date,) = _victim(benchmark_run, "off_hours_read")
    hours = _local_hours(views(on_day(events, user, date)))
    earlier = _local_hours(views(before_day(events, user, date)))
    outside = (hours < 7) | (hours >= 19)

    assert len(hours) >= 150
    assert outside.mean() > 0.6
    assert ((earlier < 7) | (earlier >= 19)).mean() < 0.2
    assert _profile(profiles, user, date)["off_hours_share"] > 0.6


def test_export_burst_counted(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    user, (date,) = _victim(benchmark_run, "export_burst")
    day = on_day(events, user, date)
    exports = day[day["action"] == "export"]
    archives = day[day["path"].str.startswith("/download/temp/Confluence-space-export")]
    profile = _profile(profiles, user, date)
    span = exports["local"].max() - exports["local"].min()

    assert profile["exports"] >= 25
    assert profile["space_exports"] >= 1
    assert (exports["path"] == "/exportword").sum() >= 1
    assert span <= pd.Timedelta(hours=2)
    assert len(archives) == 1


def test_harvest_downloads_documents(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    organisation = benchmark_run.organisation
    user, (date,) = _victim(benchmark_run, "attachment_harvest")
    day = on_day(events, user, date)
    downloads = day[day["action"] == "attachment_download"]
    spaces = {
        organisation.pages[int(page_id)].space_key for page_id in downloads["page_id"]
    }
    documents = downloads["path"].str.lower().str.endswith(DOCUMENT_SUFFIXES)

    assert _profile(profiles, user, date)["attachment_downloads"] >= 60
    assert documents.all()
    assert len(spaces) >= 3


def test_credential_hunt_searches_then_reads(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    user, (date,) = _victim(benchmark_run, "credential_hunt")
    day = on_day(events, user, date)
    searches = day[
        (day["path"] == "/dosearchsite.action")
        & day["query"]
        .fillna("")
        .str.contains(
            "|".join(re.escape(term.replace(" ", "+")) for term in CREDENTIAL_TERMS)
        )
    ]
    search_urls = {
        BASE_URL + "/dosearchsite.action?" + query: time
        for query, time in zip(searches["query"], searches["timestamp"], strict=True)
    }
    day_views = views(day)
    hits = day_views[day_views["referer"].astype(str).isin(search_urls)]

    assert len(searches) >= 8
    assert len(hits) >= 5
    for referer, time in zip(hits["referer"], hits["timestamp"], strict=True):
        assert time > search_urls[referer]
    assert _profile(profiles, user, date)["searches"] >= 8


def test_compromised_account_new_client(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    organisation = benchmark_run.organisation
    user, (date,) = _victim(benchmark_run, "compromised_account")
    day = on_day(events, user, date)
    earlier = before_day(events, user, date)
    others = events[events["user"].notna() & (events["user"] != user)]
    new_clients = set(day["client_ip"]) - set(earlier["client_ip"])

    assert len(new_clients) == 1
    (client,) = new_clients
    intruder = day[day["client_ip"] == client]
    assert client not in set(others["client_ip"].astype(str))
    assert not set(intruder["user_agent"]) & set(earlier["user_agent"])
    assert intruder["user_agent"].astype(str).str.startswith("Mozilla/5.0").all()

    known = set(view_spaces(views(earlier), organisation).dropna())
    intruder_views = views(intruder)
    outside = ~view_spaces(intruder_views, organisation).isin(known)
    assert outside.mean() > 0.5


def test_compromised_account_reads_more(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    user, (date,) = _victim(benchmark_run, "compromised_account")
    day = on_day(events, user, date)
    earlier = before_day(events, user, date)
    intruder = views(day[~day["client_ip"].isin(set(earlier["client_ip"]))])
    usual = benchmark_run.organisation.user(user).activity

    assert len(intruder) >= max(10, 2 * usual - 1)
    assert len(intruder) <= max(10, 4 * usual + 1)


def test_attacks_change_no_baseline_day(benchmark_run, benchmark_events):
    _, profiles = benchmark_events
    first_test = benchmark_run.organisation.dates[BENCHMARK_DAYS - BENCHMARK_TEST_DAYS]
    users = set(benchmark_run.labels["user"])
    before = profiles[
        profiles["user"].isin(users) & (profiles["date"] < first_test.isoformat())
    ]

    assert before["non_browser_share"].max() == 0
    assert before["exports"].max() <= 2
    assert before["page_views"].max() < 150


def test_benchmark_window_is_a_working_week(benchmark_run):
    dates = benchmark_run.organisation.dates[BENCHMARK_DAYS - BENCHMARK_TEST_DAYS :]

    assert [day.weekday() for day in dates] == [0, 1, 2, 3, 4]
    assert dates[0] == dt.date(2026, 3, 9)
    assert np.all(benchmark_run.labels["date"] <= dates[-1].isoformat())
