"""Injected behaviour: a registry of scenarios that each add requests for a user-day.

A scenario is a small frozen dataclass. The simulator picks its user (unless the
scenario names one), resolves its day, then calls :meth:`Scenario.inject` with a
:class:`ScenarioContext`. ``inject`` adds requests and returns the :class:`Label` of the
user-day. A scenario over several days returns a list of labels, and a benign
look-alike returns ``None`` so that it stays unlabelled.
"""

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._browser import Browser, draw_duration
from uba.simulate._urls import page_uri

SCENARIOS = {}

_DAY_MS = 86_400_000


def register_scenario(cls):
    """Add a :class:`Scenario` subclass to :data:`SCENARIOS` under its ``name``.

    Raises
    ------
    ValueError
        If the class has no ``name`` or the name is already registered.
    """
    name = getattr(cls, "name", "")
    if not name:
        raise ValueError(
            f"scenario class {cls.__name__} has no 'name'; set the class "
            "attribute before registering it"
        )
    if name in SCENARIOS and SCENARIOS[name] is not cls:
        raise ValueError(
            f"scenario name {name!r} is already registered by "
            f"{SCENARIOS[name].__name__}; choose another name"
        )
    SCENARIOS[name] = cls
    return cls


@dataclass(frozen=True)
class Label:
    """One labelled user-day.

    Attributes
    ----------
    user : str
        Username.
    date : datetime.date
        Server-local day.
    scenario : str
        Name of the scenario that was injected.
    """

    user: str
    date: dt.date
    scenario: str


class ScenarioContext:
    """Inputs of a scenario for one user on one day.

    Parameters
    ----------
    organisation : Organisation
        The simulated organisation.
    user : User
        The user the scenario acts as.
    day_index : int
        Index of the day among the simulated days.
    rng : numpy.random.Generator
        Random stream reserved for this scenario.
    log : RequestLog
        Receives the requests.
    clock : ZoneClock
        The server's zone; scenario hours are server-local.
    spare_addresses : iterator of str
        Addresses that no one has used before, shared by all scenarios.
    """

    def __init__(self, organisation, user, day_index, rng, log, clock, spare_addresses):
        self.organisation = organisation
        self.user = user
        self.day_index = day_index
        self.date = organisation.start + dt.timedelta(days=day_index)
        self.rng = rng
        self.log = log
        self.clock = clock
        self._spare_addresses = spare_addresses

    def time_ms(self, hour):
        """Return epoch milliseconds of a server-local hour (float) on the day."""
        return self.clock.to_epoch_ms(self.date, hour * 3600)

    def on_day(self, day_index):
        """Return a context for another day, sharing the random stream and the log."""
        return ScenarioContext(
            self.organisation,
            self.user,
            day_index,
            self.rng,
            self.log,
            self.clock,
            self._spare_addresses,
        )

    def new_client_address(self):
        """Return an address that appears nowhere else in the simulation."""
        return next(self._spare_addresses)

    def browser(self, client=None, user_agent=None, warm_cache=True):
        """Return a browser of the user, optionally with another address or agent.

        A browser on another computer starts with an empty cache: pass
        ``warm_cache=False`` so that static resources come back with 200.
        """
        return Browser(
            self.log,
            self.user,
            self.rng,
            self.clock,
            self.day_index,
            self.organisation.resource_prefix,
            warm_cache=warm_cache,
            client=client,
            user_agent=user_agent,
        )

    def unread_spaces(self, include_personal=True):
        """Return the spaces that exist on the day and that the user never reads.

        Department and company spaces come first, each group in key order.
        """
        keys = self.organisation.space_keys_on(self.day_index, include_personal)
        habitual = self.organisation.habitual_spaces(self.user, self.day_index)
        unread = [key for key in keys if key not in habitual]
        shared = sorted(key for key in unread if not key.startswith("~"))
        personal = sorted(key for key in unread if key.startswith("~"))
        return shared + personal

    def label(self, scenario):
        """Return the label of this user-day for ``scenario``."""
        return Label(self.user.name, self.date, scenario.name)


@dataclass(frozen=True)
class Scenario:
    """Base class of the injected behaviours.

    Parameters
    ----------
    user : str, optional
        Username to act as. By default the simulator draws one from
        :meth:`eligible_users` with the seed.
    day : int, default=-1
        Index of the simulated day; negative values count from the end as in Python
        (``-1`` is the last day).

    Notes
    -----
    Subclasses set the class attribute ``name``, override :meth:`inject`, and are
    registered with :func:`register_scenario`.
    """

    name: ClassVar[str] = ""

    user: str | None = None
    day: int = -1

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        if isinstance(self.day, bool) or not isinstance(self.day, int | np.integer):
            raise ValueError(
                f"{self.name}: 'day' must be an integer day index, got {self.day!r}"
            )
        if self.user is not None and not isinstance(self.user, str):
            raise ValueError(
                f"{self.name}: 'user' must be a username or None, got {self.user!r}"
            )

    def resolve_day(self, n_days):
        """Return the day index from the start; raise ``ValueError`` if out of range."""
        if not -n_days <= self.day < n_days:
            raise ValueError(
                f"{self.name}: 'day' must lie in [{-n_days}, {n_days - 1}] "
                f"for a simulation of {n_days} days, got {self.day}"
            )
        return self.day % n_days

    def day_span(self, n_days):
        """Return the day indexes the scenario may label, in order.

        Scenarios over several days override this; it raises ``ValueError`` when
        the days do not fit in the simulation.
        """
        return [self.resolve_day(n_days)]

    def eligible_users(self, organisation):
        """Return the users this scenario may be assigned to: ordinary staff."""
        return organisation.ordinary_users()

    def inject(self, context):
        """Add the scenario's requests; return its label, a list of labels or ``None``.

        Scenarios over several days return one :class:`Label` per labelled day.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement inject()")


def check_positive(scenario, name, value, integer):
    if value is None:
        return
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        expected = "a positive integer" if integer else "a positive number"
        raise ValueError(
            f"{scenario.name}: {name!r} must be {expected} or None, got {value!r}"
        )


def check_hour(scenario, value):
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (0 <= value < 24)
    ):
        raise ValueError(
            f"{scenario.name}: 'start_hour' must be a number in [0, 24) "
            f"or None, got {value!r}"
        )


def check_share(scenario, name, value):
    """Raise ``ValueError`` unless ``value`` is a number from 0 to 1."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not (0 <= value <= 1)
    ):
        raise ValueError(
            f"{scenario.name}: {name!r} must be a number in [0, 1], got {value!r}"
        )


@register_scenario
@dataclass(frozen=True)
class RestCrawl(Scenario):
    """A script on a stolen account dumps spaces through the REST API.

    The script runs from a client address never seen before, with a
    ``python-requests`` user agent, no referer and no browser traffic. It lists a few
    spaces with ``/rest/api/space/{KEY}/content?limit=100&start=N`` and fetches the
    listed pages with ``/rest/api/content/{id}?expand=body.storage,version`` until
    ``n_pages`` pages are read; about 1 % of the fetches return 404. The account
    owner's own browsing that day goes on as usual.

    Parameters
    ----------
    user : str, optional
        Compromised account; drawn from the ordinary staff by default.
    day : int, default=-1
        Day index (last day by default).
    n_pages : int, optional
        Pages to fetch; drawn from 500 to 2000 by default. Capped by the number of
        pages outside personal spaces.
    n_spaces : int, default=3
        Department or company spaces to dump, larger ones being likelier; each gives
        a share of ``n_pages`` in proportion to its size. Further spaces are used when
        these hold too few pages.
    start_hour : float, optional
        Server-local hour the script starts; drawn from 9 to 20 by default.
    duration_hours : float, optional
        Time the crawl takes; drawn from 1 to 2 hours by default.
    user_agent : str, default="python-requests/2.31.0"
        ``User-Agent`` of the script.
    """

    name: ClassVar[str] = "rest_crawl"

    n_pages: int | None = None
    n_spaces: int = 3
    start_hour: float | None = None
    duration_hours: float | None = None
    user_agent: str = cat.CRAWLER_USER_AGENT

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_pages", self.n_pages, integer=True)
        check_positive(self, "n_spaces", self.n_spaces, integer=True)
        check_positive(self, "duration_hours", self.duration_hours, integer=False)
        check_hour(self, self.start_hour)
        if (
            self.start_hour is not None
            and self.duration_hours is not None
            and (self.start_hour + self.duration_hours > 24)
        ):
            raise ValueError(
                f"{self.name}: 'start_hour' + 'duration_hours' must end "
                f"by midnight, got {self.start_hour} + "
                f"{self.duration_hours}"
            )
        if not isinstance(self.user_agent, str) or not self.user_agent.strip():
            raise ValueError(
                f"{self.name}: 'user_agent' must be a non-empty string, "
                f"got {self.user_agent!r}"
            )

    def inject(self, context):
        """Add the listing and fetching requests; return the label of the day."""
        rng = context.rng
        n_pages = self.n_pages or int(rng.integers(500, 2001))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(9.0, 20.0))
        duration_h = self.duration_hours or float(rng.uniform(1.0, 2.0))
        duration_h = min(duration_h, 24.0 - start_hour - 1e-3)

        requests = self._plan(context, n_pages, rng)
        start_ms = context.time_ms(start_hour)
        times = steady_times(
            start_ms, int(duration_h * 3_600_000), len(requests), rng, shape=3.0
        )
        client = context.new_client_address()
        for time_ms, (uri, size) in zip(times, requests, strict=True):
            status = 404 if size == 0 else 200
            duration = draw_duration(rng, 70 if "/space/" in uri else 110)
            context.log.add(
                time_ms,
                context.user.name,
                client,
                "GET",
                uri,
                status,
                duration,
                size or 160,
                "-",
                self.user_agent,
            )
        return context.label(self)

    def _plan(self, context, n_pages, rng):
        """Return ``(uri, size)`` of every request; size 0 marks a 404 response.

        The pages come from ``n_spaces`` spaces, or more when these hold too few, in
        proportion to their size. Each space is listed 100 entries at a time, and the
        pages of each listing are fetched before the next listing is requested.
        """
        organisation = context.organisation
        listable = organisation.space_keys_on(context.day_index, include_personal=False)
        keys = draw_by_size(organisation, listable, rng)
        pages = _proportional_pages(organisation, keys, self.n_spaces, n_pages)
        requests = []
        position = {}
        for page in pages:
            offset = position.get(page.space_key, 0)
            if offset % 100 == 0:
                space = organisation.spaces[page.space_key]
                n_listed = min(100, len(space.page_ids) - offset)
                uri = f"/rest/api/space/{space.key}/content?limit=100&start={offset}"
                requests.append((uri, 3_000 + 450 * n_listed))
            position[page.space_key] = offset + 1

            size = 0 if rng.random() < 0.01 else page.size // 2 + 600
            uri = f"/rest/api/content/{page.page_id}?expand=body.storage,version"
            requests.append((uri, size))
        return requests


def _proportional_pages(organisation, keys, n_spaces, n_pages):
    """Take pages in tree order from enough spaces, in proportion to their size."""
    sizes = [len(organisation.spaces[key].page_ids) for key in keys]
    n_used = min(n_spaces, len(keys))
    while n_used < len(keys) and sum(sizes[:n_used]) < n_pages:
        n_used += 1
    total = sum(sizes[:n_used])
    n_pages = min(n_pages, total)

    shares = [n_pages * size // total for size in sizes[:n_used]]
    for index in range(n_pages - sum(shares)):
        shares[index % n_used] += 1
    pages = []
    for key, share in zip(keys, shares, strict=False):
        page_ids = organisation.spaces[key].page_ids[:share]
        pages.extend(organisation.pages[page_id] for page_id in page_ids)
    return pages


def draw_by_size(organisation, keys, rng):
    """Shuffle space keys so that spaces with more pages tend to come first."""
    sizes = np.array([len(organisation.spaces[key].page_ids) for key in keys], float)
    order = rng.choice(len(keys), size=len(keys), replace=False, p=sizes / sizes.sum())
    return [keys[index] for index in order]


@register_scenario
@dataclass(frozen=True)
class BulkBrowserRead(Scenario):
    """A user reads hundreds of pages in a browser across spaces they never use.

    The reader stays on the usual client address and browser, walks each chosen space in
    page-tree order at a steady pace, and every view brings its normal follow-up
    requests. The reader's ordinary browsing that day goes on as well.

    Parameters
    ----------
    user : str, optional
        Reader; drawn from the ordinary staff by default.
    day : int, default=-2
        Day index (the day before the last by default).
    n_pages : int, optional
        Pages to read; drawn from 300 to 600 by default.
    n_spaces : int, default=8
        Spaces to read, taken from those the user never reads (fewer if the wiki has
        fewer such spaces).
    seconds_per_page : float, default=40.0
        Mean time on each page; each dwell varies by up to 25 % around it.
    start_hour : float, optional
        Server-local hour the reading starts; drawn from 9.5 to 11 by default.

    Notes
    -----
    Reading stops at midnight: pages left at that time are not read, and the day is
    labelled all the same. :meth:`validate` rejects the parameter sets that would hit
    midnight when ``n_pages`` and ``start_hour`` are both given.
    """

    name: ClassVar[str] = "bulk_browser_read"

    day: int = -2
    n_pages: int | None = None
    n_spaces: int = 8
    seconds_per_page: float = 40.0
    start_hour: float | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_pages", self.n_pages, integer=True)
        check_positive(self, "n_spaces", self.n_spaces, integer=True)
        check_positive(self, "seconds_per_page", self.seconds_per_page, integer=False)
        check_hour(self, self.start_hour)
        if self.start_hour is not None and self.n_pages is not None:
            end_hour = (
                self.start_hour + self.n_pages * self.seconds_per_page * 1.25 / 3600
            )
            if end_hour >= 24:
                raise ValueError(
                    f"{self.name}: reading {self.n_pages} pages at "
                    f"{self.seconds_per_page} s each from hour {self.start_hour} runs "
                    "past midnight; lower 'n_pages' or 'seconds_per_page', or start "
                    "earlier"
                )

    def inject(self, context):
        """Add the browser reading session; return the label of the day."""
        rng = context.rng
        n_pages = self.n_pages or int(rng.integers(300, 601))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(9.5, 11.0))
        pages = self._reading_list(context, n_pages)

        browser = context.browser()
        time_ms = context.time_ms(start_hour)
        end_of_day = context.time_ms(0) + _DAY_MS - 60_000
        referer = "-"
        previous_space = None
        for page in pages:
            dwell = int(self.seconds_per_page * 1000 * rng.uniform(0.75, 1.25))
            if time_ms + dwell > end_of_day:
                break
            if page.space_key != previous_space:
                browser.page_tree(
                    time_ms - 2_000,
                    context.organisation.spaces[page.space_key].home_page_id,
                    referer if referer != "-" else cat.BASE_URL + "/index.action",
                )
                previous_space = page.space_key
            shape = ("display", "viewpage", "spaces")[rng.choice(3, p=(0.6, 0.3, 0.1))]
            uri = page_uri(page, shape, rng)
            time_ms = browser.view(time_ms, page, uri, referer, dwell)
            referer = cat.BASE_URL + uri
        return context.label(self)

    def _reading_list(self, context, n_pages):
        """Return pages of unused spaces in tree order, spread over ``n_spaces``."""
        organisation = context.organisation
        unused = context.unread_spaces()
        if not unused:
            raise ValueError(
                f"{self.name}: user {context.user.name!r} already reads "
                "every space of the wiki; use a larger organisation"
            )

        # Department and company spaces first: personal spaces hold few pages.
        shared = [key for key in unused if not key.startswith("~")]
        personal = [key for key in unused if key.startswith("~")]
        rng = context.rng
        ordered = [str(key) for key in rng.permutation(shared)] + [
            str(key) for key in rng.permutation(personal)
        ]
        return spread_over_spaces(organisation, ordered, self.n_spaces, n_pages)


def spread_over_spaces(organisation, keys, n_spaces, n_pages):
    """Take ``n_pages`` pages in tree order, evenly from the first ``n_spaces`` spaces.

    Spaces with fewer pages than their share leave the rest to the others. When the
    first ``n_spaces`` spaces together are too small, the following spaces are used.
    """
    chosen = keys[:n_spaces]
    per_space = int(np.ceil(n_pages / len(chosen)))
    pages_by_space = {
        key: list(organisation.spaces[key].page_ids[:per_space]) for key in chosen
    }
    shortfall = n_pages - sum(len(ids) for ids in pages_by_space.values())
    for key in keys:
        if shortfall <= 0:
            break
        page_ids = organisation.spaces[key].page_ids
        extra = list(page_ids[len(pages_by_space.get(key, [])) :][:shortfall])
        pages_by_space.setdefault(key, []).extend(extra)
        shortfall -= len(extra)

    pages = [organisation.pages[pid] for ids in pages_by_space.values() for pid in ids]
    return pages[:n_pages]


def steady_times(start_ms, duration_ms, n_requests, rng, shape):
    """Spread ``n_requests`` over ``duration_ms`` with gamma-distributed gaps."""
    gaps = rng.gamma(shape, 1.0, size=n_requests)
    offsets = np.cumsum(gaps) - gaps[0]
    offsets *= duration_ms / max(offsets[-1], 1e-9)
    return (start_ms + offsets).astype(np.int64).tolist()


def default_scenarios():
    """Return the default injections: a REST crawl and a bulk browser read.

    The :class:`RestCrawl` falls on the last simulated day and the
    :class:`BulkBrowserRead` on the day before.

    Returns
    -------
    list of Scenario
    """
    return [RestCrawl(), BulkBrowserRead()]
