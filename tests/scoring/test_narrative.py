import pandas as pd

from uba.scoring._narrative import describe_day


def test_sentence_for_bulk_reader():
    today = pd.Series(
        {
            "page_views": 612.0,
            "distinct_spaces": 14.0,
            "first_request": pd.Timestamp("2026-03-19 09:02"),
            "last_request": pd.Timestamp("2026-03-19 12:58"),
            "new_spaces": 11.0,
            "exports": 0.0,
        }
    )
    usual = pd.Series({"page_views": 25.0, "distinct_spaces": 2.0, "exports": 0.0})

    sentence = describe_day(today, usual)

    assert sentence == (
        "read 612 pages in 14 spaces between 09:02 and 12:58; usually 25 pages in "
        "2 spaces; 11 of the spaces are new to this user"
    )


def test_sentence_names_script_exports_and_new_address():
    today = pd.Series(
        {
            "page_views": 1.0,
            "distinct_spaces": 1.0,
            "exports": 30.0,
            "space_exports": 1.0,
            "non_browser_share": 0.9,
            "new_client_ip": 1.0,
            "new_user_agent": 0.0,
        }
    )
    usual = pd.Series({"page_views": 1.0, "distinct_spaces": 1.0, "exports": 2.0})

    sentence = describe_day(today, usual)

    assert sentence.startswith("read 1 page in 1 space; usually 1 page in 1 space")

    assert "exported 30 pages (usually 2)" in sentence
    assert "exported 1 space (usually 0)" in sentence
    assert "mostly through a script or command-line client" in sentence
    assert "from a new address" in sentence
    assert "new user agent" not in sentence


def test_sentence_skips_counts_at_usual_level():
    today = pd.Series({"page_views": 5.0, "distinct_spaces": 1.0, "searches": 3.0})
    usual = pd.Series({"page_views": 5.0, "distinct_spaces": 1.0, "searches": 3.0})

    assert "searches" not in describe_day(today, usual)


def test_sentence_without_spaces_and_one_new_space():
    today = pd.Series({"page_views": 4.0, "distinct_spaces": 0.0, "new_spaces": 1.0})
    usual = pd.Series({"page_views": 4.0, "distinct_spaces": 1.0})

    sentence = describe_day(today, usual)

    assert sentence.startswith("read 4 pages; usually 4 pages in 1 space")
    assert "1 of the spaces is new to this user" in sentence


def test_sentence_names_credential_searches():
    today = pd.Series(
        {
            "page_views": 6.0,
            "searches": 9.0,
            "credential_searches": 7.0,
            "credential_kinds": 5.0,
        }
    )
    usual = pd.Series({"page_views": 5.0, "searches": 2.0})

    sentence = describe_day(today, usual)

    assert "ran 9 searches (usually 2)" in sentence
    assert (
        "7 searches for credentials such as passwords, keys or tokens (usually 0), "
        "naming 5 kinds" in sentence
    )


def test_credential_searches_without_kinds():
    today = pd.Series({"page_views": 6.0, "credential_searches": 1.0})

    sentence = describe_day(today, None)

    assert (
        "1 search for credentials such as passwords, keys or tokens (usually 0)"
        in sentence
    )
    assert "kind" not in sentence


def test_credential_searches_at_habit_not_named():
    today = pd.Series(
        {"page_views": 6.0, "credential_searches": 1.0, "credential_kinds": 1.0}
    )
    usual = pd.Series({"page_views": 5.0, "credential_searches": 1.0})

    sentence = describe_day(today, usual)

    assert "credentials" not in sentence


def test_usual_halves_keep_one_decimal():
    today = pd.Series({"page_views": 9.0, "distinct_spaces": 2.0, "searches": 1.0})
    usual = pd.Series({"page_views": 2.5, "distinct_spaces": 0.5, "searches": 0.5})

    sentence = describe_day(today, usual)

    assert sentence == (
        "read 9 pages in 2 spaces; usually 2.5 pages in 0.5 spaces; ran 1 search "
        "(usually 0.5)"
    )


def test_missing_counts_read_as_zero():
    today = pd.Series(
        {
            "page_views": 3.0,
            "new_spaces": float("nan"),
            "exports": float("nan"),
            "credential_searches": float("nan"),
            "new_client_ip": None,
        }
    )
    usual = pd.Series({"page_views": 3.0, "exports": float("nan")})

    assert describe_day(today, usual) == "read 3 pages; usually 3 pages"
