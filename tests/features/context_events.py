"""Build small event tables for the context feature tests.

Every line is constructed: documentation addresses (RFC 5737) and made-up users.
"""

import pandas as pd

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"
SCRIPT = "python-requests/2.31.0"
OFFICE_IP = "198.51.100.7"
OTHER_IP = "203.0.113.50"

# Monday 2 March 2026 is day 0 of every test.
START = pd.Timestamp("2026-03-02")


def day(number):
    """Return the date of test day ``number`` (0 is Monday 2 March 2026)."""
    return START + pd.Timedelta(days=number)


def request(
    day_number,
    user,
    *,
    hour=10,
    minute=0,
    action="page_view",
    space="ENG",
    page=1,
    ip=OFFICE_IP,
    agent=CHROME,
    status=200,
):
    """Return one request as a dict; the server writes local time with offset 0."""
    return {
        "local": day(day_number) + pd.Timedelta(hours=hour, minutes=minute),
        "user": user,
        "action": action,
        "space_key": space,
        "page_id": page,
        "client_ip": ip,
        "user_agent": agent,
        "status": status,
    }


def views(day_number, user, count, *, space="ENG", first_page=1, hour=10, **fields):
    """Return ``count`` page views of distinct pages, one minute apart."""
    return [
        request(
            day_number,
            user,
            hour=hour,
            minute=i % 60,
            space=space,
            page=first_page + i,
            **fields,
        )
        for i in range(count)
    ]


def make_events(requests):
    """Return an events frame with the columns of uba.read_events."""
    frame = pd.DataFrame(requests)
    local = pd.to_datetime(frame.pop("local"))
    frame["timestamp"] = local.dt.tz_localize("UTC")
    frame["utc_offset"] = 0
    frame["page_id"] = pd.array(frame["page_id"], dtype="Int64")
    frame["path"] = "/pages/viewpage.action"
    frame["method"] = "GET"
    for column in ("user", "client_ip", "user_agent", "action", "space_key", "path"):
        frame[column] = frame[column].astype("category")
    return frame
