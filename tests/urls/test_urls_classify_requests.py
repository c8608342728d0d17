"""classify_requests: output types, method handling, input checks and agreement with
classify_url on generated URLs."""

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from uba._schema import ACTIONS
from uba.urls import classify_requests, classify_url, encode_tiny_link

SAMPLES = Path(__file__).parents[2].parent / "shared" / "confluence-logs" / "samples"


def _frame(requests, *, dtype="category", index=None, **kwargs):
    """Classify (method, url) pairs given as plain Python values."""
    methods = [method for method, _ in requests]
    paths = [None if url is None else url.partition("?")[0] for _, url in requests]
    queries = [
        None if url is None else (url.partition("?")[2] or None) for _, url in requests
    ]
    return classify_requests(
        pd.Series(methods, dtype=dtype, index=index),
        pd.Series(paths, dtype=dtype, index=index),
        pd.Series(queries, dtype="str", index=index),
        **kwargs,
    )


def _as_tuples(frame):
    rows = []
    for action, key, page_id in zip(
        frame["action"], frame["space_key"], frame["page_id"]
    ):
        rows.append(
            (
                action,
                None if pd.isna(key) else key,
                None if pd.isna(page_id) else int(page_id),
            )
        )
    return rows


def test_output_columns_and_dtypes():
    frame = _frame(
        [("GET", "/display/ENG/Page"), ("GET", "/pages/viewpage.action?pageId=5")]
    )
    assert list(frame.columns) == ["action", "space_key", "page_id"]
    assert isinstance(frame["action"].dtype, pd.CategoricalDtype)
    assert list(frame["action"].cat.categories) == list(ACTIONS)
    assert isinstance(frame["space_key"].dtype, pd.CategoricalDtype)
    assert frame["page_id"].dtype == "Int64"


def test_output_keeps_the_input_index():
    index = pd.Index([42, 7, 19], name="event")
    frame = _frame(
        [("GET", "/display/ENG/A"), ("GET", "/x/AoCLRg"), ("POST", "/dologin.action")],
        index=index,
    )
    assert frame.index.equals(index)
    assert frame.loc[7, "page_id"] == 1183547394
    assert frame.loc[19, "action"] == "login"


def test_space_key_categories_sorted():
    frame = _frame(
        [
            ("GET", "/display/ops/A"),
            ("GET", "/display/ENG/B"),
            ("GET", "/display/ops/C"),
        ]
    )
    assert list(frame["space_key"].cat.categories) == ["ENG", "OPS"]
    assert frame["space_key"].tolist() == ["OPS", "ENG", "OPS"]


def test_string_and_categorical_inputs_agree():
    requests = [
        ("GET", "/display/ENG/A"),
        ("POST", "/rest/api/content/9"),
        (None, None),
    ]
    by_category = _frame(requests, dtype="category")
    by_string = _frame(requests, dtype="str")
    by_object = _frame(requests, dtype=object)
    pd.testing.assert_frame_equal(by_category, by_string)
    pd.testing.assert_frame_equal(by_category, by_object)


def test_all_missing_float_columns_accepted():
    frame = classify_requests(
        pd.Series([np.nan, "GET"]),
        pd.Series(["/display/ENG/A", "/pages/viewpage.action"]),
        pd.Series([np.nan, np.nan]),
    )
    assert _as_tuples(frame) == [("page_view", "ENG", None), ("page_view", None, None)]


def test_unused_categories_ignored():
    categories = ["/display/ENG/A", "/admin/x.action", "/rest/api/content/5"]
    path = pd.Series(pd.Categorical(["/display/ENG/A"], categories=categories))
    frame = classify_requests(
        pd.Series(["GET"], dtype="category"), path, pd.Series([None], dtype="str")
    )
    assert _as_tuples(frame) == [("page_view", "ENG", None)]
    assert list(frame["space_key"].cat.categories) == ["ENG"]


def test_empty_input():
    frame = _frame([])
    assert len(frame) == 0
    assert list(frame["action"].cat.categories) == list(ACTIONS)
    assert frame["page_id"].dtype == "Int64"


def test_missing_method_read_as_get_missing_path_other():
    frame = _frame(
        [(None, "/display/ENG/A"), ("GET", None), (None, None), ("-", "/x/AoCLRg")]
    )
    assert frame["action"].tolist() == ["page_view", "other", "other", "page_view"]
    assert frame["space_key"].tolist()[0] == "ENG"
    assert pd.isna(frame["space_key"].iloc[1])
    assert pd.isna(frame["page_id"].iloc[1])


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("GET", "page_view"),
        ("HEAD", "page_view"),
        ("get", "page_view"),
        ("POST", "other"),
        ("PUT", "other"),
        ("OPTIONS", "other"),
        ("TRACE", "other"),
        ("BREW", "other"),
    ],
)
def test_view_needs_get_or_head(method, action):
    frame = _frame([(method, "/pages/viewpage.action?pageId=65601")])
    assert frame["action"].iloc[0] == action
    assert frame["page_id"].iloc[0] == 65601


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("GET", "content_api"),
        ("HEAD", "content_api"),
        ("POST", "edit"),
        ("PUT", "edit"),
        ("PATCH", "edit"),
        ("DELETE", "edit"),
        ("OPTIONS", "other"),
    ],
)
def test_content_item_read_or_edit(method, action):
    frame = _frame([(method, "/rest/api/content/65601")])
    assert frame["action"].iloc[0] == action


def test_unknown_rest_paths_are_other():
    paths = [
        "/rest/unknown-app/1.0/things",
        "/rest/api/longtask/abc",
        "/rest/api/group/confluence-users/member",
        "/wiki/rest/custom/2/export",
    ]
    frame = _frame([("GET", path) for path in paths])
    assert frame["action"].tolist() == ["other"] * len(paths)


def test_noise_background_for_any_method():
    paths = [
        "/s/abc/1/_/download/batch/x/x.js",
        "/images/icons/emoticons/smile.svg",
        "/rest/analytics/1.0/publish/bulk",
        "/rest/mywork/latest/status/notification/count",
        "/rest/quickreload/latest/42",
        "/synchrony/v1/ping",
        "/status",
    ]
    requests = [(method, path) for path in paths for method in ("GET", "POST", "HEAD")]
    frame = _frame(requests)
    assert frame["action"].tolist() == ["background"] * len(requests)


def test_query_read_only_where_named():
    frame = _frame(
        [
            ("GET", "/rest/api/content/7?pageId=8&spaceKey=OPS"),
            ("GET", "/display/ENG/A?spaceKey=OPS&pageId=9"),
            ("GET", "/rest/quicknav/1/search?query=a&spaceKey=OPS"),
        ]
    )
    assert _as_tuples(frame) == [
        ("content_api", None, 7),
        ("page_view", "ENG", None),
        ("search", None, None),
    ]


def test_forced_context_path():
    requests = [
        ("GET", "/kb/display/ENG/A"),
        ("GET", "/display/ENG/A"),
        ("GET", "/wiki/display/ENG/A"),
    ]
    frame = _frame(requests, context_path="/kb")
    assert frame["action"].tolist() == ["page_view", "page_view", "other"]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((["GET"], pd.Series(["/"]), pd.Series([None])), TypeError, "method must be"),
        ((pd.Series(["GET"]), "/", pd.Series([None])), TypeError, "path must be"),
        (
            (pd.Series(["GET", "GET"]), pd.Series(["/"]), pd.Series([None])),
            ValueError,
            "method has 2 rows but path has 1",
        ),
        (
            (pd.Series(["GET"], index=[5]), pd.Series(["/"]), pd.Series([None])),
            ValueError,
            "index of method differs",
        ),
        (
            (pd.Series(["GET"]), pd.Series(["/"]), pd.Series([None], index=[3])),
            ValueError,
            "index of query differs",
        ),
        (
            (pd.Series(["GET"]), pd.Series([17]), pd.Series([None])),
            TypeError,
            "path must contain strings",
        ),
        (
            (pd.Series(["GET"]), pd.Series(["/"]), pd.Series([1.5])),
            TypeError,
            "query must contain strings",
        ),
        (
            (
                pd.Series(["GET"]),
                pd.Series(["/"], dtype="category").cat.rename_categories([4]),
                pd.Series([None]),
            ),
            TypeError,
            "path must contain strings",
        ),
    ],
)
def test_invalid_inputs_raise(arguments, error, message):
    with pytest.raises(error, match=message):
        classify_requests(*arguments)


@pytest.mark.parametrize("context_path", ["/wiki?x", "/a//b", 5])
def test_invalid_context_path_raises(context_path):
    with pytest.raises((TypeError, ValueError), match="context_path"):
        _frame([("GET", "/")], context_path=context_path)


def test_debug_log_counts_missing_values(caplog):
    with caplog.at_level(logging.DEBUG, logger="uba.urls._classify"):
        _frame([("GET", "/display/ENG/A"), (None, None)])
    assert "1 without a path and 1 without a method" in caplog.text


# Templates for generated URLs; {key}, {id}, {tiny} and {title} are filled at random.
TEMPLATES = [
    "/display/{key}",
    "/display/{key}/{title}",
    "/display/{key}/2023/11/{day}/{title}",
    "/display/{key}/2023/11/{day}",
    "/pages/viewpage.action?pageId={id}",
    "/pages/viewpage.action?spaceKey={key}&title={title}",
    "/spaces/{key}/pages/{id}/{title}",
    "/spaces/{key}/overview?homepageId={id}",
    "/spaces/{key}/blog/2023/11/{day}/{id}/{title}",
    "/spaces/{key}/pages/edit-v2/{id}",
    "/x/{tiny}",
    "/rest/api/content/{id}",
    "/rest/api/content/{id}/child/page?start={id}&limit=100",
    "/rest/api/content?spaceKey={key}&limit=500&start={id}",
    "/rest/api/content/search?cql=space%3D{key}+and+id%3D{id}",
    "/rest/api/content/search?cql=space+in+(%22{key}%22,%22ZZ%22)",
    "/rest/api/search?cql=type%3Dpage+and+space.key%3D%22{key}%22",
    "/rest/api/space/{key}/content/page",
    "/rest/api/content/scan?spaceKey={key}",
    "/rest/prototype/1/content/{id}.json",
    "/download/attachments/{id}/{title}.pdf",
    "/download/thumbnails/{id}/{title}.png",
    "/spaces/flyingpdf/pdfpageexport.action?pageId={id}",
    "/spaces/flyingpdf/flyingpdf.action?key={key}",
    "/exportword?pageId={id}",
    "/spaces/doexportspace.action?key={key}",
    "/dosearchsite.action?queryString=a&where={key}",
    "/rest/searchv3/1.0/cqlSearch?cql=space%3D{key}",
    "/pages/editpage.action?pageId={id}",
    "/pages/createpage.action?spaceKey={key}",
    "/rest/likes/1.0/content/{id}/likes",
    "/rest/inlinecomments/1.0/comments?containerId={id}",
    "/rest/quickreload/latest/{id}?since=1",
    "/plugins/pagetree/naturalchildren.action?spaceKey={key}&pageId={id}",
    "/admin/viewgeneralconfig.action",
    "/spaces/spacepermissions.action?key={key}",
    "/login.action",
    "/s/{title}/1/_/download/batch/{title}.js",
    "/rest/unknown/{id}",
    "/{title}",
    "/{title}/{title}",
    "/api/v2/pages/{id}",
    "/rest/api/space/{key}",
    "/plugins/servlet/confluence/default/Global/{key}/{title}",
    "/download/temp/{title}.zip",
    "/display/{key}/{title};jsessionid={id}",
    "/pages/{title}.action?pageId={id}&key={key}",
]
KEYS = [
    "ENG",
    "ops",
    "Ds",
    "~jane.doe",
    "%7Ejohn.smith",
    "~j%C3%BCrgen",
    "A1",
    "bad-key",
    "%7E",
    "~",
    "conf_all",
]
TITLES = [
    "Page",
    "Release+Notes",
    "A%20B",
    "%E2%9C%93",
    "x.y",
    "config.css",
    "2024",
    "x%0A",
]
PREFIXES = ["", "", "/wiki", "/confluence", "/other", "https://wiki.example.com"]
METHODS = [
    "GET",
    "GET",
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "OPTIONS",
    "PROPFIND",
    "get",
    None,
]


def _generated_requests(seed, n_requests=300):
    rng = np.random.default_rng(seed)
    requests = []
    for _ in range(n_requests):
        template = str(rng.choice(TEMPLATES))
        content_id = int(rng.integers(1, 10**12))
        url = template.format(
            key=rng.choice(KEYS),
            id=content_id,
            tiny=encode_tiny_link(content_id) if rng.random() < 0.9 else "A",
            title=rng.choice(TITLES),
            day=f"{int(rng.integers(1, 29)):02d}",
        )
        requests.append((rng.choice(METHODS), str(rng.choice(PREFIXES)) + url))
    return requests


def test_classify_url_agrees_with_classify_requests(seed):
    requests = _generated_requests(seed)
    frame = _frame(requests)
    expected = [classify_url(method, url) for method, url in requests]
    assert _as_tuples(frame) == expected
    assert len({action for action, _, _ in expected}) >= 8


def test_agreement_with_forced_context_path(seed):
    requests = _generated_requests(seed, n_requests=150)
    frame = _frame(requests, context_path="/confluence")
    expected = [classify_url(m, url, context_path="/confluence") for m, url in requests]
    assert _as_tuples(frame) == expected


SEGMENTS = [
    "display",
    "pages",
    "spaces",
    "rest",
    "api",
    "v2",
    "content",
    "search",
    "space",
    "x",
    "wiki",
    "confluence",
    "download",
    "attachments",
    "admin",
    "s",
    "flyingpdf",
    "viewpage.action",
    "edit-v2",
    "overview",
    "blog",
    "2024",
    "03",
    "ENG",
    "eng",
    "~j.doe",
    "%7Ej.doe",
    "%2F",
    "%0A",
    "a;b=c",
    "",
    "..",
    "123",
    "AoCLRg",
    "a.css",
    "%C3%BC",
    "+",
    "%64isplay",
    "ex",
]
QUERIES = [
    None,
    "",
    "pageId=5",
    "pageId=x",
    "spaceKey=ops",
    "key=%7Ej.doe",
    "cql=space%3DENG",
    "cql=id+in+(7,8)",
    "homepageId=9&pageId=10",
    "where=conf_all&spaceKey=A1",
]


def test_agreement_on_random_paths(seed):
    rng = np.random.default_rng(seed)
    requests = []
    for _ in range(300):
        segments = rng.choice(SEGMENTS, size=rng.integers(1, 7))
        path = ("/" if rng.random() < 0.9 else "") + "/".join(segments)
        query = QUERIES[rng.integers(len(QUERIES))]
        url = path if query is None else f"{path}?{query}"
        requests.append((str(rng.choice(METHODS[:-1])), url))
    frame = _frame(requests)
    assert _as_tuples(frame) == [classify_url(m, url) for m, url in requests]


def test_sample_access_logs_consistent():
    files = sorted(SAMPLES.glob("*access*.log")) if SAMPLES.is_dir() else []
    if not files:
        pytest.skip("no real sample access logs beside the repository")

    request_line = re.compile(r"\b(GET|HEAD|POST|PUT|DELETE|OPTIONS) (/\S*) HTTP/")
    requests = []
    for file in files:
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            requests += [(m.group(1), m.group(2)) for m in request_line.finditer(line)]
    assert requests

    frame = _frame(requests)
    assert _as_tuples(frame) == [classify_url(m, url) for m, url in requests]
    for (method, url), (action, _, page_id) in zip(requests, _as_tuples(frame)):
        if url.startswith("/rest/quickreload/"):
            assert action == "background"
            assert page_id == int(re.search(r"/(\d+)", url).group(1))
        if url.startswith("/display/"):
            assert action == "page_view"
