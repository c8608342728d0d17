import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from uba._schema import ACTIONS, EVENT_COLUMNS
from uba.exceptions import LogFormatError, TimezoneWarning
from uba.io import ReadReport, _tomcat, read_events

SAMPLES = Path(__file__).parents[2].parent / "shared" / "confluence-logs" / "samples"

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"

STOCK = [
    "[03/Mar/2025:09:14:02 +0100] jdoe http-nio-8090-exec-12 203.0.113.17 "
    "GET /display/ENG/Release+Checklist HTTP/1.1 200 311ms 48211 "
    f"https://wiki.example.com/display/ENG {UA}",
    "[03/Mar/2025:09:14:03 +0100] svc-export http-nio-8090-exec-3 198.51.100.9 "
    "GET /rest/api/content/65601?expand=body.storage,version HTTP/1.1 200 88ms 9120 "
    "- python-requests/2.31.0",
    "[03/Mar/2025:09:15:40 +0100] - http-nio-8090-exec-9 2001:db8::7 "
    "GET /spaces/flyingpdf/pdfpageexport.action?pageId=65601 HTTP/1.1 302 2204ms - "
    "- -",
]


def stock_line(time="03/Mar/2025:09:14:02 +0100", user="jdoe",
               host="203.0.113.17", request="GET /index.action HTTP/1.1",
               status="200", duration="12ms", size="100", referer="-", agent=UA):
    return (f"[{time}] {user} http-nio-8090-exec-1 {host} {request} {status} "
            f"{duration} {size} {referer} {agent}")


def read(path, **kwargs):
    events, report = read_events(path, return_report=True, **kwargs)
    return events, report


def assert_accounted(report):
    for entry in report.files:
        total = entry.events + sum(entry.skipped.values()) + sum(entry.rejected.values())
        assert total == entry.lines_read, entry


# --- output shape ----------------------------------------------------------------


def test_columns_and_dtypes(write_log):
    events, _ = read(write_log("conf_access_log.2025-03-03.log", "\n".join(STOCK)))

    assert tuple(events.columns) == EVENT_COLUMNS
    assert str(events["timestamp"].dtype) == "datetime64[ns, UTC]"
    for name in ("utc_offset", "status"):
        assert events[name].dtype == np.int16
    for name in ("bytes", "line"):
        assert events[name].dtype == np.int64
    assert events["duration_ms"].dtype == np.float64
    for name in ("user", "client_ip", "method", "path", "referer", "user_agent",
                 "action", "space_key", "source"):
        assert isinstance(events[name].dtype, pd.CategoricalDtype), name
    assert set(events["action"].cat.categories) <= set(ACTIONS)
    assert str(events["page_id"].dtype) == "Int64"
    assert events["query"].dtype == "str"
    assert events.index.equals(pd.RangeIndex(len(events)))


def test_stock_exact_values(write_log):
    path = write_log("conf_access_log.2025-03-03.log", "\n".join(STOCK) + "\n")
    events, report = read(path)
    first, second, third = (events.iloc[i] for i in range(3))

    assert report.files[0].format == "stock"
    assert first["timestamp"] == pd.Timestamp("2025-03-03 08:14:02", tz="UTC")
    assert first["utc_offset"] == 60
    assert first["user"] == "jdoe"
    assert first["client_ip"] == "203.0.113.17"
    assert first["method"] == "GET"
    assert first["path"] == "/display/ENG/Release+Checklist"
    assert pd.isna(first["query"])
    assert first["status"] == 200
    assert first["bytes"] == 48211
    assert first["duration_ms"] == 311.0
    assert first["referer"] == "https://wiki.example.com/display/ENG"
    assert first["user_agent"] == UA
    assert first["source"] == str(path)
    assert first["line"] == 1

    assert second["path"] == "/rest/api/content/65601"
    assert second["query"] == "expand=body.storage,version"
    assert pd.isna(second["referer"])
    assert second["user_agent"] == "python-requests/2.31.0"

    assert pd.isna(third["user"])
    assert third["client_ip"] == "2001:db8::7"
    assert third["bytes"] == 0
    assert third["status"] == 302
    assert pd.isna(third["user_agent"])
    assert third["query"] == "pageId=65601"


def test_url_columns_come_from_classifier(write_log):
    events, _ = read(write_log("conf_access_log.log", "\n".join(STOCK)))
    assert list(events.columns[-5:-2]) == ["action", "space_key", "page_id"]
    assert events["action"].notna().all()


# --- layouts ---------------------------------------------------------------------


def test_proxy_forwarded_for_forms(write_log):
    lines = [
        "[03/Mar/2025:09:20:11 +0100] 198.51.100.7 jdoe http-nio-8090-exec-2 10.0.0.5 "
        "GET /pages/viewpage.action?pageId=65601 HTTP/1.1 200 120ms 40211 - curl/8.5.0",
        "[03/Mar/2025:09:20:12 +0100] 198.51.100.8, 10.0.0.5 jdoe http-nio-8090-exec-2 "
        f"10.0.0.5 GET /x HTTP/1.1 200 1ms 4 - {UA}",
        "[03/Mar/2025:09:20:13 +0100] 203.0.113.9, 198.51.100.3, 10.0.0.5 - "
        "http-nio-8090-exec-4 10.0.0.5 GET /status HTTP/1.1 200 2ms 21 - curl/8.5.0",
        "[03/Mar/2025:09:20:14 +0100] - - http-nio-8090-exec-4 10.0.0.6 "
        "GET /status HTTP/1.1 200 2ms 21 - curl/8.5.0",
    ]
    events, report = read(write_log("conf_access_log.log", "\n".join(lines)))

    assert report.files[0].format == "proxy"
    assert report.n_rejected == 0
    assert events["client_ip"].tolist() == [
        "198.51.100.7", "198.51.100.8", "203.0.113.9", "10.0.0.6"
    ]
    assert events["user"].tolist()[:2] == ["jdoe", "jdoe"]
    assert pd.isna(events["user"].iloc[2])
    assert events["user_agent"].iloc[1] == UA


def test_kb2015_agent_in_middle(write_log):
    line = (
        f"[20/May/2025:17:47:19 -0500] jdoe {UA} 198.51.100.20 GET GET "
        "/display/TEST/Page?focusedCommentId=7 HTTP/1.1 16850 200 37 http-bio-5571-exec-3"
    )
    events, report = read(write_log("conf_access_log.log", line))
    row = events.iloc[0]

    assert report.files[0].format == "kb2015"
    assert row["user_agent"] == UA
    assert row["client_ip"] == "198.51.100.20"
    assert row["method"] == "GET"
    assert row["path"] == "/display/TEST/Page"
    assert row["query"] == "focusedCommentId=7"
    assert row["bytes"] == 16850
    assert row["status"] == 200
    assert row["duration_ms"] == 37.0
    assert row["timestamp"] == pd.Timestamp("2025-05-20 22:47:19", tz="UTC")
    assert row["utc_offset"] == -300


def test_kb2015_without_duration(write_log):
    line = (f"[20/May/2025:17:47:19 -0500] jdoe {UA} 198.51.100.20 GET GET /x "
            "HTTP/1.1 5 200 http-bio-5571-exec-3")
    events, report = read(write_log("conf_access_log.log", line))

    assert report.files[0].format == "kb2015"
    assert report.n_rejected == 0
    assert np.isnan(events["duration_ms"].iloc[0])


def test_docker_quoted_layout(write_log):
    lines = [
        '203.0.113.17 jdoe [03/Mar/2025:08:14:02 +0000] "GET /pages/viewpage.action'
        '?pageId=65601 HTTP/1.1" 200 40211 287 /pages/viewpage.action '
        f'http-nio-8090-exec-12 "{UA}"',
        '198.51.100.9 - [03/Mar/2025:08:14:05 +0000] "GET /rest/api/space/ENG/content'
        '?limit=100&start=200 HTTP/1.1" 401 - 5 /rest/api/space/ENG/content '
        'http-nio-8090-exec-3 "python-requests/2.31.0"',
        '198.51.100.9 - [03/Mar/2025:08:14:06 +0000] "-" 400 - 0 - '
        'http-nio-8090-exec-3 "agent with \\"quotes\\""',
    ]
    events, report = read(write_log("confluence_access.2025-03-03.log", "\n".join(lines)))

    assert report.files[0].format == "docker"
    assert report.n_rejected == 0
    assert events["query"].iloc[1] == "limit=100&start=200"
    assert events["user_agent"].iloc[0] == UA
    assert events["duration_ms"].tolist() == [287.0, 5.0, 0.0]
    assert pd.isna(events["method"].iloc[2])
    assert events["user_agent"].iloc[2] == 'agent with "quotes"'
    assert events["referer"].isna().all()


def test_custom_pattern_with_seconds(write_log):
    lines = [
        '198.51.100.4 - - [03/Mar/2025:09:14:02 +0100] "GET /x?a=1 HTTP/1.1" 200 512 '
        '0.250 jdoe',
        '198.51.100.5 - - [03/Mar/2025:09:14:03 +0100] "POST /y HTTP/2.0" 201 - 3 -',
    ]
    pattern = '%a %l %{X-Unused}i %t "%r" %s %b %T %u'
    events, report = read(write_log("access.log", "\n".join(lines)), pattern=pattern)

    assert report.files[0].format == "pattern"
    assert report.files[0].pattern == pattern
    assert events["duration_ms"].tolist() == [250.0, 3000.0]
    assert events["client_ip"].tolist() == ["198.51.100.4", "198.51.100.5"]
    assert events["user"].iloc[0] == "jdoe"
    assert pd.isna(events["user"].iloc[1])
    assert events["method"].tolist() == ["GET", "POST"]


def test_common_and_combined_aliases(write_log):
    common = ('192.0.2.1 - alice [03/Mar/2025:09:14:02 +0000] "GET /a HTTP/1.1" '
              '200 1024')
    combined = (common + ' "https://wiki.example.com/" "curl/8.5.0"')
    events, _ = read(write_log("common.log", common), pattern="common")
    assert events["user"].iloc[0] == "alice"
    assert np.isnan(events["duration_ms"].iloc[0])

    events, _ = read(write_log("combined.log", combined), pattern="combined")
    assert events["referer"].iloc[0] == "https://wiki.example.com/"
    assert events["user_agent"].iloc[0] == "curl/8.5.0"


def test_pattern_with_joined_fields_uses_regex(write_log):
    line = "198.51.100.4:8090 [03/Mar/2025:09:14:02 +0100] GET /a?b=c HTTP/1.1 200"
    events, report = read(write_log("a.log", line), pattern="%h:%p %t %r %s")
    assert report.n_rejected == 0
    assert events["client_ip"].iloc[0] == "198.51.100.4"
    assert events["query"].iloc[0] == "b=c"


def test_pattern_with_url_path_and_query(write_log):
    lines = ["[03/Mar/2025:09:14:02 +0100] 198.51.100.4 GET /a?x=1 200",
             "[03/Mar/2025:09:14:03 +0100] 198.51.100.4 GET /b 200"]
    events, _ = read(write_log("a.log", "\n".join(lines)), pattern="%t %h %m %U%q %s")
    assert events["path"].tolist() == ["/a", "/b"]
    assert events["query"].iloc[0] == "x=1"
    assert pd.isna(events["query"].iloc[1])


def test_host_names_and_ipv6(write_log):
    lines = [stock_line(host="test.example.com"), stock_line(host="0:0:0:0:0:0:0:1")]
    events, _ = read(write_log("conf_access_log.log", "\n".join(lines)))
    assert events["client_ip"].tolist() == ["test.example.com", "0:0:0:0:0:0:0:1"]


def test_lone_dash_request_line(write_log):
    lines = [stock_line(request="-", status="400"), stock_line()]
    events, report = read(write_log("conf_access_log.log", "\n".join(lines)))

    assert report.n_rejected == 0
    assert pd.isna(events["method"].iloc[0])
    assert pd.isna(events["path"].iloc[0])
    assert events["action"].iloc[0] == "other"


def test_escaped_user_names(write_log):
    lines = [stock_line(user='j\\"doe'), stock_line(user="dom\\\\jdoe"),
             stock_line(user="j\\u00fcrgen"), stock_line(user="\\xc3\\xa9lise")]
    events, _ = read(write_log("conf_access_log.log", "\n".join(lines)))
    assert events["user"].tolist() == ['j"doe', "dom\\jdoe", "jürgen", "élise"]


def test_user_name_with_space_falls_back_to_regex(write_log):
    lines = [stock_line(user="john smith"), stock_line()]
    events, report = read(write_log("conf_access_log.log", "\n".join(lines)))
    assert report.files[0].format == "stock"
    assert report.n_rejected == 0
    assert events["user"].tolist() == ["john smith", "jdoe"]


def test_durations_in_microseconds(write_log):
    path = write_log("conf_access_log.log", stock_line(duration="2500ms"))
    events, _ = read(path, duration_unit="us")
    assert events["duration_ms"].iloc[0] == 2.5


# --- time ------------------------------------------------------------------------


def test_dst_offset_change_inside_file(write_log):
    lines = [stock_line(time="30/Mar/2025:01:59:59 +0100"),
             stock_line(time="30/Mar/2025:03:00:00 +0200"),
             stock_line(time="26/Oct/2025:02:30:00 +0200"),
             stock_line(time="26/Oct/2025:02:30:00 +0100")]
    events, _ = read(write_log("conf_access_log.log", "\n".join(lines)))

    assert events["timestamp"].tolist() == [
        pd.Timestamp("2025-03-30 00:59:59", tz="UTC"),
        pd.Timestamp("2025-03-30 01:00:00", tz="UTC"),
        pd.Timestamp("2025-10-26 00:30:00", tz="UTC"),
        pd.Timestamp("2025-10-26 01:30:00", tz="UTC"),
    ]
    assert events["utc_offset"].tolist() == [60, 120, 120, 60]


def test_timezone_ignored_for_tomcat_lines(write_log):
    path = write_log("conf_access_log.log", stock_line())
    events, _ = read(path, timezone="America/New_York")
    assert events["timestamp"].iloc[0] == pd.Timestamp("2025-03-03 08:14:02", tz="UTC")


@pytest.mark.parametrize(
    "time, reason",
    [
        ("31/Feb/2025:09:14:02 +0100", "invalid_timestamp"),
        ("03/Foo/2025:09:14:02 +0100", "invalid_timestamp"),
        ("03/Mar/2025:25:14:02 +0100", "invalid_timestamp"),
        ("2025-03-03 09:14:02", "invalid_timestamp"),
    ],
)
def test_bad_times_are_rejected(write_log, time, reason):
    lines = [stock_line(), stock_line(time=time)]
    _, report = read(write_log("conf_access_log.log", "\n".join(lines)))
    assert report.rejected == {reason: 1}
    assert report.files[0].examples[reason][0]["line"] == 2


def test_leap_day_is_valid(write_log):
    events, _ = read(write_log("conf_access_log.log",
                               stock_line(time="29/Feb/2024:23:59:59 -0130")))
    assert events["timestamp"].iloc[0] == pd.Timestamp("2024-03-01 01:29:59", tz="UTC")
    assert events["utc_offset"].iloc[0] == -90


# --- AccessLogFilter -------------------------------------------------------------

FILTER_LOG = "\n".join([
    "2025-03-03 09:14:00,001 INFO [localhost-startStop-1] "
    "[atlassian.confluence.util.AccessLogFilter] init AccessLogFilter initialized. "
    "Format is: <user> <url> <starting memory free (kb)> +- <difference in free mem "
    "(kb)> <query time (ms)> <remote address>",
    "2025-03-03 09:14:02,118 INFO [http-nio-8090-exec-12] "
    "[atlassian.confluence.util.AccessLogFilter] doFilter jdoe GET "
    "https://wiki.example.com/display/ENG/Release+Checklist 812344+2048 311 203.0.113.17",
    "2025-03-03 09:16:00,001 ERROR [http-nio-8090-exec-5] "
    "[atlassian.confluence.servlet.ConfluenceServletDispatcher] sendError Could not "
    "find action -- url: /pages/x.action | userName: jdoe",
    "java.lang.RuntimeException: example",
    "\tat com.example.Foo.bar(Foo.java:1)",
    "Caused by: java.lang.IllegalStateException: inner",
    "\t... 12 more",
    "",
    "2025-03-03 09:14:09,502 INFO [http-nio-8090-exec-4] "
    "[atlassian.confluence.util.AccessLogFilter] doFilter - GET "
    "https://wiki.example.com:8443/pages/viewpage.action 801220-10240 97 198.51.100.4",
    "2013-02-08 07:29:34,845 INFO [TP-Processor3] "
    "[atlassian.confluence.util.AccessLogFilter] doFilter alice "
    "https://wiki.example.com/display/HOME/home 1725173-3259 81 192.0.2.184",
])


def test_access_log_filter_lines(write_log):
    path = write_log("atlassian-confluence.log", FILTER_LOG)
    with pytest.warns(TimezoneWarning):
        events, report = read(path)
    entry = report.files[0]

    assert entry.format == "access_log_filter"
    assert entry.events == 3
    assert entry.skipped == {"not_access_line": 7}
    assert entry.rejected == {}
    assert_accounted(report)

    by_line = events.set_index("line")
    assert by_line.loc[2, "user"] == "jdoe"
    assert by_line.loc[2, "method"] == "GET"
    assert by_line.loc[2, "path"] == "/display/ENG/Release+Checklist"
    assert by_line.loc[2, "duration_ms"] == 311.0
    assert by_line.loc[2, "client_ip"] == "203.0.113.17"
    assert by_line.loc[2, "timestamp"] == pd.Timestamp("2025-03-03 09:14:02.118", tz="UTC")
    assert by_line.loc[2, "utc_offset"] == 0
    assert by_line.loc[2, "status"] == 0
    assert pd.isna(by_line.loc[9, "user"])
    assert by_line.loc[9, "path"] == "/pages/viewpage.action"
    assert pd.isna(by_line.loc[10, "method"])
    assert by_line.loc[10, "user"] == "alice"
    assert events["query"].isna().all()


def test_access_log_filter_with_timezone(write_log):
    path = write_log("atlassian-confluence.log", FILTER_LOG)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimezoneWarning)
        events, _ = read(path, timezone="Europe/Berlin")
    row = events.set_index("line").loc[2]
    assert row["timestamp"] == pd.Timestamp("2025-03-03 08:14:02.118", tz="UTC")
    assert row["utc_offset"] == 60


def filter_line(time, user="jdoe"):
    return (f"{time} INFO [http-nio-8090-exec-1] [atlassian.confluence.util."
            f"AccessLogFilter] doFilter {user} GET https://wiki.example.com/x "
            "1000+1 5 198.51.100.1")


def test_access_log_filter_dst_gap_and_repeat(write_log):
    lines = [filter_line("2025-03-30 02:30:00,000"),
             filter_line("2025-10-26 02:30:00,000"),
             filter_line("2025-10-26 03:30:00,000")]
    path = write_log("atlassian-confluence.log", "\n".join(lines))
    events, report = read(path, timezone="Europe/Berlin")

    assert len(events) == 3
    assert report.notes == {"dst_gap_shifted": 1, "dst_ambiguous_first": 1}
    assert events["timestamp"].tolist() == [
        pd.Timestamp("2025-03-30 01:00:00", tz="UTC"),
        pd.Timestamp("2025-10-26 00:30:00", tz="UTC"),
        pd.Timestamp("2025-10-26 02:30:00", tz="UTC"),
    ]
    assert events["utc_offset"].tolist() == [120, 120, 60]


def test_access_log_filter_bad_message_is_rejected(write_log):
    bad = ("2025-03-03 09:14:02,118 INFO [x] [atlassian.confluence.util."
           "AccessLogFilter] doFilter jdoe GET not-a-url")
    path = write_log("atlassian-confluence.log", filter_line("2025-03-03 09:00:00,000")
                     + "\n" + bad)
    with pytest.warns(TimezoneWarning):
        _, report = read(path)
    assert report.rejected == {"no_match": 1}
    assert "expected <user>" in report.files[0].examples["no_match"][0]["detail"]


# --- files -----------------------------------------------------------------------


def test_gzip_file(write_log):
    plain, _ = read(write_log("conf_access_log.log", "\n".join(STOCK)))
    packed, _ = read(write_log("conf_access_log.log.gz", "\n".join(STOCK), compress=True))
    pd.testing.assert_frame_equal(plain.drop(columns="source"),
                                  packed.drop(columns="source"))


def test_crlf_and_missing_final_newline(write_log):
    unix, _ = read(write_log("a.log", "\n".join(STOCK) + "\n"))
    windows, _ = read(write_log("b.log", "\r\n".join(STOCK)))
    pd.testing.assert_frame_equal(unix.drop(columns="source"),
                                  windows.drop(columns="source"))
    assert windows["user_agent"].iloc[0] == UA


def test_directory_selection_and_passed_over(write_log, tmp_path):
    write_log("conf_access_log.2025-03-03.log", STOCK[0])
    write_log("conf_access_log.2025-03-02.log.gz", STOCK[1], compress=True)
    write_log("conf_access_log.2025-03-01.log.1", STOCK[2])
    write_log("catalina.out", "not a log\n")
    write_log("notes.txt", "not a log\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "conf_access_log.log").write_text(STOCK[0])

    events, report = read(tmp_path)

    assert len(report.files) == 3
    assert len(events) == 3
    passed_over = sorted(Path(p).name for p in report.passed_over)
    assert passed_over == ["catalina.out", "notes.txt", "sub"]
    assert "passed over 3 file(s) or folder(s)" in report.summary()


def test_directory_without_known_names(write_log, tmp_path):
    write_log("server-a.log", STOCK[0])
    write_log("server-b.txt", STOCK[1])
    write_log("readme.md", "text")
    events, report = read(tmp_path)
    assert len(events) == 2
    assert [Path(p).name for p in report.passed_over] == ["readme.md"]


def test_missing_path_raises(tmp_path):
    missing = tmp_path / "nope.log"
    with pytest.raises(FileNotFoundError, match="nope.log"):
        read_events(missing)


def test_empty_file_gives_empty_frame(write_log):
    events, report = read(write_log("conf_access_log.log", ""))
    assert len(events) == 0
    assert tuple(events.columns) == EVENT_COLUMNS
    assert str(events["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert report.files[0].format is None


def test_ordering_across_files(write_log):
    early = write_log("b.log", "\n".join([
        stock_line(time="03/Mar/2025:09:00:00 +0100", user="b1"),
        stock_line(time="03/Mar/2025:09:00:05 +0100", user="b2"),
    ]))
    late = write_log("a.log", "\n".join([
        stock_line(time="03/Mar/2025:08:00:03 +0000", user="a1"),
        stock_line(time="03/Mar/2025:08:00:00 +0000", user="a2"),
        stock_line(time="03/Mar/2025:09:00:00 +0100", user="a3"),
    ]))
    events, _ = read([early, late])
    # 08:00:00 UTC: b1, a2 (tie: file order), a3 (same file, later line).
    assert events["user"].tolist() == ["b1", "a2", "a3", "a1", "b2"]
    assert events["source"].tolist()[:2] == [str(early), str(late)]


def test_invalid_utf8(write_log):
    good = stock_line(agent="Agent\xff".encode("latin-1").decode("latin-1"))
    data = (stock_line().encode() + b"\n"
            + stock_line(agent="Agent").encode()[:-5] + b"Agent\xff\xfe\n"
            + b"\xff\xfe garbage\n")
    events, report = read(write_log("conf_access_log.log", data))
    entry = report.files[0]

    assert entry.events == 2
    assert entry.rejected == {"invalid_utf8": 1}
    assert entry.notes == {"utf8_replaced": 1}
    assert events["user_agent"].iloc[1] == "Agent\ufffd"
    assert good


def test_progress_reports_bytes(write_log):
    path = write_log("conf_access_log.log", "\n".join(STOCK * 50))
    calls = []
    read_events(path, progress=lambda done, total, name: calls.append((done, total, name)),
                _chunk_bytes=4096)
    assert len(calls) > 1
    assert calls[-1][0] == calls[-1][1] == path.stat().st_size
    assert all(name == str(path) for _, _, name in calls)


# --- rejected lines and reports --------------------------------------------------


def test_rejected_lines_are_counted_with_examples(write_log, caplog):
    lines = [stock_line()] + [f"garbage {i}" for i in range(7)] + [
        stock_line(status="abc"), stock_line(status="-"), "", "   ",
    ]
    path = write_log("conf_access_log.log", "\n".join(lines))
    with caplog.at_level(logging.INFO, logger="uba.io"):
        events, report = read(path)
    entry = report.files[0]

    assert len(events) == 1
    assert entry.rejected == {"no_match": 8, "invalid_status": 1}
    assert entry.skipped == {"blank_line": 2}
    assert_accounted(report)
    assert len(entry.examples["no_match"]) == 5
    assert entry.examples["no_match"][0] == {
        "line": 2, "text": "garbage 0", "detail": "expected the pattern field %t at character 1"
    }
    assert entry.examples["invalid_status"][0]["line"] == 10
    assert any(record.levelno == logging.WARNING for record in caplog.records)
    assert events.attrs["read_report"] is report


def test_examples_are_truncated(write_log):
    long_line = "x" * 1000
    _, report = read(write_log("conf_access_log.log", stock_line() + "\n" + long_line))
    assert len(report.files[0].examples["no_match"][0]["text"]) == 300


def test_clean_read_logs_info(write_log, caplog):
    with caplog.at_level(logging.INFO, logger="uba.io"):
        read(write_log("conf_access_log.log", stock_line()))
    assert [record.levelno for record in caplog.records] == [logging.INFO]


def test_strict_raises_at_first_rejected_line(write_log):
    lines = [stock_line(), stock_line(time="31/Feb/2025:09:14:02 +0100"), "garbage"]
    path = write_log("conf_access_log.log", "\n".join(lines))
    with pytest.raises(LogFormatError, match=r"conf_access_log.log, line 2: invalid time"):
        read_events(path, strict=True)


def test_nothing_parses_raises(write_log):
    path = write_log("conf_access_log.log", "hello\nworld\n")
    with pytest.raises(LogFormatError) as caught:
        read_events(path)
    message = str(caught.value)
    assert "conf_access_log.log" in message
    assert "stock (%t %{X-AUSERNAME}o" in message
    assert "pattern=" in message


def test_explicit_format_with_no_matching_line_raises(write_log):
    path = write_log("conf_access_log.log", stock_line())
    with pytest.raises(LogFormatError, match="docker"):
        read_events(path, format="docker")


def test_report_to_dict_and_summary(write_log):
    _, report = read(write_log("conf_access_log.log", stock_line() + "\ngarbage"))
    data = report.to_dict()
    assert data["events"] == 1
    assert data["rejected"] == {"no_match": 1}
    assert data["files"][0]["format"] == "stock"
    text = report.summary()
    assert "1 rejected" in text
    assert "line 2: no_match" in text
    assert isinstance(report, ReadReport)


# --- arguments -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"format": "apache"}, "format='apache'"),
        ({"duration_unit": "s"}, "duration_unit='s'"),
        ({"timezone": "Mars/Olympus"}, "timezone='Mars/Olympus'"),
        ({"format": "docker", "pattern": "%h %t"}, "conflicts with"),
        ({"format": "access_log_filter", "pattern": "%h %t"}, "conflicts with"),
    ],
)
def test_invalid_arguments(write_log, kwargs, message):
    path = write_log("conf_access_log.log", stock_line())
    with pytest.raises(ValueError, match=message):
        read_events(path, **kwargs)


def test_matching_format_and_pattern_accepted(write_log):
    path = write_log("conf_access_log.log", stock_line())
    events = read_events(path, format="stock",
                         pattern="%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i "
                                 "%{User-Agent}i")
    assert len(events) == 1


# --- auto-detection and chunking -------------------------------------------------

LAYOUT_LINES = {
    "stock": stock_line(),
    "proxy": ("[03/Mar/2025:09:20:11 +0100] 198.51.100.7 jdoe http-nio-8090-exec-2 "
              "10.0.0.5 GET /a HTTP/1.1 200 120ms 40211 - curl/8.5.0"),
    "kb2015": (f"[20/May/2025:17:47:19 -0500] jdoe {UA} 198.51.100.20 GET GET /a "
               "HTTP/1.1 16850 200 37 http-bio-5571-exec-3"),
    "docker": ('203.0.113.17 jdoe [03/Mar/2025:08:14:02 +0000] "GET /a HTTP/1.1" 200 '
               '40211 287 /a http-nio-8090-exec-12 "curl/8.5.0"'),
    "access_log_filter": filter_line("2025-03-03 09:00:00,000"),
}


@pytest.mark.parametrize("layout", list(LAYOUT_LINES))
def test_auto_detects_each_layout(write_log, layout):
    path = write_log("log.log", "\n".join([LAYOUT_LINES[layout]] * 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TimezoneWarning)
        events, report = read(path)
    assert report.files[0].format == layout
    assert len(events) == 3


def test_tiny_chunks_give_same_result(write_log):
    lines = STOCK * 20 + [stock_line(user="john smith"), "garbage", ""] + STOCK
    path = write_log("conf_access_log.log", "\r\n".join(lines))
    whole, whole_report = read(path)
    pieces, pieces_report = read(path, _chunk_bytes=333)
    pd.testing.assert_frame_equal(whole, pieces)
    assert whole_report.to_dict() == pieces_report.to_dict()


def test_regex_path_matches_split_plan(write_log, monkeypatch):
    lines = STOCK + [stock_line(user='j\\"doe', request="POST /a?b=c&d HTTP/1.0")]
    path = write_log("conf_access_log.log", "\n".join(lines))
    fast, _ = read(path)

    original = _tomcat.parse_chunk

    def without_plan(chunk, pattern, duration_unit="ms"):
        return original(chunk, pattern.__class__(**{**pattern.__dict__, "plan": None}),
                        duration_unit)

    monkeypatch.setattr(_tomcat, "parse_chunk", without_plan)
    slow, _ = read(path)
    pd.testing.assert_frame_equal(fast, slow)


# --- real samples ----------------------------------------------------------------


def sample_files():
    if not SAMPLES.is_dir():
        return []
    names = sorted(p for p in SAMPLES.iterdir()
                   if "access" in p.name or "valve" in p.name
                   or "atlassian-confluence" in p.name)
    return names


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample folder is not present")
@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sample_files_parse_without_rejections(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TimezoneWarning)
        events, report = read(path)
    entry = report.files[0]
    assert entry.rejected == {}
    if "atlassian-confluence" in path.name:
        assert entry.format == "access_log_filter"
        assert len(events) == 0
    else:
        assert len(events) == entry.lines_read
        assert events["timestamp"].notna().all()
        assert events["path"].notna().all()
