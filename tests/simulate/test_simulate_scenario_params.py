"""Explicit parameters of the scenarios, checked in the events they leave."""

import pytest
from simlog import before_day, on_day, view_spaces, views, with_local_time

import uba
from uba.simulate import (
    AdminContentRead,
    AttachmentHarvest,
    CompromisedAccount,
    CredentialHunt,
    ExportBurst,
    OffHoursRead,
    SlowBrowserCrawl,
    simulate_organisation,
)

SETTINGS = {"n_users": 30, "days": 3, "seed": 5}
INTRUDER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
)


@pytest.fixture(scope="module")
def param_run(tmp_path_factory):
    """One run with every new scenario on a named user, and its events."""
    probe = simulate_organisation(
        tmp_path_factory.mktemp("probe"), scenarios=[], **SETTINGS
    )
    names = [user.name for user in probe.organisation.ordinary_users()]
    admin = probe.organisation.users_of_kind("administrator")[0].name
    scenarios = {
        "slow": SlowBrowserCrawl(
            user=names[0],
            day=0,
            n_days=3,
            pages_per_day=30,
            n_spaces=2,
            seconds_per_page=20.0,
        ),
        "admin": AdminContentRead(
            user=admin, day=1, n_pages=25, departments=("Legal",), start_hour=14.0
        ),
        "night": OffHoursRead(
            user=names[1],
            day=2,
            n_pages=80,
            n_spaces=2,
            seconds_per_page=20.0,
            start_hour=1.0,
        ),
        "export": ExportBurst(
            user=names[2],
            day=1,
            n_exports=12,
            word_share=1.0,
            space_export=False,
            start_hour=11.0,
        ),
        "harvest": AttachmentHarvest(
            user=names[3], day=2, n_downloads=20, n_spaces=2, start_hour=10.0
        ),
        "hunt": CredentialHunt(
            user=names[4],
            day=0,
            terms=("vpn",),
            n_searches=3,
            max_hits_read=1,
            start_hour=15.0,
        ),
        "intruder": CompromisedAccount(
            user=names[5],
            day=1,
            volume_factor=2.0,
            new_space_share=1.0,
            user_agent=INTRUDER_AGENT,
            start_hour=12.0,
        ),
    }
    result = simulate_organisation(
        tmp_path_factory.mktemp("params"),
        scenarios=list(scenarios.values()),
        compress=False,
        **SETTINGS,
    )
    events = with_local_time(uba.read_events(result.out_dir))
    return result, events, scenarios


def test_param_run_labels(param_run):
    result, _, _ = param_run
    counts = result.labels["scenario"].value_counts()

    assert counts["slow_browser_crawl"] == 3
    assert (counts.drop("slow_browser_crawl") == 1).all()
    assert len(counts) == 7


def test_slow_crawl_parameters(param_run):
    result, events, scenarios = param_run
    crawl = scenarios["slow"]
    user = result.organisation.user(crawl.user)
    crawl_spaces = set()
    for date in result.organisation.dates:
        day_views = views(on_day(events, crawl.user, date.isoformat()))
        spaces = view_spaces(day_views, result.organisation)
        new = spaces[~spaces.isin(user.spaces)]
        crawl_spaces.update(new)
        assert len(new) == 30, date

    assert len(crawl_spaces) == 2


def test_admin_read_parameters(param_run):
    result, events, scenarios = param_run
    scenario = scenarios["admin"]
    organisation = result.organisation
    legal = {
        key for key, space in organisation.spaces.items() if space.department == "Legal"
    }
    day = on_day(events, scenario.user, "2026-03-03")
    day_views = views(day)
    in_legal = day_views[view_spaces(day_views, organisation).isin(legal)]
    permissions = day[day["path"] == "/spaces/spacepermissions.action"]

    assert len(in_legal) == 25
    assert in_legal["local"].dt.hour.min() >= 14
    assert set(permissions["space_key"]) >= legal - set(
        organisation.user(scenario.user).spaces
    )


def test_off_hours_parameters(param_run):
    _, events, scenarios = param_run
    day_views = views(on_day(events, scenarios["night"].user, "2026-03-04"))
    night = day_views[day_views["local"].dt.hour < 5]

    assert len(night) == 80
    assert night["local"].min().hour == 1


def test_export_parameters(param_run):
    _, events, scenarios = param_run
    day = on_day(events, scenarios["export"].user, "2026-03-03")
    burst = day[(day["local"].dt.hour >= 11) & (day["local"].dt.hour < 13)]

    assert (burst["path"] == "/exportword").sum() == 12
    assert (burst["action"] == "space_export").sum() == 0


def test_harvest_parameters(param_run):
    _, events, scenarios = param_run
    day = on_day(events, scenarios["harvest"].user, "2026-03-04")
    listing = "https://wiki.example.com/spaces/listattachmentsforspace.action"
    harvested = day[
        (day["action"] == "attachment_download")
        & day["referer"].astype(str).str.startswith(listing)
    ]
    listings = day[day["path"] == "/spaces/listattachmentsforspace.action"]

    assert len(harvested) == 20
    assert len(listings) >= 2


def test_hunt_parameters(param_run):
    result, events, scenarios = param_run
    day = on_day(events, scenarios["hunt"].user, "2026-03-02")
    searches = day[
        (day["path"] == "/dosearchsite.action") & (day["query"] == "queryString=vpn")
    ]
    hits = views(day)
    hits = hits[
        hits["referer"]
        == "https://wiki.example.com/dosearchsite.action?queryString=vpn"
    ]

    assert len(searches) == 3
    assert 1 <= len(hits) <= 3
    for page_id, path in zip(hits["page_id"], hits["path"], strict=True):
        if path.startswith("/pages/viewpage.action"):
            title = result.organisation.pages[int(page_id)].title
        else:
            title = path.rsplit("/", 1)[-1].replace("+", " ")
        assert "vpn" in title.lower(), path


def test_intruder_parameters(param_run):
    result, events, scenarios = param_run
    scenario = scenarios["intruder"]
    user = result.organisation.user(scenario.user)
    day = on_day(events, scenario.user, "2026-03-03")
    earlier_clients = set(before_day(events, scenario.user, "2026-03-03")["client_ip"])
    intruder = day[day["user_agent"] == INTRUDER_AGENT]
    intruder_views = views(intruder)
    spaces = view_spaces(intruder_views, result.organisation)

    assert len(intruder_views) == max(10, round(2.0 * user.activity))
    assert not spaces.isin(user.spaces).any()
    assert intruder["client_ip"].nunique() == 1
    assert not set(intruder["client_ip"]) & earlier_clients
    assert intruder["local"].min().hour >= 12
