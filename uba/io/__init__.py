"""Readers for Confluence access logs.

:func:`read_events` reads Tomcat ``AccessLogValve`` logs and ``AccessLogFilter``
lines of ``atlassian-confluence.log``. The Tomcat layouts it detects are the
Confluence 7.11+ default, the reverse-proxy and 2015 knowledge-base recipes and the
Docker image layout, and any other pattern from ``server.xml`` can be passed. The
result is one DataFrame with the columns of ``uba._schema.EVENT_COLUMNS``, sorted by
time, in UTC. Lines that cannot be read are counted per file and reason in a
:class:`ReadReport`, so nothing is dropped silently.
"""

from uba.io._read import FORMATS, read_events
from uba.io._report import FileReport, ReadReport
from uba.io._valve import KNOWN_PATTERNS, ValvePattern, compile_pattern

__all__ = [
    "FORMATS",
    "KNOWN_PATTERNS",
    "FileReport",
    "ReadReport",
    "ValvePattern",
    "compile_pattern",
    "read_events",
]
