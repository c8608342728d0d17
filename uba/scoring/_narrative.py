"""One plain sentence that describes what a user did on the ranked day."""

import pandas as pd


def describe_day(today, usual):
    """Return one sentence per user-day: what they read, when, and how that compares.

    Parameters
    ----------
    today : pandas.Series
        One row of :func:`uba.build_features` output.
    usual : pandas.Series
        The user's usual values of the same columns (medians over their history, or
        the organisation's).

    Returns
    -------
    sentence : str
        For example "read 612 pages in 14 spaces between 09:02 and 12:58; usually 25
        pages in 2 spaces; 11 of the spaces are new to this user".
    """
    parts = [_reading(today), _usual_reading(usual)]
    parts.extend(_extras(today, usual))
    return "; ".join(part for part in parts if part)


def _value(row, column):
    """Return a number of ``row`` as a float, or 0 when it is absent or missing."""
    value = row.get(column, 0)
    if value is None or pd.isna(value):
        return 0.0
    return float(value)


def _count(value, singular, plural=None):
    number = round(float(value))
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number} {word}"


def format_count(value):
    """Return a count as the ranking prints it: whole, or with one decimal."""
    return f"{value:.0f}" if value == round(value) else f"{value:.1f}"


def _usual_count(value, singular, plural=None):
    """Return a usual value with its noun, with one decimal unless it is whole."""
    number = float(value)
    word = singular if number == 1 else (plural or singular + "s")
    return f"{format_count(number)} {word}"


def _reading(today):
    pages = _count(today.get("page_views", 0), "page")
    text = f"read {pages}"
    if _value(today, "distinct_spaces") > 0:
        text += f" in {_count(today['distinct_spaces'], 'space')}"

    first, last = today.get("first_request"), today.get("last_request")
    if isinstance(first, pd.Timestamp) and isinstance(last, pd.Timestamp):
        text += f" between {first:%H:%M} and {last:%H:%M}"
    return text


def _usual_reading(usual):
    if usual is None or "page_views" not in usual:
        return ""
    pages = _usual_count(usual["page_views"], "page")
    if "distinct_spaces" in usual and float(usual["distinct_spaces"]) > 0:
        return f"usually {pages} in {_usual_count(usual['distinct_spaces'], 'space')}"
    return f"usually {pages}"


def _extras(today, usual):
    """Yield short clauses for the other things an analyst checks first."""
    new_spaces = round(_value(today, "new_spaces"))
    if new_spaces > 0:
        verb = "is" if new_spaces == 1 else "are"
        yield f"{new_spaces} of the spaces {verb} new to this user"

    for column, verb, noun in (
        ("exports", "exported", "page"),
        ("space_exports", "exported", "space"),
        ("attachment_downloads", "downloaded", "attachment"),
        ("searches", "ran", "search"),
        ("admin_requests", "made", "administration request"),
    ):
        value = _value(today, column)
        habit = _value(usual, column) if usual is not None else 0.0
        if value > 0 and value > habit:
            plural = "searches" if noun == "search" else None
            yield (
                f"{verb} {_count(value, noun, plural)} (usually {format_count(habit)})"
            )

    credential_searches = round(_value(today, "credential_searches"))
    habit = 0.0
    if usual is not None:
        habit = _value(usual, "credential_searches")
    if credential_searches > habit:
        # Profiles built without ``credential_kinds`` give no count of kinds.
        kinds = round(_value(today, "credential_kinds"))
        naming = ""
        if kinds > 0:
            naming = f", naming {_count(kinds, 'kind')}"
        yield (
            f"{_count(credential_searches, 'search', 'searches')} for credentials "
            f"such as passwords, keys or tokens (usually {format_count(habit)})"
            f"{naming}"
        )

    if _value(today, "non_browser_share") >= 0.5:
        yield "mostly through a script or command-line client"
    if _value(today, "new_client_ip") > 0:
        yield "from a new address"
    if _value(today, "new_user_agent") > 0:
        yield "with a new user agent"
    if _value(today, "privileged_content_views") > 0:
        yield "as a privileged account reading content"
