"""Route distinct request paths with RE2 regexes over pyarrow arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uba.urls._arrow import (
    decode_percent_escapes,
    decode_tiny_links,
    extract_group,
    parse_ids,
    replace_where,
    take_or_fill,
    to_bool,
)
from uba.urls._keys import SpaceKeyCodes
from uba.urls._rules import (
    ABSOLUTE_URL_PREFIX,
    CLOUD_GATEWAY_PREFIX,
    CLOUD_GATEWAY_REPLACEMENT,
    GENERIC_RULES,
    LEADING_SEGMENTS,
    PATH_PARAMETERS,
    REPEATED_SLASHES,
    ROOTS,
    RULES,
    RULES_BY_ROOT,
)
from uba.urls._text import keep_text

_ROOT_NAMES = sorted(ROOTS)
_ROOT_VALUE_SET = pa.array(_ROOT_NAMES, type=pa.large_string())


@dataclass
class PathRoutes:
    """Route of every distinct path.

    Attributes
    ----------
    rule : numpy.ndarray of int32
        Index into ``RULES``, or -1 when no rule matched.
    page_id : numpy.ndarray of int64
        Content id found in the path, valid where ``page_valid`` is true.
    page_valid : numpy.ndarray of bool
    key_code : numpy.ndarray of int32
        Space-key code in the shared ``SpaceKeyCodes``; -1 when the path has none.
    """

    rule: np.ndarray
    page_id: np.ndarray
    page_valid: np.ndarray
    key_code: np.ndarray


def route_paths(
    paths: pa.Array, context_path: str | None, keys: SpaceKeyCodes
) -> PathRoutes:
    """Normalise distinct request paths and find the rule, space key and id of each.

    Parameters
    ----------
    paths : pyarrow.Array
        Distinct percent-encoded paths without nulls.
    context_path : str or None
        ``None`` to detect a context path, ``""`` for none, else the path to strip.
    keys : SpaceKeyCodes
        Receives the space keys found.
    """
    normalized = normalize_paths(paths)
    normalized, first_segment = strip_context_path(normalized, context_path)
    rule, groups = _match_rules(normalized, first_segment)

    page_id = np.zeros(len(paths), dtype=np.int64)
    page_valid = np.zeros(len(paths), dtype=bool)
    _store_ids(groups["id"], parse_ids, page_id, page_valid)
    _store_ids(groups["tiny"], decode_tiny_links, page_id, page_valid)

    key_code = np.full(len(paths), -1, dtype=np.int32)
    rows, raw_keys = _concat(groups["key"])
    if rows.size:
        key_code[rows] = keys.encode(raw_keys, keep_text)
    return PathRoutes(rule, page_id, page_valid, key_code)


def normalize_paths(paths: pa.Array) -> pa.Array:
    """Apply the path normalisation of ``_scalar.normalize_path`` to every path."""
    starts_with_slash = pc.starts_with(paths, "/")
    paths = replace_where(paths, pc.invert(starts_with_slash), ABSOLUTE_URL_PREFIX, "")
    paths = replace_where(paths, pc.match_substring(paths, ";"), PATH_PARAMETERS, "")
    paths = replace_where(paths, pc.match_substring(paths, "//"), REPEATED_SLASHES, "/")
    paths = _decode_where(paths, pc.match_substring(paths, "%"))
    paths = replace_where(
        paths,
        pc.starts_with(paths, "/ex/confluence/"),
        CLOUD_GATEWAY_PREFIX,
        CLOUD_GATEWAY_REPLACEMENT,
    )
    return _empty_to_root(paths)


def strip_context_path(
    paths: pa.Array, context_path: str | None
) -> tuple[pa.Array, pa.Array]:
    """Remove the context path and return the paths with their first segments."""
    segments = pc.extract_regex(paths, LEADING_SEGMENTS)
    first = pc.if_else(segments.is_valid(), segments.field("first"), None)
    if context_path == "":
        return paths, first

    if context_path is None:
        second = segments.field("second")
        strip = pc.and_(
            pc.and_(
                pc.invert(pc.is_in(first, value_set=_ROOT_VALUE_SET)),
                pc.not_equal(second, ""),
            ),
            pc.is_in(second, value_set=_ROOT_VALUE_SET),
        )
        stripped = replace_where(paths, strip, r"^/[^/]*", "")
        return stripped, pc.if_else(pc.fill_null(strip, False), second, first)

    strip = pc.or_(
        pc.equal(paths, context_path), pc.starts_with(paths, context_path + "/")
    )
    stripped = _empty_to_root(_remove_prefix(paths, strip, len(context_path)))
    return stripped, extract_group(stripped, LEADING_SEGMENTS, "first")


def _remove_prefix(paths: pa.Array, mask: pa.Array, length: int) -> pa.Array:
    """Drop the first ``length`` characters of the rows where ``mask`` is true."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return paths
    shortened = pc.utf8_slice_codeunits(paths.filter(mask), start=length)
    return pc.replace_with_mask(paths, mask, shortened)


def _decode_where(paths: pa.Array, mask: pa.Array) -> pa.Array:
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return paths
    decoded = decode_percent_escapes(paths.filter(mask))
    return pc.replace_with_mask(paths, mask, decoded)


def _empty_to_root(paths: pa.Array) -> pa.Array:
    empty = pc.equal(pc.utf8_length(paths), 0)
    return pc.if_else(empty, pa.scalar("/", type=paths.type), paths)


def _match_rules(
    paths: pa.Array, first_segment: pa.Array
) -> tuple[np.ndarray, dict[str, list]]:
    """Run the rules of each path's root in table order, then the generic rules."""
    rule = np.full(len(paths), -1, dtype=np.int32)
    groups: dict[str, list] = {"id": [], "key": [], "tiny": []}

    root_index = _root_index(first_segment)
    order = np.argsort(root_index, kind="stable")
    sorted_roots = root_index[order]
    present, starts = np.unique(sorted_roots, return_index=True)
    ends = np.append(starts[1:], len(order))

    for root, start, end in zip(present, starts, ends):
        if root < 0:
            continue
        rows = order[start:end]
        for rule_index in RULES_BY_ROOT[_ROOT_NAMES[root]]:
            rows = _apply_rule(rule_index, rows, paths, rule, groups)
            if rows.size == 0:
                break

    rows = np.flatnonzero(rule == -1)
    for rule_index in GENERIC_RULES:
        if rows.size == 0:
            break
        rows = _apply_rule(rule_index, rows, paths, rule, groups)
    return rule, groups


def _root_index(first_segment: pa.Array) -> np.ndarray:
    """Return the position of each first segment in ``_ROOT_NAMES``, or -1."""
    encoded = pc.dictionary_encode(first_segment)
    root_of_entry = pc.index_in(encoded.dictionary, value_set=_ROOT_VALUE_SET)
    root_of_entry = pc.fill_null(root_of_entry, -1).to_numpy(zero_copy_only=False)

    indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return take_or_fill(root_of_entry.astype(np.int32), indices.astype(np.intp), -1)


def _apply_rule(
    rule_index: int,
    rows: np.ndarray,
    paths: pa.Array,
    rule: np.ndarray,
    groups: dict[str, list],
) -> np.ndarray:
    """Match one rule on ``rows``, record the matches and return the rows left."""
    pattern = RULES[rule_index].pattern
    candidates = paths.take(rows)
    names = RULES[rule_index].groups
    if not names:
        hit = to_bool(pc.match_substring_regex(candidates, pattern))
        rule[rows[hit]] = rule_index
        return rows[~hit]

    extracted = pc.extract_regex(candidates, pattern)
    hit = to_bool(extracted.is_valid())
    matched = rows[hit]
    rule[matched] = rule_index
    mask = pa.array(hit)
    for name in names:
        groups[name].append((matched, extracted.field(name).filter(mask)))
    return rows[~hit]


def _concat(pieces: list) -> tuple[np.ndarray, pa.Array]:
    if not pieces:
        return np.empty(0, dtype=np.intp), pa.array([], type=pa.large_string())
    rows = np.concatenate([rows for rows, _ in pieces])
    values = pa.concat_arrays([values for _, values in pieces])
    return rows, values


def _store_ids(pieces, parse, page_id: np.ndarray, page_valid: np.ndarray) -> None:
    rows, texts = _concat(pieces)
    if rows.size == 0:
        return
    values, valid = parse(texts)
    page_id[rows[valid]] = values[valid]
    page_valid[rows[valid]] = True
