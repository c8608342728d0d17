"""Parameter checks of simulate_organisation and of the scenarios."""

import datetime as dt
import warnings

import pytest

from uba.exceptions import UBAWarning
from uba.simulate import (
    AdminContentRead,
    AttachmentHarvest,
    BulkBrowserRead,
    CompromisedAccount,
    CredentialHunt,
    ExportBurst,
    OffHoursRead,
    RestCrawl,
    SlowBrowserCrawl,
    simulate_organisation,
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_users": 5}, r"n_users must be an integer >= 10, got 5"),
        ({"n_users": 12.0}, r"n_users must be an integer >= 10, got 12\.0"),
        ({"n_users": True}, r"n_users must be an integer >= 10, got True"),
        ({"days": 0}, r"days must be an integer >= 1, got 0"),
        ({"days": "19"}, r"days must be an integer >= 1, got '19'"),
        ({"days": 1}, r"days must be at least 2 for the default scenarios"),
        ({"seed": -1}, r"seed must be an integer >= 0, got -1"),
        (
            {"start": "2026-13-01"},
            r"start must be a date 'YYYY-MM-DD', got '2026-13-01'",
        ),
        (
            {"start": dt.datetime(2026, 3, 2, 9)},
            (
                r"start must be a date 'YYYY-MM-DD' "
                r"without a time"
            ),
        ),
        ({"start": 20260302}, r"start must be a date 'YYYY-MM-DD', got 20260302"),
        (
            {"timezone": "Mars/Olympus"},
            (
                r"timezone must be an IANA time zone name .*"
                r"'Mars/Olympus'"
            ),
        ),
        ({"timezone": None}, r"timezone must be an IANA time zone name .* None"),
        ({"compress": "yes"}, r"compress must be True or False, got 'yes'"),
        ({"scenarios": "rest_crawl"}, r"scenarios must be a list of Scenario objects"),
        ({"scenarios": RestCrawl()}, r"scenarios must be a list of Scenario objects"),
        ({"scenarios": [object()]}, r"scenarios must contain Scenario objects"),
        (
            {"holiday": "2026-02-30"},
            r"holiday must be a date 'YYYY-MM-DD', got '2026-02-30'",
        ),
        (
            {"new_joiner_start": dt.datetime(2026, 3, 16, 9)},
            r"new_joiner_start must be a date 'YYYY-MM-DD' without a time",
        ),
        (
            {"reorganisation_date": 5},
            r"reorganisation_date must be a date 'YYYY-MM-DD', got 5",
        ),
        (
            {"remote_timezone": "Mars/Base"},
            r"remote_timezone must be an IANA time zone name .*'Mars/Base'",
        ),
        ({"indexer_pages": -1}, r"indexer_pages must be an integer >= 0, got -1"),
        ({"indexer_pages": 2.5}, r"indexer_pages must be an integer >= 0, got 2\.5"),
    ],
)
def test_invalid_parameter_raises(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_organisation(tmp_path, **kwargs)


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (RestCrawl(n_pages=0), r"rest_crawl: 'n_pages' must be a positive integer"),
        (RestCrawl(n_pages=2.5), r"rest_crawl: 'n_pages' must be a positive integer"),
        (RestCrawl(n_spaces=-1), r"rest_crawl: 'n_spaces' must be a positive integer"),
        (
            RestCrawl(start_hour=24),
            (
                r"rest_crawl: 'start_hour' must be a number in "
                r"\[0, 24\)"
            ),
        ),
        (
            RestCrawl(duration_hours=0),
            (
                r"rest_crawl: 'duration_hours' must be a "
                r"positive number"
            ),
        ),
        (RestCrawl(start_hour=23.5, duration_hours=1), r"must end by midnight"),
        (RestCrawl(user_agent=""), r"'user_agent' must be a non-empty string"),
        (RestCrawl(day=3), r"rest_crawl: 'day' must lie in \[-3, 2\] .* got 3"),
        (RestCrawl(day=-4), r"rest_crawl: 'day' must lie in \[-3, 2\] .* got -4"),
        (RestCrawl(day="last"), r"rest_crawl: 'day' must be an integer day index"),
        (RestCrawl(user=7), r"rest_crawl: 'user' must be a username or None"),
        (
            BulkBrowserRead(seconds_per_page=-1),
            (
                r"bulk_browser_read: "
                r"'seconds_per_page' must be a positive"
            ),
        ),
        (BulkBrowserRead(n_pages=2_000, start_hour=20.0), r"runs past midnight"),
    ],
)
def test_invalid_scenario_raises(tmp_path, scenario, message):
    with pytest.raises(ValueError, match=message):
        simulate_organisation(tmp_path, n_users=10, days=3, scenarios=[scenario])


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (
            SlowBrowserCrawl(n_days=0),
            r"slow_browser_crawl: 'n_days' must be a positive integer",
        ),
        (
            SlowBrowserCrawl(day=-2, n_days=3),
            r"3 days from day 1 run past the last simulated day 2",
        ),
        (SlowBrowserCrawl(pages_per_day=500), r"'pages_per_day' must be at most 400"),
        (
            AdminContentRead(departments=("Operations",)),
            r"admin_content_read: 'departments' must be a non-empty tuple",
        ),
        (AdminContentRead(departments=()), r"'departments' must be a non-empty"),
        (
            AdminContentRead(n_pages=3_000, start_hour=20.0),
            r"admin_content_read: reading 3000 pages .* runs past midnight",
        ),
        (OffHoursRead(n_pages=3_000, start_hour=1.0), r"runs past midnight"),
        (OffHoursRead(start_hour=-1), r"'start_hour' must be a number in \[0, 24\)"),
        (ExportBurst(word_share=1.5), r"'word_share' must be a number in \[0, 1\]"),
        (ExportBurst(export_format="pdf"), r"'export_format' must be 'xml' or 'html'"),
        (ExportBurst(space_export="yes"), r"'space_export' must be True or False"),
        (
            AttachmentHarvest(n_downloads=0),
            r"attachment_harvest: 'n_downloads' must be a positive integer",
        ),
        (CredentialHunt(terms=()), r"'terms' must be a non-empty tuple"),
        (CredentialHunt(terms=("password", " ")), r"'terms' must be a non-empty"),
        (CredentialHunt(max_hits_read=0), r"'max_hits_read' must be a positive"),
        (
            CompromisedAccount(new_space_share=-0.1),
            r"'new_space_share' must be a number in \[0, 1\]",
        ),
        (
            CompromisedAccount(start_hour=22.0, duration_hours=3.0),
            r"'start_hour' \+ 'duration_hours' must end by 23:00",
        ),
        (CompromisedAccount(user_agent=""), r"'user_agent' must be a non-empty"),
        (CompromisedAccount(volume_factor=0), r"'volume_factor' must be a positive"),
    ],
)
def test_invalid_new_scenario_raises(tmp_path, scenario, message):
    with pytest.raises(ValueError, match=message):
        simulate_organisation(tmp_path, n_users=10, days=3, scenarios=[scenario])


def test_unknown_scenario_user_raises(tmp_path):
    with pytest.raises(ValueError, match=r"user 'nobody' is not in the simulated"):
        simulate_organisation(
            tmp_path, n_users=10, days=2, scenarios=[RestCrawl(user="nobody")]
        )


def test_too_many_scenarios_for_users_raises(tmp_path):
    scenarios = [RestCrawl(n_pages=10)] * 20

    with pytest.raises(ValueError, match=r"no eligible user is left"):
        simulate_organisation(tmp_path, n_users=10, days=2, scenarios=scenarios)


def test_out_dir_file_raises(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")

    with pytest.raises(ValueError, match=r"out_dir must be a folder"):
        simulate_organisation(target, n_users=10, days=2)


def test_stale_logs_in_out_dir_warn(tmp_path):
    (tmp_path / "conf_access_log.2020-01-01.log.gz").write_bytes(b"")

    with pytest.warns(UBAWarning, match=r"already contains 1 access log"):
        simulate_organisation(tmp_path, n_users=10, days=2, scenarios=[])


def test_rerun_into_same_folder_is_silent(tmp_path):
    simulate_organisation(tmp_path, n_users=10, days=2, scenarios=[])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulate_organisation(tmp_path, n_users=10, days=2, scenarios=[])


def test_date_object_accepted(tmp_path):
    result = simulate_organisation(
        tmp_path, n_users=10, days=2, start=dt.date(2025, 11, 1), scenarios=[]
    )

    assert result.log_paths[0].name == "conf_access_log.2025-11-01.log.gz"


def test_other_server_zone(tmp_path):
    result = simulate_organisation(
        tmp_path,
        n_users=10,
        days=2,
        scenarios=[],
        timezone="Europe/Berlin",
        compress=False,
    )
    first_line = result.log_paths[0].read_text().split("\n")[0]

    assert first_line.startswith("[02/Mar/2026:00:")
    assert " +0100] " in first_line
