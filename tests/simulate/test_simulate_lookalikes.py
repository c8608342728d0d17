"""Benign look-alikes: heavy writers, remote team, indexer, new joiner, reorganisation."""

import pandas as pd
import pytest
from simlog import before_day, on_day, view_spaces, views

from uba.simulate import RestCrawl, simulate_organisation

KINDS = {"heavy_writer", "remote_team", "indexer", "new_joiner", "reorganisation"}


def _kind_rows(result, kind):
    """Return the look-alike rows whose kind contains ``kind``."""
    frame = result.lookalikes
    return frame[frame["kind"].str.split("+").map(lambda kinds: kind in kinds)]


def _people_of_kind(result, kind):
    return [user.name for user in result.organisation.users_of_kind(kind)]


def test_lookalike_table_round_trips(benchmark_run):
    table = pd.read_csv(benchmark_run.lookalikes_path, dtype=str)

    assert list(table.columns) == ["user", "date", "kind"]
    assert table.values.tolist() == benchmark_run.lookalikes.values.tolist()
    assert not table.duplicated(["user", "date"]).any()


def test_lookalike_kinds_all_present(benchmark_run):
    kinds = set()
    for value in benchmark_run.lookalikes["kind"]:
        kinds.update(value.split("+"))

    assert kinds == KINDS


def test_lookalikes_never_labelled(benchmark_run, default_run):
    for result in (benchmark_run, default_run[0]):
        both = result.labels.merge(result.lookalikes, on=["user", "date"])
        assert both.empty, both


def test_lookalike_rows_are_active_days(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    active = set(zip(events["user"].astype(str), events["day"].dt.strftime("%Y-%m-%d")))
    rows = set(zip(benchmark_run.lookalikes["user"], benchmark_run.lookalikes["date"]))

    assert rows <= active


def test_heavy_writers_read_hundreds(benchmark_run, benchmark_events):
    _, profiles = benchmark_events
    writers = _kind_rows(benchmark_run, "heavy_writer")
    days = writers.merge(profiles, on=["user", "date"])
    weekdays = days[pd.to_datetime(days["date"]).dt.day_of_week < 5]

    assert len(weekdays) >= 5
    assert weekdays["page_views"].median() >= 100
    assert weekdays["distinct_spaces"].median() >= 8
    assert set(writers["user"]) == set(_people_of_kind(benchmark_run, "heavy reader"))


def test_remote_team_works_at_server_night(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    team = _people_of_kind(benchmark_run, "remote team")
    team_views = views(events[events["user"].isin(team)])
    hours = team_views["local"].dt.hour
    at_night = (hours >= 22) | (hours < 9)
    rows = _kind_rows(benchmark_run, "remote_team")
    team_days = rows.merge(profiles, on=["user", "date"])

    assert len(team) >= 1
    assert len(team_views) > 50
    assert at_night.mean() > 0.9
    assert set(rows["user"]) == set(team)
    assert team_days["off_hours_share"].median() > 0.8


def test_remote_team_active_every_week(benchmark_run):
    rows = _kind_rows(benchmark_run, "remote_team")
    weeks = pd.to_datetime(rows["date"]).dt.isocalendar().week

    for user in _people_of_kind(benchmark_run, "remote team"):
        assert set(weeks[rows["user"] == user]) == {10, 11}, user


def test_indexer_reads_thousands_nightly(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    indexer = events[events["user"] == "svc-indexer"]
    reads = indexer[indexer["action"] == "content_api"]
    per_day = reads.groupby("day").size()
    hours = reads["local"].dt.hour
    rows = _kind_rows(benchmark_run, "indexer")

    assert len(per_day) == len(benchmark_run.log_paths)
    assert per_day.min() >= 2_000
    assert set(indexer["user_agent"]) == {"python-requests/2.28.2"}
    assert indexer["path"].str.startswith("/rest/api/").all()
    assert hours.between(2, 4).all()
    assert len(rows) == len(benchmark_run.log_paths)


def test_holiday_is_quiet(default_run, default_profiles):
    result, _ = default_run
    _, profiles = default_profiles
    home_zone = {
        user.name
        for user in result.organisation.users
        if user.observes_holiday and user.kind != "service"
    }
    people = profiles[profiles["user"].isin(home_zone) & (profiles["page_views"] > 0)]
    per_day = people.groupby(people["date"].dt.strftime("%Y-%m-%d")).size()

    assert result.organisation.holiday == 7
    assert per_day.get("2026-03-09", 0) < per_day["2026-03-16"] / 5
    assert per_day.get("2026-03-09", 0) <= per_day["2026-03-08"] + 5


def test_holiday_spares_other_countries(default_run, default_profiles):
    result, _ = default_run
    _, profiles = default_profiles
    abroad = [
        user.name
        for user in result.organisation.users
        if not user.observes_holiday and user.kind != "service"
    ]
    holiday = profiles[
        profiles["user"].isin(abroad)
        & (profiles["date"] == pd.Timestamp("2026-03-09"))
        & (profiles["page_views"] > 0)
    ]

    assert len(abroad) >= 5
    assert len(holiday) >= 3


def test_new_space_appears_on_reorganisation_day(benchmark_run, benchmark_events):
    events, _ = benchmark_events
    organisation = benchmark_run.organisation
    change = organisation.reorganisation
    date = organisation.dates[change.day_index]
    in_space = events[
        (events["space_key"] == change.space_key)
        | events["page_id"].isin(organisation.spaces[change.space_key].page_ids)
    ]
    members = {
        user.name
        for user in organisation.users
        if user.department == change.department and user.kind != "service"
    }
    labels = benchmark_run.labels
    attackers = set(labels.loc[labels["date"] == date.isoformat(), "user"])
    that_day = in_space[in_space["day"] == pd.Timestamp(date)]
    readers = set(that_day["user"].dropna().astype(str))
    rows = _kind_rows(benchmark_run, "reorganisation")

    assert date.isoformat() == "2026-03-11"
    assert in_space["day"].min() == pd.Timestamp(date)
    assert readers <= members | attackers
    assert len(readers & members) >= len(rows) / 2
    assert set(rows["date"]) == {date.isoformat()}
    assert set(rows["user"]) <= members


def test_new_joiner_has_no_history(benchmark_run, benchmark_events):
    events, profiles = benchmark_events
    (joiner,) = _people_of_kind(benchmark_run, "new joiner")
    first = benchmark_run.organisation.dates[
        benchmark_run.organisation.user(joiner).first_day
    ]
    rows = _kind_rows(benchmark_run, "new_joiner")
    first_week = views(events[events["user"] == joiner])
    spaces = set(view_spaces(first_week, benchmark_run.organisation).dropna())

    assert first.isoformat() == "2026-03-09"
    assert before_day(events, joiner, first.isoformat()).empty
    assert not on_day(events, joiner, first.isoformat()).empty
    assert set(rows["user"]) == {joiner}
    first_week_days = rows.merge(profiles, on=["user", "date"])

    assert len(rows) == 5
    assert len(spaces) >= 6
    assert first_week_days["page_views"].median() >= 15


def test_admins_mostly_use_admin_pages(benchmark_run, benchmark_events):
    _, profiles = benchmark_events
    admins = _people_of_kind(benchmark_run, "administrator")
    days = profiles[profiles["user"].isin(admins)]
    weekdays = days[pd.to_datetime(days["date"]).dt.day_of_week < 5]
    working = weekdays[weekdays["admin_requests"] > 0]

    assert len(admins) == 2
    assert len(working) >= 10
    assert (working["admin_requests"] > working["page_views"]).mean() > 0.8


def test_named_lookalike_victim_raises(tmp_path, benchmark_run):
    writer = _people_of_kind(benchmark_run, "heavy reader")[0]
    crawl = RestCrawl(user=writer, day=-1, n_pages=10)

    with pytest.raises(ValueError, match=r"is a benign look-alike \(heavy_writer\)"):
        simulate_organisation(tmp_path, n_users=40, days=2, seed=3, scenarios=[crawl])


def test_dated_events_can_be_disabled(tmp_path):
    result = simulate_organisation(
        tmp_path,
        n_users=12,
        days=3,
        seed=4,
        scenarios=[],
        holiday=None,
        new_joiner_start=None,
        reorganisation_date=None,
    )
    organisation = result.organisation
    kinds = set(result.lookalikes["kind"])

    assert organisation.holiday is None
    assert organisation.reorganisation is None
    assert "CS" not in organisation.spaces
    assert organisation.users_of_kind("new joiner") == []
    assert kinds <= {"heavy_writer", "remote_team", "indexer"}


def test_dated_events_outside_days_ignored(tmp_path):
    result = simulate_organisation(
        tmp_path,
        n_users=12,
        days=2,
        start="2026-05-04",
        seed=4,
        scenarios=[],
    )

    assert result.organisation.holiday is None
    assert result.organisation.reorganisation is None
    assert result.organisation.users_of_kind("new joiner") == []


def test_dated_events_move_with_parameters(tmp_path):
    result = simulate_organisation(
        tmp_path,
        n_users=12,
        days=3,
        seed=4,
        scenarios=[],
        holiday="2026-03-03",
        new_joiner_start="2026-03-02",
        reorganisation_date="2026-03-04",
    )
    organisation = result.organisation
    joiners = organisation.users_of_kind("new joiner")

    assert organisation.holiday == 1
    assert organisation.reorganisation.day_index == 2
    assert organisation.spaces["CS"].first_day == 2
    assert len(joiners) == 1
    assert joiners[0].first_day == 0


def test_indexer_volume_parameter(tmp_path):
    light = simulate_organisation(
        tmp_path / "light",
        n_users=12,
        days=1,
        seed=4,
        scenarios=[],
        indexer_pages=0,
        compress=False,
    )
    heavy = simulate_organisation(
        tmp_path / "heavy",
        n_users=12,
        days=1,
        seed=4,
        scenarios=[],
        indexer_pages=300,
        compress=False,
    )

    def fetches(result):
        text = result.log_paths[0].read_text()
        return sum(
            1
            for line in text.splitlines()
            if " svc-indexer " in line and "?expand=body.storage" in line
        )

    assert fetches(light) == 25
    assert fetches(heavy) == 325
