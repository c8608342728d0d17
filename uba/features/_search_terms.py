"""Searches whose terms name credentials: passwords, keys, tokens and secrets.

An intruder who wants more access can search the wiki for passwords and then
read the hits. Confluence logs the search terms in the query string: ``queryString``
(``searchQuery.queryString`` in older versions) or ``cql`` of the site search,
``query`` of the quick search, ``cql`` of the REST searches and ``text`` of the
search page. A search counts when one of those values, decoded, contains a word of
:data:`CREDENTIAL_KINDS`. Each request gets a bit mask of the kinds it names, so a
day's searches can be counted and their distinct kinds too.
"""

import re
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

# Query parameters that carry the search terms or the CQL of a search.
SEARCH_PARAMETERS = frozenset(
    {"queryString", "searchQuery.queryString", "query", "cql", "text"}
)

# Kinds of credential and the words that name them, matched case-insensitively as
# whole words. Words that are also ordinary topics, such as "vpn" or "login", are
# left out.
# NOTE: English words only; a wiki searched in another language needs its own list.
CREDENTIAL_KINDS = (
    ("password", r"passwords?|passwd|passphrases?|pwd"),
    ("credential", r"credentials?"),
    ("secret", r"secrets?"),
    ("token", r"tokens?"),
    ("API key", r"api[ _+-]?keys?"),
    ("private key", r"private[ _+-]?keys?"),
    ("SSH key", r"ssh[ _+-]?keys?|id_rsa"),
    ("access key", r"access[ _+-]?keys?"),
    ("keystore", r"keystores?"),
)

CREDENTIAL_PATTERN = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(
        f"(?P<kind{index}>{words})" for index, (_, words) in enumerate(CREDENTIAL_KINDS)
    )
    + r")(?![a-z0-9])",
    re.IGNORECASE,
)

# Characters of a query string that are read. Tomcat rejects request lines longer
# than its 8 KiB header limit by default, and decoding a longer string with many
# percent escapes costs many times its length in memory.
MAX_QUERY_CHARS = 8192

# Cheap test that a raw query string may name a credential: a word stem, or a
# percent escape that may hide one. Query strings without either are not parsed.
_MAY_NAME_CREDENTIALS = re.compile(r"pass|pwd|cred|secret|token|key|id_rsa|%", re.I)


def credential_kind_bits(events, candidates):
    """Return, per event, a bit mask of the credential kinds its search terms name.

    Parameters
    ----------
    events : pandas.DataFrame
        Events with a ``query`` column (the query string without ``?``, missing
        when absent). Without that column no event names a credential.
    candidates : numpy.ndarray of bool
        Which events are searches whose query string is read.

    Returns
    -------
    bits : numpy.ndarray of int16
        Bit ``i`` is set when the terms name kind ``i`` of :data:`CREDENTIAL_KINDS`;
        0 for the other events.
    """
    bits = np.zeros(len(events), dtype=np.int16)
    if "query" not in events.columns or not candidates.any():
        return bits

    # Only the candidates' query strings become Python objects, and each distinct
    # one is read once. pandas hashes them, so a long query costs its own length.
    queries = events["query"].loc[candidates]
    codes, distinct = pd.factorize(queries, use_na_sentinel=True)
    distinct_bits = np.fromiter(
        (_kind_bits(str(query)) for query in distinct),
        dtype=np.int16,
        count=len(distinct),
    )

    found = np.where(codes >= 0, distinct_bits[np.maximum(codes, 0)], 0)
    bits[np.flatnonzero(candidates)] = found
    return bits


def _kind_bits(query):
    """Return the bit mask of the credential kinds a query string's terms name.

    Only the first :data:`MAX_QUERY_CHARS` characters are read.
    """
    query = query[:MAX_QUERY_CHARS]
    if not _MAY_NAME_CREDENTIALS.search(query):
        return 0

    bits = 0
    for name, value in parse_qsl(query, keep_blank_values=False):
        if name not in SEARCH_PARAMETERS:
            continue
        for match in CREDENTIAL_PATTERN.finditer(value):
            bits |= 1 << int(match.lastgroup.removeprefix("kind"))
    return bits
