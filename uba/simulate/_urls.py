"""Build the Confluence URLs that the simulated browsers and scripts request."""

import base64
from urllib.parse import quote

# Confluence links a page by its id instead of its title when the title contains one of
# these characters or ends in a character that is not a letter or digit (Atlassian KB
# "The differences between various URL formats for a Confluence page").
_UNSAFE_TITLE_CHARACTERS = frozenset('%&?/\\;"§+:')


def is_display_safe(title):
    """Return whether Confluence would link ``title`` under ``/display/KEY/Title``."""
    if not title or not title[-1].isalnum() or not title.isascii():
        return False
    return not any(character in _UNSAFE_TITLE_CHARACTERS for character in title)


def encode_title(title):
    """Encode a title for a path segment: spaces become ``+``, the rest is quoted."""
    return "+".join(quote(word, safe="") for word in title.split(" "))


def encode_space_key(key, rng=None):
    """Encode a space key; personal keys sometimes arrive with ``~`` as ``%7E``."""
    if key.startswith("~") and rng is not None and rng.random() < 0.15:
        return "%7E" + key[1:]
    return key


def tiny_link_code(page_id):
    """Return the ``/x/CODE`` code of a content id.

    The code is base64 of the id as little-endian bytes, with trailing zero bytes and
    the ``=`` padding removed. Then ``/`` is written as ``-`` and ``+`` as ``_``.

    Examples
    --------
    >>> tiny_link_code(1183547394)
    'AoCLRg'
    """
    raw = page_id.to_bytes(8, "little").rstrip(b"\x00")
    text = base64.b64encode(raw).decode("ascii").rstrip("=")
    return text.replace("/", "-").replace("+", "_")


def page_uri(page, shape, rng=None):
    """Return the URI of a page view in one of Confluence's URL shapes.

    Parameters
    ----------
    page : Page
        The page or blog post.
    shape : {"display", "viewpage", "spaces"}
        ``/display/KEY/Title`` (blogs: ``/display/KEY/YYYY/MM/DD/Title``),
        ``/pages/viewpage.action?pageId=N`` or ``/spaces/KEY/pages/N/Title``. Titles
        that Confluence never puts in a ``/display/`` URL fall back to ``viewpage``.
    rng : numpy.random.Generator, optional
        Used to write a personal space's ``~`` as ``%7E`` now and then.

    Returns
    -------
    str
    """
    if shape == "viewpage" or not page.display_safe:
        return f"/pages/viewpage.action?pageId={page.page_id}"

    key = encode_space_key(page.space_key, rng)
    title = encode_title(page.title)
    if page.is_blog:
        day = page.published
        return f"/display/{key}/{day.year:04d}/{day.month:02d}/{day.day:02d}/{title}"
    if shape == "spaces":
        return f"/spaces/{key}/pages/{page.page_id}/{title}"
    return f"/display/{key}/{title}"


def search_terms(title, rng, n_words=None):
    """Pick one to three lower-case words of a title, as a reader would type them."""
    words = [word.lower() for word in title.replace(":", " ").split() if word.isalpha()]
    if not words:
        return "wiki"
    count = n_words or int(rng.integers(1, min(3, len(words)) + 1))
    first = int(rng.integers(0, len(words) - count + 1))
    return " ".join(words[first : first + count])
