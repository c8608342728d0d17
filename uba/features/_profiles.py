"""Build one behaviour profile per user and local calendar day from request events."""

import numpy as np
import pandas as pd

from uba._schema import VIEW_ACTIONS
from uba.features._catalogue import FEATURE_NAMES
from uba.features._search_terms import CREDENTIAL_KINDS, credential_kind_bits
from uba.features._user_agents import browser_mask

_REQUIRED_COLUMNS = (
    "timestamp",
    "utc_offset",
    "user",
    "path",
    "status",
    "user_agent",
    "action",
    "space_key",
    "page_id",
)

_NS_PER_SECOND = 1_000_000_000
_SECONDS_PER_DAY = 86_400
_WINDOW_SECONDS = 3_600

# Local hours [start, end) that count as working time, and the night hours.
_DAY_START_HOUR = 7
_DAY_END_HOUR = 19
_NIGHT_END_HOUR = 5

_ERROR_STATUSES = (401, 403, 404)
_CONTENT_SEARCH_PATH = "/rest/api/content/search"
_STATUS_NOT_LOGGED = 0


def build_profiles(events: pd.DataFrame) -> pd.DataFrame:
    """Aggregate request events into one profile per user and local calendar day.

    Parameters
    ----------
    events : pandas.DataFrame
        Events as returned by :func:`uba.read_events`. At least the columns
        ``timestamp``, ``utc_offset``, ``user``, ``path``, ``status``, ``user_agent``,
        ``action``, ``space_key`` and ``page_id`` are used, and ``query`` when
        present: without it no search counts in ``credential_searches`` and
        ``credential_kinds``.

    Returns
    -------
    profiles : pandas.DataFrame
        One row per user-day, sorted by ``user`` and ``date``, with the columns
        ``user``, ``date`` (the local calendar day, as a midnight timestamp without
        time zone), ``first_request`` and ``last_request`` (local times), then the
        features of :data:`uba.features.FEATURE_NAMES` as float64.
        ``profiles.attrs["anonymous_requests"]`` contains the number of anonymous
        requests that were left out.

    Notes
    -----
    The local day and hour come from each line's own UTC offset, so a user-day is the
    calendar day of the server that wrote the log. Every feature is documented in
    ``docs/features.md``.

    Examples
    --------
    >>> import pandas as pd
    >>> from uba.features import build_profiles
    >>> events = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:05"], utc=True),
    ...     "utc_offset": [0, 0],
    ...     "user": ["alice", "alice"],
    ...     "path": ["/display/ENG/Home", "/rest/api/content/42"],
    ...     "status": [200, 200],
    ...     "user_agent": ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0"],
    ...     "action": ["page_view", "content_api"],
    ...     "space_key": ["ENG", None],
    ...     "page_id": pd.array([None, 42], dtype="Int64"),
    ... })
    >>> profile = build_profiles(events).iloc[0]
    >>> int(profile["page_views"]), float(profile["rest_share"])
    (2, 0.5)
    """
    _check_events(events)

    named = events["user"].notna().to_numpy()
    anonymous_requests = int((~named).sum())

    # Read the search terms before the copy, and copy only the columns the features
    # read: the query strings of millions of events would double the memory.
    answered = events["status"].to_numpy(dtype="int64") < 400
    kind_bits = credential_kind_bits(events, _search_candidates(events) & answered)
    events = events[list(_REQUIRED_COLUMNS)].assign(credential_kinds=kind_bits)
    if anonymous_requests:
        events = events.loc[named]

    if len(events) == 0:
        profiles = _empty_profiles()
    else:
        profiles = _aggregate(events)

    profiles.attrs["anonymous_requests"] = anonymous_requests
    return profiles


def _check_events(events):
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"events must be a pandas DataFrame from uba.read_events, "
            f"got {type(events).__name__}"
        )

    missing = [column for column in _REQUIRED_COLUMNS if column not in events.columns]
    if missing:
        raise ValueError(
            f"events is missing the columns {missing}; "
            f"pass the DataFrame returned by uba.read_events"
        )


def _empty_profiles():
    columns = {
        "user": pd.Series(dtype="str"),
        "date": pd.Series(dtype="datetime64[ns]"),
        "first_request": pd.Series(dtype="datetime64[ns]"),
        "last_request": pd.Series(dtype="datetime64[ns]"),
    }
    for name in FEATURE_NAMES:
        columns[name] = pd.Series(dtype="float64")
    return pd.DataFrame(columns)


def _local_seconds(events):
    """Return local time in whole seconds since the epoch, one value per event."""
    timestamp = events["timestamp"]
    if timestamp.dt.tz is not None:
        timestamp = timestamp.dt.tz_convert("UTC").dt.tz_localize(None)
    utc_ns = timestamp.dt.as_unit("ns").to_numpy().view("int64")
    utc_seconds = utc_ns // _NS_PER_SECOND
    offset_seconds = events["utc_offset"].to_numpy(dtype="int64") * 60
    return utc_seconds + offset_seconds


def _aggregate(events):
    local_seconds = _local_seconds(events)
    local_day = local_seconds // _SECONDS_PER_DAY
    second_of_day = local_seconds - local_day * _SECONDS_PER_DAY
    hour = second_of_day // 3_600

    # One group per (user, local day), numbered in order of user name then day.
    user_rank, user_names = _ranked_users(events["user"])
    first_day = local_day.min()
    n_days = local_day.max() - first_day + 1
    group, group_keys = pd.factorize(user_rank * n_days + (local_day - first_day), sort=True)
    n_groups = len(group_keys)

    flags = _event_flags(events)
    counts = _count_features(group, n_groups, hour, flags)
    counts.update(_hourly_features(group, n_groups, hour, second_of_day, flags))
    counts.update(_diversity_features(events, group, n_groups, flags["view"]))
    counts.update(
        _credential_features(group, n_groups, events["credential_kinds"].to_numpy())
    )

    group_users = user_names[group_keys // n_days]
    group_days = group_keys % n_days + first_day
    counts["weekend"] = _is_weekend(group_days).astype("float64")

    profiles = pd.DataFrame(
        {
            "user": pd.array(group_users, dtype="str"),
            "date": pd.to_datetime(group_days * _SECONDS_PER_DAY, unit="s"),
            "first_request": _group_time(group, n_groups, local_seconds, np.minimum),
            "last_request": _group_time(group, n_groups, local_seconds, np.maximum),
        }
    )
    for name in FEATURE_NAMES:
        profiles[name] = counts[name].astype("float64")
    return profiles


def _ranked_users(users):
    """Return each event's user as its rank in name order, and the sorted names."""
    if isinstance(users.dtype, pd.CategoricalDtype):
        codes = users.cat.codes.to_numpy().astype("int64")
        names = users.cat.categories.to_numpy(dtype=object)
    else:
        codes, names = pd.factorize(users)
        codes = codes.astype("int64")
        names = np.asarray(names, dtype=object)

    names = names.astype("str")
    order = np.argsort(names, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes], names[order]


def _event_flags(events):
    """Return one boolean array per kind of event that a feature counts."""
    action = events["action"].astype("category")
    status = events["status"].to_numpy(dtype="int64")

    background = (action == "background").to_numpy()
    foreground = ~background

    # AccessLogFilter lines log neither status nor user agent, so the reader stores
    # status 0 for them. Such requests count as successful, and the shares that need
    # a status or an agent leave them out.
    unlogged = status == _STATUS_NOT_LOGGED
    logged = foreground & ~unlogged
    success = ((status >= 200) & (status < 300)) | (status == 304) | unlogged
    answered = status < 400
    view = action.isin(VIEW_ACTIONS).to_numpy() & success

    return {
        "foreground": foreground,
        "logged": logged,
        "view": view,
        "rest_view": view & (action == "content_api").to_numpy(),
        "non_browser": logged & ~browser_mask(events["user_agent"]),
        "error": logged & np.isin(status, _ERROR_STATUSES),
        "export": answered & (action == "export").to_numpy(),
        "space_export": answered & (action == "space_export").to_numpy(),
        "attachment_download": answered & (action == "attachment_download").to_numpy(),
        "search": answered & (action == "search").to_numpy(),
        "admin": answered & (action == "admin").to_numpy(),
    }


def _search_candidates(events):
    """Return the searches and REST content searches, whose terms may name credentials.

    ``/rest/api/content/search`` is a bulk pull by CQL, so it counts as a content
    read, but a script can hunt for passwords with it all the same.
    """
    searches = (events["action"] == "search").to_numpy(dtype=bool)
    path = events["path"].astype("category")
    # One entry per category, plus False for a missing path (code -1).
    content_search = np.append(
        np.asarray(path.cat.categories.str.endswith(_CONTENT_SEARCH_PATH), dtype=bool),
        False,
    )
    return searches | content_search[path.cat.codes.to_numpy()]


def _credential_features(group, n_groups, kind_bits):
    """Return the credential searches of each group and the kinds they name.

    ``kind_bits`` is each event's bit mask of the credential kinds its search terms
    name, 0 for the other events. Only the events with a mask are counted.
    """
    rows = np.flatnonzero(kind_bits)
    group, kind_bits = group[rows], kind_bits[rows]

    kinds = np.zeros(n_groups)
    for index in range(len(CREDENTIAL_KINDS)):
        named = _count_per_group(group, n_groups, (kind_bits >> index) & 1)
        kinds += named > 0
    return {
        "credential_searches": _count_per_group(group, n_groups, np.ones(len(rows))),
        "credential_kinds": kinds,
    }


def _count_per_group(group, n_groups, mask):
    return np.bincount(group, weights=mask, minlength=n_groups)


def _share(numerator, denominator):
    """Divide element-wise, with 0 where the denominator is 0."""
    result = np.zeros_like(numerator, dtype="float64")
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result


def _count_features(group, n_groups, hour, flags):
    requests = _count_per_group(group, n_groups, flags["foreground"])
    logged_requests = _count_per_group(group, n_groups, flags["logged"])
    views = _count_per_group(group, n_groups, flags["view"])

    off_hours = flags["view"] & ((hour < _DAY_START_HOUR) | (hour >= _DAY_END_HOUR))
    night = flags["view"] & (hour < _NIGHT_END_HOUR)

    return {
        "requests": requests,
        "page_views": views,
        "off_hours_share": _share(_count_per_group(group, n_groups, off_hours), views),
        "night_share": _share(_count_per_group(group, n_groups, night), views),
        "rest_share": _share(
            _count_per_group(group, n_groups, flags["rest_view"]), views
        ),
        "non_browser_share": _share(
            _count_per_group(group, n_groups, flags["non_browser"]), logged_requests
        ),
        "error_share": _share(
            _count_per_group(group, n_groups, flags["error"]), logged_requests
        ),
        "exports": _count_per_group(group, n_groups, flags["export"]),
        "space_exports": _count_per_group(group, n_groups, flags["space_export"]),
        "attachment_downloads": _count_per_group(
            group, n_groups, flags["attachment_download"]
        ),
        "searches": _count_per_group(group, n_groups, flags["search"]),
        "admin_requests": _count_per_group(group, n_groups, flags["admin"]),
    }


def _hourly_features(group, n_groups, hour, second_of_day, flags):
    view = flags["view"]

    by_hour = np.bincount(
        group * 24 + hour, weights=flags["foreground"], minlength=n_groups * 24
    ).reshape(n_groups, 24)
    views_by_hour = np.bincount(
        group[view] * 24 + hour[view], minlength=n_groups * 24
    ).reshape(n_groups, 24)

    views = views_by_hour.sum(axis=1)
    view_hours = (views_by_hour > 0).sum(axis=1)

    return {
        "active_hours": (by_hour > 0).sum(axis=1).astype("float64"),
        "mean_pages_per_active_hour": _share(views.astype("float64"), view_hours),
        "max_pages_per_hour": _max_views_in_window(
            group[view], second_of_day[view], n_groups
        ),
    }


def _max_views_in_window(group, second_of_day, n_groups):
    """Return the most views in any 60-minute window of each group's local day.

    Each view opens a window, and the views up to 60 minutes after it are counted.
    Groups are laid out far enough apart on one axis that no window crosses into the
    next group, so a single sorted search covers all groups.
    """
    maxima = np.zeros(n_groups, dtype="float64")
    if len(group) == 0:
        return maxima

    spacing = 2 * _SECONDS_PER_DAY
    position = np.sort(group.astype("int64") * spacing + second_of_day)
    window_end = np.searchsorted(position, position + _WINDOW_SECONDS, side="left")
    in_window = window_end - np.arange(len(position))

    np.maximum.at(maxima, position // spacing, in_window)
    return maxima


def _diversity_features(events, group, n_groups, view):
    page = _page_keys(events)[view]
    view_group = group[view]

    distinct_pages = _count_distinct(view_group, page, n_groups)

    space_codes = pd.Categorical(events["space_key"]).codes[view]
    has_space = space_codes >= 0
    space_group = view_group[has_space]
    space_codes = space_codes[has_space]

    return {
        "distinct_pages": distinct_pages,
        "distinct_spaces": _count_distinct(space_group, space_codes, n_groups),
        "space_entropy": _entropy(space_group, space_codes, n_groups),
    }


def _page_keys(events):
    """Return one integer per event that identifies the page it read.

    The content id identifies a page when the URL carries one. Otherwise the page is
    identified by its URL path, which gets a negative key so that it cannot collide
    with an id.
    """
    page_id = events["page_id"].astype("Int64")
    has_id = page_id.notna().to_numpy()
    ids = page_id.to_numpy(dtype="int64", na_value=0)

    path_codes = pd.factorize(events["path"], use_na_sentinel=True)[0].astype("int64")
    return np.where(has_id, ids, -(path_codes + 2))


def _count_distinct(group, values, n_groups):
    if len(group) == 0:
        return np.zeros(n_groups, dtype="float64")

    pairs = pd.DataFrame({"group": group, "value": values}).drop_duplicates()
    return np.bincount(pairs["group"].to_numpy(), minlength=n_groups).astype("float64")


def _entropy(group, values, n_groups):
    """Return the Shannon entropy in bits of each group's values."""
    entropy = np.zeros(n_groups, dtype="float64")
    if len(group) == 0:
        return entropy

    pair_counts = (
        pd.DataFrame({"group": group, "value": values})
        .value_counts(sort=False)
        .reset_index(name="count")
    )
    pair_group = pair_counts["group"].to_numpy()
    count = pair_counts["count"].to_numpy(dtype="float64")

    total = np.bincount(pair_group, weights=count, minlength=n_groups)
    probability = count / total[pair_group]
    np.add.at(entropy, pair_group, -probability * np.log2(probability))

    # Rounding can leave -0.0 or a tiny negative value for single-space days.
    return np.maximum(entropy, 0.0)


def _is_weekend(days_since_epoch):
    # 1970-01-01 was a Thursday, which is weekday 3 when Monday is 0.
    weekday = (days_since_epoch + 3) % 7
    return weekday >= 5


def _group_time(group, n_groups, local_seconds, reducer):
    if reducer is np.minimum:
        result = np.full(n_groups, np.iinfo("int64").max, dtype="int64")
    else:
        result = np.full(n_groups, np.iinfo("int64").min, dtype="int64")

    reducer.at(result, group, local_seconds)
    return pd.to_datetime(result, unit="s")
