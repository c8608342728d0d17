"""The people of the simulated organisation: departments, special roles and habits."""

import datetime as dt
from typing import NamedTuple

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._organisation import User

_PERSONAL_SPACE_SHARE = 0.35
# Page views of a technical writer on a working day: median and lognormal sigma.
_WRITER_VIEWS = (180.0, 0.15)
# Share of an administrator's usual page views; admin pages come on top.
_ADMIN_ACTIVITY = 0.4
_MAX_REMOTE_TEAM = 8


class PeopleSettings(NamedTuple):
    """Parameters of the organisation that shape the people drawn.

    Attributes
    ----------
    server_timezone : str
        IANA zone of the server and of most staff.
    remote_timezone : str
        IANA zone of the remote team.
    start : datetime.date
        First simulated day.
    days : int
        Number of simulated days.
    new_joiner_day : int or None
        Day index on which the new joiner starts, or ``None`` for no new joiner.
    """

    server_timezone: str
    remote_timezone: str
    start: dt.date
    days: int
    new_joiner_day: int | None


def allocate_departments(n_users):
    """Split ``n_users`` over the departments by share, largest remainders first."""
    shares = np.array([spec.share for spec in cat.DEPARTMENTS])
    exact = shares / shares.sum() * n_users
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    for index in order[: n_users - counts.sum()]:
        counts[index] += 1

    departments = []
    for spec, count in zip(cat.DEPARTMENTS, counts, strict=True):
        departments.extend([spec.name] * int(count))
    return departments


def draw_usernames(n_users, rng):
    """Draw distinct ``first.last`` usernames, adding a digit on a clash."""
    names = []
    used_names = set()
    while len(names) < n_users:
        first = cat.FIRST_NAMES[rng.integers(len(cat.FIRST_NAMES))]
        last = cat.LAST_NAMES[rng.integers(len(cat.LAST_NAMES))]
        name = f"{first}.{last}"
        suffix = 2
        while name in used_names:
            name = f"{first}.{last}{suffix}"
            suffix += 1
        used_names.add(name)
        names.append(name)
    return names


def draw_people(names, departments, builder, rng, settings):
    """Draw the habits of every person and create the personal spaces.

    Parameters
    ----------
    names, departments : list of str
        Username and department of each person.
    builder : WikiBuilder
        The wiki, which receives the personal spaces.
    rng : numpy.random.Generator
        Source of randomness.
    settings : PeopleSettings
        Zones, days and the new joiner's first day.

    Returns
    -------
    list of User
    """
    specs = {spec.name: spec for spec in cat.DEPARTMENTS}
    roles = _assign_special_roles(departments, rng, settings.new_joiner_day)
    identities = []
    for index, (name, department) in enumerate(zip(names, departments, strict=True)):
        spec = specs[department]
        kind, role = roles.get(index, ("staff", _draw_role(spec, rng)))
        zone = _draw_timezone(spec, settings.server_timezone, rng)
        if kind == "remote team":
            zone = settings.remote_timezone
        elif kind == "new joiner":
            zone = settings.server_timezone
        personal = None
        wants_space = rng.random() < _PERSONAL_SPACE_SHARE or kind == "heavy reader"
        if wants_space and kind != "new joiner":
            personal = builder.add_personal_space(name, spec.topics)
        identities.append(_Identity(index, name, spec, kind, role, zone, personal))

    # Habits come second, so that everyone can know every personal space.
    return [_draw_habits(identity, builder, rng, settings) for identity in identities]


class _Identity(NamedTuple):
    index: int
    name: str
    spec: cat.DepartmentSpec
    kind: str
    role: str
    timezone: str
    personal_space: str | None


def _assign_special_roles(departments, rng, new_joiner_day):
    """Pick administrators, technical writers, the remote team and the new joiner.

    Returns a mapping from person index to ``(kind, role)``. The new joiner comes
    from a department other than the reorganised one, and only when
    ``new_joiner_day`` is set.
    """
    n_users = len(departments)
    n_admins = 1
    if n_users >= 20:
        n_admins = 2
    if n_users >= 120:
        n_admins = 3
    n_writers = max(1, n_users // 40)
    n_remote = min(_MAX_REMOTE_TEAM, max(1, round(0.05 * n_users)))

    roles = {}
    it_staff = _members(departments, ("IT",), roles)
    for index in rng.permutation(it_staff)[:n_admins]:
        roles[int(index)] = ("administrator", "Confluence administrator")
    writers_from = _members(departments, ("Engineering", "Support"), roles)
    for index in rng.permutation(writers_from)[:n_writers]:
        roles[int(index)] = ("heavy reader", "technical writer")
    engineers = _members(departments, (cat.REMOTE_TEAM_DEPARTMENT,), roles)
    for index in rng.permutation(engineers)[:n_remote]:
        roles[int(index)] = ("remote team", "software engineer")

    others = tuple(
        spec.name for spec in cat.DEPARTMENTS if spec.name != cat.REORGANISED_DEPARTMENT
    )
    joiners = _members(departments, others, roles)
    joiner = int(rng.permutation(joiners)[0]) if joiners else None
    if joiner is not None and new_joiner_day is not None:
        specs = {spec.name: spec for spec in cat.DEPARTMENTS}
        roles[joiner] = ("new joiner", _draw_role(specs[departments[joiner]], rng))
    return roles


def _members(departments, names, roles):
    """Return the indexes of people in ``names`` departments without a special role."""
    return [
        index
        for index, department in enumerate(departments)
        if department in names and index not in roles
    ]


def _draw_role(spec, rng):
    names = [name for name, _ in spec.roles]
    weights = np.array([weight for _, weight in spec.roles])
    return names[rng.choice(len(names), p=weights / weights.sum())]


def _draw_timezone(spec, server_timezone, rng):
    draw = rng.random()
    for zone, share in spec.remote_timezones:
        if draw < share:
            return zone
        draw -= share
    return server_timezone


def _draw_habits(identity, builder, rng, settings):
    kind, role = identity.kind, identity.role
    activity = float(rng.lognormal(np.log(9.0), 0.6))
    if kind == "heavy reader":
        activity = float(rng.lognormal(np.log(_WRITER_VIEWS[0]), _WRITER_VIEWS[1]))
    elif kind == "administrator":
        activity *= _ADMIN_ACTIVITY
    elif "manager" in role:
        activity *= 1.3

    day_start = float(np.clip(rng.normal(8.6, 0.6), 6.5, 11.0))
    if kind == "remote team":
        day_start = float(np.clip(rng.normal(9.3, 0.4), 8.0, 11.0))
    day_end = day_start + float(np.clip(rng.normal(8.5, 0.5), 7.0, 10.0))
    edit_rate = 0.025
    if "engineer" in role:
        edit_rate *= 1.5
    elif kind == "heavy reader":
        # About six edits on a day of some 180 page views.
        edit_rate = 0.035
    spaces, weights = _space_affinity(identity, builder.spaces, rng)
    first_week = _first_week_affinity(identity, builder.spaces, rng)
    server_zone = settings.server_timezone
    days_off = _draw_days_off(settings.start, settings.days, rng)
    if kind == "new joiner":
        days_off = frozenset()

    return User(
        name=identity.name,
        department=identity.spec.name,
        role=role,
        timezone=identity.timezone,
        client_address=_client_address(identity, server_zone),
        user_agent=_draw_user_agent(rng),
        kind=kind,
        activity=activity,
        day_start_hour=day_start,
        day_end_hour=day_end,
        weekend_worker=bool(rng.random() < 0.12),
        edit_rate=edit_rate,
        spaces=spaces,
        space_weights=weights,
        favourites=_draw_favourites(spaces, weights, builder.spaces, rng),
        days_off=days_off,
        dwell_seconds=15.0 if kind == "heavy reader" else 45.0,
        first_day=settings.new_joiner_day if kind == "new joiner" else 0,
        first_week_spaces=first_week[0],
        first_week_weights=first_week[1],
        observes_holiday=_region(identity.timezone) == _region(server_zone),
    )


def _region(timezone):
    """Return the area of an IANA zone name, the part before the first slash."""
    return timezone.split("/", 1)[0]


def _space_affinity(identity, spaces, rng):
    """Return the spaces a person reads and the share of views in each."""
    spec, kind, personal = identity.spec, identity.kind, identity.personal_space
    own = [key for key, _ in spec.spaces]
    affinity = {own[0]: 0.42}
    for key in own[1:]:
        affinity[key] = 0.20 / (len(own) - 1)
    affinity.update({"COMPANY": 0.12, "ITHELP": 0.05, "ONBOARD": 0.02})
    if personal is not None:
        affinity[personal] = 0.03

    if kind == "heavy reader":
        n_occasional, share = int(rng.integers(8, 13)), 0.45
    else:
        n_occasional, share = int(rng.integers(1, 4)), 0.08
    _add_other_spaces(affinity, identity, spaces, rng, n_occasional, share)
    return _normalised(affinity)


def _first_week_affinity(identity, spaces, rng):
    """Return the new joiner's spaces and shares for the first week.

    A new joiner reads the onboarding and company spaces, the own department's spaces
    and looks around in many others. Everyone else gets empty tuples.
    """
    if identity.kind != "new joiner":
        return (), ()
    own = [key for key, _ in identity.spec.spaces]
    affinity = {"ONBOARD": 0.20, "COMPANY": 0.12, "ITHELP": 0.08}
    for key in own:
        affinity[key] = 0.30 / len(own)
    _add_other_spaces(affinity, identity, spaces, rng, int(rng.integers(8, 13)), 0.30)
    return _normalised(affinity)


def _add_other_spaces(affinity, identity, spaces, rng, n_spaces, share):
    """Add ``n_spaces`` random spaces outside the department, sharing ``share``."""
    others = [
        key
        for key, space in spaces.items()
        if key not in affinity
        and not (space.kind == "department" and space.department == identity.spec.name)
    ]
    chosen = rng.permutation(others)[:n_spaces]
    for key in chosen:
        affinity[str(key)] = share / len(chosen)


def _normalised(affinity):
    total = sum(affinity.values())
    return tuple(affinity), tuple(weight / total for weight in affinity.values())


def _draw_favourites(space_keys, weights, spaces, rng):
    favourites = []
    for _ in range(int(rng.integers(3, 11))):
        key = space_keys[rng.choice(len(space_keys), p=np.asarray(weights))]
        page_id = spaces[key].sample_page(rng)
        if page_id not in favourites:
            favourites.append(page_id)
    return tuple(favourites)


def _draw_days_off(start, days, rng):
    """Draw a holiday of two to five working days for some people, and sick days."""
    workdays = [i for i in range(days) if (start + dt.timedelta(days=i)).weekday() < 5]
    off = {i for i in workdays if rng.random() < 0.02}
    if workdays and rng.random() < 0.3:
        first = int(rng.integers(len(workdays)))
        off.update(workdays[first : first + int(rng.integers(2, 6))])
    return frozenset(off)


def _draw_user_agent(rng):
    shares = np.array([share for _, share, _, _ in cat.BROWSERS])
    _, _, template, versions = cat.BROWSERS[
        rng.choice(len(shares), p=shares / shares.sum())
    ]
    return template.format(v=versions[rng.integers(len(versions))])


def _client_address(identity, server_zone):
    """Return a fixed address per person from the documentation ranges.

    Offices in the server's country use 198.51.100.0/24 and 203.0.113.0/24 (hosts 10
    to 199 of the latter; 200 to 254 stay free for addresses no one has used). The
    European office, the remote team's office and any person past those ranges get
    an IPv6 address from 2001:db8::/32, written in the uncompressed form that Tomcat
    logs.
    """
    index = identity.index
    if identity.kind == "remote team":
        return f"2001:db8:91:0:0:0:0:{index + 1:x}"
    if identity.timezone != server_zone and identity.timezone.startswith("Europe/"):
        return f"2001:db8:44:0:0:0:0:{index + 1:x}"
    if index < 245:
        return f"198.51.100.{10 + index}"
    if index < 245 + 190:
        return f"203.0.113.{10 + index - 245}"
    return f"2001:db8:10:0:0:0:0:{index + 1:x}"


def service_accounts(timezone):
    """Return the search indexer and the monitoring account."""
    common = {
        "department": "IT",
        "role": "service account",
        "timezone": timezone,
        "kind": "service",
    }
    return [
        User(
            name="svc-indexer",
            client_address="192.0.2.20",
            user_agent=cat.INDEXER_USER_AGENT,
            **common,
        ),
        User(
            name="svc-monitor",
            client_address="192.0.2.21",
            user_agent=cat.MONITOR_USER_AGENT,
            **common,
        ),
    ]
