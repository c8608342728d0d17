"""Searches whose terms name credentials, from the query strings of search requests."""

import numpy as np
import pandas as pd
import pytest
from test_profiles import CHROME, make_events

from uba.features import build_profiles
from uba.features._search_terms import credential_search_mask


@pytest.mark.parametrize(
    "query",
    [
        "queryString=password",
        "queryString=ADMIN+PASSWORD",
        "queryString=api%20key&where=ENG",
        "query=ssh-key",
        "cql=text+~+%22private_key%22+and+type%3Dpage",
        'cql=siteSearch ~ "db credentials"',
        "text=id_rsa",
        "queryString=prod+secrets&startIndex=10",
        "queryString=pwd",
    ],
)
def test_credential_terms_found(query):
    events = pd.DataFrame({"query": [query]})

    mask = credential_search_mask(events, np.array([True]))

    assert mask.tolist() == [True]


@pytest.mark.parametrize(
    "query",
    [
        "queryString=passport+renewal",
        "queryString=tokenizer",
        "queryString=secretary",
        "queryString=vpn+setup",
        "queryString=login",
        "spaceKey=PASSWORD",
        "queryString=",
    ],
)
def test_ordinary_terms_not_found(query):
    events = pd.DataFrame({"query": [query]})

    mask = credential_search_mask(events, np.array([True]))

    assert mask.tolist() == [False]


def test_only_searches_checked():
    events = pd.DataFrame({"query": ["queryString=password", "queryString=password"]})

    mask = credential_search_mask(events, np.array([False, True]))

    assert mask.tolist() == [False, True]


def test_missing_query_not_counted():
    events = pd.DataFrame({"query": pd.array([None, "query=token"], dtype="str")})

    mask = credential_search_mask(events, np.array([True, True]))

    assert mask.tolist() == [False, True]


def test_events_without_query_column():
    events = pd.DataFrame({"path": ["/dosearchsite.action"]})

    mask = credential_search_mask(events, np.array([True]))

    assert mask.tolist() == [False]


def test_profile_counts_answered_credential_searches():
    rows = [
        ("2026-03-02 10:00:00", 0, "alice", "search", None, None, 200, CHROME),
        ("2026-03-02 10:01:00", 0, "alice", "search", None, None, 200, CHROME),
        ("2026-03-02 10:02:00", 0, "alice", "search", None, None, 500, CHROME),
        ("2026-03-02 10:03:00", 0, "alice", "search", None, None, 200, CHROME),
        ("2026-03-02 10:04:00", 0, "alice", "page_view", "ENG", 7, 200, CHROME),
    ]
    events = make_events(rows)
    events["query"] = pd.array(
        [
            "queryString=password",
            "queryString=api+token",
            "queryString=secret",
            "queryString=holiday+rota",
            "queryString=password",
        ],
        dtype="str",
    )

    profile = build_profiles(events).iloc[0]

    assert profile["searches"] == 3
    assert profile["credential_searches"] == 2
