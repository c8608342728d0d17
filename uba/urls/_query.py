"""Space keys and content ids from the query strings of routes that carry them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uba.urls._arrow import (
    extract_group,
    factorize_rows,
    parse_ids,
    replace_where,
    take_or_fill,
)
from uba.urls._keys import SpaceKeyCodes
from uba.urls._rules import (
    CQL_CONTENT_ID,
    CQL_DECODING,
    CQL_SPACE_KEY,
    RULES,
    query_parameter_pattern,
)
from uba.urls._text import decode_cql_token, decode_query_value

_CQL = "cql"


@dataclass
class RowIds:
    """Per-row content ids and space-key codes, filled in place.

    Attributes
    ----------
    page_id : numpy.ndarray of int64
    page_valid : numpy.ndarray of bool
    key_code : numpy.ndarray of int32
        -1 where the row has no space key.
    """

    page_id: np.ndarray
    page_valid: np.ndarray
    key_code: np.ndarray


@dataclass
class _SourceValues:
    """Values that one source (a parameter or the CQL) yields per distinct query."""

    page_id: np.ndarray | None = None
    page_valid: np.ndarray | None = None
    key_code: np.ndarray | None = None


def page_sources(rule_index: int) -> tuple[str, ...]:
    """Query parameters, then ``"cql"``, that carry the content id, in order."""
    rule = RULES[rule_index]
    return rule.page_params + ((_CQL,) if rule.cql else ())


def key_sources(rule_index: int) -> tuple[str, ...]:
    """Query parameters, then ``"cql"``, that carry the space key, in order."""
    rule = RULES[rule_index]
    return rule.key_params + ((_CQL,) if rule.cql else ())


_USES_QUERY = np.array([False] + [rule.uses_query for rule in RULES])


def fill_from_query(
    query: pd.Series, rule_rows: np.ndarray, ids: RowIds, keys: SpaceKeyCodes
) -> None:
    """Fill missing ids and keys from the query string of rows whose route has them.

    Only rows whose rule names query parameters are read, and each distinct query
    string of those rows is parsed once per parameter.
    """
    rows = np.flatnonzero(_USES_QUERY[rule_rows + 1])
    if rows.size == 0:
        return

    query_codes, queries = factorize_rows(query, rows, "query")
    rows_of_rule = _split_by_rule(rule_rows[rows])
    values = _extract_sources(queries, query_codes, rows_of_rule, keys)

    for rule_index, local in rows_of_rule.items():
        codes = query_codes[local]
        for source in page_sources(rule_index):
            _fill_pages(ids, rows[local], codes, values[source])
        for source in key_sources(rule_index):
            _fill_keys(ids, rows[local], codes, values[source])


def _split_by_rule(rules: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(rules, kind="stable")
    present, starts = np.unique(rules[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    return {
        int(rule): order[start:end] for rule, start, end in zip(present, starts, ends)
    }


def _extract_sources(
    queries: pa.Array,
    query_codes: np.ndarray,
    rows_of_rule: dict[int, np.ndarray],
    keys: SpaceKeyCodes,
) -> dict[str, _SourceValues]:
    """Parse every source on the distinct queries of the rules that read it."""
    needed: dict[str, np.ndarray] = {}
    kinds: dict[str, set[str]] = {}
    for rule_index, local in rows_of_rule.items():
        codes = query_codes[local]
        codes = codes[codes >= 0]
        for kind, sources in (
            ("page", page_sources(rule_index)),
            ("key", key_sources(rule_index)),
        ):
            for source in sources:
                if source not in needed:
                    needed[source] = np.zeros(len(queries), dtype=bool)
                    kinds[source] = set()
                needed[source][codes] = True
                kinds[source].add(kind)

    values: dict[str, _SourceValues] = {}
    for source, mask in needed.items():
        found = _SourceValues()
        if source == _CQL:
            _extract_cql(queries, mask, keys, found)
        if source != _CQL and "page" in kinds[source]:
            found.page_id, found.page_valid = _extract_page_parameter(
                queries, mask, source
            )
        if source != _CQL and "key" in kinds[source]:
            found.key_code = _extract_key_parameter(queries, mask, source, keys)
        values[source] = found
    return values


def _extract_page_parameter(
    queries: pa.Array, mask: np.ndarray, name: str
) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(mask)
    pattern = query_parameter_pattern(name, digits=True)
    texts = extract_group(queries.take(rows), pattern, "value")
    return _scatter_ids(len(queries), rows, *parse_ids(texts))


def _extract_key_parameter(
    queries: pa.Array, mask: np.ndarray, name: str, keys: SpaceKeyCodes
) -> np.ndarray:
    rows = np.flatnonzero(mask)
    texts = extract_group(queries.take(rows), query_parameter_pattern(name), "value")
    key_code = np.full(len(queries), -1, dtype=np.int32)
    key_code[rows] = keys.encode(texts, decode_query_value)
    return key_code


def _extract_cql(
    queries: pa.Array, mask: np.ndarray, keys: SpaceKeyCodes, found: _SourceValues
) -> None:
    """Parse the first space key and content id out of the ``cql`` parameter."""
    rows = np.flatnonzero(mask)
    cql = extract_group(queries.take(rows), query_parameter_pattern(_CQL), "value")
    for pattern, replacement in CQL_DECODING:
        has_escape = pc.match_substring_regex(cql, pattern)
        cql = replace_where(cql, has_escape, pattern, replacement)

    space_keys = extract_group(cql, CQL_SPACE_KEY, "key")
    found.key_code = np.full(len(queries), -1, dtype=np.int32)
    found.key_code[rows] = keys.encode(space_keys, decode_cql_token)

    content_ids = extract_group(cql, CQL_CONTENT_ID, "id")
    found.page_id, found.page_valid = _scatter_ids(
        len(queries), rows, *parse_ids(content_ids)
    )


def _scatter_ids(
    size: int, rows: np.ndarray, values: np.ndarray, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    page_id = np.zeros(size, dtype=np.int64)
    page_valid = np.zeros(size, dtype=bool)
    page_id[rows] = values
    page_valid[rows] = valid
    return page_id, page_valid


def _fill_pages(
    ids: RowIds, rows: np.ndarray, codes: np.ndarray, found: _SourceValues
) -> None:
    valid = take_or_fill(found.page_valid, codes, False)
    take = valid & ~ids.page_valid[rows]
    ids.page_id[rows[take]] = found.page_id[codes[take]]
    ids.page_valid[rows[take]] = True


def _fill_keys(
    ids: RowIds, rows: np.ndarray, codes: np.ndarray, found: _SourceValues
) -> None:
    key_code = take_or_fill(found.key_code, codes, -1)
    take = (key_code >= 0) & (ids.key_code[rows] < 0)
    ids.key_code[rows[take]] = key_code[take]
