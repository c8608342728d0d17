"""Route table: every Confluence URL shape maps to the expected action, key and id.

All URLs are constructed for these tests. Each case is checked with no context path,
under /wiki and under /confluence, with both classifiers.
"""

import pandas as pd
import pytest

from uba._schema import ACTIONS
from uba.urls import classify_requests, classify_url
from uba.urls._rules import RULES

# (method, URL after the context path, action, space key, page id)
PAGE_AND_BLOG_VIEWS = [
    ("GET", "/display/ENG", "page_view", "ENG", None),
    ("GET", "/display/ENG/", "page_view", "ENG", None),
    ("GET", "/display/eng/Release+Checklist", "page_view", "ENG", None),
    ("HEAD", "/display/ENG/Release+Checklist", "page_view", "ENG", None),
    ("GET", "/display/ENG/Release+Checklist+v2.0", "page_view", "ENG", None),
    ("GET", "/display/ENG/config.js", "page_view", "ENG", None),
    ("GET", "/display/ENG/2024/03/05/Quarterly+Update", "blog_view", "ENG", None),
    ("GET", "/display/ENG/2024/03/05", "blog_view", "ENG", None),
    ("GET", "/display/ENG/2024", "page_view", "ENG", None),
    ("GET", "/display/%7Ejdoe/Notes", "page_view", "~jdoe", None),
    ("GET", "/display/~jane.doe/Travel+Plans", "page_view", "~jane.doe", None),
    ("GET", "/pages/viewpage.action?pageId=65601", "page_view", None, 65601),
    (
        "GET",
        "/pages/viewpage.action?spaceKey=ops&title=Runbook",
        "page_view",
        "OPS",
        None,
    ),
    (
        "GET",
        "/pages/viewpage.action?title=A&pageId=65601&src=contextnavpagetreemode",
        "page_view",
        None,
        65601,
    ),
    ("GET", "/spaces/ENG/pages/65601/Release+Checklist", "page_view", "ENG", 65601),
    ("GET", "/spaces/ENG/pages/65601", "page_view", "ENG", 65601),
    ("GET", "/x/AoCLRg", "page_view", None, 1183547394),
    ("GET", "/", "other", None, None),
    ("GET", "/index.action", "other", None, None),
    ("GET", "/dashboard.action", "other", None, None),
    ("GET", "/pages/viewrecentblogposts.action?key=ENG", "blog_view", "ENG", None),
    ("GET", "/spaces/viewspace.action?key=ENG", "page_view", "ENG", None),
    ("GET", "/spaces/viewspacesummary.action?key=eng", "page_view", "ENG", None),
]

CONTENT_API = [
    (
        "GET",
        "/rest/api/content/65601?expand=body.storage,version",
        "content_api",
        None,
        65601,
    ),
    ("GET", "/rest/api/content/65601/child/page?limit=200", "content_api", None, 65601),
    ("GET", "/rest/api/content/65601/child/attachment", "content_api", None, 65601),
    ("GET", "/rest/api/content/65601/descendant/page", "content_api", None, 65601),
    ("GET", "/rest/api/content/65601/history", "content_api", None, 65601),
    ("GET", "/rest/api/content/65601/version", "content_api", None, 65601),
    (
        "GET",
        "/rest/api/content?spaceKey=ENG&type=page&start=200&limit=100",
        "content_api",
        "ENG",
        None,
    ),
    ("GET", "/rest/api/content?title=Runbook&spaceKey=ops", "content_api", "OPS", None),
    (
        "GET",
        "/rest/api/content/search?cql=space%3DENG+and+type%3Dpage&limit=100",
        "content_api",
        "ENG",
        None,
    ),
    (
        "GET",
        "/rest/api/content/search?cql=space+%3D+%22eng%22",
        "content_api",
        "ENG",
        None,
    ),
    (
        "GET",
        "/rest/api/content/search?cql=space+in+(%22OPS%22,%22ENG%22)",
        "content_api",
        "OPS",
        None,
    ),
    (
        "GET",
        "/rest/api/content/search?cql=SPACE%20IN%20(ops%2CENG)",
        "content_api",
        "OPS",
        None,
    ),
    ("GET", "/rest/api/content/search?cql=id%3D65601", "content_api", None, 65601),
    (
        "GET",
        "/rest/api/content/search?cql=id+in+(65601,65602)",
        "content_api",
        None,
        65601,
    ),
    ("GET", "/rest/api/content/search?cql=space!%3DENG", "content_api", None, None),
    (
        "GET",
        "/rest/api/content/search?cql=space+not+in+(ENG)",
        "content_api",
        None,
        None,
    ),
    (
        "GET",
        "/rest/api/content/search?cql=space%3DcurrentSpace()",
        "content_api",
        None,
        None,
    ),
    (
        "GET",
        "/rest/api/content/search?cql=space%3D%22%7Ejane.doe%22",
        "content_api",
        "~jane.doe",
        None,
    ),
    (
        "GET",
        "/rest/api/search?cql=space%3D%22ENG%22+and+id%3D65601",
        "search",
        "ENG",
        65601,
    ),
    ("GET", "/rest/api/space", "other", None, None),
    ("GET", "/rest/api/space/ENG", "other", "ENG", None),
    ("GET", "/rest/api/space/ENG/content", "content_api", "ENG", None),
    ("GET", "/rest/api/space/ENG/content/page", "content_api", "ENG", None),
    (
        "GET",
        "/rest/api/space/eng/content/blogpost?limit=100",
        "content_api",
        "ENG",
        None,
    ),
    (
        "GET",
        "/rest/api/content/scan?spaceKey=ENG&cursor=abc",
        "content_api",
        "ENG",
        None,
    ),
    ("GET", "/rest/prototype/1/content/65601", "content_api", None, 65601),
    ("GET", "/rest/prototype/1/content/65601.json", "content_api", None, 65601),
    ("POST", "/rpc/xmlrpc", "other", None, None),
    ("POST", "/rpc/soap-axis/confluenceservice-v2", "other", None, None),
    ("POST", "/rest/api/content/65601", "edit", None, 65601),
    ("PUT", "/rest/api/content/65601", "edit", None, 65601),
    ("DELETE", "/rest/api/content/65601", "edit", None, 65601),
    ("POST", "/rest/api/content", "edit", None, None),
]

DOWNLOADS_AND_EXPORTS = [
    (
        "GET",
        "/download/attachments/65601/design%20spec.pdf?version=2&api=v2",
        "attachment_download",
        None,
        65601,
    ),
    (
        "GET",
        "/download/all_attachments?pageId=65601",
        "attachment_download",
        None,
        65601,
    ),
    ("GET", "/download/thumbnails/65601/diagram.png", "background", None, 65601),
    (
        "GET",
        "/download/attachments/65601/diagram.png?version=1&api=v2",
        "background",
        None,
        65601,
    ),
    ("GET", "/download/attachments/65601/Photo.JPEG", "background", None, 65601),
    ("GET", "/download/attachments/65601/notes.png.zip", "attachment_download", None, 65601),
    (
        "GET",
        "/spaces/flyingpdf/pdfpageexport.action?pageId=65601",
        "export",
        None,
        65601,
    ),
    ("GET", "/spaces/flyingpdf/flyingpdf.action?key=ENG", "space_export", "ENG", None),
    ("GET", "/exportword?pageId=65601", "export", None, 65601),
    ("GET", "/spaces/exportspace.action?key=ENG", "space_export", "ENG", None),
    ("POST", "/spaces/doexportspace.action?key=ENG", "space_export", "ENG", None),
    ("POST", "/spaces/doexportspace.action", "space_export", None, None),
    (
        "GET",
        "/download/temp/pdfexport-20240305-050324-1205-4/ENG-050324.pdf",
        "other",
        None,
        None,
    ),
    (
        "GET",
        "/plugins/viewsource/viewpagesrc.action?pageId=65601",
        "export",
        None,
        65601,
    ),
    ("GET", "/pages/viewinfo.action?pageId=65601", "other", None, 65601),
    ("GET", "/pages/viewpageattachments.action?pageId=65601", "other", None, 65601),
    ("GET", "/spaces/listattachmentsforspace.action?key=ENG", "other", "ENG", None),
    ("GET", "/pages/listpages-dirview.action?key=ENG", "other", "ENG", None),
    ("GET", "/pages/listpages-alphaview.action?key=ENG", "other", "ENG", None),
    ("GET", "/collector/pages.action?key=ENG", "other", "ENG", None),
    (
        "GET",
        "/plugins/servlet/confluence/default/Global/ENG/Release%20Checklist",
        "content_api",
        "ENG",
        None,
    ),
    (
        "PROPFIND",
        "/plugins/servlet/confluence/default/Global/ENG",
        "content_api",
        "ENG",
        None,
    ),
    (
        "PUT",
        "/plugins/servlet/confluence/default/Global/ENG/New.txt",
        "edit",
        "ENG",
        None,
    ),
    ("PROPFIND", "/display/ENG/Release+Checklist", "other", "ENG", None),
]

HISTORY_AND_SEARCH = [
    ("GET", "/pages/viewpreviousversions.action?pageId=65601", "other", None, 65601),
    (
        "GET",
        "/pages/diffpages.action?pageId=65601&originalId=65500",
        "page_view",
        None,
        65601,
    ),
    (
        "GET",
        "/pages/diffpagesbyversion.action?pageId=65601&selectedPageVersions=2",
        "page_view",
        None,
        65601,
    ),
    ("GET", "/dosearchsite.action?queryString=salary&where=ENG", "search", "ENG", None),
    ("GET", "/dosearchsite.action?queryString=vpn&spaceKey=ops", "search", "OPS", None),
    (
        "GET",
        "/dosearchsite.action?queryString=vpn&where=conf_all",
        "search",
        None,
        None,
    ),
    (
        "GET",
        "/dosearchsite.action?cql=siteSearch+~+%22vpn%22+and+space+%3D+%22ENG%22",
        "search",
        "ENG",
        None,
    ),
    ("GET", "/rest/quicknav/1/search?query=vpn", "search", None, None),
    (
        "GET",
        "/rest/searchv3/1.0/cqlSearch?cql=space%3DENG+and+type%3Dpage",
        "search",
        "ENG",
        None,
    ),
    ("GET", "/rest/searchv3/1.0/search?queryString=vpn", "search", None, None),
    ("GET", "/rest/prototype/1/search.json?query=vpn", "search", None, None),
]

EDITS = [
    ("GET", "/pages/editpage.action?pageId=65601", "edit", None, 65601),
    ("POST", "/pages/doeditpage.action?pageId=65601", "edit", None, 65601),
    ("GET", "/pages/createpage.action?spaceKey=ENG", "edit", "ENG", None),
    ("GET", "/pages/createblogpost.action?spaceKey=ENG", "edit", "ENG", None),
    ("GET", "/pages/resumedraft.action?draftId=70001", "edit", None, None),
    ("POST", "/pages/removepage.action?pageId=65601", "edit", None, 65601),
    ("POST", "/rest/tinymce/1/drafts", "edit", None, None),
    ("POST", "/rest/tinymce/1/content/65601/comment?actions=true", "edit", None, 65601),
    ("POST", "/rest/ui/1.0/content/65601/labels", "edit", None, 65601),
    ("POST", "/rest/likes/1.0/content/65601/likes", "edit", None, 65601),
    ("DELETE", "/rest/likes/1.0/content/65601/likes", "edit", None, 65601),
    ("POST", "/rest/inlinecomments/1.0/comments", "edit", None, None),
    ("POST", "/rest/api/content/65601/child/attachment", "edit", None, 65601),
]

ADMIN_AND_LOGIN = [
    ("GET", "/admin/viewgeneralconfig.action", "admin", None, None),
    ("GET", "/admin/users/viewuser.action?username=jdoe", "admin", None, None),
    ("GET", "/authenticate.action", "admin", None, None),
    ("POST", "/doauthenticate.action", "admin", None, None),
    ("GET", "/plugins/servlet/upm", "admin", None, None),
    ("GET", "/plugins/servlet/upm/manage/all", "admin", None, None),
    ("GET", "/rest/plugins/1.0/installed-marketplace", "admin", None, None),
    ("GET", "/spaces/spacepermissions.action?key=ENG", "admin", "ENG", None),
    ("GET", "/spaces/editspacepermissions.action?key=ENG", "admin", "ENG", None),
    ("POST", "/spaces/doeditspacepermissions.action?key=ENG", "admin", "ENG", None),
    ("POST", "/doeditspacepermissions.action?key=ENG", "admin", "ENG", None),
    ("GET", "/rest/api/audit?startDate=0", "admin", None, None),
    ("GET", "/login.action?os_destination=%2Findex.action", "login", None, None),
    ("POST", "/dologin.action", "login", None, None),
    ("GET", "/logout.action", "login", None, None),
    ("POST", "/plugins/servlet/samlconsumer", "login", None, None),
    ("GET", "/plugins/servlet/oidc/callback?code=abc", "login", None, None),
]

NOISE = [
    (
        "GET",
        (
            "/s/0123456789abcdef-CDN/en_GB/8901/abc/1.0/_/download/batch/"
            "com.example.app:res/com.example.app:res.js?locale=en-GB"
        ),
        "background",
        None,
        None,
    ),
    (
        "GET",
        "/s/0123abcd/8901/abc/_/download/contextbatch/css/page,main/batch.css",
        "background",
        None,
        None,
    ),
    (
        "GET",
        "/s/0123abcd/8901/abc/1.0/_/download/resources/com.example:res/icon.svg",
        "background",
        None,
        None,
    ),
    ("GET", "/download/resources/com.example:res/app.js", "background", None, None),
    ("GET", "/download/batch/com.example:res/app.css", "background", None, None),
    ("GET", "/download/contextbatch/js/editor/batch.js", "background", None, None),
    ("GET", "/images/icons/profilepics/default.svg", "background", None, None),
    ("GET", "/images/logo/confluence-logo.png", "background", None, None),
    ("GET", "/favicon.ico", "background", None, None),
    ("GET", "/styles/colors.css", "background", None, None),
    ("GET", "/includes/js/app.JS", "background", None, None),
    ("GET", "/fonts/adg3.woff2", "background", None, None),
    ("POST", "/rest/webResources/1.0/resources", "background", None, None),
    ("POST", "/rest/analytics/1.0/publish/bulk", "background", None, None),
    ("POST", "/json/startheartbeatactivity.action", "background", None, None),
    ("POST", "/json/stopheartbeatactivity.action", "background", None, None),
    ("GET", "/rest/mywork/latest/status/notification/count", "background", None, None),
    ("GET", "/plugins/servlet/notifications-miniview", "background", None, None),
    (
        "GET",
        "/rest/quickreload/latest/65601?since=1700000000000",
        "background",
        None,
        65601,
    ),
    (
        "GET",
        "/rest/inlinecomments/1.0/comments?containerId=65601",
        "background",
        None,
        65601,
    ),
    ("GET", "/rest/likes/1.0/content/65601/likes", "background", None, 65601),
    ("GET", "/rest/jira-metadata/1.0/metadata?pageId=65601", "background", None, 65601),
    (
        "GET",
        "/rest/highlighting/1.0/panel-items?pageId=65601",
        "background",
        None,
        65601,
    ),
    (
        "GET",
        (
            "/plugins/pagetree/naturalchildren.action?decorator=none&spaceKey=ENG"
            "&treeId=0&startDepth=0&pageId=65601"
        ),
        "background",
        "ENG",
        65601,
    ),
    ("GET", "/rest/helptips/1.0/tips", "background", None, None),
    ("GET", "/rest/shortcuts/latest/shortcuts/8901/abc", "background", None, None),
    ("GET", "/rest/nativemobile/1.0/info", "background", None, None),
    ("GET", "/rest/experimental/search?cql=type%3Dpage", "background", None, None),
    ("GET", "/rest/tinymce/1/macro/placeholder", "background", None, None),
    ("GET", "/synchrony/heartbeat", "background", None, None),
    ("GET", "/synchrony-proxy/v1/data/abc", "background", None, None),
    ("POST", "/rest/synchrony-interop/enable", "background", None, None),
    ("GET", "/status", "background", None, None),
    ("GET", "/server-info.action", "background", None, None),
]

UNLISTED = [
    ("GET", "/rest/calendar-services/1.0/calendar/events.json", "other", None, None),
    ("GET", "/rest/api/user/current", "other", None, None),
    ("GET", "/rest/gadget/1.0/login", "other", None, None),
    ("POST", "/template/aui/text-inline.vm", "other", None, None),
    ("GET", "/browsepeople.action", "other", None, None),
    ("GET", "/display", "other", None, None),
    ("GET", "/download/attachments/65601", "other", None, None),
    ("GET", "/spaces/ENG/settings/permissions", "other", "ENG", None),
]

CLOUD = [
    ("GET", "/spaces/ENG/overview?homepageId=65601", "page_view", "ENG", 65601),
    ("GET", "/spaces/ENG", "page_view", "ENG", None),
    (
        "GET",
        "/spaces/ENG/blog/2024/03/05/65610/Quarterly+Update",
        "blog_view",
        "ENG",
        65610,
    ),
    ("GET", "/spaces/ENG/pages/edit-v2/65601", "edit", "ENG", 65601),
    ("PUT", "/spaces/ENG/pages/edit-v2/65601", "edit", "ENG", 65601),
    (
        "GET",
        "/spaces/~557058634d59d0949841909bb13093ab41d0c5/pages/65601/Notes",
        "page_view",
        "~557058634d59d0949841909bb13093ab41d0c5",
        65601,
    ),
    ("GET", "/api/v2/pages/65601?body-format=storage", "content_api", None, 65601),
    ("GET", "/api/v2/pages?space-id=98305&cursor=abc", "content_api", None, None),
    ("GET", "/api/v2/spaces/98305/pages?limit=250", "content_api", None, None),
    ("GET", "/api/v2/blogposts/65610", "content_api", None, 65610),
    ("GET", "/api/v2/attachments/att65620", "content_api", None, 65620),
    ("PUT", "/api/v2/pages/65601", "edit", None, 65601),
    ("GET", "/api/v2/spaces?keys=ENG", "other", None, None),
    ("GET", "/search?text=vpn", "search", None, None),
]

PERSONAL_SPACES_AND_ENCODING = [
    ("GET", "/display/%7Ejane.doe/Notes", "page_view", "~jane.doe", None),
    ("GET", "/display/%7ejane.doe", "page_view", "~jane.doe", None),
    ("GET", "/display/~Jane.Doe/Notes", "page_view", "~Jane.Doe", None),
    (
        "GET",
        "/display/~j%C3%BCrgen.m%C3%BCller/Notes",
        "page_view",
        "~jürgen.müller",
        None,
    ),
    (
        "GET",
        "/display/~first-last_name@example.com/Notes",
        "page_view",
        "~first-last_name@example.com",
        None,
    ),
    (
        "GET",
        "/display/%7Efirst-last_name%40example.com/Notes",
        "page_view",
        "~first-last_name@example.com",
        None,
    ),
    ("GET", "/spaces/%7Ejane.doe/pages/65601/Notes", "page_view", "~jane.doe", 65601),
    (
        "GET",
        "/pages/viewpage.action?spaceKey=%7Ejane.doe&title=Notes",
        "page_view",
        "~jane.doe",
        None,
    ),
    ("GET", "/rest/api/space/~jane.doe/content", "content_api", "~jane.doe", None),
    ("GET", "/%64isplay/ENG/Page", "page_view", "ENG", None),
    ("GET", "/display/ENG/Page;jsessionid=0123ABCD", "page_view", "ENG", None),
    ("GET", "/display//ENG//Page", "page_view", "ENG", None),
    ("GET", "/display/EN-G/Page", "page_view", None, None),
    ("GET", "/display/ENG/A%2FB", "page_view", "ENG", None),
]

SECTIONS = {
    "views": PAGE_AND_BLOG_VIEWS,
    "content_api": CONTENT_API,
    "downloads": DOWNLOADS_AND_EXPORTS,
    "history_search": HISTORY_AND_SEARCH,
    "edits": EDITS,
    "admin_login": ADMIN_AND_LOGIN,
    "noise": NOISE,
    "unlisted": UNLISTED,
    "cloud": CLOUD,
    "personal": PERSONAL_SPACES_AND_ENCODING,
}
CASES = [
    pytest.param(*case, id=f"{section}-{case[0]}-{case[1][:60]}")
    for section, cases in SECTIONS.items()
    for case in cases
]
PREFIXES = ["", "/wiki", "/confluence"]


def _classify_one_row(method, url):
    path, _, query = url.partition("?")
    frame = classify_requests(
        pd.Series([method], dtype="category"),
        pd.Series([path], dtype="category"),
        pd.Series([query or None], dtype="str"),
    )
    row = frame.iloc[0]
    key = None if pd.isna(row["space_key"]) else row["space_key"]
    page_id = None if pd.isna(row["page_id"]) else int(row["page_id"])
    return row["action"], key, page_id


@pytest.mark.parametrize("prefix", PREFIXES, ids=lambda prefix: prefix or "root")
@pytest.mark.parametrize(("method", "url", "action", "space_key", "page_id"), CASES)
def test_route_with_classify_url(prefix, method, url, action, space_key, page_id):
    result = classify_url(method, prefix + url)
    assert result[0] == action
    assert result[1] == space_key
    assert result[2] == page_id


@pytest.mark.parametrize(("method", "url", "action", "space_key", "page_id"), CASES)
def test_route_with_classify_requests(method, url, action, space_key, page_id):
    for prefix in PREFIXES:
        assert _classify_one_row(method, prefix + url) == (action, space_key, page_id)


def test_all_cases_in_one_frame():
    rows = [case.values for case in CASES]
    urls = [prefix + url for _, url, *_ in rows for prefix in PREFIXES]
    methods = [method for method, *_ in rows for _ in PREFIXES]
    paths = [url.partition("?")[0] for url in urls]
    queries = [url.partition("?")[2] or None for url in urls]
    frame = classify_requests(
        pd.Series(methods, dtype="category"),
        pd.Series(paths, dtype="category"),
        pd.Series(queries, dtype="str"),
    )

    expected_actions = [action for _, _, action, *_ in rows for _ in PREFIXES]
    expected_keys = [key for *_, key, _ in rows for _ in PREFIXES]
    expected_ids = [page_id for *_, page_id in rows for _ in PREFIXES]
    assert frame["action"].tolist() == expected_actions
    assert [
        None if pd.isna(key) else key for key in frame["space_key"]
    ] == expected_keys
    assert [None if pd.isna(i) else int(i) for i in frame["page_id"]] == expected_ids


def test_every_action_has_a_case():
    covered = {case.values[2] for case in CASES}
    assert covered == set(ACTIONS)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://wiki.example.com/confluence/display/ENG/Page",
            ("page_view", "ENG", None),
        ),
        (
            "http://wiki.example.com:8090/pages/viewpage.action?pageId=7#comments",
            ("page_view", None, 7),
        ),
        (
            "https://example.atlassian.net/wiki/spaces/ENG/pages/65601/Title",
            ("page_view", "ENG", 65601),
        ),
        (
            "/ex/confluence/0a1b2c3d-4e5f/wiki/rest/api/content/65601",
            ("content_api", None, 65601),
        ),
        ("https://wiki.example.com", ("other", None, None)),
    ],
)
def test_classify_url_absolute_urls(url, expected):
    assert classify_url("GET", url) == expected


def test_forced_context_path_strips_prefix():
    assert classify_url("GET", "/kb/display/ENG/Page", context_path="/kb") == (
        "page_view",
        "ENG",
        None,
    )
    assert classify_url("GET", "/kb", context_path="kb/") == ("other", None, None)
    assert classify_url("GET", "/display/ENG/Page", context_path="/kb") == (
        "page_view",
        "ENG",
        None,
    )


def test_context_detection_turned_off():
    assert classify_url("GET", "/wiki/display/ENG/Page", context_path="") == (
        "other",
        None,
        None,
    )
    assert classify_url("GET", "/wiki/display/ENG/Page", context_path="/") == (
        "other",
        None,
        None,
    )


def test_known_root_not_context_path():
    # "pages" starts routes of its own, so /pages/display/... is not a context path.
    assert classify_url("GET", "/pages/display/ENG/Page") == ("other", None, None)


def test_long_ids_are_missing():
    assert classify_url("GET", "/rest/api/content/1234567890123456789") == (
        "content_api",
        None,
        None,
    )
    assert classify_url("GET", "/pages/viewpage.action?pageId=1234567890123456789") == (
        "page_view",
        None,
        None,
    )


def test_invalid_tiny_link_keeps_action():
    assert classify_url("GET", "/x/A") == ("page_view", None, None)
    assert classify_url("GET", "/x/AAAAAAAAAAAA") == ("page_view", None, None)
    assert classify_url("GET", "/x/AA") == ("page_view", None, None)


def test_rule_names_unique():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


def test_rule_actions_valid():
    for rule in RULES:
        assert rule.read in ACTIONS, rule.name
        assert rule.write in ACTIONS, rule.name
