"""Classify one request with Python's :mod:`re`, using the same route table."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from uba._schema import ACTIONS
from uba.urls._rules import (
    ABSOLUTE_URL_PREFIX,
    ACTION_TABLE,
    CLOUD_GATEWAY_PREFIX,
    CLOUD_GATEWAY_REPLACEMENT,
    CQL_CONTENT_ID,
    CQL_DECODING,
    CQL_SPACE_KEY,
    GENERIC_RULES,
    LEADING_SEGMENTS,
    MAX_ID_DIGITS,
    PATH_PARAMETERS,
    REPEATED_SLASHES,
    ROOTS,
    RULES,
    RULES_BY_ROOT,
    method_class,
    query_parameter_pattern,
    to_python_pattern,
)
from uba.urls._text import (
    decode_cql_token,
    decode_path_segments,
    decode_query_value,
    decode_tiny_link,
    normalize_context_path,
    normalize_space_key,
)

_COMPILED_RULES = tuple(re.compile(to_python_pattern(rule.pattern)) for rule in RULES)


def classify_url(
    method: str | None, url: str | None, *, context_path: str | None = None
) -> tuple[str, str | None, int | None]:
    """Classify one Confluence request.

    Applies the rules of :func:`classify_requests` to a single request and returns
    the same values. Use it in notebooks and tests, and ``classify_requests`` for
    columns.

    Parameters
    ----------
    method : str or None
        HTTP method; None for a request line logged as ``-``.
    url : str or None
        Path with an optional query string (``/pages/viewpage.action?pageId=1``) or
        an absolute URL; a ``#fragment`` is ignored.
    context_path : str or None, default=None
        As in :func:`classify_requests`.

    Returns
    -------
    action : str
        One of ``uba._schema.ACTIONS``.
    space_key : str or None
    page_id : int or None

    Raises
    ------
    TypeError
        If ``url`` is neither None nor a str, or ``context_path`` is invalid.

    Examples
    --------
    >>> classify_url("GET", "/wiki/spaces/ENG/pages/65601/Release+Checklist")
    ('page_view', 'ENG', 65601)
    >>> classify_url("POST", "/rest/api/content/65601")
    ('edit', None, 65601)
    """
    context = normalize_context_path(context_path)
    path, query = split_url(url)
    if path is None:
        return "other", None, None

    normalized = normalize_path(path)
    normalized, first_segment = strip_context_path(normalized, context)
    rule_index, match = _match_rule(normalized, first_segment)
    if match is None:
        return "other", None, None

    page_id, space_key = _ids_from_match(match)
    if query is not None:
        page_id = (
            page_id if page_id is not None else _page_from_query(rule_index, query)
        )
        space_key = (
            space_key if space_key is not None else _key_from_query(rule_index, query)
        )

    action_code = ACTION_TABLE[rule_index + 1, method_class(method)]
    return ACTIONS[action_code], space_key, page_id


def split_url(url: str | None) -> tuple[str | None, str | None]:
    """Split a URL into its path and query string, dropping any fragment."""
    if url is None or (isinstance(url, float) and math.isnan(url)):
        return None, None
    if not isinstance(url, str):
        raise TypeError(f"url must be a str or None, got {type(url).__name__}")

    url = url.split("#", 1)[0]
    path, separator, query = url.partition("?")
    return path, (query if separator else None)


def normalize_path(path: str) -> str:
    """Drop scheme, host, ``;params`` and ``//`` from a path and decode it."""
    if not path.startswith("/"):
        path = _compiled(ABSOLUTE_URL_PREFIX).sub("", path)
    if ";" in path:
        path = _compiled(PATH_PARAMETERS).sub("", path)
    if "//" in path:
        path = _compiled(REPEATED_SLASHES).sub("/", path)
    if "%" in path:
        path = decode_path_segments(path)
    if path.startswith("/ex/confluence/"):
        gateway = _compiled(CLOUD_GATEWAY_PREFIX)
        path = gateway.sub(CLOUD_GATEWAY_REPLACEMENT, path)
    return path or "/"


def strip_context_path(path: str, context_path: str | None) -> tuple[str, str | None]:
    """Remove the context path and return the path with its first segment."""
    first, second = _leading_segments(path)
    if context_path == "":
        return path, first

    if context_path is None:
        if first not in ROOTS and second and second in ROOTS:
            return path[len(first) + 1 :], second
        return path, first

    if path == context_path or path.startswith(context_path + "/"):
        path = path[len(context_path) :] or "/"
        return path, _leading_segments(path)[0]
    return path, first


def _leading_segments(path: str) -> tuple[str | None, str | None]:
    match = _compiled(LEADING_SEGMENTS).search(path)
    if match is None:
        return None, None
    return match.group("first"), match.group("second")


def _match_rule(path: str, first_segment: str | None) -> tuple[int, re.Match | None]:
    candidates = RULES_BY_ROOT.get(first_segment, ()) + GENERIC_RULES
    for rule_index in candidates:
        match = _COMPILED_RULES[rule_index].search(path)
        if match is not None:
            return rule_index, match
    return -1, None


def _ids_from_match(match: re.Match) -> tuple[int | None, str | None]:
    groups = match.groupdict()
    page_id = _parse_id(groups.get("id"))
    if groups.get("tiny"):
        try:
            page_id = decode_tiny_link(groups["tiny"])
        except ValueError:
            page_id = None
    return page_id, normalize_space_key(groups.get("key"))


def _parse_id(text: str | None) -> int | None:
    if not text or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)


def _page_from_query(rule_index: int, query: str) -> int | None:
    for name in RULES[rule_index].page_params:
        value = _parameter(query, name, digits=True)
        if value is not None:
            return int(value)
    if RULES[rule_index].cql:
        return _parse_cql(query)[1]
    return None


def _key_from_query(rule_index: int, query: str) -> str | None:
    for name in RULES[rule_index].key_params:
        value = _parameter(query, name)
        key = normalize_space_key(decode_query_value(value)) if value else None
        if key is not None:
            return key
    if RULES[rule_index].cql:
        return _parse_cql(query)[0]
    return None


def _parameter(query: str, name: str, *, digits: bool = False) -> str | None:
    match = _compiled(query_parameter_pattern(name, digits=digits)).search(query)
    return None if match is None else match.group("value")


def _parse_cql(query: str) -> tuple[str | None, int | None]:
    """Return the first space key and content id named in the ``cql`` parameter."""
    cql = _parameter(query, "cql")
    if cql is None:
        return None, None
    for pattern, replacement in CQL_DECODING:
        cql = _compiled(pattern).sub(replacement, cql)

    space = _compiled(CQL_SPACE_KEY).search(cql)
    key = normalize_space_key(decode_cql_token(space.group("key"))) if space else None
    content = _compiled(CQL_CONTENT_ID).search(cql)
    return key, (_parse_id(content.group("id")) if content else None)


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    """Compile an RE2 pattern of the route table for :mod:`re`."""
    return re.compile(to_python_pattern(pattern))
