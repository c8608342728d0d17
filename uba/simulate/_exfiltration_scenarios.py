"""Scenarios that take content away or hunt for secrets: exports, downloads, searches."""

import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._reading_scenarios import draw_page_uri, read_pages
from uba.simulate._scenarios import (
    Scenario,
    check_hour,
    check_positive,
    check_share,
    draw_by_size,
    register_scenario,
)

# Words of a search term too common in page titles to make a page a hit on their own.
_WEAK_WORDS = frozenset({"key", "admin"})


def popular_pages(organisation, space_key, n_pages, rng):
    """Draw up to ``n_pages`` distinct pages of a space, more popular ones likelier."""
    space = organisation.spaces[space_key]
    count = min(n_pages, len(space.page_ids))
    chosen = rng.choice(
        len(space.page_ids), size=count, replace=False, p=space.page_weights
    )
    return [organisation.pages[space.page_ids[index]] for index in chosen]


@register_scenario
@dataclass(frozen=True)
class ExportBurst(Scenario):
    """A user exports dozens of pages to PDF and Word in a burst, then a whole space.

    The user opens each page briefly in the usual browser and exports it, moving
    through a few spaces, mostly popular pages. At the end the largest of these
    spaces is exported as an XML or HTML archive.

    Parameters
    ----------
    user : str, optional
        Exporter; drawn from the ordinary staff by default.
    day : int, default=-1
        Day index (last day by default).
    n_exports : int, optional
        Page exports; drawn from 25 to 60 by default.
    word_share : float, default=0.3
        Share of the page exports that go to Word; the rest go to PDF.
    n_spaces : int, default=3
        Department or company spaces to export from, larger ones being likelier.
    space_export : bool, default=True
        Whether to export a whole space at the end.
    export_format : {"xml", "html"}, default="xml"
        Format of the space export.
    start_hour : float, optional
        Server-local hour the burst starts; drawn from 10 to 16 by default.
    """

    name: ClassVar[str] = "export_burst"

    n_exports: int | None = None
    word_share: float = 0.3
    n_spaces: int = 3
    space_export: bool = True
    export_format: str = "xml"
    start_hour: float | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_exports", self.n_exports, integer=True)
        check_share(self, "word_share", self.word_share)
        check_positive(self, "n_spaces", self.n_spaces, integer=True)
        check_hour(self, self.start_hour)
        if not isinstance(self.space_export, bool | np.bool_):
            raise ValueError(
                f"{self.name}: 'space_export' must be True or False, "
                f"got {self.space_export!r}"
            )
        if self.export_format not in ("xml", "html"):
            raise ValueError(
                f"{self.name}: 'export_format' must be 'xml' or 'html', "
                f"got {self.export_format!r}"
            )

    def inject(self, context):
        """Add the page views, the exports and the space export; return the label."""
        rng = context.rng
        organisation = context.organisation
        n_exports = self.n_exports or int(rng.integers(25, 61))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(10.0, 16.0))
        keys = organisation.space_keys_on(context.day_index, include_personal=False)
        keys = draw_by_size(organisation, keys, rng)[: self.n_spaces]
        pages = self._pages(organisation, keys, n_exports, rng)

        browser = context.browser()
        time_ms = context.time_ms(start_hour)
        referer = "-"
        for page in pages:
            uri = draw_page_uri(page, rng)
            dwell = int(rng.integers(4_000, 12_000))
            browser.view(time_ms, page, uri, referer, dwell)
            referer = cat.BASE_URL + uri
            word = bool(rng.random() < self.word_share)
            time_ms = browser.export(time_ms + dwell // 2, page, referer, word=word)
            time_ms += int(rng.integers(2_000, 8_000))
        if self.space_export:
            browser.space_export(time_ms, keys[0], referer, self.export_format)
        return context.label(self)

    def _pages(self, organisation, keys, n_exports, rng):
        """Draw ``n_exports`` distinct pages, the same number from each space."""
        per_space = int(np.ceil(n_exports / len(keys)))
        pages = []
        for key in keys:
            pages.extend(popular_pages(organisation, key, per_space, rng))
        return pages[:n_exports]


@register_scenario
@dataclass(frozen=True)
class AttachmentHarvest(Scenario):
    """A user downloads the document attachments of several spaces one by one.

    The user opens the attachment list of each space
    (``/spaces/listattachmentsforspace.action``) and downloads the PDF, Word, Excel,
    PowerPoint and zip attachments in page-tree order, from the spaces with the
    most documents first.

    Parameters
    ----------
    user : str, optional
        Harvester; drawn from the ordinary staff by default.
    day : int, default=-1
        Day index (last day by default).
    n_downloads : int, optional
        Attachments to download; drawn from 60 to 180 by default. Capped by the
        documents of all department and company spaces.
    n_spaces : int, default=5
        Spaces to harvest; further spaces are used when these hold too few
        documents.
    start_hour : float, optional
        Server-local hour the harvest starts; drawn from 10 to 16 by default.
    """

    name: ClassVar[str] = "attachment_harvest"

    n_downloads: int | None = None
    n_spaces: int = 5
    start_hour: float | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_downloads", self.n_downloads, integer=True)
        check_positive(self, "n_spaces", self.n_spaces, integer=True)
        check_hour(self, self.start_hour)

    def inject(self, context):
        """Add the list pages and the downloads; return the label of the day."""
        rng = context.rng
        n_downloads = self.n_downloads or int(rng.integers(60, 181))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(10.0, 16.0))
        documents = self._documents_by_space(context)
        keys = self._space_order(documents, rng)

        browser = context.browser()
        time_ms = context.time_ms(start_hour)
        referer = "-"
        remaining = n_downloads
        for position, key in enumerate(keys):
            if remaining <= 0:
                break
            # An even share from each of the first n_spaces spaces; later spaces
            # make up for spaces with too few documents.
            spaces_left = max(1, self.n_spaces - position)
            chosen = documents[key][: int(np.ceil(remaining / spaces_left))]
            time_ms, referer = self._harvest_space(
                browser, key, chosen, time_ms, referer, rng
            )
            remaining -= len(chosen)
        return context.label(self)

    def _documents_by_space(self, context):
        """Return ``(page, attachment)`` pairs of documents by space, in tree order."""
        organisation = context.organisation
        documents = {}
        for key in organisation.space_keys_on(context.day_index, False):
            pairs = [
                (page, attachment)
                for page_id in organisation.spaces[key].page_ids
                for page in (organisation.pages[page_id],)
                for attachment in page.attachments
                if attachment.filename.rsplit(".", 1)[-1] in cat.DOCUMENT_EXTENSIONS
            ]
            if pairs:
                documents[key] = pairs
        if not documents:
            raise ValueError(
                f"{self.name}: the wiki has no document attachments; use a larger "
                "organisation"
            )
        return documents

    def _space_order(self, documents, rng):
        """Shuffle the spaces so that those with more documents tend to come first."""
        keys = list(documents)
        counts = np.array([len(documents[key]) for key in keys], float)
        order = rng.choice(
            len(keys), size=len(keys), replace=False, p=counts / counts.sum()
        )
        return [keys[index] for index in order]

    def _harvest_space(self, browser, key, pairs, time_ms, referer, rng):
        """Open the space's attachment list and download ``pairs``; return time, URL."""
        uri = f"/spaces/listattachmentsforspace.action?key={key}"
        browser.send(
            time_ms, "GET", uri, 200, 400, int(rng.integers(30_000, 90_000)), referer
        )
        list_url = cat.BASE_URL + uri
        time_ms += int(rng.integers(5_000, 20_000))
        for page, attachment in pairs:
            time_ms = browser.download_attachment(time_ms, page, list_url, attachment)
        return time_ms, list_url


@register_scenario
@dataclass(frozen=True)
class CredentialHunt(Scenario):
    """A user searches for passwords, keys and tokens, and opens the hits.

    Each search goes through the site search (``/dosearchsite.action``). A page is a
    hit when its title contains a word of the search term. The user opens one to
    ``max_hits_read`` hits of each search, with the search page as referer.

    Parameters
    ----------
    user : str, optional
        Hunter; drawn from the ordinary staff by default.
    day : int, default=-1
        Day index (last day by default).
    terms : tuple of str, optional
        Search terms, used in a random order and repeated when ``n_searches`` is
        larger; by default ``password``, ``credentials``, ``secret``, ``token``,
        ``vpn``, ``ssh key``, ``api key``, ``admin password``, ``service account``
        and ``private key``.
    n_searches : int, optional
        Searches to run; drawn from 8 to 14 by default.
    max_hits_read : int, default=4
        Most hits opened after one search.
    start_hour : float, optional
        Server-local hour the hunt starts; drawn from 10 to 17 by default.
    """

    name: ClassVar[str] = "credential_hunt"

    terms: tuple[str, ...] = cat.CREDENTIAL_TERMS
    n_searches: int | None = None
    max_hits_read: int = 4
    start_hour: float | None = None

    def validate(self):
        """Check the parameters; raise ``ValueError`` naming the invalid one."""
        super().validate()
        check_positive(self, "n_searches", self.n_searches, integer=True)
        check_positive(self, "max_hits_read", self.max_hits_read, integer=True)
        check_hour(self, self.start_hour)
        terms = self.terms
        if (
            not isinstance(terms, tuple | list)
            or not terms
            or not all(isinstance(term, str) and term.strip() for term in terms)
        ):
            raise ValueError(
                f"{self.name}: 'terms' must be a non-empty tuple of non-empty "
                f"strings, got {terms!r}"
            )

    def inject(self, context):
        """Add the searches and the reading of the hits; return the label."""
        rng = context.rng
        n_searches = self.n_searches or int(rng.integers(8, 15))
        start_hour = self.start_hour
        if start_hour is None:
            start_hour = float(rng.uniform(10.0, 17.0))
        order = rng.permutation(len(self.terms))
        terms = [self.terms[order[i % len(order)]] for i in range(n_searches)]

        browser = context.browser()
        time_ms = context.time_ms(start_hour)
        referer = "-"
        for term in terms:
            time_ms, search_url = browser.site_search(time_ms, term, referer)
            hits = self._hits(context, term)
            if hits:
                n_read = int(rng.integers(1, min(self.max_hits_read, len(hits)) + 1))
                chosen = rng.choice(len(hits), size=n_read, replace=False)
                for index in chosen:
                    time_ms, _ = read_pages(
                        context, browser, [hits[index]], time_ms, 40.0, search_url
                    )
            referer = search_url
            time_ms += int(rng.integers(5_000, 30_000))
        return context.label(self)

    def _hits(self, context, term):
        """Return the pages of existing spaces whose title has a word of ``term``."""
        words = {
            word
            for word in term.lower().split()
            if len(word) >= 3 and word not in _WEAK_WORDS
        } or set(term.lower().split())
        organisation = context.organisation
        hits = []
        for key in organisation.space_keys_on(context.day_index):
            for page_id in organisation.spaces[key].page_ids:
                page = organisation.pages[page_id]
                title_words = set(re.findall(r"[a-z0-9]+", page.title.lower()))
                if words & title_words:
                    hits.append(page)
        return hits
