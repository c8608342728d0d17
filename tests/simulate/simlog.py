"""A strict parser of the stock access-log layout and event helpers for the tests."""

import datetime as dt
import gzip
import re

import pandas as pd
import pytest

# Confluence's default valve pattern:
# %t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i %{User-Agent}i
STOCK_LINE = re.compile(
    r"^\[(?P<day>\d{2})/(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"/(?P<year>\d{4}):(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d):(?P<second>[0-5]\d)"
    r" (?P<offset>[+-](?:0\d|1[0-4])[0-5]\d)\]"
    r" (?P<user>-|[a-z0-9][a-z0-9._-]*)"
    r" (?P<thread>http-nio-8090-exec-(?:[1-9]|[1-3]\d|4[0-8]))"
    r" (?P<client>(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4})"
    r" (?P<method>GET|POST)"
    r" (?P<uri>/[!-~]*)"
    r" HTTP/1\.1"
    r" (?P<status>[1-5]\d\d)"
    r" (?P<duration>0|[1-9]\d*)ms"
    r" (?P<bytes>-|[1-9]\d*)"
    r" (?P<referer>-|https://wiki\.example\.com/[!-~]*)"
    r" (?P<agent>\S(?:.*\S)?)$"
)

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ),
        start=1,
    )
}

DEFAULT_SEED = 7


def read_lines(path):
    """Return the text lines of a plain or gzip access log."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert text.endswith("\n")
    return text[:-1].split("\n")


def parse_file(path):
    """Parse every line of a log with :data:`STOCK_LINE`; fail on the first mismatch."""
    records = []
    for number, line in enumerate(read_lines(path), start=1):
        match = STOCK_LINE.match(line)
        if match is None:
            pytest.fail(
                f"{path.name}:{number} does not match the stock layout: {line!r}"
            )
        records.append(match.groupdict())
    return records


def local_time(record):
    """Return the wall-clock time of a parsed line, without its offset."""
    return dt.datetime(
        int(record["year"]),
        MONTHS[record["month"]],
        int(record["day"]),
        int(record["hour"]),
        int(record["minute"]),
        int(record["second"]),
    )


def utc_time(record):
    """Return the UTC time of a parsed line."""
    offset = record["offset"]
    minutes = int(offset[1:3]) * 60 + int(offset[3:])
    sign = -1 if offset[0] == "-" else 1
    return local_time(record) - dt.timedelta(minutes=sign * minutes)


VIEW_ACTIONS = ("page_view", "blog_view", "content_api")


def with_local_time(events):
    """Return ``events`` with the server-local time ``local`` and day ``day`` added."""
    offsets = pd.to_timedelta(events["utc_offset"].astype("int64"), unit="min")
    local = events["timestamp"].dt.tz_localize(None) + offsets
    return events.assign(local=local, day=local.dt.normalize())


def views(events):
    """Return the page views among ``events``: reads with a 2xx or 304 status."""
    status = events["status"]
    answered = ((status >= 200) & (status < 300)) | (status == 304)
    return events[events["action"].isin(VIEW_ACTIONS) & answered]


def view_spaces(view_events, organisation):
    """Return the space key of each view, from the URL or from its content id."""
    keys = view_events["space_key"].astype(object)
    from_ids = view_events["page_id"].map(
        lambda page_id: (
            organisation.pages[int(page_id)].space_key
            if pd.notna(page_id) and int(page_id) in organisation.pages
            else None
        )
    )
    return keys.where(keys.notna(), from_ids)


def on_day(events, user, date):
    """Return the events of ``user`` on the server-local day ``date`` (YYYY-MM-DD)."""
    return events[(events["user"] == user) & (events["day"] == pd.Timestamp(date))]


def before_day(events, user, date):
    """Return the events of ``user`` before the server-local day ``date``."""
    return events[(events["user"] == user) & (events["day"] < pd.Timestamp(date))]
