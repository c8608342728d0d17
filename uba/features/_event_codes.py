"""Integer codes of the request events that the context features read."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from uba.features._profiles import _event_flags, _local_seconds, _page_keys
from uba.features._windows import DailyItems, count_unique

EVENT_COLUMNS = (
    "timestamp",
    "utc_offset",
    "user",
    "client_ip",
    "path",
    "status",
    "user_agent",
    "action",
    "space_key",
    "page_id",
)

_SECONDS_PER_DAY = 86_400


@dataclass
class EventCodes:
    """Named requests, background requests left out, as integer arrays.

    Attributes
    ----------
    users : numpy.ndarray of str
        Sorted user names; a user code is a position in this array.
    user, day, hour : numpy.ndarray of int64
        User code, local day number (days since 1970-01-01) and local hour.
    view : numpy.ndarray of bool
        True for page views as the profiles count them.
    space, page, client_ip, user_agent : numpy.ndarray of int64
        Codes of the space (-1 when the URL names none), the page, the client
        address and the user agent. A missing address or user agent has a code too.
    user_days : numpy.ndarray of int64
        Sorted distinct :func:`user_day_key` keys of all named requests, background
        requests included, because a user-day with only background requests still
        has a profile.
    request_user_day : numpy.ndarray of int64 or None
        The :func:`user_day_key` of every row of the events, -1 for anonymous ones.
        Callers may drop it to free memory once they have used it.
    n_anonymous : int
        Requests without a user name, which are left out.
    """

    users: np.ndarray
    user: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    view: np.ndarray
    space: np.ndarray
    page: np.ndarray
    client_ip: np.ndarray
    user_agent: np.ndarray
    user_days: np.ndarray
    request_user_day: np.ndarray | None
    n_anonymous: int


def check_events(events):
    """Raise when ``events`` is not a DataFrame with the columns the features read."""
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"events must be a pandas DataFrame from uba.read_events, "
            f"got {type(events).__name__}"
        )

    missing = [column for column in EVENT_COLUMNS if column not in events.columns]
    if missing:
        raise ValueError(
            f"events is missing the columns {missing}; "
            f"pass the DataFrame returned by uba.read_events"
        )


def encode_events(events, extra_users=()):
    """Return the :class:`EventCodes` of ``events``.

    Parameters
    ----------
    events : pandas.DataFrame
        Events as returned by :func:`uba.read_events`.
    extra_users : iterable of str
        Further user names to give codes, such as the users of the profiles.
    """
    named = events["user"].notna().to_numpy()
    users, user = _user_codes(events["user"], named, extra_users)

    local_seconds = _local_seconds(events)
    day = local_seconds // _SECONDS_PER_DAY
    hour = (local_seconds - day * _SECONDS_PER_DAY) // 3_600

    flags = _event_flags(events)
    keep = named & flags["foreground"]
    request_user_day = np.where(named, user_day_key(user, day), -1)
    user_days = count_unique(request_user_day[named])[0]

    return EventCodes(
        users=users,
        user=user[keep],
        day=day[keep],
        hour=hour[keep],
        view=flags["view"][keep],
        space=_codes(events["space_key"], keep, missing_code=-1),
        page=pd.factorize(_page_keys(events)[keep])[0].astype("int64"),
        client_ip=_codes(events["client_ip"], keep),
        user_agent=_codes(events["user_agent"], keep),
        user_days=user_days,
        request_user_day=request_user_day,
        n_anonymous=int((~named).sum()),
    )


def _user_codes(column, named, extra_users):
    """Return the sorted user names and each event's code (-1 when anonymous)."""
    event_user, event_names = _factorize_users(column)

    # Only names that occur get a code: a categorical column may list unused ones.
    occurs = np.bincount(event_user[named], minlength=len(event_names)) > 0
    extra_names = np.asarray(list(extra_users), dtype=str)
    users = np.unique(np.concatenate([event_names[occurs], extra_names]))

    user = np.full(len(column), -1, dtype="int64")
    user[named] = np.searchsorted(users, event_names)[event_user[named]]
    return users, user


def user_day_key(user, day):
    """Return the key of each (user code, day number) pair used by ``user_days``."""
    return np.asarray(user, dtype="int64") * 2**32 + np.asarray(day, dtype="int64")


def _factorize_users(users):
    """Return each event's index into the distinct names, and those names as str.

    Anonymous events get -1.
    """
    if isinstance(users.dtype, pd.CategoricalDtype):
        codes = users.cat.codes.to_numpy().astype("int64")
        names = users.cat.categories.to_numpy(dtype=object)
    else:
        codes, names = pd.factorize(users)
        codes = codes.astype("int64")
        names = np.asarray(names, dtype=object)
    return codes, names.astype(str)


def _codes(values, keep, missing_code=None):
    """Return integer codes of ``values[keep]`` in sorted order of the values.

    Missing values get ``missing_code``, or a code of their own when it is None.
    Sorted codes do not depend on the order of the events.
    """
    subset = values[keep]
    if missing_code is None:
        codes = pd.factorize(subset, sort=True, use_na_sentinel=False)[0]
        return codes.astype("int64")

    codes = pd.factorize(subset, sort=True, use_na_sentinel=True)[0].astype("int64")
    codes[codes < 0] = missing_code
    return codes


@dataclass
class DailyTables:
    """The distinct items of each user-day that the context features compare.

    Attributes
    ----------
    spaces : DailyItems
        Spaces of page views whose URL names a space, counted in views.
    pages : DailyItems
        Pages of page views, counted in views.
    client_ips, user_agents : DailyItems
        Client addresses and user agents of requests, counted in requests.
    hours : DailyItems
        Local hours (0 to 23) with requests, counted in requests.
    """

    spaces: DailyItems
    pages: DailyItems
    client_ips: DailyItems
    user_agents: DailyItems
    hours: DailyItems


def daily_tables(codes, day, n_days):
    """Return the :class:`DailyTables` of ``codes``.

    ``day`` is the day offset of each event on a ``DayAxis`` of ``n_days`` days.
    """
    view = codes.view
    space_view = view & (codes.space >= 0)
    return DailyTables(
        spaces=DailyItems(
            codes.user[space_view], day[space_view], codes.space[space_view], n_days
        ),
        pages=DailyItems(codes.user[view], day[view], codes.page[view], n_days),
        client_ips=DailyItems(codes.user, day, codes.client_ip, n_days),
        user_agents=DailyItems(codes.user, day, codes.user_agent, n_days),
        hours=DailyItems(codes.user, day, codes.hour, n_days),
    )
