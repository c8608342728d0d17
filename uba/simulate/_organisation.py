"""The simulated organisation: its spaces and pages, and the people who read them."""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._urls import is_display_safe

_FIRST_PAGE_ID = 1_540_097
# Pages per member of the owning department, for the first and for later spaces.
_PAGES_PER_MEMBER = (30, 15)
_MIN_PAGES_PER_SPACE = 30
_PERSONAL_SPACE_SHARE = 0.35
_BLOG_HISTORY_DAYS = 120
# Exponent of the Zipf-like popularity of pages inside a space.
_POPULARITY_EXPONENT = 1.1


@dataclass(frozen=True)
class Attachment:
    """A file attached to a page.

    Attributes
    ----------
    filename : str
        File name as stored, before percent-encoding.
    size : int
        Size in bytes.
    version : int
        Attachment version shown in the download URL.
    modified_ms : int
        Last modification, epoch milliseconds, shown as ``modificationDate``.
    """

    filename: str
    size: int
    version: int
    modified_ms: int


@dataclass(frozen=True)
class Page:
    """A page or blog post of the wiki.

    Attributes
    ----------
    page_id : int
        Content id, unique across the wiki.
    space_key : str
        Key of the space that contains the page.
    title : str
        Page title.
    published : datetime.date or None
        Publication day of a blog post; ``None`` for a page.
    size : int
        Size in bytes of the rendered HTML.
    attachments : tuple of Attachment
        Files that readers download.
    images : tuple of Attachment
        Images shown inside the page, which the browser fetches on each view.
    """

    page_id: int
    space_key: str
    title: str
    published: dt.date | None
    size: int
    attachments: tuple[Attachment, ...] = ()
    images: tuple[Attachment, ...] = ()

    @property
    def is_blog(self):
        """Whether the content is a blog post."""
        return self.published is not None

    @property
    def display_safe(self):
        """Whether Confluence links the page by title under ``/display/``."""
        return is_display_safe(self.title)


@dataclass
class Space:
    """A space with its pages, blog posts and page popularity.

    Attributes
    ----------
    key : str
        Space key, e.g. ``"ENG"`` or ``"~jane.doe"`` for a personal space.
    name : str
        Display name.
    kind : {"department", "company", "personal"}
        Who owns the space.
    department : str or None
        Owning department; ``None`` for company spaces.
    page_ids : tuple of int
        Pages in tree order; the first one is the space home page.
    blog_ids : tuple of int
        Blog posts, oldest first.
    """

    key: str
    name: str
    kind: str
    department: str | None
    page_ids: tuple[int, ...] = ()
    blog_ids: tuple[int, ...] = ()
    _cumulative: np.ndarray = field(default=None, repr=False)

    @property
    def home_page_id(self):
        """Content id of the space home page."""
        return self.page_ids[0]

    def sample_page(self, rng):
        """Draw a page id with Zipf-like popularity."""
        index = np.searchsorted(self._cumulative, rng.random() * self._cumulative[-1])
        return self.page_ids[min(int(index), len(self.page_ids) - 1)]


@dataclass(frozen=True)
class User:
    """A person or service account of the organisation and its habits.

    Attributes
    ----------
    name : str
        Confluence username as written in ``X-AUSERNAME``.
    department : str
        Home department.
    role : str
        Job title; ``"Confluence administrator"`` and ``"service account"`` are special.
    timezone : str
        IANA zone of the person's working day.
    client_address : str
        Address the person's requests come from.
    user_agent : str
        The person's browser.
    kind : {"staff", "heavy reader", "administrator", "service"}
        Behaviour class used by the simulator.
    activity : float
        Mean page views on a working day.
    day_start_hour, day_end_hour : float
        Usual start and end of the working day, local hours.
    weekend_worker : bool
        Whether the person sometimes reads at weekends.
    edit_rate : float
        Chance that a page view leads to an edit.
    spaces : tuple of str
        Spaces the person reads, most used first.
    space_weights : tuple of float
        Share of page views per entry of ``spaces``; sums to 1.
    favourites : tuple of int
        Pages the person comes back to.
    days_off : frozenset of int
        Simulated day indexes on which the person is away.
    """

    name: str
    department: str
    role: str
    timezone: str
    client_address: str
    user_agent: str
    kind: str = "staff"
    activity: float = 0.0
    day_start_hour: float = 9.0
    day_end_hour: float = 17.5
    weekend_worker: bool = False
    edit_rate: float = 0.0
    spaces: tuple[str, ...] = ()
    space_weights: tuple[float, ...] = ()
    favourites: tuple[int, ...] = ()
    days_off: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Organisation:
    """The simulated company and its wiki.

    Attributes
    ----------
    timezone : str
        IANA zone of the Confluence server, used for the log timestamps.
    start : datetime.date
        First simulated day.
    days : int
        Number of simulated days.
    users : tuple of User
        People first, then service accounts.
    spaces : dict of str to Space
        Spaces by key.
    pages : dict of int to Page
        Pages and blog posts by content id.
    resource_prefix : str
        ``/s/...`` prefix of the static web resources of this installation.
    """

    timezone: str
    start: dt.date
    days: int
    users: tuple[User, ...]
    spaces: dict[str, Space]
    pages: dict[int, Page]
    resource_prefix: str

    @property
    def dates(self):
        """The simulated days in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def user(self, name):
        """Return the user called ``name``; raise ``KeyError`` when there is none."""
        for user in self.users:
            if user.name == name:
                return user
        raise KeyError(f"no user named {name!r} in the simulated organisation")

    def ordinary_users(self):
        """Return the staff who are neither special roles nor in another time zone."""
        return [
            user
            for user in self.users
            if user.kind == "staff" and user.timezone == self.timezone
        ]


def build_organisation(n_users, start, days, timezone, rng):
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

    Returns
    -------
    Organisation
    """
    departments = _allocate_departments(n_users)
    names = _draw_usernames(n_users, rng)
    builder = _WikiBuilder(rng, start, days)
    for spec in cat.DEPARTMENTS:
        builder.add_department_spaces(spec, departments.count(spec.name))
    builder.add_company_spaces(n_users)

    users = _draw_people(names, departments, timezone, builder, rng, start, days)
    users.extend(_service_accounts(timezone))
    prefix = f"/s/en_GB/{cat.RESOURCE_BUILD}/{rng.bytes(16).hex()}/1.0"

    return Organisation(
        timezone=timezone,
        start=start,
        days=days,
        users=tuple(users),
        spaces=builder.spaces,
        pages=builder.pages,
        resource_prefix=prefix,
    )


def _allocate_departments(n_users):
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


def _draw_usernames(n_users, rng):
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


class _WikiBuilder:
    """Create spaces and pages with ids that grow in creation order."""

    def __init__(self, rng, start, days):
        self.rng = rng
        self.start = start
        self.days = days
        self.spaces = {}
        self.pages = {}
        self._next_id = _FIRST_PAGE_ID

    def add_department_spaces(self, spec, n_members):
        topics = spec.topics
        for position, (key, name) in enumerate(spec.spaces):
            per_member = _PAGES_PER_MEMBER[min(position, 1)]
            n_pages = max(_MIN_PAGES_PER_SPACE, per_member * n_members)
            n_blogs = max(2, n_members // 2) if position == 0 else 0
            self.add_space(key, name, "department", spec.name, topics, n_pages, n_blogs)

    def add_company_spaces(self, n_users):
        sizes = {"COMPANY": 0.8, "ITHELP": 0.6, "ONBOARD": 0.3}
        for key, name, topics in cat.COMPANY_SPACES:
            n_pages = max(_MIN_PAGES_PER_SPACE, round(sizes[key] * n_users))
            n_blogs = max(4, round(0.4 * n_users)) if key == "COMPANY" else 0
            self.add_space(key, name, "company", None, topics, n_pages, n_blogs)

    def add_personal_space(self, username, department_topics):
        key = f"~{username}"
        n_pages = int(self.rng.integers(3, 21))
        name = username.replace(".", " ").title()
        self.add_space(key, name, "personal", None, department_topics, n_pages, 0)
        return key

    def add_space(self, key, name, kind, department, topics, n_pages, n_blogs):
        titles = _page_titles(name, topics, n_pages, self.rng)
        page_ids = tuple(self._add_page(key, title, None) for title in titles)
        blog_ids = self._add_blogs(key, topics, n_blogs)
        space = Space(key, name, kind, department, page_ids, blog_ids)
        space._cumulative = _popularity(n_pages, self.rng)
        self.spaces[key] = space

    def _add_blogs(self, key, topics, n_blogs):
        first = self.start - dt.timedelta(days=_BLOG_HISTORY_DAYS)
        span = _BLOG_HISTORY_DAYS + self.days
        offsets = np.sort(self.rng.integers(0, span, size=n_blogs))
        blog_ids = []
        for offset in offsets:
            published = first + dt.timedelta(days=int(offset))
            title = _blog_title(topics, published, self.rng)
            blog_ids.append(self._add_page(key, title, published))
        return tuple(blog_ids)

    def _add_page(self, key, title, published):
        page_id = self._next_id
        rng = self.rng
        size = int(rng.lognormal(np.log(45_000), 0.6))
        attachments = _draw_attachments(title, rng, self.start)
        images = _draw_images(rng, self.start)
        self.pages[page_id] = Page(
            page_id, key, title, published, size, attachments, images
        )

        # Comments, attachments and old versions take ids from the same sequence.
        self._next_id += 1 + len(attachments) + len(images) + int(rng.integers(0, 30))
        return page_id


def _page_titles(space_name, topics, n_pages, rng):
    """Draw ``n_pages`` distinct titles; the first is the space home page."""
    titles = [f"{space_name} Home"]
    seen = {titles[0]}
    while len(titles) < n_pages:
        title = _page_title(topics, rng)
        if title in seen:
            title = f"{title} {int(rng.integers(2, 30))}"
        if title not in seen:
            seen.add(title)
            titles.append(title)
    return titles


def _page_title(topics, rng):
    topic = topics[rng.integers(len(topics))]
    doc = cat.DOC_TYPES[rng.integers(len(cat.DOC_TYPES))]
    if doc.split()[0] in topic:
        doc = "Notes"
    if rng.random() < 0.15:
        form = cat.UNSAFE_TITLE_FORMATS[rng.integers(len(cat.UNSAFE_TITLE_FORMATS))]
        date = dt.date(2025, 1, 6) + dt.timedelta(weeks=int(rng.integers(0, 60)))
        return form.format(topic=topic, doc=doc, date=date.isoformat())
    return f"{topic} {doc}"


def _blog_title(topics, published, rng):
    topic = topics[rng.integers(len(topics))]
    form = cat.BLOG_TITLE_FORMATS[rng.integers(len(cat.BLOG_TITLE_FORMATS))]
    return form.format(topic=topic, month=published.strftime("%B"))


def _popularity(n_pages, rng):
    """Return cumulative Zipf-like weights; the home page is the most popular."""
    ranks = np.concatenate(([1], 2 + rng.permutation(n_pages - 1)))
    weights = ranks.astype(float) ** -_POPULARITY_EXPONENT
    return np.cumsum(weights)


def _draw_attachments(title, rng, start):
    if rng.random() >= 0.25:
        return ()
    stem = "-".join(word for word in title.lower().split() if word.isalnum())[:40]
    files = []
    for number in range(int(rng.integers(1, 5))):
        extension, low, high = cat.ATTACHMENT_KINDS[
            rng.integers(len(cat.ATTACHMENT_KINDS))
        ]
        size = int(np.exp(rng.uniform(np.log(low), np.log(high))))
        name = f"{stem or 'file'}-{number + 1}.{extension}"
        files.append(_attachment(name, size, rng, start))
    return tuple(files)


def _draw_images(rng, start):
    if rng.random() >= 0.2:
        return ()
    count = int(rng.integers(1, 4))
    return tuple(
        _attachment(
            f"image{number + 1}.png", int(rng.integers(20_000, 400_000)), rng, start
        )
        for number in range(count)
    )


def _attachment(filename, size, rng, start):
    days_before = int(rng.integers(1, 700))
    modified = dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC)
    modified_ms = int(modified.timestamp() * 1000) - days_before * 86_400_000
    modified_ms -= int(rng.integers(0, 86_400_000))
    return Attachment(filename, size, int(rng.integers(1, 6)), modified_ms)


def _draw_people(names, departments, timezone, builder, rng, start, days):
    """Draw the habits of every person and create the personal spaces."""
    specs = {spec.name: spec for spec in cat.DEPARTMENTS}
    roles = _assign_special_roles(departments, rng)
    identities = []
    for index, (name, department) in enumerate(zip(names, departments, strict=True)):
        spec = specs[department]
        kind, role = roles.get(index, ("staff", _draw_role(spec, rng)))
        zone = _draw_timezone(spec, timezone, rng)
        personal = None
        if rng.random() < _PERSONAL_SPACE_SHARE or kind == "heavy reader":
            personal = builder.add_personal_space(name, spec.topics)
        identities.append(_Identity(index, name, spec, kind, role, zone, personal))

    # Habits come second, so that everyone can know every personal space.
    return [
        _draw_habits(identity, timezone, builder, rng, start, days)
        for identity in identities
    ]


class _Identity(NamedTuple):
    index: int
    name: str
    spec: cat.DepartmentSpec
    kind: str
    role: str
    timezone: str
    personal_space: str | None


def _assign_special_roles(departments, rng):
    """Pick the administrators and the technical writers (heavy readers) by index."""
    n_users = len(departments)
    it_staff = [i for i, name in enumerate(departments) if name == "IT"]
    writers_from = [
        i for i, name in enumerate(departments) if name in ("Engineering", "Support")
    ]
    n_admins = 2 if n_users >= 20 else 1
    n_writers = max(1, n_users // 40)

    roles = {}
    for index in rng.permutation(it_staff)[:n_admins]:
        roles[int(index)] = ("administrator", "Confluence administrator")
    for index in rng.permutation(writers_from)[:n_writers]:
        roles[int(index)] = ("heavy reader", "technical writer")
    return roles


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


def _draw_habits(identity, server_zone, builder, rng, start, days):
    kind, role = identity.kind, identity.role
    activity = float(rng.lognormal(np.log(9.0), 0.6))
    if kind == "heavy reader":
        activity *= 3.5
    elif "manager" in role:
        activity *= 1.3

    day_start = float(np.clip(rng.normal(8.6, 0.6), 6.5, 11.0))
    day_end = day_start + float(np.clip(rng.normal(8.5, 0.5), 7.0, 10.0))
    edit_rate = {"heavy reader": 0.10}.get(kind, 0.025)
    if "engineer" in role or "writer" in role:
        edit_rate *= 1.5
    spaces, weights = _space_affinity(identity, builder.spaces, rng)
    in_europe = identity.timezone != server_zone and identity.timezone.startswith(
        "Europe/"
    )

    return User(
        name=identity.name,
        department=identity.spec.name,
        role=role,
        timezone=identity.timezone,
        client_address=_client_address(identity.index, in_europe),
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
        days_off=_draw_days_off(start, days, rng),
    )


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

    others = [
        key
        for key, space in spaces.items()
        if key not in affinity
        and not (space.kind == "department" and space.department == spec.name)
    ]
    n_occasional = (
        int(rng.integers(5, 9)) if kind == "heavy reader" else int(rng.integers(1, 4))
    )
    share = 0.25 if kind == "heavy reader" else 0.08
    for key in rng.permutation(others)[:n_occasional]:
        affinity[str(key)] = share / n_occasional

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


def _client_address(index, in_europe):
    """Return a fixed address per person from the documentation ranges.

    Offices in the server's country use 198.51.100.0/24 and 203.0.113.0/24 (hosts 10
    to 199 of the latter; 200 to 254 stay free for addresses no one has used). The
    European office and any person past those ranges get an IPv6 address from
    2001:db8::/32, written in the uncompressed form that Tomcat logs.
    """
    if in_europe:
        return f"2001:db8:44:0:0:0:0:{index + 1:x}"
    if index < 245:
        return f"198.51.100.{10 + index}"
    if index < 245 + 190:
        return f"203.0.113.{10 + index - 245}"
    return f"2001:db8:10:0:0:0:0:{index + 1:x}"


def _service_accounts(timezone):
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
