"""Files written by simulate_organisation: layout, order, time zones, size, tables."""

import datetime as dt
import gzip
import random
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from simlog import STOCK_LINE, local_time, parse_file, read_lines, utc_time

from uba.simulate import simulate_organisation

SIZE_LIMIT_BYTES = 5_000_000
SERVER_ZONE = ZoneInfo("America/New_York")


def _day_seconds(date_text):
    """Length of a server-local day in seconds: 82800 on the spring-forward day."""
    day = dt.date.fromisoformat(date_text)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SERVER_ZONE)
    end = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(0), tzinfo=SERVER_ZONE
    )
    return int(end.timestamp() - start.timestamp())


def _tree_bytes(result):
    paths = [
        *result.log_paths,
        result.labels_path,
        result.users_path,
        result.lookalikes_path,
    ]
    return {path.name: path.read_bytes() for path in paths}


def test_same_seed_gives_identical_bytes(tmp_path):
    first = simulate_organisation(tmp_path / "a", n_users=15, days=3, seed=5)
    second = simulate_organisation(tmp_path / "b", n_users=15, days=3, seed=5)

    assert _tree_bytes(first) == _tree_bytes(second)


def test_other_seed_gives_other_logs(tmp_path):
    first = simulate_organisation(tmp_path / "a", n_users=15, days=3, seed=5)
    second = simulate_organisation(tmp_path / "b", n_users=15, days=3, seed=6)

    for path_a, path_b in zip(first.log_paths, second.log_paths, strict=True):
        assert path_a.read_bytes() != path_b.read_bytes()
    assert not first.users.equals(second.users)


def test_global_random_state_ignored(tmp_path):
    np.random.seed(1)
    random.seed(1)
    numpy_state = np.random.get_state()[1].copy()
    python_state = random.getstate()
    first = simulate_organisation(tmp_path / "a", n_users=12, days=2, seed=3)

    assert np.array_equal(np.random.get_state()[1], numpy_state)
    assert random.getstate() == python_state

    np.random.seed(99)
    random.seed(99)
    second = simulate_organisation(tmp_path / "b", n_users=12, days=2, seed=3)
    assert _tree_bytes(first) == _tree_bytes(second)


def test_plain_text_matches_gzip(tmp_path):
    packed = simulate_organisation(tmp_path / "gz", n_users=12, days=2, seed=4)
    plain = simulate_organisation(
        tmp_path / "txt", n_users=12, days=2, seed=4, compress=False
    )

    for gz_path, log_path in zip(packed.log_paths, plain.log_paths, strict=True):
        assert gz_path.name == log_path.name + ".gz"
        assert gzip.decompress(gz_path.read_bytes()) == log_path.read_bytes()


def test_gzip_header_has_no_time_stamp(tmp_path):
    result = simulate_organisation(tmp_path, n_users=12, days=1, seed=4, scenarios=[])
    header = result.log_paths[0].read_bytes()[:10]

    assert header[:2] == b"\x1f\x8b"
    assert header[4:8] == b"\x00\x00\x00\x00"


def test_file_names_one_per_day(default_run):
    result, _ = default_run
    names = [path.name for path in result.log_paths]
    expected = [
        f"conf_access_log.{dt.date(2026, 3, 2) + dt.timedelta(days=i)}.log.gz"
        for i in range(19)
    ]

    assert names == expected
    assert all(path.parent == result.out_dir for path in result.log_paths)


def test_every_line_matches_stock_layout(default_records, small_run):
    n_lines = sum(len(records) for records in default_records.values())
    small = [parse_file(path) for path in small_run.log_paths]

    assert n_lines > 100_000
    assert all(len(records) > 0 for records in small)


def test_line_count_reported(default_run, default_records):
    result, _ = default_run

    assert result.n_lines == sum(len(records) for records in default_records.values())


def test_bytes_dash_never_zero(default_records):
    sizes = Counter(
        record["bytes"] for records in default_records.values() for record in records
    )

    assert sizes["-"] > 0
    assert sizes["0"] == 0


def test_lines_in_time_order(default_records):
    for date, records in default_records.items():
        times = [utc_time(record) for record in records]
        assert times == sorted(times), f"lines of {date} are out of order"


def test_lines_belong_to_file_day(default_records):
    for date, records in default_records.items():
        days = {local_time(record).date().isoformat() for record in records}
        assert days == {date}


def test_offsets_switch_at_dst(default_records):
    before = {record["offset"] for record in default_records["2026-03-07"]}
    after = {record["offset"] for record in default_records["2026-03-09"]}
    switch_day = default_records["2026-03-08"]
    switch_offsets = [record["offset"] for record in switch_day]
    first_edt = switch_offsets.index("-0400")

    assert before == {"-0500"}
    assert after == {"-0400"}
    assert set(switch_offsets[:first_edt]) == {"-0500"}
    assert set(switch_offsets[first_edt:]) == {"-0400"}
    assert all(local_time(r).hour < 2 for r in switch_day[:first_edt])
    assert all(local_time(r).hour >= 3 for r in switch_day[first_edt:])


def test_offsets_follow_zone_database(default_records):
    for records in default_records.values():
        for record in records[::500]:
            instant = utc_time(record).replace(tzinfo=dt.UTC).astimezone(SERVER_ZONE)
            assert instant.replace(tzinfo=None) == local_time(record)


def test_default_run_under_size_limit(default_run):
    result, _ = default_run
    total = sum(path.stat().st_size for path in result.log_paths)
    total += result.labels_path.stat().st_size + result.users_path.stat().st_size

    assert total < SIZE_LIMIT_BYTES


def test_users_table(default_run):
    result, _ = default_run
    users = pd.read_csv(result.users_path, dtype=str)

    assert list(users.columns) == ["user", "department", "role", "timezone"]
    assert len(users) == 102
    assert users["user"].is_unique
    assert (users["role"] == "Confluence administrator").sum() == 2
    assert (users["role"] == "technical writer").sum() == 2
    assert (users["role"] == "service account").sum() == 2
    assert (users["timezone"] == "Asia/Kolkata").sum() == 5
    assert set(users["department"]) == {
        "Engineering",
        "Sales",
        "HR",
        "Finance",
        "Legal",
        "Marketing",
        "Support",
        "IT",
    }
    assert all(ZoneInfo(name) for name in users["timezone"])
    assert users.values.tolist() == result.users.values.tolist()


def test_labels_table_round_trips(default_run):
    result, _ = default_run
    labels = pd.read_csv(result.labels_path, dtype=str)

    assert list(labels.columns) == ["user", "date", "scenario"]
    assert labels.values.tolist() == result.labels.values.tolist()
    assert sorted(labels["scenario"]) == ["bulk_browser_read", "rest_crawl"]


def test_weekends_are_quiet(default_records):
    def people_lines(date):
        return [r for r in default_records[date] if "." in r["user"]]

    weekday = len(people_lines("2026-03-10"))
    saturday = len(people_lines("2026-03-14"))
    weekend_people = {r["user"] for r in people_lines("2026-03-14")}

    assert saturday < weekday / 10
    assert 0 < len(weekend_people) < 25


def test_working_hours_dominate(default_records, default_run):
    result, _ = default_run
    users = result.users.set_index("user")
    local = [
        local_time(r).hour
        for r in default_records["2026-03-11"]
        if r["user"] in users.index
        and users.loc[r["user"], "timezone"] == "America/New_York"
        and users.loc[r["user"], "role"] != "service account"
    ]
    hours = Counter(local)
    in_office = sum(count for hour, count in hours.items() if 8 <= hour < 18)

    assert in_office / len(local) > 0.9
    assert hours[12] < hours[10]


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


def test_page_views_bring_background_requests(default_records):
    records = [r for day in default_records.values() for r in day]
    view_urls = {
        "https://wiki.example.com" + r["uri"] for r in records if _is_page_view(r)
    }
    xhr_referers = {
        prefix: {r["referer"] for r in records if r["uri"].startswith(prefix)}
        for prefix in ("/rest/quickreload/", "/rest/likes/", "/rest/inlinecomments/")
    }

    assert len(view_urls) > 1_000
    assert xhr_referers["/rest/quickreload/"] <= view_urls
    assert xhr_referers["/rest/likes/"] == view_urls
    assert xhr_referers["/rest/inlinecomments/"] == view_urls


def test_url_shapes_mixed(default_records):
    uris = [
        r["uri"]
        for records in default_records.values()
        for r in records
        if r["user"] != "-"
    ]
    prefixes = (
        "/display/",
        "/pages/viewpage.action?pageId=",
        "/spaces/",
        "/x/",
        "/dosearchsite.action?queryString=",
        "/rest/quicknav/1/search?query=",
        "/download/attachments/",
        "/spaces/flyingpdf/pdfpageexport.action?pageId=",
        "/pages/editpage.action?pageId=",
        "/pages/doeditpage.action",
        "/rest/tinymce/1/drafts",
        "/dologin.action",
        "/index.action",
        "/rest/quickreload/latest/",
        "/rest/analytics/1.0/publish/bulk",
        "/rest/mywork/latest/status/notification/count",
        "/admin/",
        "/display/~",
    )
    counts = {
        prefix: sum(uri.startswith(prefix) for uri in uris) for prefix in prefixes
    }

    assert all(count > 0 for count in counts.values()), counts
    assert any("/20" in uri and uri.startswith("/display/") for uri in uris)


def test_statuses_include_errors(default_records):
    statuses = Counter(
        r["status"] for records in default_records.values() for r in records
    )

    for status in ("200", "204", "302", "304", "403", "404"):
        assert statuses[status] > 0, status


def test_anonymous_requests(default_records):
    anonymous = [
        r for records in default_records.values() for r in records if r["user"] == "-"
    ]
    uris = Counter(r["uri"].split("?")[0] for r in anonymous)

    expected_checks = sum(_day_seconds(date) // 120 for date in default_records)

    assert uris["/status"] == expected_checks
    assert expected_checks == 19 * 720 - 30
    assert uris["/login.action"] > 0
    assert any(uri.startswith("/s/") for uri in uris)


def test_admin_pages_only_by_administrators(default_records, default_run):
    result, _ = default_run
    admins = set(
        result.users.loc[result.users["role"] == "Confluence administrator", "user"]
    )
    admin_users = {
        r["user"]
        for records in default_records.values()
        for r in records
        if r["uri"].startswith("/admin/")
    }

    assert admin_users == admins


def test_service_accounts_run_every_day(default_records):
    for date, records in default_records.items():
        indexer = [r for r in records if r["user"] == "svc-indexer"]
        monitor = [r for r in records if r["user"] == "svc-monitor"]
        assert indexer, date
        assert {r["agent"] for r in indexer} == {"python-requests/2.28.2"}
        assert len(monitor) == _day_seconds(date) // 600, date
        assert {r["agent"] for r in monitor} == {"curl/8.5.0"}


def test_each_person_keeps_agent_and_address(default_records, default_run):
    result, _ = default_run
    crawl_user = result.labels.loc[
        result.labels["scenario"] == "rest_crawl", "user"
    ].item()
    agents = {}
    clients = {}
    for records in default_records.values():
        for r in records:
            if "." in r["user"]:
                agents.setdefault(r["user"], set()).add(r["agent"])
                clients.setdefault(r["user"], set()).add(r["client"])

    assert all(
        len(values) == 1 for name, values in agents.items() if name != crawl_user
    )
    assert all(
        len(values) == 1 for name, values in clients.items() if name != crawl_user
    )
    assert len(agents[crawl_user]) == 2
    assert len(clients[crawl_user]) == 2


def test_some_clients_use_ipv6(default_records):
    clients = {r["client"] for records in default_records.values() for r in records}

    assert any(":" in client for client in clients)
    assert all(
        client.startswith(("198.51.100.", "203.0.113.", "192.0.2.", "2001:db8:"))
        for client in clients
    )


def test_small_run_lines_parse(small_run):
    for path in small_run.log_paths:
        assert path.suffix == ".log"
        assert len(parse_file(path)) == len(read_lines(path))


def test_stock_regex_is_strict():
    good = (
        "[03/Mar/2026:09:14:02 -0500] jane.doe http-nio-8090-exec-12 203.0.113.17 "
        "GET /display/ENG/Release+Checklist HTTP/1.1 200 311ms 48211 "
        "https://wiki.example.com/display/ENG Mozilla/5.0 (X11; Linux x86_64)"
    )
    broken = [
        good.replace("[03/Mar/2026:09:14:02 -0500]", "[2026-03-03 09:14:02]"),
        good.replace(" -0500]", "]"),
        good.replace(
            "GET /display/ENG/Release+Checklist HTTP/1.1",
            '"GET /display/ENG/Release+Checklist HTTP/1.1"',
        ),
        good.replace("311ms", "311"),
        good.replace(" 48211 ", " 0 "),
        good.replace("jane.doe http", "jane.doe  http"),
        good.replace("Release+Checklist", "Release Checklist"),
        good.replace("http-nio-8090-exec-12", "http-nio-8090-exec-49"),
        good + " ",
    ]

    assert STOCK_LINE.match(good)
    for line in broken:
        assert STOCK_LINE.match(line) is None, line


# NumPy release series that wrote data/. NumPy does not promise identical random
# streams across releases, so other versions skip the byte comparison.
BUNDLED_DATA_NUMPY = "2.4."


def test_bundled_data_is_reproducible(default_run):
    result, _ = default_run
    bundled = Path(__file__).resolve().parents[2] / "data"
    if not (bundled / "labels.csv").exists():
        pytest.skip("the bundled data/ folder is not present")
    if not np.__version__.startswith(BUNDLED_DATA_NUMPY):
        pytest.skip(f"data/ was written with NumPy {BUNDLED_DATA_NUMPY}x")
    generated = _tree_bytes(result)

    for name, content in generated.items():
        assert (bundled / name).read_bytes() == content, (
            f"data/{name} differs from simulate_organisation('data', seed=7); "
            "regenerate data/ and update data/README.md"
        )
