import gzip
import logging
import zlib
from pathlib import Path

import pytest

from uba.exceptions import LogFormatError
from uba.io import read_events

LINE = (
    "[03/Mar/2025:09:14:{second:02d} +0100] jdoe http-nio-8090-exec-1 203.0.113.17 GET "
    "/display/ENG/Home HTTP/1.1 200 31ms 4821 - Mozilla/5.0 (X11; Linux x86_64)\n"
)


def lines(count):
    return "".join(LINE.format(second=second % 60) for second in range(count))


def test_truncated_gzip_keeps_complete_part(write_log, caplog):
    compressed = gzip.compress(lines(5000).encode())
    path = write_log(
        "conf_access_log.2025-03-03.log.gz", compressed[: len(compressed) // 2]
    )

    with caplog.at_level(logging.WARNING, logger="uba.io"):
        events, report = read_events(path, return_report=True)

    assert 0 < len(events) < 5000
    assert report.notes["gzip_truncated"] == 1
    # The line cut in half is counted as skipped, not rejected or dropped silently.
    assert report.skipped == {"gzip_cut_line": 1}
    assert report.n_rejected == 0
    assert report.lines_read == len(events) + 1
    assert "gzip file ends early" in caplog.text
    assert "1 line cut off where a gzip file ends early" in caplog.text


def test_gzip_cut_at_line_end_skips_nothing(write_log):
    # A gzip stream flushed at a line end and then cut: every line is complete.
    compressor = zlib.compressobj(wbits=31)
    flushed = compressor.compress(lines(300).encode())
    flushed += compressor.flush(zlib.Z_SYNC_FLUSH)
    path = write_log("conf_access_log.2025-03-03.log.gz", flushed)

    events, report = read_events(path, return_report=True)

    assert len(events) == 300
    assert report.notes["gzip_truncated"] == 1
    assert report.skipped == {}
    assert report.lines_read == 300


def test_gzip_cut_inside_first_line(write_log, caplog):
    compressor = zlib.compressobj(wbits=31)
    half = compressor.compress(lines(1).encode()[:40])
    half += compressor.flush(zlib.Z_SYNC_FLUSH)
    path = write_log("conf_access_log.2025-03-03.log.gz", half)

    with caplog.at_level(logging.WARNING, logger="uba.io"):
        events, report = read_events(path, return_report=True)

    assert len(events) == 0
    assert report.skipped == {"gzip_cut_line": 1}
    assert report.lines_read == 1
    assert "[cut before its first line]" in caplog.text


def test_damaged_gzip_names_file(write_log):
    path = write_log("conf_access_log.2025-03-03.log.gz", b"\x1f\x8b" + b"junk" * 50)

    with pytest.raises(LogFormatError, match="not a readable gzip file") as caught:
        read_events(path)

    assert str(path) in str(caught.value)


def test_multi_member_gzip_reads_all(write_log):
    data = gzip.compress(lines(3).encode()) + gzip.compress(lines(4).encode())
    path = write_log("conf_access_log.2025-03-03.log.gz", data)

    events = read_events(path)

    assert len(events) == 7


def test_binary_file_named_as_binary(write_log):
    path = write_log("conf_access_log.2025-03-03.log", bytes(range(256)) * 20)

    with pytest.raises(LogFormatError, match="binary data"):
        read_events(path)


def test_text_named_gz_gets_hint(write_log):
    path = write_log("conf_access_log.2025-03-03.log.gz", "hello\nworld\n")

    with pytest.raises(LogFormatError, match="not gzip-compressed"):
        read_events(path)


def test_directory_without_logs_rejected(tmp_path):
    (tmp_path / "archive").mkdir()
    (tmp_path / "notes.md").write_text("# notes\n")

    with pytest.raises(FileNotFoundError, match="no log files in") as caught:
        read_events(tmp_path)

    assert "Subfolders are not searched: archive" in str(caught.value)


def test_subfolders_listed_as_passed_over(write_log, tmp_path):
    write_log("conf_access_log.2025-03-03.log", lines(2))
    (tmp_path / "older").mkdir()

    _, report = read_events(tmp_path, return_report=True)

    assert [Path(entry).name for entry in report.passed_over] == ["older"]
    assert report.passed_over[0].endswith("older/")


def test_truncated_gzip_strict_names_cut(write_log):
    compressed = gzip.compress(lines(5000).encode())
    path = write_log(
        "conf_access_log.2025-03-03.log.gz", compressed[: len(compressed) // 2]
    )

    with pytest.raises(LogFormatError, match="ends before its end-of-stream marker"):
        read_events(path, strict=True)


@pytest.mark.parametrize("size", [10, 15, 40])
def test_gzip_cut_before_first_line(write_log, caplog, size):
    compressed = gzip.compress(lines(5000).encode())
    path = write_log("conf_access_log.2025-03-03.log.gz", compressed[:size])

    with caplog.at_level(logging.WARNING, logger="uba.io"):
        events, report = read_events(path, return_report=True)

    assert len(events) == 0
    assert report.notes["gzip_truncated"] == 1
    assert "gzip file ends early" in caplog.text
    assert "[cut before its first line]" in caplog.text


def test_gzip_cut_before_first_line_strict(write_log):
    compressed = gzip.compress(lines(5000).encode())
    path = write_log("conf_access_log.2025-03-03.log.gz", compressed[:15])

    with pytest.raises(LogFormatError, match="ends before its end-of-stream marker"):
        read_events(path, strict=True)


@pytest.mark.parametrize("tail", [b"\x00" * 4096, b"\n", b"garbage after the member"])
def test_gzip_trailing_bytes_ignored(write_log, caplog, tail):
    compressed = gzip.compress(lines(500).encode())
    path = write_log("conf_access_log.2025-03-03.log.gz", compressed + tail)

    with caplog.at_level(logging.WARNING, logger="uba.io"):
        events, report = read_events(path, return_report=True)

    assert len(events) == 500
    assert report.n_rejected == 0
    assert report.notes["gzip_trailing_bytes"] == len(tail)
    assert f"{len(tail):,} bytes after the last gzip member, ignored" in caplog.text


def test_gzip_trailing_bytes_strict(write_log):
    compressed = gzip.compress(lines(500).encode())
    path = write_log("conf_access_log.2025-03-03.log.gz", compressed + b"\x00" * 100)

    with pytest.raises(LogFormatError, match="start no new member: 100"):
        read_events(path, strict=True)


def test_two_gzip_members_read_as_one(write_log):
    first = gzip.compress(lines(300).encode())
    second = gzip.compress(lines(200).encode())
    path = write_log("conf_access_log.2025-03-03.log.gz", first + second)

    events, report = read_events(path, return_report=True)

    assert len(events) == 500
    assert "gzip_trailing_bytes" not in report.notes


def test_damaged_later_member_keeps_lines(write_log, caplog):
    first = gzip.compress(lines(400).encode())
    path = write_log(
        "conf_access_log.2025-03-03.log.gz", first + b"\x1f\x8b" + b"garbage" * 20
    )

    with caplog.at_level(logging.WARNING, logger="uba.io"):
        events, report = read_events(path, return_report=True)

    assert len(events) == 400
    assert report.notes["gzip_truncated"] == 1
    assert "gzip file ends early" in caplog.text
