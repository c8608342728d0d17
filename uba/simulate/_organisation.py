"""The simulated organisation: its spaces and pages, and the people who read them."""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from uba.simulate._urls import is_display_safe


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
    first_day : int
        Simulated day index on which the space is created; 0 for spaces that exist
        before the first simulated day. No request touches a space before that day.
    """

    key: str
    name: str
    kind: str
    department: str | None
    page_ids: tuple[int, ...] = ()
    blog_ids: tuple[int, ...] = ()
    first_day: int = 0
    _cumulative: np.ndarray = field(default=None, repr=False)

    @property
    def home_page_id(self):
        """Content id of the space home page."""
        return self.page_ids[0]

    @property
    def page_weights(self):
        """Popularity of each entry of ``page_ids``, as shares that sum to 1."""
        weights = np.diff(self._cumulative, prepend=0.0)
        return weights / weights.sum()

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
    kind : str
        Behaviour class used by the simulator: ``"staff"``, ``"heavy reader"``
        (technical writers with hundreds of page views a day), ``"administrator"``
        (mostly admin pages), ``"remote team"`` (engineers in another time zone),
        ``"new joiner"`` (starts on ``first_day``) or ``"service"``.
    activity : float
        Mean page views on a working day.
    dwell_seconds : float
        Median time a page stays open in the browser.
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
    first_day : int
        First simulated day index at work; the person sends no request before it.
    first_week_spaces : tuple of str
        Spaces read during the seven days from ``first_day`` in place of ``spaces``;
        empty for everyone but the new joiner.
    first_week_weights : tuple of float
        Share of page views per entry of ``first_week_spaces``.
    observes_holiday : bool
        Whether the person has the organisation's public holiday off.
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
    dwell_seconds: float = 45.0
    first_day: int = 0
    first_week_spaces: tuple[str, ...] = ()
    first_week_weights: tuple[float, ...] = ()
    observes_holiday: bool = True


@dataclass(frozen=True)
class Reorganisation:
    """A department that moves its work into a new space on one day.

    Attributes
    ----------
    day_index : int
        Simulated day on which the space is created and first read.
    department : str
        The department whose members start using the space.
    space_key : str
        Key of the new space.
    """

    day_index: int
    department: str
    space_key: str


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
    holiday : int or None
        Simulated day index of the public holiday, or ``None`` when the simulated
        days contain none.
    reorganisation : Reorganisation or None
        The day a department moves into a new space, or ``None``.
    """

    timezone: str
    start: dt.date
    days: int
    users: tuple[User, ...]
    spaces: dict[str, Space]
    pages: dict[int, Page]
    resource_prefix: str
    holiday: int | None = None
    reorganisation: Reorganisation | None = None

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

    def users_of_kind(self, kind):
        """Return the users whose ``kind`` is ``kind``, in user order."""
        return [user for user in self.users if user.kind == kind]

    def space_keys_on(self, day_index, include_personal=True):
        """Return the keys of the spaces that exist on day ``day_index``."""
        return [
            key
            for key, space in self.spaces.items()
            if space.first_day <= day_index
            and (include_personal or space.kind != "personal")
        ]

    def habitual_spaces(self, user, day_index):
        """Return the spaces ``user`` reads by day ``day_index``, as a set of keys.

        Besides ``user.spaces`` these are the new joiner's first-week spaces and, for
        the reorganised department, the new space from its first day.
        """
        spaces = set(user.spaces) | set(user.first_week_spaces)
        change = self.reorganisation
        if (
            change is not None
            and user.department == change.department
            and day_index >= change.day_index
        ):
            spaces.add(change.space_key)
        return spaces

    def is_day_off(self, user, day_index):
        """Return whether ``day_index`` is a weekend or the holiday for ``user``.

        The day is the person's local calendar day with that index.
        """
        day = self.start + dt.timedelta(days=day_index)
        if day.weekday() >= 5:
            return True
        return user.observes_holiday and day_index == self.holiday
