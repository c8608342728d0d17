"""Vectorised classification of request columns into actions, space keys and ids."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from uba._schema import ACTIONS
from uba.urls._arrow import factorize_strings, take_or_fill
from uba.urls._keys import SpaceKeyCodes
from uba.urls._paths import route_paths
from uba.urls._query import RowIds, fill_from_query
from uba.urls._rules import ACTION_TABLE, METHOD_MISSING, method_class
from uba.urls._text import normalize_context_path

logger = logging.getLogger(__name__)


def classify_requests(
    method: pd.Series,
    path: pd.Series,
    query: pd.Series,
    *,
    context_path: str | None = None,
) -> pd.DataFrame:
    """Classify Confluence requests into actions and find their space key and page id.

    Parameters
    ----------
    method : pandas.Series
        HTTP method of each request (category or str), missing for a request line
        logged as ``-``. Case is ignored.
    path : pandas.Series
        Percent-encoded path without the query string (category or str), aligned
        with ``method``. An absolute URL (``https://host/path``) is accepted.
    query : pandas.Series
        Query string without the leading ``?`` (category or str), missing when
        absent, aligned with ``method``.
    context_path : str or None, default=None
        Path under which Confluence runs, such as ``"/confluence"``. With ``None``, a
        first segment that no route starts with is stripped when the second segment
        is one a route starts with (``/wiki/display/...``). ``""`` or ``"/"`` turns
        detection off. A given context path is stripped where present, and paths
        without it are classified as they are.

    Returns
    -------
    pandas.DataFrame
        Same index as ``path``, with columns

        * ``action``: Categorical whose categories are exactly ``uba._schema.ACTIONS``;
        * ``space_key``: category, missing when the request names no space;
        * ``page_id``: Int64 content id, missing when the request names none.

    Raises
    ------
    TypeError
        If an input is not a Series of strings, or ``context_path`` is not a str.
    ValueError
        If the inputs differ in length or index, or ``context_path`` is malformed.

    See Also
    --------
    classify_url : The same classification for one request.

    Notes
    -----
    A view (``page_view``, ``blog_view``) or a REST read (``content_api``) needs a GET
    or HEAD request. POST, PUT, PATCH or DELETE on ``/rest/api/content/{id}`` is
    ``edit``. OPTIONS, TRACE and unknown methods give ``other``. A missing method
    with a path is read as GET, because old ``AccessLogFilter`` lines log no method.

    Static resources, polling, heartbeats and the requests that a page view fires by
    itself (quick reload, inline comments, likes, page-tree expansion) are
    ``background``. Unlisted ``/rest/...`` paths and the dashboard are ``other``.

    Space keys of non-personal spaces are upper-cased, while personal keys
    (``~name``) keep their case and are percent-decoded. Ids come from the path
    (``/spaces/KEY/pages/ID``, ``/rest/api/content/ID``, ``/download/attachments/ID``,
    tiny links ``/x/CODE``) or from the query string (``pageId=``, ``key=``,
    ``spaceKey=``, the first ``space`` and ``id`` in ``cql=``). A path id wins over
    a query id. Ids of more than 18 digits are treated as missing.

    Choices that Confluence itself does not settle:

    * ``/rest/api/search`` is ``search``: it returns search hits, not content.
    * ``/plugins/viewsource/viewpagesrc.action`` (the storage-format source of a
      page) is ``export``.
    * ``/download/temp/...``, the file written by an export, is ``other``: the export
      is counted at the request that started it.
    * ``/rpc/xmlrpc`` and ``/rpc/soap-axis/...`` are ``other``, because the remote
      method (read or write) is in the request body.
    * Page information, attachment lists, page history and space listings
      (``viewinfo.action``, ``listpages-dirview.action`` ...) are ``other``, with
      their page id or space key. Page diffs are ``page_view``.

    The work is done once per distinct path and, for routes that read the query
    string, once per distinct query string. Regexes run with RE2 through
    ``pyarrow.compute`` and percent-decoding runs in NumPy. Python code runs once per
    distinct method and raw space key, and once per path whose escapes decode to
    invalid UTF-8.

    Examples
    --------
    >>> import pandas as pd
    >>> method = pd.Series(["GET", "GET", "POST"], dtype="category")
    >>> path = pd.Series(
    ...     ["/display/eng/Roadmap", "/pages/viewpage.action", "/rest/api/content/7"],
    ...     dtype="category",
    ... )
    >>> query = pd.Series([None, "pageId=65601", None], dtype="str")
    >>> classify_requests(method, path, query)
          action space_key  page_id
    0  page_view       ENG     <NA>
    1  page_view       NaN    65601
    2       edit       NaN        7
    """
    index = _validate_inputs(method, path, query)
    context = normalize_context_path(context_path)

    path_codes, unique_paths = factorize_strings(path, "path")
    method_codes, unique_methods = factorize_strings(method, "method")
    keys = SpaceKeyCodes()
    routes = route_paths(unique_paths, context, keys)

    rule_rows = take_or_fill(routes.rule, path_codes, -1)
    method_classes = np.array(
        [method_class(name) for name in unique_methods.to_pylist()], dtype=np.intp
    )
    method_rows = take_or_fill(method_classes, method_codes, METHOD_MISSING)
    action_codes = ACTION_TABLE[rule_rows + 1, method_rows]

    ids = RowIds(
        page_id=take_or_fill(routes.page_id, path_codes, 0),
        page_valid=take_or_fill(routes.page_valid, path_codes, False),
        key_code=take_or_fill(routes.key_code, path_codes, -1),
    )
    fill_from_query(query, rule_rows, ids, keys)

    _log_summary(len(index), len(unique_paths), path_codes, method_codes)
    return _build_frame(index, action_codes, ids, keys)


def _validate_inputs(method: object, path: object, query: object) -> pd.Index:
    """Check that the three inputs are aligned Series and return their index."""
    inputs = {"method": method, "path": path, "query": query}
    for name, values in inputs.items():
        if not isinstance(values, pd.Series):
            raise TypeError(
                f"{name} must be a pandas Series, got {type(values).__name__}"
            )
        _check_string_dtype(name, values)

    for name in ("method", "query"):
        values = inputs[name]
        if len(values) != len(path):
            raise ValueError(
                f"{name} has {len(values)} rows but path has {len(path)}. Pass the "
                "columns of one events frame"
            )
        if not values.index.equals(path.index):
            raise ValueError(
                f"the index of {name} differs from the index of path. Align them "
                f"first, for example with {name}.reindex(path.index)"
            )
    return path.index


def _check_string_dtype(name: str, values: pd.Series) -> None:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if pd.api.types.is_string_dtype(dtype) or values.isna().all():
        return
    raise TypeError(
        f"{name} must contain strings (dtype str, object or category), got dtype "
        f"{values.dtype}. Convert it with .astype('str') first"
    )


def _build_frame(
    index: pd.Index, action_codes: np.ndarray, ids: RowIds, keys: SpaceKeyCodes
) -> pd.DataFrame:
    action = pd.Categorical.from_codes(
        action_codes, categories=pd.Index(ACTIONS, dtype="str")
    )
    page_id = pd.arrays.IntegerArray(ids.page_id, ~ids.page_valid)
    columns = {
        "action": action,
        "space_key": keys.to_categorical(ids.key_code),
        "page_id": page_id,
    }
    return pd.DataFrame(columns, index=index)


def _log_summary(
    n_rows: int, n_paths: int, path_codes: np.ndarray, method_codes: np.ndarray
) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug(
        "classified %d requests with %d distinct paths, including %d without a path "
        "and %d without a method, which are classified as other",
        n_rows,
        n_paths,
        int(np.count_nonzero(path_codes < 0)),
        int(np.count_nonzero(method_codes < 0)),
    )
