"""Injected scenarios: the registry, the labels and what the written lines show."""

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import pytest
from simlog import local_time, parse_file

from uba.simulate import (
    SCENARIOS,
    AdminContentRead,
    AttachmentHarvest,
    BulkBrowserRead,
    CompromisedAccount,
    CredentialHunt,
    ExportBurst,
    Label,
    OffHoursRead,
    RestCrawl,
    Scenario,
    SlowBrowserCrawl,
    default_scenarios,
    register_scenario,
    simulate_organisation,
    tiny_link_code,
)

START = dt.date(2026, 3, 2)
CRAWLER_AGENT = "python-requests/2.31.0"


def _is_page_view(record):
    uri = record["uri"]
    is_page_uri = uri.startswith(("/display/", "/pages/viewpage.action?")) or (
        uri.startswith("/spaces/") and "/pages/" in uri
    )
    return (
        is_page_uri
        and record["method"] == "GET"
        and record["status"] == "200"
        and record["user"] != "-"
    )


def _space_of_view(record, organisation):
    """Return the space key of a page view, from the URL or from the page id."""
    uri = record["uri"]
    if uri.startswith("/pages/viewpage.action?pageId="):
        return organisation.pages[int(uri.split("=")[1])].space_key
    return uri.split("/")[2].replace("%7E", "~")


def _user_records(records_by_date, user):
    return {
        date: [r for r in records if r["user"] == user]
        for date, records in records_by_date.items()
    }


def _label(result, scenario):
    row = result.labels.loc[result.labels["scenario"] == scenario]
    assert len(row) == 1
    return row["user"].item(), row["date"].item()


def test_registry_holds_default_scenarios():
    assert SCENARIOS["rest_crawl"] is RestCrawl
    assert SCENARIOS["bulk_browser_read"] is BulkBrowserRead
    assert [type(s) for s in default_scenarios()] == [RestCrawl, BulkBrowserRead]


def test_registry_holds_all_scenarios():
    expected = {
        "rest_crawl": RestCrawl,
        "bulk_browser_read": BulkBrowserRead,
        "slow_browser_crawl": SlowBrowserCrawl,
        "admin_content_read": AdminContentRead,
        "off_hours_read": OffHoursRead,
        "export_burst": ExportBurst,
        "attachment_harvest": AttachmentHarvest,
        "credential_hunt": CredentialHunt,
        "compromised_account": CompromisedAccount,
    }

    for name, cls in expected.items():
        assert SCENARIOS[name] is cls
        assert cls.name == name


def test_register_rejects_duplicate_name():
    @dataclass(frozen=True)
    class Copy(Scenario):
        name: ClassVar[str] = "rest_crawl"

    with pytest.raises(ValueError, match="already registered"):
        register_scenario(Copy)
    assert SCENARIOS["rest_crawl"] is RestCrawl


def test_register_rejects_missing_name():
    @dataclass(frozen=True)
    class Nameless(Scenario):
        pass

    with pytest.raises(ValueError, match="has no 'name'"):
        register_scenario(Nameless)


def test_tiny_link_check_value():
    assert tiny_link_code(1183547394) == "AoCLRg"


def test_default_labels_on_last_two_days(default_run):
    result, _ = default_run
    crawl_user, crawl_date = _label(result, "rest_crawl")
    bulk_user, bulk_date = _label(result, "bulk_browser_read")

    assert crawl_date == "2026-03-20"
    assert bulk_date == "2026-03-19"
    assert crawl_user != bulk_user


def test_no_attack_in_first_two_weeks(default_run, default_records):
    result, _ = default_run
    first_attack = min(dt.date.fromisoformat(d) for d in result.labels["date"])
    services = {"svc-indexer", "svc-monitor", "-"}
    people_scripts = {
        (r["user"], date)
        for date, records in default_records.items()
        if dt.date.fromisoformat(date) < START + dt.timedelta(days=14)
        for r in records
        if r["user"] not in services and not r["agent"].startswith("Mozilla/5.0")
    }

    assert first_attack >= START + dt.timedelta(days=14)
    assert people_scripts == set()


def test_victims_are_ordinary_staff(default_run):
    result, _ = default_run
    users = result.users.set_index("user")
    for user in result.labels["user"]:
        assert users.loc[user, "role"] not in (
            "Confluence administrator",
            "technical writer",
            "service account",
        )
        assert users.loc[user, "timezone"] == "America/New_York"


def test_crawl_day_shows_script(default_run, default_records):
    result, _ = default_run
    user, date = _label(result, "rest_crawl")
    by_date = _user_records(default_records, user)
    script = [r for r in by_date[date] if r["agent"] == CRAWLER_AGENT]
    fetches = [r for r in script if r["uri"].startswith("/rest/api/content/")]
    listings = [r for r in script if r["uri"].startswith("/rest/api/space/")]
    earlier = [r for d, records in by_date.items() if d < date for r in records]
    times = [local_time(r) for r in script]

    assert 300 <= len(fetches) <= 2_000
    assert all(r["method"] == "GET" for r in script)
    assert all("expand=body.storage,version" in r["uri"] for r in fetches)
    assert len({r["uri"].split("/")[4] for r in listings}) >= 3
    assert all("limit=100&start=" in r["uri"] for r in listings)
    assert {r["referer"] for r in script} == {"-"}
    assert dt.timedelta(hours=1) <= max(times) - min(times) <= dt.timedelta(hours=2)
    assert len({r["client"] for r in script}) == 1
    assert script[0]["client"] not in {r["client"] for r in earlier}
    assert not any(r["agent"] == CRAWLER_AGENT for r in earlier)


def test_crawl_has_no_background_requests(default_run, default_records):
    result, _ = default_run
    user, date = _label(result, "rest_crawl")
    script_client = next(
        r["client"]
        for r in default_records[date]
        if r["user"] == user and r["agent"] == CRAWLER_AGENT
    )
    from_client = [r for r in default_records[date] if r["client"] == script_client]

    assert all(r["uri"].startswith("/rest/api/") for r in from_client)
    assert {r["agent"] for r in from_client} == {CRAWLER_AGENT}


def test_crawl_victim_keeps_browsing(default_run, default_records):
    result, _ = default_run
    user, date = _label(result, "rest_crawl")
    browser = [
        r
        for r in default_records[date]
        if r["user"] == user and r["agent"].startswith("Mozilla/5.0")
    ]
    earlier_agents = {
        r["agent"]
        for d, records in default_records.items()
        if d < date
        for r in records
        if r["user"] == user
    }

    assert {r["agent"] for r in browser} <= earlier_agents


def test_bulk_read_touches_new_spaces(default_run, default_records):
    result, _ = default_run
    organisation = result.organisation
    user, date = _label(result, "bulk_browser_read")
    by_date = _user_records(default_records, user)
    views = [r for r in by_date[date] if _is_page_view(r)]
    earlier_spaces = {
        _space_of_view(r, organisation)
        for d, records in by_date.items()
        if d < date
        for r in records
        if _is_page_view(r)
    }
    day_spaces = {_space_of_view(r, organisation) for r in views}

    assert len(views) >= 300
    assert len(day_spaces - earlier_spaces) >= 5
    assert len(earlier_spaces) > 0


def test_bulk_read_uses_usual_browser(default_run, default_records):
    result, _ = default_run
    user, date = _label(result, "bulk_browser_read")
    by_date = _user_records(default_records, user)
    day = by_date[date]
    earlier = [r for d, records in by_date.items() if d < date for r in records]
    polls = [r for r in day if r["uri"].startswith("/rest/quickreload/")]
    likes = [r for r in day if r["uri"].startswith("/rest/likes/")]

    assert {r["agent"] for r in day} == {r["agent"] for r in earlier}
    assert {r["client"] for r in day} == {r["client"] for r in earlier}
    assert len(polls) > 200
    assert len(likes) >= 300


def test_bulk_read_stands_out_from_ordinary_days(default_run, default_records):
    result, _ = default_run
    user, date = _label(result, "bulk_browser_read")
    lookalikes = set(zip(result.lookalikes["user"], result.lookalikes["date"]))
    views_per_user_day = {}
    for day, records in default_records.items():
        for r in records:
            if _is_page_view(r) and (r["user"], day) not in lookalikes:
                key = (r["user"], day)
                views_per_user_day[key] = views_per_user_day.get(key, 0) + 1
    bulk_views = views_per_user_day.pop((user, date))

    assert bulk_views > 2 * max(views_per_user_day.values())


@pytest.fixture(scope="module")
def ordinary_names(tmp_path_factory):
    """Ordinary staff of the 20-person organisation built with seed 2."""
    probe = simulate_organisation(
        tmp_path_factory.mktemp("probe"), n_users=20, days=1, seed=2, scenarios=[]
    )
    return [user.name for user in probe.organisation.ordinary_users()]


def test_crawl_parameters_honoured(tmp_path, ordinary_names):
    victim = ordinary_names[0]
    crawl = RestCrawl(
        user=victim,
        day=1,
        n_pages=250,
        n_spaces=2,
        start_hour=14.0,
        duration_hours=1.0,
        user_agent="Go-http-client/1.1",
    )
    result = simulate_organisation(
        tmp_path / "run", n_users=20, days=3, seed=2, scenarios=[crawl], compress=False
    )
    script = [
        r for r in parse_file(result.log_paths[1]) if r["agent"] == "Go-http-client/1.1"
    ]
    fetches = [r for r in script if r["uri"].startswith("/rest/api/content/")]
    hours = [local_time(r).hour + local_time(r).minute / 60 for r in script]

    assert result.labels.values.tolist() == [[victim, "2026-03-03", "rest_crawl"]]
    assert len(fetches) == 250
    assert {r["user"] for r in script} == {victim}
    assert min(hours) >= 14.0
    assert max(hours) <= 15.0
    assert len({r["uri"].split("/")[4] for r in script if "/space/" in r["uri"]}) >= 2


def test_bulk_read_parameters_honoured(tmp_path, ordinary_names):
    reader = ordinary_names[1]
    bulk = BulkBrowserRead(
        user=reader,
        day=0,
        n_pages=60,
        n_spaces=3,
        seconds_per_page=30.0,
        start_hour=20.0,
    )
    result = simulate_organisation(
        tmp_path / "run", n_users=20, days=1, seed=2, scenarios=[bulk], compress=False
    )
    late_views = [
        r
        for r in parse_file(result.log_paths[0])
        if r["user"] == reader and _is_page_view(r) and local_time(r).hour >= 20
    ]
    organisation = result.organisation
    spaces = {_space_of_view(r, organisation) for r in late_views}
    user = organisation.user(reader)
    last = local_time(late_views[-1])

    assert result.labels.values.tolist() == [
        [reader, "2026-03-02", "bulk_browser_read"]
    ]
    assert len(late_views) == 60
    assert len(spaces) == 3
    assert not spaces & set(user.spaces)
    assert last - local_time(late_views[0]) <= dt.timedelta(seconds=59 * 30 * 1.25)


def test_scenarios_on_one_user_day_merge(tmp_path, ordinary_names):
    victim = ordinary_names[0]
    scenarios = [
        RestCrawl(user=victim, day=0, n_pages=50),
        BulkBrowserRead(user=victim, day=0, n_pages=20, start_hour=9.0),
    ]
    result = simulate_organisation(
        tmp_path / "run", n_users=20, days=1, seed=2, scenarios=scenarios
    )

    assert result.labels.values.tolist() == [
        [victim, "2026-03-02", "bulk_browser_read+rest_crawl"]
    ]


@dataclass(frozen=True)
class _NightlyExport(Scenario):
    """A benign look-alike: adds script requests but returns no label."""

    name: ClassVar[str] = "test_nightly_export"

    def inject(self, context):
        start = context.time_ms(1.0)
        for offset in range(5):
            context.log.add(
                start + offset * 1_000,
                context.user.name,
                context.new_client_address(),
                "GET",
                f"/rest/api/content/{offset + 1}",
                200,
                10,
                100,
                "-",
                "curl/8.5.0",
            )


def test_lookalike_adds_requests_without_label(tmp_path):
    result = simulate_organisation(
        tmp_path,
        n_users=12,
        days=1,
        seed=1,
        scenarios=[_NightlyExport()],
        compress=False,
    )
    lines = parse_file(result.log_paths[0])
    added = [
        r
        for r in lines
        if r["uri"].startswith("/rest/api/content/")
        and r["user"] not in ("svc-indexer", "svc-monitor")
    ]

    assert result.labels.empty
    assert list(result.labels.columns) == ["user", "date", "scenario"]
    assert len(added) == 5
    assert len({r["client"] for r in added}) == 5


def test_context_label_fields(tmp_path):
    @dataclass(frozen=True)
    class Marker(Scenario):
        name: ClassVar[str] = "test_marker"

        def inject(self, context):
            return context.label(self)

    result = simulate_organisation(
        tmp_path, n_users=12, days=3, seed=1, scenarios=[Marker(day=-2)]
    )

    assert Label("x", START, "y").scenario == "y"
    assert result.labels["date"].tolist() == ["2026-03-03"]
    assert result.labels["scenario"].tolist() == ["test_marker"]
