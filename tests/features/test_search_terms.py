"""Searches whose terms name credentials, from the query strings of search requests."""

import numpy as np
import pandas as pd
import pytest
from test_profiles import CHROME, make_events

from uba.features import build_profiles
from uba.features._search_terms import (
    CREDENTIAL_KINDS,
    MAX_QUERY_CHARS,
    credential_kind_bits,
)


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
        "queryString=SSH%2Bkey",
        "searchQuery.queryString=keystore",
    ],
)
def test_credential_terms_found(query):
    events = pd.DataFrame({"query": [query]})

    bits = credential_kind_bits(events, np.array([True]))

    assert bits[0] > 0


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

    bits = credential_kind_bits(events, np.array([True]))

    assert bits.tolist() == [0]


def test_only_searches_checked():
    events = pd.DataFrame({"query": ["queryString=password", "queryString=password"]})

    bits = credential_kind_bits(events, np.array([False, True]))

    assert bits.tolist() == [0, 1]


def test_missing_query_not_counted():
    events = pd.DataFrame({"query": pd.array([None, "query=token"], dtype="str")})

    bits = credential_kind_bits(events, np.array([True, True]))

    assert bits.tolist() == [0, 1 << 3]


def test_events_without_query_column():
    events = pd.DataFrame({"path": ["/dosearchsite.action"]})

    bits = credential_kind_bits(events, np.array([True]))

    assert bits.tolist() == [0]


def test_kinds_named_in_one_query():
    events = pd.DataFrame({"query": ["queryString=ssh+key+and+api_token+passwords"]})

    bits = credential_kind_bits(events, np.array([True]))

    names = [
        name for index, (name, _) in enumerate(CREDENTIAL_KINDS) if bits[0] >> index & 1
    ]
    assert names == ["password", "token", "SSH key"]


def test_long_query_costs_its_length():
    queries = [f"query=page+{index}&_={index}" for index in range(20_000)]
    events = pd.DataFrame({"query": queries + ["queryString=token+" + "x" * 50_000]})

    bits = credential_kind_bits(events, np.ones(len(events), dtype=bool))

    assert bits[:-1].max() == 0
    assert bits[-1] == 1 << 3


def make_search_day(paths, queries, statuses):
    rows = [
        ("2026-03-02 10:00:00", 0, "alice", action, None, None, status, CHROME)
        for action, status in zip(
            ["content_api" if "content" in path else "search" for path in paths],
            statuses,
            strict=True,
        )
    ]
    events = make_events(rows)
    events["path"] = pd.array(paths, dtype="str")
    events["query"] = pd.array(queries, dtype="str")
    return events


def test_profile_counts_answered_credential_searches():
    events = make_search_day(
        [
            "/dosearchsite.action",
            "/rest/quicknav/1/search",
            "/dosearchsite.action",
            "/dosearchsite.action",
            "/confluence/rest/api/content/search",
            "/rest/api/content/42",
        ],
        [
            "queryString=password",
            "query=api+token",
            "queryString=secret",
            "queryString=holiday+rota",
            "cql=text~%22private+key%22",
            "expand=body.storage&text=password",
        ],
        [200, 200, 500, 200, 200, 200],
    )

    profile = build_profiles(events).iloc[0]

    assert profile["searches"] == 3
    assert profile["credential_searches"] == 3
    assert profile["credential_kinds"] == 3


def test_query_read_up_to_limit():
    padding = "%20" * (MAX_QUERY_CHARS // 3)
    events = pd.DataFrame(
        {"query": ["queryString=token" + padding, "queryString=" + padding + "token"]}
    )

    bits = credential_kind_bits(events, np.array([True, True]))

    assert bits.tolist() == [1 << 3, 0]
