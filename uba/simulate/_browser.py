"""A person's web browser: each user action with the requests the browser sends for it.

A page view in Confluence is one HTML request followed by static resources, images and
XHRs that carry the page URL as referer, and by ``quickreload`` polls for as long as the
page stays open. Every method takes and returns times in epoch milliseconds.
"""

import datetime as dt
from urllib.parse import quote

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._urls import tiny_link_code

_QUICKRELOAD_INTERVAL_MS = 30_000
_MYWORK_INTERVAL_MS = 300_000
_MAX_DWELL_MS = 20 * 60_000


def draw_duration(rng, median_ms, sigma=0.6, minimum=1):
    """Draw a server processing time in milliseconds from a lognormal law."""
    return max(minimum, int(rng.lognormal(np.log(median_ms), sigma)))


class Browser:
    """One person's browser during one day.

    Parameters
    ----------
    log : RequestLog
        Receives the requests.
    user : User
        Whose browser this is.
    rng : numpy.random.Generator
        Source of randomness.
    server_clock : ZoneClock
        Zone of the server; names of generated export files use its local time.
    day_index : int
        Simulated day, used to record edits.
    resource_prefix : str
        ``/s/...`` prefix of the installation's static web resources.
    warm_cache : bool, default=True
        Whether static resources are already in the browser cache, so they return 304.
    client : str, optional
        Client address; defaults to the user's usual one.
    user_agent : str, optional
        ``User-Agent`` header; defaults to the user's usual browser.
    """

    def __init__(
        self,
        log,
        user,
        rng,
        server_clock,
        day_index,
        resource_prefix,
        warm_cache=True,
        client=None,
        user_agent=None,
    ):
        self.log = log
        self.user = user
        self.rng = rng
        self.server_clock = server_clock
        self.day_index = day_index
        self.resource_prefix = resource_prefix
        self.client = client or user.client_address
        self.user_agent = user_agent or user.user_agent
        self._warm_cache = warm_cache
        self._loaded_resources = False
        self._editor_loaded = False
        self._seen_images = set()
        self._nonce = 0

    def send(
        self,
        time_ms,
        method,
        uri,
        status,
        duration_ms,
        size,
        referer="-",
        anonymous=False,
    ):
        """Add one request from this browser."""
        user = "-" if anonymous else self.user.name
        self.log.add(
            time_ms,
            user,
            self.client,
            method,
            uri,
            status,
            duration_ms,
            size,
            referer,
            self.user_agent,
        )

    def login(self, time_ms, failed_first=False):
        """Log in through the login form and land on the dashboard.

        Returns
        -------
        tuple of (int, str)
            Time after the dashboard has loaded, and the dashboard URL.
        """
        rng = self.rng
        self.send(time_ms, "GET", "/", 302, draw_duration(rng, 8), 0, anonymous=True)
        login_uri = (
            "/login.action?os_destination=%2Findex.action&permissionViolation=true"
        )
        time_ms += 40 + int(rng.integers(0, 200))
        self.send(
            time_ms,
            "GET",
            login_uri,
            200,
            draw_duration(rng, 60),
            int(rng.integers(9_000, 12_000)),
            anonymous=True,
        )
        login_url = cat.BASE_URL + login_uri
        self._resources(time_ms + 150, cat.LOGIN_RESOURCES, login_url, anonymous=True)

        time_ms += int(rng.lognormal(np.log(6_000), 0.5))
        if failed_first:
            self.send(
                time_ms,
                "POST",
                "/dologin.action",
                200,
                draw_duration(rng, 300),
                int(rng.integers(9_000, 12_000)),
                login_url,
                anonymous=True,
            )
            time_ms += int(rng.lognormal(np.log(8_000), 0.5))

        # NOTE: whether a successful POST /dologin.action already carries the user name
        # in X-AUSERNAME is unverified; the simulator writes the name.
        self.send(
            time_ms,
            "POST",
            "/dologin.action",
            302,
            draw_duration(rng, 250),
            0,
            login_url,
        )
        return self.dashboard(time_ms + 60, login_url)

    def dashboard(self, time_ms, referer="-"):
        """Open the dashboard ``/index.action``; return the end time and its URL."""
        rng = self.rng
        duration = draw_duration(rng, 350)
        self.send(
            time_ms,
            "GET",
            "/index.action",
            200,
            duration,
            int(rng.integers(30_000, 70_000)),
            referer,
        )

        url = cat.BASE_URL + "/index.action"
        after = time_ms + duration + 30
        self._page_resources(after, url)
        self._start_xhrs(time_ms)

        # The "recently updated" stream of the dashboard loads by XHR.
        updates = (
            "/rest/dashboardmacros/1.0/updates?maxResults=40&tab=all"
            f"&showProfilePic=true&labels=&spaces=&users=&types=&_={self._next()}"
        )
        self.send(
            after + 400,
            "GET",
            updates,
            200,
            draw_duration(rng, 180),
            int(rng.integers(4_000, 20_000)),
            url,
        )
        self._mywork(after + 600, url)
        self._analytics(after + int(rng.integers(2_000, 6_000)), url)

        return after + int(rng.lognormal(np.log(8_000), 0.6)), url

    def view(self, time_ms, page, uri, referer, dwell_ms, status=200):
        """View a page and keep it open for ``dwell_ms``; return the time it is left.

        Parameters
        ----------
        time_ms : int
            Time of the HTML request.
        page : Page
            Page shown; its id goes into the follow-up XHRs.
        uri : str
            Requested URI, in any of the page URL shapes.
        referer : str
            ``Referer`` of the HTML request.
        dwell_ms : int
            How long the page stays open.
        status : int, default=200
            Status of the HTML request; error pages bring no XHRs.

        Returns
        -------
        int
        """
        rng = self.rng
        dwell_ms = min(dwell_ms, _MAX_DWELL_MS)
        duration = draw_duration(rng, 260 if status == 200 else 40)
        size = page.size if status == 200 else int(rng.integers(6_000, 9_000))
        self.send(time_ms, "GET", uri, status, duration, size, referer)
        url = cat.BASE_URL + uri
        after = time_ms + duration + int(rng.integers(10, 120))
        self._page_resources(after, url)
        if status != 200:
            return time_ms + min(dwell_ms, 5_000)

        self._images(after + 100, page, url)
        self._start_xhrs(time_ms)
        self._page_xhrs(after, page, url)
        self._polls(time_ms, after, page, url, dwell_ms)
        return time_ms + dwell_ms

    def quick_search(self, time_ms, terms, referer):
        """Type ``terms`` into the header search box; return the time of the choice."""
        rng = self.rng
        typed = ""
        for word in terms.split(" "):
            typed = f"{typed} {word}".strip()
            time_ms += int(rng.integers(400, 1_600))
            query = quote(typed, safe="").replace("%20", "+")
            uri = f"/rest/quicknav/1/search?query={query}&_={self._next()}"
            self.send(
                time_ms,
                "GET",
                uri,
                200,
                draw_duration(rng, 60),
                int(rng.integers(600, 5_000)),
                referer,
            )
        return time_ms + int(rng.integers(800, 3_000))

    def site_search(self, time_ms, terms, referer, where=None):
        """Run a full search; return the time a result is clicked and the search URL."""
        rng = self.rng
        query = quote(terms, safe="").replace("%20", "+")
        uri = f"/dosearchsite.action?queryString={query}"
        if where is not None:
            uri += f"&where={quote(where, safe='')}"
        duration = draw_duration(rng, 450)
        self.send(
            time_ms,
            "GET",
            uri,
            200,
            duration,
            int(rng.integers(25_000, 60_000)),
            referer,
        )
        url = cat.BASE_URL + uri
        self._page_resources(time_ms + duration + 30, url)
        self._mywork(time_ms + duration + 500, url)
        self._analytics(time_ms + duration + int(rng.integers(1_500, 4_000)), url)
        return time_ms + duration + int(rng.lognormal(np.log(9_000), 0.6)), url

    def tiny_link(self, time_ms, page):
        """Follow a ``/x/CODE`` link from chat; return the time and the target URI."""
        code = tiny_link_code(page.page_id)
        self.send(time_ms, "GET", f"/x/{code}", 302, draw_duration(self.rng, 15), 0)
        return time_ms + 50, f"/pages/viewpage.action?pageId={page.page_id}"

    def download_attachment(self, time_ms, page, page_url, attachment=None):
        """Download one attachment of ``page``; return the end time.

        Without ``attachment`` the browser sometimes opens the attachment list of the
        page first, then downloads one attachment drawn at random.
        """
        rng = self.rng
        if attachment is not None:
            return self._download(time_ms, page, attachment, page_url)
        if rng.random() < 0.3:
            uri = f"/pages/viewpageattachments.action?pageId={page.page_id}"
            self.send(
                time_ms,
                "GET",
                uri,
                200,
                draw_duration(rng, 200),
                int(rng.integers(20_000, 40_000)),
                page_url,
            )
            page_url = cat.BASE_URL + uri
            time_ms += int(rng.integers(3_000, 15_000))

        attachment = page.attachments[rng.integers(len(page.attachments))]
        return self._download(time_ms, page, attachment, page_url)

    def _download(self, time_ms, page, attachment, referer):
        rng = self.rng
        uri = (
            f"/download/attachments/{page.page_id}/{quote(attachment.filename)}"
            f"?version={attachment.version}"
            f"&modificationDate={attachment.modified_ms}&api=v2"
        )
        duration = 20 + attachment.size // 8_000 + draw_duration(rng, 20)
        self.send(time_ms, "GET", uri, 200, duration, attachment.size, referer)
        return time_ms + duration + int(rng.integers(2_000, 10_000))

    def export(self, time_ms, page, page_url, word=None):
        """Export ``page`` to PDF or Word; return the end time.

        ``word=None`` draws the format: Word for about 15 % of the exports.
        """
        rng = self.rng
        if word is None:
            word = rng.random() < 0.15
        if word:
            duration = draw_duration(rng, 900)
            self.send(
                time_ms,
                "GET",
                f"/exportword?pageId={page.page_id}",
                200,
                duration,
                page.size * 2,
                page_url,
            )
            return time_ms + duration + 2_000

        duration = draw_duration(rng, 2_500)
        self.send(
            time_ms,
            "GET",
            f"/spaces/flyingpdf/pdfpageexport.action?pageId={page.page_id}",
            302,
            duration,
            0,
            page_url,
        )
        time_ms += duration + 40
        self.send(
            time_ms,
            "GET",
            self._pdf_download_uri(time_ms, page),
            200,
            draw_duration(rng, 40),
            page.size * 5,
            page_url,
        )
        return time_ms + int(rng.integers(2_000, 8_000))

    def space_export(self, time_ms, space_key, referer, export_format="xml"):
        """Export a whole space to XML or HTML and download the archive.

        The export form is ``/spaces/exportspace.action``, which posts to
        ``/spaces/doexportspace.action``; the archive then comes from
        ``/download/temp/``. Returns the time the archive has arrived.
        """
        rng = self.rng
        form = f"/spaces/exportspace.action?key={space_key}"
        self.send(
            time_ms,
            "GET",
            form,
            200,
            draw_duration(rng, 150),
            int(rng.integers(12_000, 16_000)),
            referer,
        )
        form_url = cat.BASE_URL + form
        time_ms += int(rng.integers(5_000, 20_000))
        duration = draw_duration(rng, 20_000)
        self.send(
            time_ms,
            "POST",
            f"/spaces/doexportspace.action?key={space_key}",
            302,
            duration,
            0,
            form_url,
        )
        time_ms += duration + int(rng.integers(2_000, 6_000))
        stamp = self._server_time_text(time_ms)[9:]
        archive = (
            f"/download/temp/Confluence-space-export-{stamp}-"
            f"{int(rng.integers(100, 999))}.{export_format}.zip"
        )
        size = int(rng.integers(5_000_000, 60_000_000))
        duration = 40 + size // 20_000
        self.send(time_ms, "GET", archive, 200, duration, size, form_url)
        return time_ms + duration

    def edit(self, time_ms, page, page_url):
        """Edit and save ``page``, then view the result; return the time it is left."""
        rng = self.rng
        edit_uri = f"/pages/editpage.action?pageId={page.page_id}"
        duration = draw_duration(rng, 900)
        self.send(
            time_ms,
            "GET",
            edit_uri,
            200,
            duration,
            int(rng.integers(60_000, 140_000)),
            page_url,
        )
        edit_url = cat.BASE_URL + edit_uri
        resource_status = 304 if self._editor_loaded or self._warm_cache else 200
        for offset, (path, size) in enumerate(cat.EDITOR_RESOURCES):
            self._resource(
                time_ms + duration + 20 * offset, path, size, resource_status, edit_url
            )
        self._editor_loaded = True

        end = time_ms + int(rng.lognormal(np.log(240_000), 0.8))
        self._editor_traffic(time_ms + duration, end, page, edit_url)
        self.send(
            end,
            "POST",
            f"/pages/doeditpage.action?pageId={page.page_id}",
            302,
            draw_duration(rng, 700),
            0,
            edit_url,
        )
        self.log.record_edit(self.day_index, page.page_id)

        uri = page_url.removeprefix(cat.BASE_URL)
        dwell = int(rng.lognormal(np.log(15_000), 0.6))
        return self.view(end + 800, page, uri, edit_url, dwell)

    def page_history(self, time_ms, page, page_url):
        """Open the history of ``page`` and sometimes a diff; return the end time."""
        rng = self.rng
        uri = f"/pages/viewpreviousversions.action?pageId={page.page_id}"
        self.send(
            time_ms,
            "GET",
            uri,
            200,
            draw_duration(rng, 300),
            int(rng.integers(20_000, 45_000)),
            page_url,
        )
        time_ms += int(rng.integers(4_000, 20_000))
        if rng.random() < 0.5:
            version = int(rng.integers(2, 9))
            diff = (
                f"/pages/diffpagesbyversion.action?pageId={page.page_id}"
                f"&selectedPageVersions={version}"
                f"&selectedPageVersions={version - 1}"
            )
            self.send(
                time_ms,
                "GET",
                diff,
                200,
                draw_duration(rng, 400),
                int(rng.integers(30_000, 80_000)),
                cat.BASE_URL + uri,
            )
            time_ms += int(rng.integers(10_000, 40_000))
        return time_ms

    def like(self, time_ms, page, page_url):
        """Like ``page``; return the end time."""
        self.send(
            time_ms,
            "POST",
            f"/rest/likes/1.0/content/{page.page_id}/likes",
            200,
            draw_duration(self.rng, 80),
            int(self.rng.integers(150, 400)),
            page_url,
        )
        return time_ms + 1_000

    def page_tree(self, time_ms, parent_id, page_url):
        """Expand the sidebar page tree under ``parent_id``."""
        uri = (
            "/plugins/pagetree/naturalchildren.action?decorator=none&excerpt=false"
            "&sort=position&reverse=false&disableLinks=false&expandCurrent=true"
            f"&hasRoot=true&pageId={parent_id}&treeId=0&startDepth=0"
            f"&_={self._next()}"
        )
        self.send(
            time_ms,
            "GET",
            uri,
            200,
            draw_duration(self.rng, 120),
            int(self.rng.integers(2_000, 12_000)),
            page_url,
        )

    def admin_visit(self, time_ms, referer, other_user, space_key, n_pages=None):
        """Confirm the password (secure administrator session) and browse admin pages.

        Parameters
        ----------
        time_ms : int
            Time of the first request.
        referer : str
            URL the administrator comes from.
        other_user : str
            Username shown by the user administration pages.
        space_key : str
            Space shown by the space permission page.
        n_pages : int, optional
            Admin pages to open; drawn from 2 to 5 by default.

        Returns
        -------
        int
            Time the last admin page is left.
        """
        rng = self.rng
        auth_uri = "/authenticate.action?destination=%2Fadmin%2Fconsole.action"
        self.send(
            time_ms,
            "GET",
            auth_uri,
            200,
            draw_duration(rng, 80),
            int(rng.integers(8_000, 10_000)),
            referer,
        )
        time_ms += int(rng.integers(4_000, 12_000))
        self.send(
            time_ms,
            "POST",
            "/doauthenticate.action",
            302,
            draw_duration(rng, 200),
            0,
            cat.BASE_URL + auth_uri,
        )

        referer = cat.BASE_URL + auth_uri
        for _ in range(n_pages or int(rng.integers(2, 6))):
            time_ms += int(rng.integers(300, 2_000))
            path = cat.ADMIN_PAGES[rng.integers(len(cat.ADMIN_PAGES))]
            uri = path.format(user=other_user, space=space_key)
            duration = draw_duration(rng, 300)
            self.send(
                time_ms,
                "GET",
                uri,
                200,
                duration,
                int(rng.integers(15_000, 60_000)),
                referer,
            )
            referer = cat.BASE_URL + uri
            self._page_resources(time_ms + duration + 20, referer)
            self._analytics(time_ms + duration + 2_000, referer)
            time_ms += int(rng.lognormal(np.log(30_000), 0.7))
        return time_ms

    def _next(self):
        """Return jQuery's cache-busting ``_`` value for the next XHR."""
        self._nonce += 1
        return self._nonce

    def _start_xhrs(self, load_ms):
        # jQuery seeds its counter with the page-load time in milliseconds.
        self._nonce = int(load_ms) + int(self.rng.integers(50, 400))

    def _page_resources(self, time_ms, referer):
        """Fetch the page's web resources: all on the first view, a few later."""
        if not self._loaded_resources:
            self._resources(time_ms, cat.PAGE_RESOURCES, referer)
            self._loaded_resources = True
        elif self.rng.random() < 0.3:
            path, size = cat.PAGE_RESOURCES[2 + self.rng.integers(2)]
            self._resource(time_ms, path, size, 304, referer)

    def _resources(self, time_ms, resources, referer, anonymous=False):
        status = 304 if self._warm_cache else 200
        for offset, (path, size) in enumerate(resources):
            self._resource(
                time_ms + 15 * offset, path, size, status, referer, anonymous
            )

    def _resource(self, time_ms, path, size, status, referer, anonymous=False):
        duration = draw_duration(self.rng, 4 if status == 304 else 25)
        self.send(
            time_ms,
            "GET",
            self.resource_prefix + path,
            status,
            duration,
            size if status == 200 else 0,
            referer,
            anonymous,
        )

    def _images(self, time_ms, page, url):
        for offset, image in enumerate(page.images):
            key = (page.page_id, image.filename)
            status = 304 if key in self._seen_images or self._warm_cache else 200
            self._seen_images.add(key)
            uri = (
                f"/download/attachments/{page.page_id}/{image.filename}"
                f"?version={image.version}&modificationDate={image.modified_ms}"
                "&api=v2"
            )
            self.send(
                time_ms + 30 * offset,
                "GET",
                uri,
                status,
                draw_duration(self.rng, 12),
                image.size if status == 200 else 0,
                url,
            )

    def _page_xhrs(self, after, page, url):
        rng = self.rng
        page_id = page.page_id
        self._mywork(after + int(rng.integers(300, 1_500)), url, page_id)
        self.send(
            after + int(rng.integers(300, 1_500)),
            "GET",
            f"/rest/likes/1.0/content/{page_id}/likes?commentLikes=true"
            f"&_={self._next()}",
            200,
            draw_duration(rng, 30),
            int(rng.integers(80, 600)),
            url,
        )
        self.send(
            after + int(rng.integers(300, 1_800)),
            "GET",
            f"/rest/inlinecomments/1.0/comments?containerId={page_id}&_={self._next()}",
            200,
            draw_duration(rng, 35),
            int(rng.integers(2, 3_000)),
            url,
        )
        if rng.random() < 0.2:
            self.send(
                after + int(rng.integers(500, 2_500)),
                "GET",
                f"/rest/jira-metadata/1.0/metadata/aggregate?pageId={page_id}"
                f"&_={self._next()}",
                200,
                draw_duration(rng, 90),
                int(rng.integers(40, 400)),
                url,
            )
        self._analytics(after + int(rng.integers(2_000, 7_000)), url)

    def _polls(self, load_ms, after, page, url, dwell_ms):
        """Poll ``quickreload`` and the Workbox count while the page stays open."""
        rng = self.rng
        since = load_ms
        poll = load_ms + _QUICKRELOAD_INTERVAL_MS + int(rng.integers(0, 1_000))
        while poll < load_ms + dwell_ms:
            uri = (
                f"/rest/quickreload/latest/{page.page_id}?since={since}"
                f"&_={self._next()}"
            )
            has_news = rng.random() < 0.03
            self.send(
                poll,
                "GET",
                uri,
                200 if has_news else 204,
                draw_duration(rng, 10),
                150 if has_news else 0,
                url,
            )
            since = poll
            poll += _QUICKRELOAD_INTERVAL_MS + int(rng.integers(0, 1_000))

        check = load_ms + _MYWORK_INTERVAL_MS
        while check < load_ms + dwell_ms:
            self._mywork(check, url, page.page_id)
            check += _MYWORK_INTERVAL_MS
        if dwell_ms > 180_000:
            self._analytics(load_ms + dwell_ms - int(rng.integers(100, 1_000)), url)

    def _mywork(self, time_ms, url, page_id=None):
        query = f"pageid={page_id}&" if page_id is not None else ""
        self.send(
            time_ms,
            "GET",
            f"/rest/mywork/latest/status/notification/count?{query}_={self._next()}",
            200,
            draw_duration(self.rng, 15),
            int(self.rng.integers(20, 60)),
            url,
        )

    def _analytics(self, time_ms, url):
        self.send(
            time_ms,
            "POST",
            "/rest/analytics/1.0/publish/bulk",
            200,
            draw_duration(self.rng, 8),
            0,
            url,
        )

    def _editor_traffic(self, start, end, page, edit_url):
        """Send draft saves and heartbeats while the editor is open."""
        rng = self.rng
        time_ms = start + int(rng.integers(20_000, 40_000))
        while time_ms < end:
            self.send(
                time_ms,
                "POST",
                "/rest/tinymce/1/drafts",
                200,
                draw_duration(rng, 90),
                int(rng.integers(200, 800)),
                edit_url,
            )
            if rng.random() < 0.5:
                self.send(
                    time_ms + 200,
                    "POST",
                    "/json/startheartbeatactivity.action",
                    200,
                    draw_duration(rng, 20),
                    int(rng.integers(40, 120)),
                    edit_url,
                )
            time_ms += int(rng.integers(30_000, 60_000))

    def _server_time_text(self, time_ms):
        """Return the server-local time as ``YYYYMMDD-HHMMSS``."""
        epoch_s = time_ms // 1000
        local = dt.datetime.fromtimestamp(epoch_s, dt.UTC) + dt.timedelta(
            seconds=self.server_clock.offset_seconds(epoch_s)
        )
        return local.strftime("%Y%m%d-%H%M%S")

    def _pdf_download_uri(self, time_ms, page):
        stamp = self._server_time_text(time_ms)
        counter = int(self.rng.integers(1000, 9999))
        name = "".join(c for c in page.title if c.isalnum())[:40] or "export"
        folder = f"pdfexport-{stamp}-{counter}-{int(self.rng.integers(1, 99))}"
        file_name = f"{page.space_key.lstrip('~')}-{name}-{stamp[9:]}-{counter}.pdf"
        return f"/download/temp/{folder}/{file_name}?contentType=application/pdf"
