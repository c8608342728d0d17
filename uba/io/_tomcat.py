"""Parse chunks of Tomcat ``AccessLogValve`` lines into event columns.

Lines are first cut with the pattern's split plan (numpy on byte offsets) and every
field is checked. Lines that fail any check are matched with the pattern's regex in
RE2 (``pyarrow.compute.extract_regex``). A line is rejected only when the regex fails
too, or when its time, status or numbers are invalid.
"""

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uba.io import _decode
from uba.io._buffer import concat_string_arrays, string_views

_SPACE = 32
_COMMA = ord(",")
_QUESTION = ord("?")
_DOT = ord(".")

# Microseconds or milliseconds in one unit of %D.
DURATION_UNITS = {"ms": 1.0, "us": 0.001}


@dataclass
class FieldSpans:
    """Byte spans of the fields of some lines, all in one buffer.

    ``positions`` caches the sorted offsets of single byte values in ``buf``.
    """

    buf: np.ndarray
    arrow_buf: pa.Buffer
    spans: dict
    positions: dict = field(default_factory=dict)

    def subset(self, mask):
        """Return the spans of the rows where ``mask`` is True."""
        if mask.all():
            return self
        spans = {key: (s[mask], e[mask]) for key, (s, e) in self.spans.items()}
        return FieldSpans(self.buf, self.arrow_buf, spans, self.positions)

    def byte_positions(self, value):
        """Return the sorted offsets of the byte ``value`` in ``buf``."""
        if value not in self.positions:
            self.positions[value] = _decode.byte_positions(self.buf, value)
        return self.positions[value]


@dataclass
class ChunkResult:
    """Events and rejected lines of one chunk.

    Attributes
    ----------
    rows : numpy.ndarray of int64
        Chunk row of each event, ascending.
    columns : dict
        Event columns, aligned with ``rows``: numpy arrays, ``pyarrow`` dictionary
        arrays for the categorical columns and a ``pyarrow.string`` array for
        ``query``.
    rejected : dict of str to numpy.ndarray
        Chunk rows of the rejected lines, by reason.
    skipped : dict of str to int
        Lines skipped on purpose, by reason.
    notes : dict of str to int
        Counts of events that were read with a fix-up (see ``ReadReport``).
    """

    rows: np.ndarray
    columns: dict
    rejected: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)


def _separator_at(separators, index):
    if len(separators) == 0:
        return np.zeros_like(index)
    return separators[np.clip(index, 0, len(separators) - 1)]


def _xff_shift(buf, separators, first, last, position, ok):
    """Count the extra spaces inside a comma-and-space X-Forwarded-For list."""
    shift = np.zeros(len(first), dtype=np.int64)
    for _ in range(64):
        index = first + position + shift
        end = _separator_at(separators, index)
        more = ok & (index < last) & (buf[end - 1] == _COMMA)
        if not more.any():
            break
        shift += more
    return shift


def _check_literal(buf, positions, literal):
    ok = np.ones(len(positions), dtype=bool)
    for offset, char in enumerate(literal.encode("utf-8")):
        ok &= buf[positions + offset] == char
    return ok


def _cut_token(buf, token, starts, ends, spans):
    """Check a token's literal text and store its field span; return the ok mask."""
    prefix = len(token.prefix.encode("utf-8"))
    suffix = len(token.suffix.encode("utf-8"))
    if token.part is None:
        ok = (ends - starts) == prefix
        return ok & _check_literal(buf, starts, token.prefix)

    ok = (ends - starts) >= prefix + suffix
    ok &= _check_literal(buf, starts, token.prefix)
    ok &= _check_literal(buf, ends - suffix, token.suffix)
    key = (token.part.field.group, token.part.part)
    spans[key] = (starts + prefix, ends - suffix)
    return ok


def split_lines(buf, starts, ends, plan):
    """Cut lines into fields with a split plan.

    Returns
    -------
    ok : numpy.ndarray of bool
        True where the line has the plan's token layout.
    spans : dict
        ``(group, part) -> (starts, ends)`` for every field part.
    positions : dict
        Sorted offsets of spaces and of ``?`` in ``buf``, found in one pass.
    """
    found = np.flatnonzero((buf == _SPACE) | (buf == _QUESTION))
    is_space = buf[found] == _SPACE
    separators = found[is_space]
    positions = {_SPACE: separators, _QUESTION: found[~is_space]}
    first = np.searchsorted(separators, starts)
    last = np.searchsorted(separators, ends)
    count = last - first
    n_left, n_right = len(plan.left), len(plan.right)

    if plan.remainder is None:
        ok = np.ones(len(starts), dtype=bool)
    else:
        ok = count >= n_left + n_right
    shift = np.zeros(len(starts), dtype=np.int64)
    if plan.xff_index is not None:
        shift = _xff_shift(buf, separators, first, last, plan.xff_index, ok)
    if plan.remainder is None:
        ok &= count - shift == n_left - 1
    else:
        ok &= count - shift >= n_left + n_right

    spans = {}
    for position, token in enumerate(plan.left):
        before = shift if plan.xff_index is not None and position > plan.xff_index else 0
        after = shift if plan.xff_index is not None and position >= plan.xff_index else 0
        token_start = (
            starts if position == 0
            else _separator_at(separators, first + position - 1 + before) + 1
        )
        if plan.remainder is None and position == n_left - 1:
            token_end = ends
        else:
            token_end = _separator_at(separators, first + position + after)
        ok &= _cut_token(buf, token, token_start, token_end, spans)

    for position, token in enumerate(plan.right):
        token_end = ends if position == 0 else _separator_at(separators, last - position)
        token_start = _separator_at(separators, last - position - 1) + 1
        ok &= _cut_token(buf, token, token_start, token_end, spans)

    if plan.remainder is not None:
        rest_start = starts
        if n_left:
            rest_start = _separator_at(separators, first + n_left - 1 + shift) + 1
        rest_end = ends if not n_right else _separator_at(separators, last - n_right)
        ok &= _cut_token(buf, plan.remainder, rest_start, rest_end, spans)
    return ok, spans, positions


def check_tokens(fields, pattern):
    """Check the fields that the numeric decoders do not check.

    The checks follow the token classes of the pattern's strict regex.
    """
    buf = fields.buf
    ok = np.ones(len(next(iter(fields.spans.values()))[0]), dtype=bool)
    for field_ in pattern.fields:
        if field_.role == "time":
            continue
        if field_.role == "request":
            ok &= _check_request(buf, fields.spans, field_.group)
            continue
        s, e = fields.spans[(field_.group, "value")]
        if field_.role == "method":
            ok &= _decode.is_upper_word(buf, s, e)
        elif field_.role == "query":
            ok &= (e == s) | (buf[s] == _QUESTION)
        elif not field_.quoted:
            ok &= e > s
    return ok


def _check_request(buf, spans, group):
    # Narrower than the regex (upper-case methods of up to 8 letters, HTTP/d.d);
    # other request lines go to the regex.
    s, e = spans[(group, "method")]
    ok = _decode.is_upper_word(buf, s, e)
    s, e = spans[(group, "protocol")]
    ok &= _decode.is_http_version(buf, s, e)
    s, e = spans[(group, "uri")]
    return ok & (e > s)


def spans_from_regex(lines, pattern):
    """Match lines with the pattern's regex.

    Returns
    -------
    matched : numpy.ndarray of bool
    fields : FieldSpans
        Spans of the matched lines only.
    """
    struct = pc.extract_regex(lines, pattern.regex)
    matched = struct.is_valid().to_numpy(zero_copy_only=False)
    struct = struct.filter(pa.array(matched))
    names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
    children = struct.flatten()
    buf, spans = concat_string_arrays(children)

    keyed = {}
    for name, span in zip(names, spans):
        keyed[_regex_key(name)] = span
    return matched, FieldSpans(buf, pa.py_buffer(buf), keyed)


def _regex_key(name):
    parts = {"m": "method", "u": "uri", "p": "protocol"}
    if name[-1] in parts:
        return (name[:-1], parts[name[-1]])
    return (name, "value")


def _time_span(fields, group, plan_split):
    if plan_split:
        start, _ = fields.spans[(group, "date")]
        _, end = fields.spans[(group, "zone")]
        return start, end
    return fields.spans[(group, "value")]


def decode_numbers(fields, pattern, duration_unit, plan_split):
    """Decode the time, status, bytes and duration of every row.

    Returns
    -------
    columns : dict
        ``timestamp`` (int64 ns), ``utc_offset``, ``status``, ``bytes``,
        ``duration_ms``.
    failures : dict of str to numpy.ndarray of bool
        Rows that failed, by rejection reason.
    """
    buf = fields.buf
    time_field = pattern.field_for("time")
    starts, ends = _time_span(fields, time_field.group, plan_split)
    n = len(starts)
    epoch_ns, offsets, time_ok = _decode.parse_clf_time(buf, starts, ends)
    columns = {"timestamp": epoch_ns, "utc_offset": offsets}
    failures = {"invalid_timestamp": ~time_ok}

    status_field = pattern.field_for("status")
    if status_field is None:
        columns["status"] = np.zeros(n, dtype=np.int16)
        status_ok = np.ones(n, dtype=bool)
    else:
        s, e = fields.spans[(status_field.group, "value")]
        columns["status"], status_ok = _decode.parse_status(buf, s, e)
    failures["invalid_status"] = ~status_ok

    number_ok = np.ones(n, dtype=bool)
    bytes_field = pattern.field_for("bytes")
    columns["bytes"] = np.zeros(n, dtype=np.int64)
    if bytes_field is not None:
        s, e = fields.spans[(bytes_field.group, "value")]
        columns["bytes"], ok = _decode.parse_bytes(buf, s, e)
        number_ok &= ok

    duration, ok = _decode_duration(fields, pattern, duration_unit, n)
    columns["duration_ms"] = duration
    number_ok &= ok
    failures["invalid_number"] = ~number_ok & time_ok & status_ok
    return columns, failures


def _decode_duration(fields, pattern, duration_unit, n):
    candidates = [f for f in pattern.fields if f.role == "duration"]
    if not candidates:
        return np.full(n, np.nan), np.ones(n, dtype=bool)

    # %D is the more precise of the two when a pattern logs both.
    chosen = min(candidates, key=lambda f: f.code != "D")
    s, e = fields.spans[(chosen.group, "value")]
    if chosen.code == "D":
        values, ok = _decode.parse_unsigned(fields.buf, s, e)
        return values * DURATION_UNITS[duration_unit], ok
    dots = fields.byte_positions(_DOT)
    values, ok = _decode.parse_decimal(fields.buf, s, e, dots)
    return values * chosen.scale, ok


def _dash_free(fields, key):
    s, e = fields.spans[key]
    return s, e, ~_decode.is_dash(fields.buf, s, e) & (e > s)


def _encode(fields, starts, ends, valid):
    return _decode.dictionary_strings(fields.buf, fields.arrow_buf, starts, ends, valid)


def _pick(candidates):
    """Combine (starts, ends, valid) candidates: the first valid one wins."""
    starts, ends, valid = candidates[0]
    starts, ends, valid = starts.copy(), ends.copy(), valid.copy()
    for other_starts, other_ends, other_valid in candidates[1:]:
        use = ~valid & other_valid
        starts[use] = other_starts[use]
        ends[use] = other_ends[use]
        valid |= other_valid
    return starts, ends, valid


def _user_span(fields, pattern):
    candidates = []
    for role in ("user", "remote_user"):
        found = pattern.field_for(role)
        if found is not None:
            candidates.append(_dash_free(fields, (found.group, "value")))
    return candidates


def _client_span(fields, pattern):
    candidates = []
    xff = pattern.field_for("xff")
    if xff is not None:
        s, e, valid = _dash_free(fields, (xff.group, "value"))
        commas = fields.byte_positions(_COMMA)
        comma = _decode.first_at_or_after(commas, s, e)
        e = np.where(comma >= 0, comma, e)
        candidates.append((s, e, valid & (e > s)))
    for role in ("remote_addr", "remote_host"):
        found = pattern.field_for(role)
        if found is not None:
            candidates.append(_dash_free(fields, (found.group, "value")))
    return candidates


def _uri_spans(fields, pattern):
    """Return (path starts, path ends, path valid, query starts, query ends,
    query valid)."""
    request = pattern.field_for("request")
    uri = pattern.field_for("uri")
    if request is not None or uri is not None:
        key = (request.group, "uri") if request is not None else (uri.group, "value")
        s, e, valid = _dash_free(fields, key)
        questions = fields.byte_positions(_QUESTION)
        mark = _decode.first_at_or_after(questions, s, e)
        has_query = valid & (mark >= 0)
        path_end = np.where(has_query, mark, e)
        return s, path_end, valid, mark + 1, e, has_query

    path = pattern.field_for("url_path")
    query = pattern.field_for("query")
    if path is None:
        return None
    s, e, valid = _dash_free(fields, (path.group, "value"))
    if query is None:
        return s, e, valid, s, s, np.zeros(len(s), dtype=bool)
    qs, qe = fields.spans[(query.group, "value")]
    return s, e, valid, qs + 1, qe, qe > qs


def _method_span(fields, pattern):
    request = pattern.field_for("request")
    if request is not None:
        return _dash_free(fields, (request.group, "method"))
    method = pattern.field_for("method")
    if method is not None:
        return _dash_free(fields, (method.group, "value"))
    return None


def _null_dictionary(n):
    return pa.DictionaryArray.from_arrays(
        pa.nulls(n, pa.int32()), pa.array([], pa.string())
    )


def build_strings(fields, pattern):
    """Build the categorical columns and ``query`` for the rows of ``fields``."""
    n = len(next(iter(fields.spans.values()))[0])
    columns = {}

    for name, candidates in (
        ("user", _user_span(fields, pattern)),
        ("client_ip", _client_span(fields, pattern)),
    ):
        if candidates:
            columns[name] = _encode(fields, *_pick(candidates))
        else:
            columns[name] = _null_dictionary(n)

    method = _method_span(fields, pattern)
    columns["method"] = _encode(fields, *method) if method else _null_dictionary(n)

    uri = _uri_spans(fields, pattern)
    if uri is None:
        columns["path"] = _null_dictionary(n)
        columns["query"] = pa.nulls(n, pa.string())
    else:
        path_s, path_e, path_ok, query_s, query_e, query_ok = uri
        columns["path"] = _encode(fields, path_s, path_e, path_ok)
        views = string_views(fields.buf, fields.arrow_buf, query_s, query_e, query_ok)
        columns["query"] = views.cast(pa.string())

    for name in ("referer", "user_agent"):
        found = pattern.field_for(name)
        if found is None:
            columns[name] = _null_dictionary(n)
        else:
            columns[name] = _encode(fields, *_dash_free(fields, (found.group, "value")))
    return columns


def _assemble(fields, numbers, keep, pattern):
    columns = {name: values[keep] for name, values in numbers.items()}
    columns.update(build_strings(fields.subset(keep), pattern))
    return columns


def parse_chunk(chunk, pattern, duration_unit="ms"):
    """Parse every line of a chunk with a compiled valve pattern.

    Returns
    -------
    ChunkResult
    """
    lengths = chunk.ends - chunk.starts
    blank = lengths == 0
    rows = np.flatnonzero(~blank)
    skipped = {"blank_line": int(blank.sum())} if blank.any() else {}

    fast_rows = np.empty(0, dtype=np.int64)
    fast_columns = None
    rest = rows
    if pattern.plan is not None and len(rows):
        ok, spans, positions = split_lines(
            chunk.buf, chunk.starts[rows], chunk.ends[rows], pattern.plan
        )
        fields = FieldSpans(chunk.buf, chunk.arrow_buf, spans, positions).subset(ok)
        checked = check_tokens(fields, pattern)
        numbers, failures = decode_numbers(fields, pattern, duration_unit, True)
        for failed in failures.values():
            checked &= ~failed
        fast_rows = rows[ok][checked]
        fast_columns = _assemble(fields, numbers, checked, pattern)
        rest = np.setdiff1d(rows, fast_rows, assume_unique=True)

    result = _parse_with_regex(chunk, rest, pattern, duration_unit)
    for reason, count in skipped.items():
        result.skipped[reason] = result.skipped.get(reason, 0) + count
    if fast_columns is None:
        return result
    return _merge(fast_rows, fast_columns, result)


def _parse_with_regex(chunk, rows, pattern, duration_unit):
    if len(rows) == 0:
        return ChunkResult(np.empty(0, dtype=np.int64), {})

    lines = chunk.lines_array(rows)
    matched, fields = spans_from_regex(lines, pattern)
    matched_rows = rows[matched]
    blank = ~matched & pc.utf8_is_space(lines).to_numpy(zero_copy_only=False)
    skipped = {"blank_line": int(blank.sum())} if blank.any() else {}
    numbers, failures = decode_numbers(fields, pattern, duration_unit, False)
    keep = np.ones(len(matched_rows), dtype=bool)
    for failed in failures.values():
        keep &= ~failed

    rejected = _rejections(chunk, rows[~matched & ~blank], matched_rows, failures)
    columns = _assemble(fields, numbers, keep, pattern) if keep.any() else {}
    return ChunkResult(matched_rows[keep], columns, rejected=rejected, skipped=skipped)


def _rejections(chunk, unmatched, matched_rows, failures):
    rejected = {}
    utf8 = chunk.replaced[unmatched]
    if utf8.any():
        rejected["invalid_utf8"] = unmatched[utf8]
    if (~utf8).any():
        rejected["no_match"] = unmatched[~utf8]
    claimed = np.zeros(len(matched_rows), dtype=bool)
    for reason, failed in failures.items():
        failed = failed & ~claimed
        claimed |= failed
        if failed.any():
            rejected[reason] = matched_rows[failed]
    return rejected


def _merge(fast_rows, fast_columns, slow):
    if len(slow.rows) == 0:
        slow.rows = fast_rows
        slow.columns = fast_columns
        return slow

    rows = np.concatenate([fast_rows, slow.rows])
    order = np.argsort(rows, kind="stable")
    columns = {}
    for name, fast in fast_columns.items():
        columns[name] = concat_column([fast, slow.columns[name]], order)
    slow.rows = rows[order]
    slow.columns = columns
    return slow


def concat_column(pieces, order=None):
    """Concatenate column pieces (numpy or Arrow) and reorder them."""
    if isinstance(pieces[0], np.ndarray):
        joined = np.concatenate(pieces)
        return joined if order is None else joined[order]
    if pa.types.is_dictionary(pieces[0].type):
        joined = pa.chunked_array(pieces).unify_dictionaries().combine_chunks()
    else:
        joined = pa.concat_arrays(pieces)
    return joined if order is None else joined.take(pa.array(order))
