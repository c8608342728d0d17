"""Decoding of path segments, space keys and tiny links, one value at a time.

``classify_url`` calls these functions directly. ``classify_requests`` calls them
only once per distinct raw space key, and its NumPy decoders must return what
``decode_path_segments`` and ``decode_tiny_link`` return.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote, unquote_plus

# A non-personal space key: letters and digits only (Confluence's rule for space keys).
_SPACE_KEY = re.compile(r"[^\W_]+")
_PERSONAL_NAME = re.compile(r"[^\s/]+")
_TINY_CODE = re.compile(r"[A-Za-z0-9_-]{1,11}")
_MAX_INT64 = 2**63 - 1


def decode_path_segments(path: str) -> str:
    """Percent-decode each ``/``-separated segment of ``path``.

    A ``/`` that a segment decodes to (``%2F``) is written back as ``%2F``, so that the
    decoded path splits into the same segments as the encoded one. Invalid UTF-8
    sequences become U+FFFD.
    """
    segments = path.split("/")
    decoded = (unquote(segment).replace("/", "%2F") for segment in segments)
    return "/".join(decoded)


def normalize_space_key(text: str | None) -> str | None:
    """Return the canonical form of a decoded space key, or None when it is invalid.

    Non-personal keys (letters and digits) are upper-cased, because Data Center keys
    are case-insensitive. Personal keys (``~`` and a user name or Cloud account id)
    keep their case. Anything else, such as ``conf_all`` or ``currentSpace(``, is not
    a space key.
    """
    if not text:
        return None
    if text.startswith("~"):
        if _PERSONAL_NAME.fullmatch(text[1:]):
            return text
        return None
    if _SPACE_KEY.fullmatch(text):
        return text.upper()
    return None


def decode_query_value(text: str) -> str:
    """Decode a form-encoded query-string value (``+`` is a space)."""
    return unquote_plus(text)


def decode_cql_token(text: str) -> str:
    """Decode a token cut from partly decoded CQL (``+`` was already replaced)."""
    return unquote(text)


def keep_text(text: str) -> str:
    """Return ``text`` unchanged, as path segments are decoded already."""
    return text


def decode_tiny_link(code: str) -> int:
    """Decode a Confluence tiny-link code (the part after ``/x/``) to a content id.

    The code is the content id as little-endian bytes with trailing zero bytes
    dropped, in standard base64 without ``=`` padding, where ``-`` stands for ``/``
    and ``_`` for ``+``.

    Parameters
    ----------
    code : str
        One to eleven characters from ``A-Z a-z 0-9 - _``.

    Returns
    -------
    int
        The content id, between 1 and 2**63 - 1.

    Raises
    ------
    TypeError
        If ``code`` is not a str.
    ValueError
        If ``code`` is not a valid tiny-link code or decodes to 0 or to a number that
        does not fit an int64.

    Examples
    --------
    >>> decode_tiny_link("AoCLRg")
    1183547394
    """
    if not isinstance(code, str):
        raise TypeError(f"tiny-link code must be a str, got {type(code).__name__}")
    if not _TINY_CODE.fullmatch(code) or len(code) % 4 == 1:
        raise ValueError(
            f"invalid tiny-link code {code!r}: expected 1 to 11 characters from "
            "A-Z a-z 0-9 - _ whose length is not 1 more than a multiple of 4"
        )

    standard = code.replace("-", "/").replace("_", "+")
    padded = standard + "=" * (-len(standard) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
    except binascii.Error as error:
        raise ValueError(f"invalid tiny-link code {code!r}: {error}") from None

    content_id = int.from_bytes(raw, "little")
    if not 0 < content_id <= _MAX_INT64:
        raise ValueError(
            f"tiny-link code {code!r} decodes to {content_id}, which is not a content "
            "id between 1 and 2**63 - 1"
        )
    return content_id


def encode_tiny_link(content_id: int) -> str:
    """Encode a content id as a Confluence tiny-link code, the inverse of decoding.

    Parameters
    ----------
    content_id : int
        A content id between 1 and 2**63 - 1.

    Returns
    -------
    str
        The code that follows ``/x/`` in a tiny link.

    Raises
    ------
    TypeError
        If ``content_id`` is not an int.
    ValueError
        If ``content_id`` is outside that range.

    Examples
    --------
    >>> encode_tiny_link(1183547394)
    'AoCLRg'
    """
    if isinstance(content_id, bool) or not isinstance(content_id, int):
        raise TypeError(f"content_id must be an int, got {type(content_id).__name__}")
    if not 0 < content_id <= _MAX_INT64:
        raise ValueError(
            f"content_id must be between 1 and 2**63 - 1, got {content_id}"
        )

    raw = content_id.to_bytes(8, "little").rstrip(b"\0")
    standard = base64.b64encode(raw).decode("ascii").rstrip("=")
    return standard.replace("/", "-").replace("+", "_")


def normalize_context_path(context_path: str | None) -> str | None:
    """Validate ``context_path`` and bring it to the form ``/segment[/segment...]``.

    Returns ``None`` (detect the context path) for ``None``, and ``""`` (no context
    path) for ``""`` or ``"/"``.

    Raises
    ------
    TypeError
        If ``context_path`` is neither None nor a str.
    ValueError
        If it contains ``?``, ``#``, ``;``, ``%`` or an empty segment.
    """
    if context_path is None:
        return None
    if not isinstance(context_path, str):
        raise TypeError(
            f"context_path must be a str such as '/wiki' or None, got "
            f"{type(context_path).__name__}"
        )

    text = context_path.strip().strip("/")
    if not text:
        return ""
    if any(character in text for character in "?#;%") or "//" in text:
        raise ValueError(
            f"context_path {context_path!r} is not a plain decoded path. Pass the "
            "leading path segments only, such as '/wiki' or '/confluence'"
        )
    return "/" + text
