"""Benign traffic: working days of the staff, service accounts and health checks."""

import datetime as dt

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._browser import Browser, draw_duration
from uba.simulate._clock import ZoneClock
from uba.simulate._urls import page_uri, search_terms

# Independent random streams, so that adding a scenario leaves the baseline unchanged.
PEOPLE_STREAM = 1
SERVICE_STREAM = 2

_MEAN_SESSION_VIEWS = 4.0
_WRITER_SESSION_VIEWS = 10.0
_LUNCH_HOURS = (12.0, 13.25)
_LUNCH_KEEP = 0.35
_HEALTH_CHECK_INTERVAL_S = 120
_MONITOR_INTERVAL_S = 600
_MONITOR_HOST = "192.0.2.5"
_URL_SHAPES = ("display", "viewpage", "spaces")
_URL_SHAPE_WEIGHTS = (0.55, 0.30, 0.15)
# Session entry points: dashboard, bookmark, tiny link from chat, site search and
# header search.
_ENTRIES = ("dashboard", "bookmark", "tiny", "search", "quick")
_ENTRY_WEIGHTS = (0.35, 0.25, 0.10, 0.20, 0.10)
# The new joiner reads more than usual in the first week, and the reorganised
# department reads more on the day it moves into its new space.
_FIRST_WEEK_DAYS = 7
_FIRST_WEEK_ACTIVITY = 1.5
_FIRST_WEEK_MIN_VIEWS = 25.0
_REORGANISATION_ACTIVITY = 1.4
# Share of the reorganised department's page views in the new space, on the day
# and afterwards.
_NEW_SPACE_SHARE = (0.5, 0.3)
_LISTING_LIMIT = 100


def simulate_people(organisation, log, seed):
    """Add the benign browsing of every person over the simulated days.

    Each person's day is planned in the person's own time zone. The day before the
    first simulated day is planned too, because its evening can fall on the first
    server day. The writer drops requests outside the simulated days. A person whose
    ``first_day`` lies later sends nothing before that day.
    """
    server_clock = ZoneClock(organisation.timezone)
    clocks = {}
    for user_index, user in enumerate(organisation.users):
        if user.kind == "service":
            continue
        clock = clocks.setdefault(user.timezone, ZoneClock(user.timezone))
        first = -1 if user.first_day <= 0 else user.first_day
        for day_index in range(first, organisation.days):
            rng = np.random.default_rng(
                [seed, PEOPLE_STREAM, user_index, day_index + 1]
            )
            day = organisation.start + dt.timedelta(days=day_index)
            planner = _DayPlanner(
                organisation, user, day_index, day, rng, log, server_clock
            )
            planner.run(clock)


class _DayPlanner:
    """Plan and emit one person's browsing on one local day."""

    def __init__(self, organisation, user, day_index, day, rng, log, server_clock):
        self.org = organisation
        self.user = user
        self.day_index = day_index
        self.day = day
        self.rng = rng
        warm = day_index > 0 and rng.random() > 0.1
        self.browser = Browser(
            log,
            user,
            rng,
            server_clock,
            day_index,
            organisation.resource_prefix,
            warm_cache=warm,
        )
        self.day_off = organisation.is_day_off(user, day_index)
        spaces, weights, self._activity = _day_habits(organisation, user, day_index)
        self._spaces = spaces
        self._space_probs = np.asarray(weights)

    def run(self, clock):
        n_views = self._count_views()
        sessions = [("views", views) for views in self._split_sessions(n_views)]
        sessions += [("admin", 0)] * self._count_admin_sessions()
        if not sessions:
            return

        order = self.rng.permutation(len(sessions))
        starts = self._session_starts(len(sessions))
        time_ms = None
        for index, (start_s, position) in enumerate(zip(starts, order, strict=True)):
            start_ms = clock.to_epoch_ms(self.day, start_s)
            if time_ms is not None:
                start_ms = max(start_ms, time_ms + 60_000)
            kind, views = sessions[position]
            if kind == "admin":
                time_ms = self._admin_session(start_ms, first=index == 0)
            else:
                time_ms = self._session(start_ms, views, first=index == 0)

    def _count_views(self):
        rng, user = self.rng, self.user
        if self.day_off:
            if not user.weekend_worker or rng.random() > 0.35:
                return 0
            return 1 + int(rng.poisson(self._activity * 0.15))
        if self.day_index in user.days_off:
            return 0
        # Technical writers read a steady amount; other people vary more by day.
        shape = 16.0 if user.kind == "heavy reader" else 4.0
        return int(rng.poisson(self._activity * rng.gamma(shape, 1 / shape)))

    def _count_admin_sessions(self):
        """Draw the admin-page sessions of an administrator on a working day."""
        if self.user.kind != "administrator" or self.day_off:
            return 0
        if self.day_index in self.user.days_off:
            return 0
        return 2 + int(self.rng.poisson(2.0))

    def _split_sessions(self, n_views):
        mean = _MEAN_SESSION_VIEWS
        if self.user.kind == "heavy reader":
            mean = _WRITER_SESSION_VIEWS
        sessions = []
        while sum(sessions) < n_views:
            sessions.append(int(self.rng.geometric(1 / mean)))
        if sessions:
            sessions[-1] -= sum(sessions) - n_views
        return [views for views in sessions if views > 0]

    def _session_starts(self, n_sessions):
        """Draw session start times (local seconds) with a dip at lunch."""
        rng, user = self.rng, self.user
        if self.day_off:
            hours = rng.uniform(10.0, 18.0, size=n_sessions)
            return np.sort(hours) * 3600

        hours = []
        while len(hours) < n_sessions:
            hour = rng.uniform(user.day_start_hour, user.day_end_hour - 0.25)
            in_lunch = _LUNCH_HOURS[0] <= hour < _LUNCH_HOURS[1]
            if not in_lunch or rng.random() < _LUNCH_KEEP:
                hours.append(hour)
        if n_sessions > 2 and rng.random() < 0.06:
            hours[-1] = rng.uniform(19.0, 22.5)
        return np.sort(hours) * 3600

    def _session(self, time_ms, n_views, first):
        """Emit one session of page views; return the time the last page is left."""
        rng, browser = self.rng, self.browser
        if first and rng.random() < 0.55:
            time_ms, referer = browser.login(time_ms, failed_first=rng.random() < 0.03)
            entry = "link"
        else:
            entry = _ENTRIES[rng.choice(len(_ENTRIES), p=_ENTRY_WEIGHTS)]
            referer = "-"
        if entry == "dashboard":
            time_ms, referer = browser.dashboard(time_ms)
            entry = "link"

        for _ in range(n_views):
            page = self._choose_page()
            time_ms, referer = self._navigate(time_ms, page, entry, referer)
            time_ms = self._after_view(time_ms, page, referer)
            entry = rng.choice(("link", "search", "quick"), p=(0.65, 0.2, 0.15))
        return time_ms

    def _admin_session(self, time_ms, first):
        """Open the dashboard, confirm the password and work in the admin pages."""
        rng, browser = self.rng, self.browser
        if first and rng.random() < 0.55:
            time_ms, referer = browser.login(time_ms)
        else:
            time_ms, referer = browser.dashboard(time_ms)
        other = self.org.users[rng.integers(len(self.org.users))].name
        space = self._spaces[rng.integers(len(self._spaces))]
        n_pages = int(rng.integers(3, 9))
        return browser.admin_visit(time_ms, referer, other, space, n_pages)

    def _navigate(self, time_ms, page, entry, referer):
        """Reach ``page`` by ``entry`` and view it; return the end time and page URL."""
        rng, browser = self.rng, self.browser
        shape = _URL_SHAPES[rng.choice(3, p=_URL_SHAPE_WEIGHTS)]
        uri = page_uri(page, shape, rng)
        if entry == "tiny":
            time_ms, uri = browser.tiny_link(time_ms, page)
            referer = "-"
        elif entry == "search":
            terms = search_terms(page.title, rng)
            time_ms, referer = browser.site_search(time_ms, terms, referer)
        elif entry == "quick":
            time_ms = browser.quick_search(
                time_ms, search_terms(page.title, rng), referer
            )

        if rng.random() < 0.008:
            time_ms = self._dead_link(time_ms, page, referer)
        dwell = int(rng.lognormal(np.log(self.user.dwell_seconds * 1000), 0.9)) + 3_000
        status = 403 if rng.random() < 0.003 else 200
        end = browser.view(time_ms, page, uri, referer, dwell, status)
        return end, cat.BASE_URL + uri

    def _dead_link(self, time_ms, page, referer):
        """Follow an outdated link that returns 404, then search for the page."""
        stale = f"/display/{page.space_key}/Old+{page.page_id % 97}+Notes"
        end = self.browser.view(time_ms, page, stale, referer, 4_000, status=404)
        end, _ = self.browser.site_search(
            end, search_terms(page.title, self.rng), cat.BASE_URL + stale
        )
        return end

    def _after_view(self, time_ms, page, page_url):
        """Sometimes act on the page just read; return the end time."""
        rng, browser = self.rng, self.browser
        if page.attachments and rng.random() < 0.10:
            time_ms = browser.download_attachment(time_ms, page, page_url)
        if rng.random() < self.user.edit_rate and not page.is_blog:
            time_ms = browser.edit(time_ms, page, page_url)
        if rng.random() < 0.006:
            time_ms = browser.export(time_ms, page, page_url)
        if rng.random() < 0.01:
            time_ms = browser.page_history(time_ms, page, page_url)
        if rng.random() < 0.01:
            time_ms = browser.like(time_ms, page, page_url)
        return time_ms + int(rng.integers(500, 4_000))

    def _choose_page(self):
        rng, user = self.rng, self.user
        draw = rng.random()
        if draw < 0.2 and user.favourites:
            return self.org.pages[user.favourites[rng.integers(len(user.favourites))]]
        if draw < 0.28:
            blog = self._recent_blog()
            if blog is not None:
                return blog
        key = self._spaces[rng.choice(len(self._spaces), p=self._space_probs)]
        return self.org.pages[self.org.spaces[key].sample_page(rng)]

    def _recent_blog(self):
        """Draw a published blog post from the reader's spaces; newer is likelier."""
        candidates = []
        for key in self._spaces:
            for blog_id in self.org.spaces[key].blog_ids:
                published = self.org.pages[blog_id].published
                if published <= self.day:
                    candidates.append((blog_id, (self.day - published).days))
        if not candidates:
            return None
        ages = np.array([age for _, age in candidates], dtype=float)
        weights = np.exp(-ages / 5.0)
        index = self.rng.choice(len(candidates), p=weights / weights.sum())
        return self.org.pages[candidates[index][0]]


def _day_habits(organisation, user, day_index):
    """Return the spaces, their shares and the mean page views of a person's day.

    The new joiner reads the first-week spaces for seven days from ``first_day``, at
    least 25 page views a working day. Members of the reorganised department add the
    new space from its first day.
    """
    spaces, weights = user.spaces, user.space_weights
    activity = user.activity
    if user.first_week_spaces and 0 <= day_index - user.first_day < _FIRST_WEEK_DAYS:
        spaces, weights = user.first_week_spaces, user.first_week_weights
        activity = max(activity * _FIRST_WEEK_ACTIVITY, _FIRST_WEEK_MIN_VIEWS)

    change = organisation.reorganisation
    if change is None or user.department != change.department:
        return spaces, weights, activity
    if day_index < change.day_index:
        return spaces, weights, activity
    on_the_day = day_index == change.day_index
    share = _NEW_SPACE_SHARE[0] if on_the_day else _NEW_SPACE_SHARE[1]
    if on_the_day:
        activity *= _REORGANISATION_ACTIVITY
    weights = tuple(weight * (1 - share) for weight in weights) + (share,)
    return (*spaces, change.space_key), weights, activity


def simulate_services(organisation, log, seed, indexer_pages):
    """Add the health checks, the monitoring account and the nightly indexer.

    These run on the server's clock and do the same thing every day, so a script's user
    agent alone does not reveal intent.

    Parameters
    ----------
    organisation : Organisation
        The simulated organisation.
    log : RequestLog
        Receives the requests; the edits of the people must already be in it.
    seed : int
        Seed of the simulation.
    indexer_pages : int
        Pages the search indexer re-reads each night on top of the pages edited the
        day before.
    """
    clock = ZoneClock(organisation.timezone)
    monitor = organisation.user("svc-monitor")
    indexer = organisation.user("svc-indexer")
    company_home = organisation.spaces["COMPANY"].home_page_id
    for day_index, day in enumerate(organisation.dates):
        rng = np.random.default_rng([seed, SERVICE_STREAM, day_index])
        midnight = clock.to_epoch_ms(day, 0)
        next_midnight = clock.to_epoch_ms(day + dt.timedelta(days=1), 0)
        _health_checks(log, midnight, next_midnight, rng)
        _monitor_checks(log, monitor, company_home, midnight, next_midnight, rng)
        start = clock.to_epoch_ms(day, 2 * 3600 + 15 * 60)
        night = _IndexerNight(organisation, log, indexer, day_index, rng)
        time_ms = night.fetch_edited(start)
        night.fetch_rolling(time_ms, indexer_pages)


def _health_checks(log, start_ms, end_ms, rng):
    """Anonymous ``/status`` checks from the monitoring host every two minutes."""
    for time_ms in range(start_ms, end_ms, _HEALTH_CHECK_INTERVAL_S * 1000):
        log.add(
            time_ms + int(rng.integers(0, 400)),
            "-",
            _MONITOR_HOST,
            "GET",
            "/status",
            200,
            draw_duration(rng, 3),
            21,
            "-",
            cat.MONITOR_USER_AGENT,
        )


def _monitor_checks(log, monitor, page_id, start_ms, end_ms, rng):
    """Read one page through the REST API every ten minutes, as a synthetic check."""
    for time_ms in range(start_ms, end_ms, _MONITOR_INTERVAL_S * 1000):
        time_ms += 5_000 + int(rng.integers(0, 800))
        log.add(
            time_ms,
            monitor.name,
            monitor.client_address,
            "GET",
            f"/rest/api/content/{page_id}?expand=version",
            200,
            draw_duration(rng, 45),
            int(rng.integers(1_400, 1_600)),
            "-",
            monitor.user_agent,
        )


class _IndexerNight:
    """One night of the search indexer: the pages edited the day before, then a slice.

    The slice walks all pages of the spaces that exist, in space and tree order, and
    starts each night where the previous night stopped, so the index is rebuilt every
    few nights.
    """

    def __init__(self, organisation, log, indexer, day_index, rng):
        self.org = organisation
        self.log = log
        self.indexer = indexer
        self.day_index = day_index
        self.rng = rng

    def fetch_edited(self, time_ms):
        """Search for the pages saved the day before and fetch them; return the time."""
        rng = self.rng
        if self.day_index == 0:
            existing = [
                page_id
                for key in self.org.space_keys_on(0)
                for page_id in self.org.spaces[key].page_ids
            ]
            edited = rng.choice(existing, size=25, replace=False)
        else:
            edited = list(dict.fromkeys(self.log.edited.get(self.day_index - 1, [])))

        day = self.org.start + dt.timedelta(days=self.day_index)
        since = (day - dt.timedelta(days=1)).isoformat()
        cql = f"lastmodified%3E%3D%22{since}%22"
        for offset in range(0, max(1, len(edited)), _LISTING_LIMIT):
            uri = (
                f"/rest/api/content/search?cql={cql}&limit={_LISTING_LIMIT}"
                f"&start={offset}&expand=version"
            )
            n_listed = len(edited[offset : offset + _LISTING_LIMIT])
            time_ms = self._send(time_ms, uri, 400, 2_000 + 900 * n_listed)
            time_ms += int(rng.integers(500, 1_500))

        for page_id in edited:
            time_ms = self._fetch(time_ms, self.org.pages[int(page_id)])
        return time_ms

    def fetch_rolling(self, time_ms, n_pages):
        """List and fetch this night's slice of ``n_pages`` pages; return the time."""
        listed = set()
        for key, offset, page_id in self._slice(n_pages):
            start = offset - offset % _LISTING_LIMIT
            if (key, start) not in listed:
                listed.add((key, start))
                time_ms = self._list_space(time_ms, key, start)
            time_ms = self._fetch(time_ms, self.org.pages[page_id])
        return time_ms

    def _slice(self, n_pages):
        """Return ``(space key, position in space, page id)`` of tonight's pages.

        The indexer runs before people start work, so a space created today waits
        for the next night.
        """
        pages = [
            (key, offset, page_id)
            for key in self.org.space_keys_on(max(0, self.day_index - 1))
            for offset, page_id in enumerate(self.org.spaces[key].page_ids)
        ]
        if n_pages >= len(pages):
            return pages
        first = self.day_index * n_pages % len(pages)
        return [pages[(first + step) % len(pages)] for step in range(n_pages)]

    def _list_space(self, time_ms, key, start):
        n_listed = min(_LISTING_LIMIT, len(self.org.spaces[key].page_ids) - start)
        uri = (
            f"/rest/api/space/{key}/content/page?limit={_LISTING_LIMIT}"
            f"&start={start}&expand=version"
        )
        time_ms = self._send(time_ms, uri, 250, 3_000 + 450 * n_listed)
        return time_ms + int(self.rng.integers(300, 900))

    def _fetch(self, time_ms, page):
        uri = f"/rest/api/content/{page.page_id}?expand=body.storage,version,space"
        time_ms = self._send(time_ms, uri, 120, page.size // 2)
        return time_ms + int(self.rng.integers(300, 900))

    def _send(self, time_ms, uri, median_ms, size):
        self.log.add(
            time_ms,
            self.indexer.name,
            self.indexer.client_address,
            "GET",
            uri,
            200,
            draw_duration(self.rng, median_ms),
            size,
            "-",
            self.indexer.user_agent,
        )
        return time_ms
