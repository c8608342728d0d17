"""The wiki of the simulated organisation: spaces, pages, blog posts and attachments."""

import datetime as dt

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._organisation import Attachment, Page, Space

_FIRST_PAGE_ID = 1_540_097
# Pages per member of the owning department, for the first and for later spaces.
_PAGES_PER_MEMBER = (30, 15)
_MIN_PAGES_PER_SPACE = 30
_BLOG_HISTORY_DAYS = 120
# Exponent of the Zipf-like popularity of pages inside a space.
_POPULARITY_EXPONENT = 1.1


class WikiBuilder:
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

    def add_new_space(self, key, name, department, topics, n_pages, first_day):
        """Add a department space created on day ``first_day``, without blog posts.

        Its pages contain the work the department moves over from its older spaces.
        """
        self.add_space(
            key, name, "department", department, topics, n_pages, 0, first_day
        )

    def add_space(
        self, key, name, kind, department, topics, n_pages, n_blogs, first_day=0
    ):
        titles = _page_titles(name, topics, n_pages, self.rng)
        page_ids = tuple(self._add_page(key, title, None) for title in titles)
        blog_ids = self._add_blogs(key, topics, n_blogs)
        space = Space(key, name, kind, department, page_ids, blog_ids, first_day)
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
