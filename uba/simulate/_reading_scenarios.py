"""Scenarios that read content in a browser: slowly, at night, as an admin or a thief."""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._scenarios import (
    Scenario,
    check_hour,
    check_positive,
    check_share,
    draw_by_size,
    register_scenario,
    spread_over_spaces,
)
from uba.simulate._urls import page_uri, search_terms

_URL_SHAPES = ("display", "viewpage", "spaces")
_URL_SHAPE_WEIGHTS = (0.6, 0.3, 0.1)
_DEPARTMENT_NAMES = tuple(spec.name for spec in cat.DEPARTMENTS)


def draw_page_uri(page, rng):
    """Return the URI of a page view in a URL shape drawn as browsers use them."""
    shape = _URL_SHAPES[rng.choice(len(_URL_SHAPES), p=_URL_SHAPE_WEIGHTS)]
    return page_uri(page, shape, rng)


def read_pages(context, browser, pages, time_ms, seconds_per_page, referer="-"):
    """View ``pages`` one after another, each for about ``seconds_per_page``.

    Entering a new space expands its page tree first. Each dwell varies by up to 40 %
    around ``seconds_per_page``.

    Returns
    -------
    tuple of (int, str)
        Time the last page is left, and the URL of the last page.
    """
    rng = context.rng
    previous_space = None
    for page in pages:
        if page.space_key != previous_space:
            space = context.organisation.spaces[page.space_key]
            tree_referer = referer if referer != "-" else cat.BASE_URL + "/index.action"
            browser.page_tree(time_ms - 2_000, space.home_page_id, tree_referer)
            previous_space = page.space_key
        uri = draw_page_uri(page, rng)
        dwell = int(seconds_per_page * 1000 * rng.uniform(0.6, 1.4))
        time_ms = browser.view(time_ms, page, uri, referer, dwell)
        time_ms += int(rng.integers(1_000, 5_000))
        referer = cat.BASE_URL + uri
    return time_ms, referer


def _check_end_of_day(scenario, start_hour, n_pages, seconds_per_page):
    """Reject a reading session that would run past midnight."""
    if start_hour is None or n_pages is None:
        return
    end_hour = start_hour + n_pages * (seconds_per_page * 1.4 + 5) / 3600
    if end_hour >= 24:
        raise ValueError(
            f"{scenario.name}: reading {n_pages} pages at {seconds_per_page} s each "
            f"from hour {start_hour} runs past midnight; lower 'n_pages' or "
            "'seconds_per_page', or start earlier"
        )


@register_scenario
@dataclass(frozen=True)
class SlowBrowserCrawl(Scenario):
    """A user reads a few dozen pages a day in spaces they never used, for days.

    The low-and-slow reader keeps the usual browser and address and reads only on the
    user's working days. The pages come in short bursts of three to eight, spread
    over the working hours. Each chosen space is read in page-tree order, and the
    next day goes on where the day before stopped. Every view brings its normal
    background requests, and the user's own browsing goes on as usual.

    Parameters
    ----------
    user : str, optional
        Reader; drawn from the ordinary staff by default.
    day : int, default=-3
        Index of the first day.
    n_days : int, default=3
        Consecutive calendar days from ``day``; weekends and the holiday are skipped
        and get no label.
    pages_per_day : int, optional
        Pages read on each working day; drawn from 40 to 80 per day by default.
    n_spaces : int, default=3
        Department or company spaces to read, among those the user never reads.
    seconds_per_page : float, default=50.0
        Mean time on each page.

    Notes
    -----
    The working hours are the user's, read on the server's clock; the ordinary staff
    that the simulator draws work in the server's time zone.
    """

    name: ClassVar[str] = "slow_browser_crawl"

    day: int = -3
    n_days: int = 3
    pages_per_day: int | None = None
    n_spaces: int = 3
    seconds_per_page: float = 50.0

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_days", self.n_days, integer=True)
        check_positive(self, "pages_per_day", self.pages_per_day, integer=True)
        check_positive(self, "n_spaces", self.n_spaces, integer=True)
        check_positive(self, "seconds_per_page", self.seconds_per_page, integer=False)
        if self.pages_per_day is not None and self.pages_per_day > 400:
            raise ValueError(
                f"{self.name}: 'pages_per_day' must be at most 400 to stay low and "
                f"slow, got {self.pages_per_day}; use BulkBrowserRead for more"
            )

    def day_span(self, n_days):
        """Return the ``n_days`` consecutive day indexes from ``day``."""
        first = self.resolve_day(n_days)
        if first + self.n_days > n_days:
            raise ValueError(
                f"{self.name}: {self.n_days} days from day {first} run past the last "
                f"simulated day {n_days - 1}; start earlier or lower 'n_days'"
            )
        return list(range(first, first + self.n_days))

    def inject(self, context):
        """Read a share of the chosen spaces on each working day; return the labels."""
        rng = context.rng
        organisation = context.organisation
        unread = context.unread_spaces(include_personal=False)
        if not unread:
            raise ValueError(
                f"{self.name}: user {context.user.name!r} already reads every "
                "department and company space; use a larger organisation"
            )
        keys = [str(key) for key in rng.permutation(unread)]
        days = [
            day_index
            for day_index in self.day_span(organisation.days)
            if not organisation.is_day_off(context.user, day_index)
        ]
        counts = [self.pages_per_day or int(rng.integers(40, 81)) for _ in days]
        queue = spread_over_spaces(organisation, keys, self.n_spaces, sum(counts))

        labels = []
        for day_index, count in zip(days, counts, strict=True):
            if not queue:
                break
            day_context = context.on_day(day_index)
            self._read_day(day_context, queue[:count])
            queue = queue[count:]
            labels.append(day_context.label(self))
        return labels

    def _read_day(self, context, pages):
        """Read ``pages`` in bursts at random times of the user's working hours."""
        rng, user = context.rng, context.user
        bursts = []
        while sum(len(burst) for burst in bursts) < len(pages):
            done = sum(len(burst) for burst in bursts)
            bursts.append(pages[done : done + int(rng.integers(3, 9))])
        hours = np.sort(
            rng.uniform(user.day_start_hour, user.day_end_hour - 0.5, len(bursts))
        )

        browser = context.browser()
        time_ms = None
        for hour, burst in zip(hours, bursts, strict=True):
            start_ms = context.time_ms(float(hour))
            if time_ms is not None:
                start_ms = max(start_ms, time_ms + 60_000)
            time_ms, _ = read_pages(
                context, browser, burst, start_ms, self.seconds_per_page
            )


@register_scenario
@dataclass(frozen=True)
class AdminContentRead(Scenario):
    """A Confluence administrator reads HR, Finance and Legal pages they never read.

    The administrator confirms the password for a secure administrator session,
    opens a few admin pages and the permission page of each target space, then reads
    the target spaces in page-tree order in the usual browser.

    Parameters
    ----------
    user : str, optional
        Administrator; drawn from the Confluence administrators by default.
    day : int, default=-1
        Day index (last day by default).
    n_pages : int, optional
        Pages to read; drawn from 40 to 120 by default.
    departments : tuple of str, default=("HR", "Finance", "Legal")
        Departments whose spaces are read; spaces the administrator already reads
        are left out.
    seconds_per_page : float, default=35.0
        Mean time on each page.
    start_hour : float, optional
        Server-local hour the session starts; drawn from 13 to 16 by default.
    """

    name: ClassVar[str] = "admin_content_read"

    n_pages: int | None = None
    departments: tuple[str, ...] = ("HR", "Finance", "Legal")
    seconds_per_page: float = 35.0
    start_hour: float | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_pages", self.n_pages, integer=True)
        check_positive(self, "seconds_per_page", self.seconds_per_page, integer=False)
        check_hour(self, self.start_hour)
        _check_end_of_day(self, self.start_hour, self.n_pages, self.seconds_per_page)
        departments = self.departments
        if (
            not isinstance(departments, tuple | list)
            or not departments
            or any(name not in _DEPARTMENT_NAMES for name in departments)
        ):
            raise ValueError(
                f"{self.name}: 'departments' must be a non-empty tuple of department "
                f"names from {list(_DEPARTMENT_NAMES)}, got {departments!r}"
            )

    def eligible_users(self, organisation):
        """Return the Confluence administrators."""
        return organisation.users_of_kind("administrator")

    def inject(self, context):
        """Add the admin session and the reading; return the label of the day."""
        rng = context.rng
        organisation = context.organisation
        targets = [
            key
            for key in context.unread_spaces(include_personal=False)
            if organisation.spaces[key].department in self.departments
        ]
        if not targets:
            raise ValueError(
                f"{self.name}: user {context.user.name!r} already reads every space "
                f"of {list(self.departments)}; choose other departments"
            )
        targets = [str(key) for key in rng.permutation(targets)]
        n_pages = self.n_pages or int(rng.integers(40, 121))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(13.0, 16.0))

        browser = context.browser()
        time_ms, referer = browser.dashboard(context.time_ms(start_hour))
        other = organisation.users[rng.integers(len(organisation.users))].name
        time_ms = browser.admin_visit(
            time_ms, referer, other, targets[0], int(rng.integers(2, 5))
        )
        referer = cat.BASE_URL + "/admin/console.action"
        for key in targets:
            uri = f"/spaces/spacepermissions.action?key={key}"
            browser.send(time_ms, "GET", uri, 200, 300, 40_000, referer)
            referer = cat.BASE_URL + uri
            time_ms += int(rng.integers(10_000, 40_000))

        pages = spread_over_spaces(organisation, targets, len(targets), n_pages)
        read_pages(context, browser, pages, time_ms, self.seconds_per_page, referer)
        return context.label(self)


@register_scenario
@dataclass(frozen=True)
class OffHoursRead(Scenario):
    """A day worker logs in at night and reads hundreds of pages before dawn.

    The reader uses the usual browser and address, logs in, and walks a few large
    spaces in page-tree order, habitual ones included, at a steady pace.

    Parameters
    ----------
    user : str, optional
        Reader; drawn from the ordinary staff (day workers) by default.
    day : int, default=-1
        Day index (last day by default).
    n_pages : int, optional
        Pages to read; drawn from 150 to 350 by default.
    n_spaces : int, default=4
        Department or company spaces to read, larger ones being likelier.
    seconds_per_page : float, default=30.0
        Mean time on each page.
    start_hour : float, optional
        Server-local hour the reading starts; drawn from 0.5 to 3 by default.
    """

    name: ClassVar[str] = "off_hours_read"

    n_pages: int | None = None
    n_spaces: int = 4
    seconds_per_page: float = 30.0
    start_hour: float | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_pages", self.n_pages, integer=True)
        check_positive(self, "n_spaces", self.n_spaces, integer=True)
        check_positive(self, "seconds_per_page", self.seconds_per_page, integer=False)
        check_hour(self, self.start_hour)
        _check_end_of_day(self, self.start_hour, self.n_pages, self.seconds_per_page)

    def inject(self, context):
        """Add the login and the night reading; return the label of the day."""
        rng = context.rng
        organisation = context.organisation
        n_pages = self.n_pages or int(rng.integers(150, 351))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(0.5, 3.0))
        keys = organisation.space_keys_on(context.day_index, include_personal=False)
        keys = draw_by_size(organisation, keys, rng)
        pages = spread_over_spaces(organisation, keys, self.n_spaces, n_pages)

        browser = context.browser()
        time_ms, referer = browser.login(context.time_ms(start_hour))
        read_pages(context, browser, pages, time_ms, self.seconds_per_page, referer)
        return context.label(self)


@register_scenario
@dataclass(frozen=True)
class CompromisedAccount(Scenario):
    """Someone else logs in as the user from a new computer and reads around.

    The intruder comes from an address no one used before, with a browser the user
    never used, logs in, and reads ``volume_factor`` times the user's usual daily
    page views in a few sessions. Most pages come from spaces the user never reads,
    the rest from the user's own spaces. The user's own browsing that day goes on
    from the usual computer.

    Parameters
    ----------
    user : str, optional
        Compromised account; drawn from the ordinary staff by default.
    day : int, default=-1
        Day index (last day by default).
    volume_factor : float, optional
        Page views as a multiple of the user's mean daily page views; drawn from 2
        to 4 by default. At least 10 pages are read.
    new_space_share : float, default=0.7
        Share of the page views in spaces the user never reads.
    n_new_spaces : int, default=4
        Spaces outside the user's habit to read in, larger ones being likelier.
    start_hour : float, optional
        Server-local hour of the login; drawn from 9 to 18 by default.
    duration_hours : float, default=3.0
        Time over which the sessions start.
    user_agent : str, optional
        ``User-Agent`` of the intruder's browser; by default a common browser that
        differs from the user's.
    """

    name: ClassVar[str] = "compromised_account"

    volume_factor: float | None = None
    new_space_share: float = 0.7
    n_new_spaces: int = 4
    start_hour: float | None = None
    duration_hours: float = 3.0
    user_agent: str | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "volume_factor", self.volume_factor, integer=False)
        check_share(self, "new_space_share", self.new_space_share)
        check_positive(self, "n_new_spaces", self.n_new_spaces, integer=True)
        check_positive(self, "duration_hours", self.duration_hours, integer=False)
        check_hour(self, self.start_hour)
        start = self.start_hour if self.start_hour is not None else 18.0
        if start + self.duration_hours > 23:
            raise ValueError(
                f"{self.name}: 'start_hour' + 'duration_hours' must end by 23:00, "
                f"got {start} + {self.duration_hours}"
            )
        if self.user_agent is not None and (
            not isinstance(self.user_agent, str) or not self.user_agent.strip()
        ):
            raise ValueError(
                f"{self.name}: 'user_agent' must be a non-empty string or None, "
                f"got {self.user_agent!r}"
            )

    def inject(self, context):
        """Add the intruder's login and reading; return the label of the day."""
        rng, user = context.rng, context.user
        factor = self.volume_factor or float(rng.uniform(2.0, 4.0))
        n_views = max(10, round(factor * user.activity))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(9.0, 18.0))
        agent = self.user_agent or _other_browser(user.user_agent, rng)
        pages = self._choose_pages(context, n_views)

        browser = context.browser(
            client=context.new_client_address(), user_agent=agent, warm_cache=False
        )
        time_ms, referer = browser.login(context.time_ms(start_hour))
        sessions = _split(pages, rng, mean=6.0)
        hours = np.sort(
            rng.uniform(start_hour, start_hour + self.duration_hours, len(sessions))
        )
        for hour, session in zip(hours, sessions, strict=True):
            time_ms = max(time_ms + 60_000, context.time_ms(float(hour)))
            if rng.random() < 0.3:
                terms = search_terms(session[0].title, rng)
                time_ms, referer = browser.site_search(time_ms, terms, referer)
            time_ms, referer = read_pages(context, browser, session, time_ms, 45.0)
        return context.label(self)

    def _choose_pages(self, context, n_views):
        """Draw pages by popularity: most in new spaces, the rest in habitual ones."""
        rng, user = context.rng, context.user
        organisation = context.organisation
        unread = context.unread_spaces(include_personal=False)
        new_keys = draw_by_size(organisation, unread, rng)[: self.n_new_spaces]
        habitual = [key for key in user.spaces if not key.startswith("~")]
        pages = []
        for _ in range(n_views):
            draw = rng.random()
            use_new = bool(new_keys) and (draw < self.new_space_share or not habitual)
            keys = new_keys if use_new else habitual
            space = organisation.spaces[keys[rng.integers(len(keys))]]
            pages.append(organisation.pages[space.sample_page(rng)])
        return pages


def _other_browser(user_agent, rng):
    """Draw a common browser whose ``User-Agent`` differs from ``user_agent``."""
    agents = [
        template.format(v=versions[-1])
        for _, _, template, versions in cat.BROWSERS
        if all(template.format(v=v) != user_agent for v in versions)
    ]
    return agents[rng.integers(len(agents))]


def _split(items, rng, mean):
    """Split ``items`` into consecutive runs of geometric length with ``mean``."""
    runs = []
    position = 0
    while position < len(items):
        length = int(rng.geometric(1 / mean))
        runs.append(items[position : position + length])
        position += length
    return runs
