"""Searches whose terms name credentials: passwords, keys, tokens and secrets.

An intruder who wants more access can search the wiki for passwords and then
read the hits. Confluence logs the search terms in the query string: ``queryString``
or ``cql`` of the site search, ``query`` of the quick search, ``cql`` of the REST
search and ``text`` of the search page. A search counts when one of those values,
decoded, contains a word of :data:`CREDENTIAL_PATTERN`.
"""

import re
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

# Query parameters that carry the search terms or the CQL of a search.
SEARCH_PARAMETERS = frozenset({"queryString", "query", "cql", "text"})

# Words that name credentials, matched case-insensitively as whole words. Words that
# are also ordinary topics, such as "vpn" or "login", are left out.
# NOTE: English words only; a wiki searched in another language needs its own list.
CREDENTIAL_PATTERN = re.compile(
    r"(?<![a-z0-9])(?:"
    r"passwords?|passwd|passphrases?|pwd"
    r"|credentials?|secrets?|tokens?"
    r"|api[ _-]?keys?|private[ _-]?keys?|ssh[ _-]?keys?|access[ _-]?keys?"
    r"|keystores?|id_rsa"
    r")(?![a-z0-9])",
    re.IGNORECASE,
)


def credential_search_mask(events, searches):
    """Return which events are searches whose terms name credentials.

    Parameters
    ----------
    events : pandas.DataFrame
        Events with a ``query`` column (the query string without ``?``, missing
        when absent). Without that column no event counts.
    searches : numpy.ndarray of bool
        Which events are searches.

    Returns
    -------
    mask : numpy.ndarray of bool
        True for the searches whose terms contain a credential word.
    """
    mask = np.zeros(len(events), dtype=bool)
    if "query" not in events.columns or not searches.any():
        return mask

    # Only the searches' query strings become Python objects: all of them would
    # cost hundreds of MiB for millions of events.
    queries = events["query"].loc[searches].to_numpy(dtype=object)
    present = pd.notna(queries)
    distinct, inverse = np.unique(queries[present].astype(str), return_inverse=True)
    names_credentials = np.fromiter(
        (_names_credentials(query) for query in distinct),
        dtype=bool,
        count=len(distinct),
    )

    found = np.zeros(len(queries), dtype=bool)
    found[present] = names_credentials[inverse]
    mask[np.flatnonzero(searches)] = found
    return mask


def _names_credentials(query):
    """Return True when a search parameter of the query string names credentials."""
    for name, value in parse_qsl(query, keep_blank_values=False):
        if name in SEARCH_PARAMETERS and CREDENTIAL_PATTERN.search(value):
            return True
    return False
