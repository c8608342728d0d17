"""``read_events``: read Confluence access logs into one events DataFrame."""

import ctypes
import ctypes.util
import functools
import logging
import os
import sys
import warnings
import zoneinfo
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from uba._schema import EVENT_COLUMNS
from uba.exceptions import LogFormatError, TimezoneWarning
from uba.io import _buffer, _filter_log, _tomcat
from uba.io._detect import ACCESS_LOG_FILTER, detect_format
from uba.io._report import REASON_TEXT, FileReport, ReadReport, truncate
from uba.io._unescape import unescape
from uba.io._valve import KNOWN_PATTERNS, PATTERN_VARIANTS, compile_pattern

logger = logging.getLogger(__name__)

FORMATS = ("auto", *KNOWN_PATTERNS, ACCESS_LOG_FILTER)

# File-name prefixes of the access logs that Confluence and its container image write.
_ACCESS_LOG_PREFIXES = ("conf_access_log", "confluence_access", "atlassian-confluence")
_FALLBACK_SUFFIXES = (".log", ".log.gz", ".txt")

# Chunks parsed at the same time. numpy and Arrow release the GIL in the heavy
# steps, so two threads use both cores of a small machine.
_WORKERS = min(2, os.cpu_count() or 1)

# Lines read at the start of a file to detect its layout.
_DETECT_LINES = 200

_CATEGORY_COLUMNS = ("user", "client_ip", "method", "path", "referer", "user_agent")
_UNESCAPED_COLUMNS = ("user", "referer", "user_agent")


@dataclass(frozen=True)
class _Options:
    format: str
    pattern: object
    timezone: str | None
    strict: bool
    duration_unit: str
    chunk_bytes: int | None


def _check_options(format, pattern, timezone, strict, duration_unit, chunk_bytes):
    format = "auto" if format is None else format
    if format not in FORMATS:
        raise ValueError(
            f"format={format!r} is not supported; expected one of {', '.join(FORMATS)}."
        )
    if duration_unit not in _tomcat.DURATION_UNITS:
        raise ValueError(
            f"duration_unit={duration_unit!r} is not supported; expected 'ms' (Tomcat 9 "
            "and earlier) or 'us' (Tomcat 10 and later)."
        )
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"timezone={timezone!r} is not an IANA time zone name such as "
                "'Europe/Berlin'."
            ) from error

    compiled = None
    if pattern is not None:
        compiled = compile_pattern(pattern)
        if format == ACCESS_LOG_FILTER or (
            format in KNOWN_PATTERNS and compiled.text != compile_pattern(format).text
        ):
            raise ValueError(
                f"format={format!r} conflicts with pattern={pattern!r}; pass only "
                "pattern=, or format='auto' with it."
            )
    return _Options(
        format, compiled, timezone, bool(strict), duration_unit, chunk_bytes
    )


def _is_access_log_name(name):
    return name.startswith(_ACCESS_LOG_PREFIXES)


def _files_in_directory(directory):
    entries = sorted(directory.iterdir())
    files = [entry for entry in entries if entry.is_file()]
    chosen = [entry for entry in files if _is_access_log_name(entry.name)]
    if not chosen:
        chosen = [entry for entry in files if entry.name.endswith(_FALLBACK_SUFFIXES)]
    if not chosen:
        subfolders = [entry.name for entry in entries if entry.is_dir()]
        searched = ""
        if subfolders:
            searched = f" Subfolders are not searched: {', '.join(subfolders)}."
        raise FileNotFoundError(
            f"no log files in {directory}: expected names starting with "
            f"{', '.join(_ACCESS_LOG_PREFIXES)}, or ending in "
            f"{', '.join(_FALLBACK_SUFFIXES)}.{searched} Name the log files "
            "themselves to read others."
        )

    # Subfolders are not searched, so they are listed with the other files left out.
    passed_over = [
        f"{entry}{os.sep}" if entry.is_dir() else str(entry)
        for entry in entries
        if entry not in chosen
    ]
    return chosen, passed_over


def resolve_paths(paths):
    """Expand files and directories into the list of files to read.

    Returns
    -------
    files : list of pathlib.Path
    passed_over : list of str
        Files in the directories that were not chosen.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise ValueError("paths is empty; pass at least one log file or directory.")

    files, passed_over = [], []
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"log path not found: {path}")
        if path.is_dir():
            chosen, skipped = _files_in_directory(path)
            files.extend(chosen)
            passed_over.extend(skipped)
        else:
            files.append(path)
    unique = list(dict.fromkeys(files))
    return unique, passed_over


def _known_layouts(name):
    """Return the compiled patterns of a format name, documented one first."""
    patterns = (KNOWN_PATTERNS[name], *PATTERN_VARIANTS.get(name, ()))
    return [(name, compile_pattern(pattern)) for pattern in patterns]


def _candidates(options):
    """Return the layouts to try, as a list of (format name, layout)."""
    if options.pattern is not None:
        return [("pattern", options.pattern), (ACCESS_LOG_FILTER, ACCESS_LOG_FILTER)]
    if options.format == ACCESS_LOG_FILTER:
        return [(ACCESS_LOG_FILTER, ACCESS_LOG_FILTER)]
    if options.format != "auto":
        return _known_layouts(options.format)
    layouts = [layout for name in KNOWN_PATTERNS for layout in _known_layouts(name)]
    return layouts + [(ACCESS_LOG_FILTER, ACCESS_LOG_FILTER)]


def _describe_candidates(candidates):
    return "; ".join(
        name if layout == ACCESS_LOG_FILTER else f"{name} ({layout.text})"
        for name, layout in candidates
    )


def _nothing_parses(path, candidates):
    kind = _binary_kind(path)
    if kind:
        return LogFormatError(f"{path}: {kind}, not a text access log; leave it out.")
    hint = ""
    if str(path).endswith(".gz") and not _buffer.is_gzip(path):
        hint = " The name ends in .gz, but the file is not gzip-compressed."
    return LogFormatError(
        f"{path}: no line matches any known access-log layout.{hint} Tried: "
        f"{_describe_candidates(candidates)}. Copy the pattern attribute of the "
        "AccessLogValve in conf/server.xml and pass it as pattern= (or --pattern)."
    )


def _binary_kind(path):
    """Return why a file looks like binary data, or "" when it looks like text."""
    head = _buffer.read_head_bytes(path, 4096)
    if b"\0" in head:
        return "the file contains NUL bytes, so it is binary data"
    text = head.decode("utf-8", errors="replace")
    if text and text.count("\ufffd") > len(text) // 10:
        return "most of the file is not UTF-8 text, so it is binary data"
    return ""


def _choose_layout(path, options):
    """Return (name, layout) for a file, or (None, None) for an empty file."""
    candidates = _candidates(options)
    if len(candidates) == 1:
        return candidates[0]

    head = _buffer.read_head(path, max_lines=_DETECT_LINES)
    if not head:
        return None, None
    chosen = detect_format(head, [layout for _, layout in candidates])
    if chosen is None:
        raise _nothing_parses(path, candidates)
    return candidates[chosen]


def _parser(layout, options):
    if layout == ACCESS_LOG_FILTER:
        return lambda chunk: _filter_log.parse_chunk(chunk, options.timezone)
    return lambda chunk: _tomcat.parse_chunk(chunk, layout, options.duration_unit)


def _parsed_chunks(path, parse, options, executor):
    """Yield (chunk, result) in file order, parsing up to ``_WORKERS`` ahead."""
    pending = deque()
    for chunk in _buffer.iter_chunks(path, options.chunk_bytes):
        pending.append((chunk, executor.submit(parse, chunk)))
        if len(pending) > _WORKERS:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


def _explain(layout, reason, text):
    if reason in ("no_match", "invalid_utf8") and layout != ACCESS_LOG_FILTER:
        return layout.explain_mismatch(text)
    if reason in ("no_match", "invalid_utf8"):
        return (
            "expected <user> [<METHOD>] <URL> <freeKB><+-diffKB> <ms> "
            "<address> after the logger name"
        )
    return ""


def _check_complete(entry, chunk, strict):
    """Note a gzip file that ends early or with extra bytes, or raise in strict mode.

    The incomplete line at a cut is counted as read and skipped (``gzip_cut_line``).
    """
    if chunk.truncated and strict:
        raise LogFormatError(
            f"{entry.path}: the gzip file ends before its end-of-stream marker or has "
            "a damaged member, so the lines after that point are missing. If the file "
            "is still being written, wait until it is complete; otherwise read in the "
            "default non-strict mode to read its complete lines."
        )
    if chunk.trailing_bytes and strict:
        raise LogFormatError(
            f"{entry.path}: bytes after the last gzip member that start no new "
            f"member: {chunk.trailing_bytes:,}. Check how the file was written, or "
            "read in the default non-strict mode, which ignores them as zcat does."
        )
    if chunk.truncated:
        entry.add_counts("notes", {"gzip_truncated": 1})
    if chunk.trailing_bytes:
        entry.add_counts("notes", {"gzip_trailing_bytes": chunk.trailing_bytes})
    entry.lines_read += chunk.cut_lines
    entry.add_counts("skipped", {"gzip_cut_line": chunk.cut_lines})


def _record(entry, chunk, result, layout, strict):
    _check_complete(entry, chunk, strict)
    entry.lines_read += chunk.n_lines
    entry.events += len(result.rows)
    entry.add_counts("skipped", result.skipped)
    entry.add_counts("notes", result.notes)
    entry.add_counts("notes", {"utf8_replaced": chunk.replaced[result.rows].sum()})
    entry.add_counts("rejected", {r: len(rows) for r, rows in result.rejected.items()})

    if strict and result.rejected:
        reason, row = min(
            ((reason, rows.min()) for reason, rows in result.rejected.items()),
            key=lambda pair: pair[1],
        )
        _raise_rejected(entry.path, chunk, row, reason, layout)

    for reason, rows in result.rejected.items():
        for row in rows[: max(0, 5 - len(entry.examples.get(reason, [])))]:
            text = chunk.line_text(row)
            entry.add_example(
                reason, chunk.first_line + row, text, _explain(layout, reason, text)
            )


def _raise_rejected(path, chunk, row, reason, layout):
    text = chunk.line_text(row)
    detail = _explain(layout, reason, text)
    detail = f" ({detail})" if detail else ""
    raise LogFormatError(
        f"{path}, line {chunk.first_line + row}: {REASON_TEXT[reason]}{detail}: "
        f"{truncate(text)!r}. Fix or remove the line, or read in the default "
        "non-strict mode to skip and count such lines."
    )


def _read_file(path, index, options, executor, parts, on_chunk):
    """Parse one file into ``parts``; return its FileReport."""
    name, layout = _choose_layout(path, options)
    entry = FileReport(str(path), format=name)
    if layout is None:
        # No line to detect a layout from: the file is empty, or a gzip file ends
        # before its first complete line.
        for chunk in _buffer.iter_chunks(path, options.chunk_bytes):
            _check_complete(entry, chunk, options.strict)
        return entry
    if layout != ACCESS_LOG_FILTER:
        entry.pattern = layout.text

    parse = _parser(layout, options)
    for chunk, result in _parsed_chunks(path, parse, options, executor):
        _record(entry, chunk, result, layout, options.strict)
        if len(result.rows):
            parts.append((index, chunk.line_numbers(result.rows), result.columns))
        on_chunk(chunk)

    if entry.events == 0 and entry.rejected:
        raise _nothing_parses(path, [(name, layout)])
    return entry


def _log_summary(report):
    lost = (
        report.n_rejected
        or report.notes.get("gzip_truncated", 0)
        or report.notes.get("gzip_trailing_bytes", 0)
    )
    level = logging.WARNING if lost else logging.INFO
    logger.log(level, "%s", report.summary())


def read_events(
    paths,
    *,
    format="auto",
    pattern=None,
    timezone=None,
    strict=False,
    duration_unit="ms",
    progress=None,
    return_report=False,
    _chunk_bytes=None,
):
    """Read Confluence access logs into one DataFrame of events.

    Parameters
    ----------
    paths : str, path-like or list of them
        Log files (plain or gzip-compressed) and directories. From a directory the
        files whose names start with ``conf_access_log``, ``confluence_access`` or
        ``atlassian-confluence`` are read (rotated and ``.gz`` files included);
        when there are none, every ``*.log``, ``*.log.gz`` and ``*.txt`` file.
        Subdirectories are not searched. The other files and the subdirectories
        are listed in the report's ``passed_over``; a directory with no log file
        raises :class:`FileNotFoundError`.
    format : {"auto", "stock", "proxy", "kb2015", "docker", "access_log_filter"}, \
            default="auto"
        Layout of the files. ``stock`` is the Confluence 7.11+ default,
        ``proxy`` the knowledge-base reverse-proxy recipe with
        ``%{X-Forwarded-For}i`` second, ``kb2015`` the 2015 knowledge-base
        recipe, ``docker`` the layout of the official Docker image and Helm
        chart, and ``access_log_filter`` the ``AccessLogFilter`` lines in
        ``atlassian-confluence.log``. ``"auto"`` picks, for each file, the
        layout that matches most of its first 200 non-empty lines.
    pattern : str, optional
        The ``pattern`` attribute of the ``AccessLogValve`` in ``server.xml``
        (``&quot;`` accepted), or ``"common"``/``"combined"``. It replaces the
        known Tomcat layouts; with ``format="auto"`` a file can still be read as
        ``access_log_filter``.
    timezone : str, optional
        IANA name of the server's time zone, used for ``AccessLogFilter`` lines,
        which carry no UTC offset. Without it such times are read as UTC and a
        :class:`~uba.exceptions.TimezoneWarning` is emitted. Tomcat lines carry
        their offset, which always wins, so ``timezone`` does not change them.
    strict : bool, default=False
        Raise :class:`~uba.exceptions.LogFormatError` at the first rejected line
        instead of counting it.
    duration_unit : {"ms", "us"}, default="ms"
        Unit of ``%D``: milliseconds up to Tomcat 9, microseconds from Tomcat 10
        on, even where the pattern writes a literal ``ms`` after it.
    progress : callable, optional
        Called as ``progress(bytes_done, bytes_total, path)`` after each chunk;
        the byte counts are on-disk sizes over all files.
    return_report : bool, default=False
        Return ``(events, report)`` instead of ``events``.

    Returns
    -------
    events : pandas.DataFrame
        One row per request with the columns of ``uba._schema.EVENT_COLUMNS``,
        sorted by ``timestamp`` (ties keep file order, then line order), with a
        fresh ``RangeIndex``. ``events.attrs["read_report"]`` contains the report.
    report : ReadReport
        Only with ``return_report=True``.

    Raises
    ------
    FileNotFoundError
        If a path does not exist.
    ValueError
        If an argument is invalid, or ``format`` conflicts with ``pattern``.
    LogFormatError
        If no line of a file matches any layout tried, or, with ``strict=True``,
        at the first rejected line.

    See Also
    --------
    ReadReport : counts of skipped and rejected lines, with examples.

    Notes
    -----
    Lines that cannot be read are counted per file and reason and never stop the
    run unless ``strict=True``; blank lines and, in ``atlassian-confluence.log``,
    lines of other loggers and stack traces are skipped and counted. Invalid UTF-8
    bytes are replaced by U+FFFD. The summary is logged at INFO, or at WARNING
    when a line was rejected.

    ``AccessLogFilter`` lines log no status, bytes, query string, referer or user
    agent: ``status`` and ``bytes`` are 0 and the others are missing. Local times
    in a DST gap are moved forward and times in a repeated hour are read as the
    first occurrence; both are counted in the report's notes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "conf_access_log.2025-03-03.log").write_text(
    ...     "[03/Mar/2025:09:14:02 +0100] jdoe http-nio-8090-exec-1 203.0.113.17 "
    ...     "GET /display/ENG/Home HTTP/1.1 200 311ms 48211 - curl/8.5.0\\n")
    >>> events = read_events(folder)
    >>> events.loc[0, ["user", "path"]].tolist()
    ['jdoe', '/display/ENG/Home']
    >>> int(events.loc[0, "status"])
    200
    >>> str(events.loc[0, "timestamp"])
    '2025-03-03 08:14:02+00:00'
    """
    options = _check_options(
        format, pattern, timezone, strict, duration_unit, _chunk_bytes
    )
    files, passed_over = resolve_paths(paths)
    report = ReadReport(passed_over=passed_over, timezone=timezone)

    sizes = [_buffer.file_size(path) for path in files]
    total = sum(sizes)
    parts = []
    with ThreadPoolExecutor(max_workers=_WORKERS) as executor:
        for index, path in enumerate(files):
            done_before = sum(sizes[:index])

            def on_chunk(chunk, done_before=done_before, path=path):
                if progress is not None:
                    progress(done_before + chunk.bytes_done, total, str(path))

            entry = _read_file(path, index, options, executor, parts, on_chunk)
            report.files.append(entry)

    if timezone is None and any(
        entry.format == ACCESS_LOG_FILTER and entry.events for entry in report.files
    ):
        warnings.warn(
            "AccessLogFilter times carry no UTC offset and were read as UTC; pass "
            "timezone= with the server's IANA time zone (for example "
            "'Europe/Berlin') to convert them.",
            TimezoneWarning,
            stacklevel=2,
        )

    _release_memory()
    events = assemble(parts, [str(path) for path in files])
    _release_memory()
    events.attrs["read_report"] = report
    _log_summary(report)
    return (events, report) if return_report else events


def _concat_dictionaries(pieces):
    if not pieces:
        return np.empty(0, dtype=np.int32), pa.array([], pa.string())
    chunked = pa.chunked_array(pieces).unify_dictionaries()
    dictionary = chunked.chunk(0).dictionary
    codes = np.concatenate(
        [
            chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
            for chunk in chunked.chunks
        ]
    )
    return codes, dictionary


def _categorical(codes, dictionary, unescaped):
    categories = pd.Index(dictionary.to_pandas(), dtype="str")
    if unescaped and categories.str.contains("\\", regex=False).any():
        renamed = pd.Index([unescape(value) for value in categories], dtype="str")
        unique, remap = np.unique(renamed, return_inverse=True)
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        categories = pd.Index(unique, dtype="str")
    return pd.Categorical.from_codes(codes, categories=categories)


def _empty_columns():
    columns = {
        "timestamp": pd.DatetimeIndex([], dtype="datetime64[ns, UTC]"),
        "utc_offset": np.empty(0, dtype=np.int16),
        "status": np.empty(0, dtype=np.int16),
        "bytes": np.empty(0, dtype=np.int64),
        "duration_ms": np.empty(0, dtype=np.float64),
        "query": pd.array([], dtype="str"),
        "source": pd.Categorical([], categories=pd.Index([], dtype="str")),
        "line": np.empty(0, dtype=np.int64),
    }
    for name in _CATEGORY_COLUMNS:
        columns[name] = pd.Categorical([], categories=pd.Index([], dtype="str"))
    return columns


def _release_memory():
    # Arrow's allocator and glibc's malloc keep freed blocks for reuse. Handing them
    # back between the large steps below lowers the peak resident size of big reads:
    # on 5M lines glibc alone held about 330 MiB of free pages after the parse.
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """Return glibc's ``malloc_trim``, or None on other C libraries and systems."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def _take_column(parts, name):
    """Remove column ``name`` from every part and return the pieces."""
    return [columns.pop(name) for _, _, columns in parts]


def _sorted_columns(parts, sources):
    timestamps = np.concatenate(_take_column(parts, "timestamp"))
    order = np.argsort(timestamps, kind="stable")
    columns = {"timestamp": pd.to_datetime(timestamps[order], unit="ns", utc=True)}
    del timestamps

    for name in ("utc_offset", "status", "bytes", "duration_ms"):
        columns[name] = np.concatenate(_take_column(parts, name))[order]

    for name in _CATEGORY_COLUMNS:
        codes, dictionary = _concat_dictionaries(_take_column(parts, name))
        columns[name] = _categorical(
            codes[order], dictionary, name in _UNESCAPED_COLUMNS
        )
        del codes, dictionary
        _release_memory()

    query = pa.chunked_array(_take_column(parts, "query"), pa.string())
    columns["query"] = pd.array(query.take(pa.array(order)), dtype="str")
    del query
    _release_memory()

    file_index = np.concatenate(
        [np.full(len(lines), index, dtype=np.int32) for index, lines, _ in parts]
    )
    columns["source"] = pd.Categorical.from_codes(
        file_index[order], categories=pd.Index(sources, dtype="str")
    )
    columns["line"] = np.concatenate([lines for _, lines, _ in parts])[order]
    return columns


def assemble(parts, sources):
    """Join the parsed chunks into the sorted events DataFrame.

    Parameters
    ----------
    parts : list of (file index, line numbers, columns)
        Parsed chunks in reading order; their columns are removed as they are
        joined, to keep the peak memory low.
    sources : list of str
        File names, indexed by the file index.
    """
    from uba.urls import classify_requests

    columns = _sorted_columns(parts, sources) if parts else _empty_columns()
    parts.clear()
    classified = classify_requests(
        pd.Series(columns["method"]),
        pd.Series(columns["path"]),
        pd.Series(columns["query"]),
    )
    for name in ("action", "space_key", "page_id"):
        columns[name] = classified[name].array
    del classified
    return pd.DataFrame({name: columns.pop(name) for name in EVENT_COLUMNS})
