"""Parse ``AccessLogFilter`` lines of ``atlassian-confluence.log``.

Confluence's log4j layout is ``%d %p [%t] [%c{4}] %M %m%n``. The filter writes the
message ``<user> <METHOD> <URL> <freeKB><+-diffKB> <ms> <remoteAddr>``; releases
before about 2015 leave the method out. The URL is absolute and has no query string.
Every other line of the file (other loggers, stack traces, blank lines) is skipped.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uba.io._tomcat import ChunkResult

LOG4J_START = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "

# The logger is written as %c{4} ("atlassian.confluence.util.AccessLogFilter") in
# the stock layout; any abbreviation that ends in the class name is accepted.
ACCESS_LINE = (
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(?P<millis>\d{3}) +[A-Z]+ +"
    r"\[.*?\] +\[[^\]]*AccessLogFilter\] +(?:doFilter +)?"
    r"(?P<user>.+?) (?:(?P<method>[A-Z]+) )?"
    r"(?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^/ ]*(?P<path>/\S*)?|/\S*) "
    r"(?P<memory>\d+(?:[+-]\d+)?) (?P<duration>\d+) (?P<address>\S+)$"
)
_FILTER_LOGGER = "AccessLogFilter] "
_INIT_LINE = r"AccessLogFilter\] +init "


def _timestamps(times, millis, timezone):
    """Convert local ``YYYY-MM-DD HH:MM:SS`` strings to UTC nanoseconds.

    Returns the UTC times, the UTC offsets in minutes, the validity mask and the
    counts of times that fell in a DST gap or in a repeated hour.
    """
    parsed = pc.strptime(times, format="%Y-%m-%d %H:%M:%S", unit="ns", error_is_null=True)
    valid = parsed.is_valid().to_numpy(zero_copy_only=False)
    local = parsed.fill_null(0).cast(pa.int64()).to_numpy().copy()
    local += millis.astype(np.int64) * 1_000_000
    counts = {}
    if timezone is None:
        return local, np.zeros(len(local), dtype=np.int16), valid, counts

    naive = pd.DatetimeIndex(local.view("datetime64[ns]"))
    first_occurrence = np.ones(len(naive), dtype=bool)
    in_gap = naive.tz_localize(timezone, ambiguous=first_occurrence, nonexistent="NaT")
    repeated = naive.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    counts["dst_gap_shifted"] = int((in_gap.isna() & valid).sum())
    counts["dst_ambiguous_first"] = int((repeated.isna() & valid).sum())

    aware = naive.tz_localize(
        timezone, ambiguous=first_occurrence, nonexistent="shift_forward"
    )
    utc = aware.tz_convert("UTC").tz_localize(None).to_numpy().view(np.int64)
    wall = aware.tz_localize(None).to_numpy().view(np.int64)
    offsets = (wall - utc) // 60_000_000_000
    return utc, offsets.astype(np.int16), valid, counts


def _string_column(values, dash_is_null=True):
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    if dash_is_null:
        values = pc.if_else(pc.equal(values, "-"), pa.scalar(None, pa.string()), values)
    return pc.dictionary_encode(values)


def _columns(fields, keep, timezone):
    n = int(keep.sum())
    fields = fields.filter(pa.array(keep))
    time_values = fields.field("time")
    millis = pc.cast(fields.field("millis"), pa.int64()).to_numpy()
    epoch_ns, offsets, _, counts = _timestamps(time_values, millis, timezone)

    path = fields.field("path")
    path = pc.if_else(
        pc.starts_with(fields.field("url"), "/"), fields.field("url"), path
    )
    path = pc.if_else(pc.equal(path, ""), pa.scalar("/"), path)
    columns = {
        "timestamp": epoch_ns,
        "utc_offset": offsets,
        "status": np.zeros(n, dtype=np.int16),
        "bytes": np.zeros(n, dtype=np.int64),
        "duration_ms": pc.cast(fields.field("duration"), pa.float64()).to_numpy(),
        "user": _string_column(fields.field("user")),
        "client_ip": _string_column(fields.field("address")),
        "method": _string_column(fields.field("method")),
        "path": pc.dictionary_encode(path),
        "query": pa.nulls(n, pa.string()),
        "referer": pc.dictionary_encode(pa.nulls(n, pa.string())),
        "user_agent": pc.dictionary_encode(pa.nulls(n, pa.string())),
    }
    return columns, counts


def parse_chunk(chunk, timezone=None):
    """Parse the ``AccessLogFilter`` lines of a chunk.

    Parameters
    ----------
    chunk : Chunk
        Lines of an ``atlassian-confluence.log`` file.
    timezone : str or None
        IANA name of the server's time zone; ``None`` reads the times as UTC.

    Returns
    -------
    ChunkResult
        Events of the access lines; every other line is counted in
        ``skipped["not_access_line"]``.
    """
    rows = np.arange(chunk.n_lines)
    lines = chunk.lines_array(rows)
    from_filter = pc.match_substring(lines, _FILTER_LOGGER).to_numpy(zero_copy_only=False)
    from_filter &= ~pc.match_substring_regex(lines, _INIT_LINE).to_numpy(
        zero_copy_only=False
    )
    candidates = rows[from_filter]
    skipped = {"not_access_line": int(chunk.n_lines - len(candidates))}
    if len(candidates) == 0:
        return ChunkResult(np.empty(0, dtype=np.int64), {}, skipped=skipped)

    fields = pc.extract_regex(lines.take(pa.array(candidates)), ACCESS_LINE)
    matched = fields.is_valid().to_numpy(zero_copy_only=False)
    fields = fields.filter(pa.array(matched))
    matched_rows = candidates[matched]

    _, _, time_ok, _ = _timestamps(
        fields.field("time"), np.zeros(len(fields), dtype=np.int64), None
    )
    rejected = _rejections(chunk, candidates[~matched], matched_rows[~time_ok])
    if not time_ok.any():
        result = ChunkResult(np.empty(0, dtype=np.int64), {}, rejected, skipped)
        return result

    columns, notes = _columns(fields, time_ok, timezone)
    return ChunkResult(matched_rows[time_ok], columns, rejected, skipped, notes)


def _rejections(chunk, unmatched, bad_time):
    rejected = {}
    utf8 = chunk.replaced[unmatched]
    if utf8.any():
        rejected["invalid_utf8"] = unmatched[utf8]
    if (~utf8).any():
        rejected["no_match"] = unmatched[~utf8]
    if len(bad_time):
        rejected["invalid_timestamp"] = bad_time
    return rejected
