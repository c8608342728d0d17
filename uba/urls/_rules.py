"""Route table that maps a normalised Confluence request path to an action.

Both classifiers read this table: the vectorised one runs the patterns with RE2 through
``pyarrow.compute``, the one-URL classifier runs them with Python's :mod:`re`. Every
pattern therefore uses only syntax that both engines read the same way: named groups
``(?P<name>...)``, ``(?:...)``, bracket classes, ``(?i)`` at the start and explicit
whitespace classes in place of ``\\s``, because RE2 and :mod:`re` disagree on what
``\\s`` covers.

Paths reach the patterns after normalisation: without scheme, host, ``;param`` path
parameters, repeated slashes and context path, and with every segment percent-decoded.
Patterns match case-sensitively because Tomcat maps servlet paths case-sensitively.

Named groups carry values out of a match:

* ``key``: a space key, normalised by ``normalize_space_key``.
* ``id``: a decimal content id.
* ``tiny``: a tiny-link code, decoded to a content id.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from uba._schema import ACTIONS

# Method classes, the column index of the action table.
METHOD_READ = 0  # GET, HEAD
METHOD_WRITE = 1  # POST, PUT, PATCH, DELETE
METHOD_DAV_READ = 2  # WebDAV PROPFIND
METHOD_DAV_WRITE = 3  # WebDAV MKCOL, COPY, MOVE, LOCK, UNLOCK, PROPPATCH
METHOD_OTHER = 4  # OPTIONS, TRACE, CONNECT and unknown methods
METHOD_MISSING = 5
N_METHOD_CLASSES = 6

_METHOD_CLASSES = {
    "GET": METHOD_READ,
    "HEAD": METHOD_READ,
    "POST": METHOD_WRITE,
    "PUT": METHOD_WRITE,
    "PATCH": METHOD_WRITE,
    "DELETE": METHOD_WRITE,
    "PROPFIND": METHOD_DAV_READ,
    "MKCOL": METHOD_DAV_WRITE,
    "COPY": METHOD_DAV_WRITE,
    "MOVE": METHOD_DAV_WRITE,
    "LOCK": METHOD_DAV_WRITE,
    "UNLOCK": METHOD_DAV_WRITE,
    "PROPPATCH": METHOD_DAV_WRITE,
}

# Content ids longer than this are treated as missing, so every id fits an int64.
MAX_ID_DIGITS = 18

# Normalisation steps shared by both classifiers, as (RE2 and re pattern, replacement).
ABSOLUTE_URL_PREFIX = r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*"
PATH_PARAMETERS = r";[^/]*"
REPEATED_SLASHES = r"/{2,}"
# Confluence Cloud API-gateway URLs: /ex/confluence/<cloudId>/wiki/...
CLOUD_GATEWAY_PREFIX = r"^/ex/confluence/[^/]+/wiki(/|$)"
CLOUD_GATEWAY_REPLACEMENT = r"/wiki\1"
LEADING_SEGMENTS = r"^/(?P<first>[^/]*)(?:/(?P<second>[^/]*))?"

# CQL arrives form-encoded. These replacements decode the characters that structure a
# CQL clause, so that one pattern reads both encoded and plain CQL. Any other escape
# stays in place until the extracted space key is percent-decoded on its own.
CQL_DECODING = (
    (r"\+", " "),
    (r"(?i)%20|%09|%0A|%0D", " "),
    (r"(?i)%3D", "="),
    (r"(?i)%22", '"'),
    (r"(?i)%27", "'"),
    (r"(?i)%28", "("),
    (r"(?i)%29", ")"),
    (r"(?i)%2C", ","),
)
_CQL_FIELD_START = r"(?i)(?:^|[^a-z0-9_.])"
_CQL_EQUALS_OR_IN = r"[ \t\r\n]*(?:=|in[ \t\r\n]*\()[ \t\r\n]*[\"']?"
# Matches ``space = KEY``, ``space.key = "KEY"`` and ``space in (A, B)``, but not
# ``!=`` or ``not in``. A function such as ``currentSpace()`` yields an invalid key.
CQL_SPACE_KEY = (
    _CQL_FIELD_START
    + r"space(?:\.key)?"
    + _CQL_EQUALS_OR_IN
    + (r"(?P<key>[^ \t\r\n\"',)]+)")
)
CQL_CONTENT_ID = (
    _CQL_FIELD_START
    + r"(?:id|content)"
    + _CQL_EQUALS_OR_IN
    + (r"(?P<id>[0-9]+)(?:[ \t\r\n\"',)]|$)")
)


def to_python_pattern(pattern: str) -> str:
    """Rewrite an RE2 pattern for Python's :mod:`re` with the same meaning.

    RE2's ``$`` matches only at the end of the text, while ``re``'s ``$`` also matches
    before a final newline, so every unescaped ``$`` becomes ``\\Z``.
    """
    return re.sub(r"(?<!\\)\$", r"\\Z", pattern)


def query_parameter_pattern(name: str, *, digits: bool = False) -> str:
    """Build the pattern that extracts the first value of query parameter ``name``.

    With ``digits=True`` the value must be a whole decimal number of at most
    ``MAX_ID_DIGITS`` digits.
    """
    if digits:
        return rf"(?:^|&){re.escape(name)}=(?P<value>[0-9]{{1,{MAX_ID_DIGITS}}})(?:&|$)"
    return rf"(?:^|&){re.escape(name)}=(?P<value>[^&]+)"


def method_class(method: object) -> int:
    """Return the method class of one HTTP method, ignoring case."""
    if not isinstance(method, str):
        return METHOD_MISSING
    name = method.strip().upper()
    if not name or name == "-":
        return METHOD_MISSING
    return _METHOD_CLASSES.get(name, METHOD_OTHER)


@dataclass(frozen=True)
class Rule:
    """One route: a path pattern, the actions it maps to and where its ids are.

    Attributes
    ----------
    name : str
        Short identifier of the route.
    pattern : str
        Regular expression searched in the normalised path.
    read : str
        Action for GET and HEAD.
    write : str
        Action for POST, PUT, PATCH and DELETE.
    roots : tuple of str or None
        First path segments the rule applies to; ``None`` for a generic rule, which
        runs after every rule with roots.
    page_params : tuple of str
        Query parameters that carry the content id, tried in order.
    key_params : tuple of str
        Query parameters that carry the space key, tried in order.
    cql : bool
        Whether the ``cql`` query parameter carries the space key and content id.
    webdav : bool
        Whether WebDAV methods apply: PROPFIND maps to ``read``, the WebDAV write
        methods to ``write``. Elsewhere they map to ``other``.
    """

    name: str
    pattern: str
    read: str
    write: str = "other"
    roots: tuple[str, ...] | None = None
    page_params: tuple[str, ...] = ()
    key_params: tuple[str, ...] = ()
    cql: bool = False
    webdav: bool = False

    @cached_property
    def groups(self) -> tuple[str, ...]:
        """Names of the capture groups in ``pattern``."""
        return tuple(re.compile(self.pattern).groupindex)

    @property
    def uses_query(self) -> bool:
        """Whether the query string can carry this route's space key or content id."""
        return bool(self.page_params or self.key_params or self.cql)


def _under(roots: str | tuple[str, ...], *rules: Rule) -> list[Rule]:
    """Return ``rules`` restricted to paths whose first segment is in ``roots``."""
    if isinstance(roots, str):
        roots = (roots,)
    return [dataclasses.replace(rule, roots=roots) for rule in rules]


_KEY = r"(?P<key>[^/]+)"
_ID = r"(?P<id>[0-9]+)"
_DATE = r"[0-9]{4}/[0-9]{2}/[0-9]{2}"
_REST = r"(?:/.*)?$"
# File suffixes of images that pages embed, in either letter case.
_IMAGE_SUFFIX = (
    r"\.(?:[Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg]|[Gg][Ii][Ff]|[Ss][Vv][Gg]|[Ww][Ee][Bb][Pp]"
    r"|[Bb][Mm][Pp])"
)
_PAGE = ("pageId",)
_SPACE = ("spaceKey", "key")
_CLOUD_V2_CONTENT = (
    r"(?:pages|blogposts|attachments|custom-content|footer-comments|inline-comments"
    r"|whiteboards|databases|folders|embeds)"
)

# Order matters within one root: the first matching rule wins.
RULES: tuple[Rule, ...] = (
    *_under(
        ("", "index.action", "dashboard.action"),
        Rule("dashboard", r"^/(?:index\.action|dashboard\.action)?$", "other"),
    ),
    *_under(
        "display",
        Rule("display_blog_post", rf"^/display/{_KEY}/{_DATE}/[^/]+/?$", "blog_view"),
        Rule("display_blog_day", rf"^/display/{_KEY}/{_DATE}/?$", "blog_view"),
        Rule("display_page", rf"^/display/{_KEY}{_REST}", "page_view"),
    ),
    *_under(
        "pages",
        Rule(
            "viewpage",
            r"^/pages/viewpage\.action$",
            "page_view",
            page_params=_PAGE,
            key_params=("spaceKey",),
        ),
        Rule(
            "diffpages",
            r"^/pages/diffpages(?:byversion)?\.action$",
            "page_view",
            page_params=_PAGE,
        ),
        Rule(
            "recent_blog_posts",
            r"^/pages/viewrecentblogposts\.action$",
            "blog_view",
            key_params=("key", "spaceKey"),
        ),
        Rule(
            "page_editor",
            r"^/pages/(?:do)?(?:edit|create|remove|delete|copy|move|revert|attach"
            r"|resumedraft|restore|rename|comment|addcomment|editcomment"
            r"|removecomment)[A-Za-z-]*\.action$",
            "edit",
            "edit",
            page_params=_PAGE,
            key_params=_SPACE,
        ),
        Rule(
            "download_all_attachments_action",
            r"^/pages/downloadallattachments\.action$",
            "attachment_download",
            page_params=_PAGE,
        ),
    ),
    *_under(
        "plugins",
        # The storage-format source of a page is a full copy of its content.
        Rule(
            "view_page_source",
            r"^/plugins/viewsource/viewpagesrc\.action$",
            "export",
            page_params=_PAGE,
        ),
        Rule(
            "pagetree_children",
            r"^/plugins/pagetree/naturalchildren\.action$",
            "background",
            "background",
            page_params=_PAGE,
            key_params=("spaceKey",),
        ),
        Rule("upm", rf"^/plugins/servlet/upm{_REST}", "admin", "admin"),
        Rule(
            "sso",
            rf"^/plugins/servlet/(?:samlconsumer|oidc|external-login){_REST}",
            "login",
            "login",
        ),
        Rule(
            "notifications_miniview",
            rf"^/plugins/servlet/notifications-miniview{_REST}",
            "background",
            "background",
        ),
        Rule(
            "webdav",
            rf"^/plugins/servlet/confluence/default(?:/(?:Global|Personal)/{_KEY})?"
            + _REST,
            "content_api",
            "edit",
            webdav=True,
        ),
    ),
    *_under(
        "spaces",
        Rule(
            "pdf_page_export",
            r"^/spaces/flyingpdf/pdfpageexport\.action$",
            "export",
            "export",
            page_params=_PAGE,
        ),
        Rule(
            "pdf_space_export",
            r"^/spaces/flyingpdf/(?:do)?flyingpdf\.action$",
            "space_export",
            "space_export",
            key_params=("key",),
        ),
        Rule("flyingpdf_other", rf"^/spaces/flyingpdf{_REST}", "other"),
        Rule(
            "space_export",
            r"^/spaces/(?:do)?exportspace[A-Za-z]*\.action$",
            "space_export",
            "space_export",
            key_params=("key",),
        ),
        Rule(
            "space_permissions",
            r"^/spaces/(?:do)?(?:edit)?spacepermissions\.action$",
            "admin",
            "admin",
            key_params=("key",),
        ),
        Rule(
            "space_overview_action",
            r"^/spaces/(?:viewspace|viewspacesummary)\.action$",
            "page_view",
            key_params=_SPACE,
        ),
        Rule(
            "space_action_other",
            r"^/spaces/[^/]*\.action$",
            "other",
            page_params=_PAGE,
            key_params=_SPACE,
        ),
        Rule(
            "cloud_editor",
            rf"^/spaces/{_KEY}/(?:pages|blog)/edit(?:-v2|-embed)?/{_ID}{_REST}",
            "edit",
            "edit",
        ),
        Rule("cloud_page", rf"^/spaces/{_KEY}/pages/{_ID}{_REST}", "page_view"),
        Rule(
            "cloud_blog_post",
            rf"^/spaces/{_KEY}/blog/{_DATE}/{_ID}{_REST}",
            "blog_view",
        ),
        Rule(
            "cloud_space_home",
            rf"^/spaces/{_KEY}(?:/overview)?/?$",
            "page_view",
            page_params=("homepageId",),
        ),
        Rule("cloud_space_other", rf"^/spaces/{_KEY}/.*$", "other"),
    ),
    *_under("x", Rule("tiny_link", r"^/x/(?P<tiny>[A-Za-z0-9_-]+)/?$", "page_view")),
    *_under(
        "exportword",
        Rule("word_export", r"^/exportword/?$", "export", "export", page_params=_PAGE),
    ),
    *_under(
        "download",
        # Images shown inside a page are attachments too, and the browser fetches
        # each of them whenever the page is viewed. Counting them as downloads would
        # bury deliberate downloads under page views.
        Rule(
            "embedded_image",
            rf"^/download/attachments/{_ID}/[^/]+{_IMAGE_SUFFIX}$",
            "background",
        ),
        Rule(
            "attachment",
            rf"^/download/attachments/{_ID}/.+$",
            "attachment_download",
        ),
        Rule(
            "all_attachments",
            r"^/download/all_attachments/?$",
            "attachment_download",
            page_params=_PAGE,
        ),
        Rule(
            "thumbnail",
            rf"^/download/thumbnails/{_ID}{_REST}",
            "background",
            "background",
        ),
        Rule(
            "web_resource_download",
            rf"^/download/(?:resources|batch|contextbatch|superbatch){_REST}",
            "background",
            "background",
        ),
        # NOTE: the file that a page or space export wrote. The export itself is
        # counted at the request that started it, so this fetch stays ``other``.
        Rule("export_file", rf"^/download/temp{_REST}", "other"),
    ),
    *_under(
        "rest",
        Rule(
            "rest_content_item",
            rf"^/rest/api/content/{_ID}{_REST}",
            "content_api",
            "edit",
        ),
        Rule(
            "rest_content_search",
            r"^/rest/api/content/search/?$",
            "content_api",
            cql=True,
        ),
        Rule(
            "rest_content_scan",
            r"^/rest/api/content/scan/?$",
            "content_api",
            key_params=("spaceKey",),
        ),
        Rule(
            "rest_content_list",
            r"^/rest/api/content/?$",
            "content_api",
            "edit",
            key_params=("spaceKey",),
        ),
        Rule("rest_content_other", r"^/rest/api/content/.+$", "content_api", "edit"),
        Rule(
            "rest_space_content",
            rf"^/rest/api/space/{_KEY}/content{_REST}",
            "content_api",
        ),
        Rule("rest_space", rf"^/rest/api/space(?:/{_KEY})?{_REST}", "other", "edit"),
        # /rest/api/search returns search hits (title, excerpt, link), the same
        # endpoint the site search uses, so it counts as search and not as a read.
        Rule("rest_search", rf"^/rest/api/search{_REST}", "search", cql=True),
        Rule("rest_audit", rf"^/rest/api/audit{_REST}", "admin", "admin"),
        Rule(
            "rest_prototype_content",
            rf"^/rest/prototype/[^/]+/content/{_ID}(?:\.[a-z]+)?{_REST}",
            "content_api",
            "edit",
        ),
        Rule(
            "rest_prototype_search",
            rf"^/rest/prototype/[^/]+/search(?:\.[a-z]+)?{_REST}",
            "search",
        ),
        Rule("quick_search", rf"^/rest/quicknav/[^/]+/search{_REST}", "search"),
        Rule("search_v3", rf"^/rest/searchv3{_REST}", "search", cql=True),
        Rule(
            "quickreload",
            rf"^/rest/quickreload(?:/[^/]+/{_ID})?{_REST}",
            "background",
            "background",
        ),
        Rule(
            "editor",
            rf"^/rest/tinymce(?:/[^/]+/content/{_ID})?{_REST}",
            "background",
            "edit",
        ),
        Rule(
            "labels",
            rf"^/rest/ui/[^/]+/content/{_ID}/labels{_REST}",
            "background",
            "edit",
        ),
        Rule(
            "likes",
            rf"^/rest/likes(?:/[^/]+/content/{_ID}/likes)?{_REST}",
            "background",
            "edit",
        ),
        Rule(
            "inline_comments",
            rf"^/rest/inlinecomments{_REST}",
            "background",
            "edit",
            page_params=("containerId",),
        ),
        Rule(
            "highlighting",
            rf"^/rest/highlighting{_REST}",
            "background",
            "edit",
            page_params=_PAGE,
        ),
        Rule(
            "jira_metadata",
            rf"^/rest/jira-metadata{_REST}",
            "background",
            "background",
            page_params=_PAGE,
        ),
        Rule(
            "ui_polling",
            r"^/rest/(?:mywork|analytics|webResources|helptips|shortcuts|nativemobile"
            rf"|experimental|synchrony-interop){_REST}",
            "background",
            "background",
        ),
        Rule("upm_rest", rf"^/rest/plugins{_REST}", "admin", "admin"),
    ),
    *_under(
        "api",
        Rule(
            "cloud_v2_content_item",
            # Attachment ids can carry an ``att`` prefix (att65620).
            rf"^/api/v2/{_CLOUD_V2_CONTENT}/(?:att)?{_ID}{_REST}",
            "content_api",
            "edit",
        ),
        Rule(
            "cloud_v2_content_list",
            rf"^/api/v2/{_CLOUD_V2_CONTENT}/?$",
            "content_api",
            "edit",
        ),
        Rule(
            "cloud_v2_space_content",
            rf"^/api/v2/spaces/[0-9]+/{_CLOUD_V2_CONTENT}{_REST}",
            "content_api",
        ),
    ),
    *_under(
        "json",
        Rule(
            "editor_heartbeat",
            r"^/json/(?:start|stop)heartbeatactivity\.action$",
            "background",
            "background",
        ),
        Rule("setup_restore", r"^/json/setup-restore[^/]*\.action$", "admin", "admin"),
    ),
    *_under("admin", Rule("admin", rf"^/admin{_REST}", "admin", "admin")),
    *_under("setup", Rule("setup", rf"^/setup{_REST}", "admin", "admin")),
    *_under(
        ("authenticate.action", "doauthenticate.action"),
        Rule("websudo", r"^/(?:do)?authenticate\.action$", "admin", "admin"),
    ),
    *_under(
        ("editspacepermissions.action", "doeditspacepermissions.action"),
        Rule(
            "space_permissions_root",
            r"^/(?:do)?editspacepermissions\.action$",
            "admin",
            "admin",
            key_params=("key",),
        ),
    ),
    *_under(
        (
            "login.action",
            "dologin.action",
            "logout.action",
            "forgotuserpassword.action",
            "resetuserpassword.action",
            "signup.action",
            "dosignup.action",
        ),
        Rule(
            "login",
            r"^/(?:login|dologin|logout|forgotuserpassword|resetuserpassword|signup"
            r"|dosignup)\.action$",
            "login",
            "login",
        ),
    ),
    *_under(
        "dosearchsite.action",
        Rule(
            "site_search",
            r"^/dosearchsite\.action$",
            "search",
            key_params=("spaceKey", "where"),
            cql=True,
        ),
    ),
    *_under("search", Rule("search_page", rf"^/search{_REST}", "search")),
    *_under(
        ("s", "images", "styles"),
        Rule("static_folder", r"^/(?:s|images|styles)/.*$", "background", "background"),
    ),
    *_under(
        ("synchrony", "synchrony-proxy"),
        Rule(
            "synchrony", rf"^/synchrony(?:-proxy)?{_REST}", "background", "background"
        ),
    ),
    *_under(
        ("favicon.ico", "status", "server-info.action"),
        # NOTE: /server-info.action is also the CVE-2023-22518 probe, which this
        # table does not single out.
        Rule(
            "health_check",
            r"^/(?:favicon\.ico|status/?|server-info\.action)$",
            "background",
            "background",
        ),
    ),
    # Generic rules, tried on every path that no rule above matched.
    Rule(
        "static_file",
        r"(?i)\.(?:css|js|map|png|gif|jpe?g|svg|ico|webp|bmp|woff2?|ttf|eot|otf)$",
        "background",
        "background",
    ),
    Rule("other_action", r"\.action$", "other", page_params=_PAGE, key_params=_SPACE),
)

# First path segments that some rule is written for. A leading segment outside this
# set, followed by one inside it, is taken for a context path.
ROOTS: frozenset[str] = frozenset(
    root for rule in RULES if rule.roots is not None for root in rule.roots
)


def _rules_by_root() -> dict[str, tuple[int, ...]]:
    """Return the indices of the rules to try for each root, generic rules excluded."""
    by_root: dict[str, list[int]] = {root: [] for root in ROOTS}
    for index, rule in enumerate(RULES):
        for root in rule.roots or ():
            by_root[root].append(index)
    return {root: tuple(indices) for root, indices in by_root.items()}


RULES_BY_ROOT = _rules_by_root()
GENERIC_RULES = tuple(index for index, rule in enumerate(RULES) if rule.roots is None)


def _action_table() -> np.ndarray:
    """Build the action codes indexed by (rule index + 1, method class).

    Row 0 is for paths that no rule matched. A request with a path but no method
    is read as a GET: old ``AccessLogFilter`` lines log the URL without the method,
    and Confluence serves reads far more often than writes.
    """
    other = ACTIONS.index("other")
    table = np.full((len(RULES) + 1, N_METHOD_CLASSES), other, dtype=np.int8)
    for index, rule in enumerate(RULES, start=1):
        table[index, METHOD_READ] = ACTIONS.index(rule.read)
        table[index, METHOD_MISSING] = ACTIONS.index(rule.read)
        table[index, METHOD_WRITE] = ACTIONS.index(rule.write)
        if rule.webdav:
            table[index, METHOD_DAV_READ] = ACTIONS.index(rule.read)
            table[index, METHOD_DAV_WRITE] = ACTIONS.index(rule.write)
    return table


ACTION_TABLE = _action_table()
