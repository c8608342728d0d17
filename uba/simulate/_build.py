"""Build the simulated organisation: the wiki, the people and the dated events."""

from uba.simulate import _catalogue as cat
from uba.simulate._organisation import Organisation, Reorganisation
from uba.simulate._people import (
    PeopleSettings,
    allocate_departments,
    draw_people,
    draw_usernames,
    service_accounts,
)
from uba.simulate._wiki import WikiBuilder

# Pages of the new space per member of the reorganised department, and the minimum.
_NEW_SPACE_PAGES_PER_MEMBER = 8
_NEW_SPACE_MIN_PAGES = 40


def build_organisation(
    n_users,
    start,
    days,
    timezone,
    rng,
    *,
    remote_timezone=cat.REMOTE_TEAM_TIMEZONE,
    holiday=None,
    new_joiner_day=None,
    reorganisation_day=None,
):
    """Build a random organisation of ``n_users`` people and its wiki.

    Parameters
    ----------
    n_users : int
        Number of people; two service accounts come on top.
    start : datetime.date
        First simulated day.
    days : int
        Number of simulated days.
    timezone : str
        IANA zone of the server and of most staff.
    rng : numpy.random.Generator
        Source of randomness.
    remote_timezone : str, default="Asia/Kolkata"
        IANA zone of the remote engineering team.
    holiday : int, optional
        Day index of the public holiday.
    new_joiner_day : int, optional
        Day index on which the new joiner starts; no new joiner when ``None``.
    reorganisation_day : int, optional
        Day index on which the reorganised department gets its new space; no
        reorganisation when ``None``.

    Returns
    -------
    Organisation
    """
    departments = allocate_departments(n_users)
    names = draw_usernames(n_users, rng)
    builder = WikiBuilder(rng, start, days)
    for spec in cat.DEPARTMENTS:
        builder.add_department_spaces(spec, departments.count(spec.name))
    builder.add_company_spaces(n_users)

    settings = PeopleSettings(timezone, remote_timezone, start, days, new_joiner_day)
    users = draw_people(names, departments, builder, rng, settings)
    users.extend(service_accounts(timezone))
    prefix = f"/s/en_GB/{cat.RESOURCE_BUILD}/{rng.bytes(16).hex()}/1.0"

    # The new space is built last, so its pages have the highest content ids.
    reorganisation = None
    if reorganisation_day is not None:
        reorganisation = _add_new_space(builder, departments, reorganisation_day)

    return Organisation(
        timezone=timezone,
        start=start,
        days=days,
        users=tuple(users),
        spaces=builder.spaces,
        pages=builder.pages,
        resource_prefix=prefix,
        holiday=holiday,
        reorganisation=reorganisation,
    )


def _add_new_space(builder, departments, day_index):
    """Create the reorganised department's new space on ``day_index``."""
    key, name, topics = cat.REORGANISATION_SPACE
    department = cat.REORGANISED_DEPARTMENT
    n_members = departments.count(department)
    n_pages = max(_NEW_SPACE_MIN_PAGES, _NEW_SPACE_PAGES_PER_MEMBER * n_members)
    builder.add_new_space(key, name, department, topics, n_pages, day_index)
    return Reorganisation(day_index, department, key)
