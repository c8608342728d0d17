"""Benign look-alikes: user-days that resemble an attack but are ordinary work.

Five kinds are tracked. ``heavy_writer``: a technical writer, with hundreds of page
views a day across many spaces. ``remote_team``: an engineer whose working day is
night on the server's clock. ``indexer``: the search indexer that reads thousands of
pages through the REST API every night. ``new_joiner``: a person without history who
looks around in many spaces during the first week. ``reorganisation``: a member of
the department that moves into a new space, on the day the space appears.
"""

import pandas as pd

LOOKALIKE_COLUMNS = ("user", "date", "kind")
INDEXER_NAME = "svc-indexer"
FIRST_WEEK_DAYS = 7

# Kind of look-alike for each ``User.kind`` that is one on every day.
_EVERY_DAY_KINDS = {"heavy reader": "heavy_writer", "remote team": "remote_team"}


def planned_lookalike_days(organisation):
    """Return the look-alike kinds of each user on each day, before simulating.

    Returns
    -------
    dict of (str, int) to set of str
        Look-alike kinds by ``(username, day index)``. Days on which the person turns
        out to send no request are included, so the mapping covers every user-day
        that may become a look-alike.
    """
    planned = {}
    for user in organisation.users:
        for day_index in range(organisation.days):
            for kind in _kinds_of(organisation, user, day_index):
                planned.setdefault((user.name, day_index), set()).add(kind)
    return planned


def _kinds_of(organisation, user, day_index):
    kinds = []
    if user.kind in _EVERY_DAY_KINDS:
        kinds.append(_EVERY_DAY_KINDS[user.kind])
    if user.name == INDEXER_NAME:
        kinds.append("indexer")
    if user.kind == "new joiner" and 0 <= day_index - user.first_day < FIRST_WEEK_DAYS:
        kinds.append("new_joiner")
    change = organisation.reorganisation
    if (
        change is not None
        and user.department == change.department
        and user.kind != "service"
        and day_index == change.day_index
    ):
        kinds.append("reorganisation")
    return kinds


def lookalike_frame(organisation, requests, clock):
    """Return one row per look-alike user-day on which the user sent a request.

    Parameters
    ----------
    organisation : Organisation
        The simulated organisation.
    requests : list of Request
        Every simulated request.
    clock : ZoneClock
        The server's zone, which sets the day of each request.

    Returns
    -------
    pandas.DataFrame
        Columns ``user``, ``date`` (``YYYY-MM-DD``, server-local) and ``kind``,
        sorted by date and user. Kinds that share a user-day are joined with ``+``.
    """
    planned = planned_lookalike_days(organisation)
    candidates = {user for user, _ in planned}
    active = set()
    for request in requests:
        if request.user not in candidates:
            continue
        day_index = (clock.local_date(request.time_ms) - organisation.start).days
        active.add((request.user, day_index))

    rows = []
    for (user, day_index), kinds in planned.items():
        if (user, day_index) in active:
            date = organisation.dates[day_index].isoformat()
            rows.append((date, user, "+".join(sorted(kinds))))
    rows.sort()
    frame = pd.DataFrame(
        [(user, date, kind) for date, user, kind in rows],
        columns=list(LOOKALIKE_COLUMNS),
        dtype=object,
    )
    return frame.astype(str)
