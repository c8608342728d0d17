"""Undo the backslash escapes that Tomcat writes in header values."""

import re

# Tomcat's AccessLogValve (8.5 and later) writes '"' as \", '\' as \\, tab, newline,
# carriage return and form feed as \t \n \r \f, and any other character outside
# printable ASCII as \uXXXX (one UTF-16 code unit). \xNN bytes, as Apache httpd
# writes them, are accepted too.
_ESCAPE = re.compile(
    r"\\(?:(?P<bytes>(?:x[0-9A-Fa-f]{2})(?:\\x[0-9A-Fa-f]{2})*)"
    r"|(?P<units>u[0-9A-Fa-f]{4}(?:\\u[0-9A-Fa-f]{4})*)"
    r"|(?P<char>[\"\\tnrfb]))"
)
_BYTE_CODE = re.compile(r"x([0-9A-Fa-f]{2})")
_UNIT_CODE = re.compile(r"u([0-9A-Fa-f]{4})")
_SIMPLE = {'"': '"', "\\": "\\", "t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b"}


def _replace(match):
    if match.group("char") is not None:
        return _SIMPLE[match.group("char")]

    if match.group("bytes") is not None:
        raw = bytes(int(code, 16) for code in _BYTE_CODE.findall(match.group("bytes")))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    units = [int(code, 16) for code in _UNIT_CODE.findall(match.group("units"))]
    encoded = b"".join(unit.to_bytes(2, "big") for unit in units)
    return encoded.decode("utf-16-be", errors="replace")


def unescape(text):
    """Decode Tomcat's backslash escapes in one header value.

    Examples
    --------
    >>> unescape(r'j\\"doe\\\\x')
    'j"doe\\\\x'
    >>> unescape(r"j\\u00fcrgen")
    'jürgen'
    """
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_replace, text)
