"""Read a day given to the API as a string, date or timestamp."""

import re

import numpy as np
import pandas as pd

# A day as a string: YYYY-MM-DD, optionally followed by a time.
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ].*)?$")


def parse_day(value, name, *, allow_zone=True):
    """Return ``value`` as a midnight ``pandas.Timestamp`` without a time zone.

    Profile dates are the server's local days without a zone. With ``allow_zone``, a
    timestamp with a zone names the calendar day it shows in that zone.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime or pandas.Timestamp
        The day.
    name : str
        The parameter's name, used in error messages.
    allow_zone : bool, default=True
        Whether a timestamp with a time zone is accepted.

    Returns
    -------
    day : pandas.Timestamp

    Raises
    ------
    ValueError
        If ``value`` is a number, empty or not a date, or has a time zone that is
        not allowed.
    """
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, (float, np.floating)) and np.isnan(value)
    ):
        raise ValueError(_invalid(name, value))
    if isinstance(value, (int, float, np.number)):
        raise ValueError(
            f"Invalid {name} {value!r}: a number is read as nanoseconds since 1970; "
            f"use the form YYYY-MM-DD, for example '2026-03-20'."
        )
    # pandas also reads 'today', '2026' and '2026-03', which name no single day.
    if isinstance(value, str) and not _FULL_DATE.match(value.strip()):
        raise ValueError(_invalid(name, value))

    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(_invalid(name, value)) from error
    if pd.isna(day):
        raise ValueError(_invalid(name, value))

    if day.tz is not None and not allow_zone:
        raise ValueError(
            f"Invalid {name} {value!r}; use a local date without a time zone, such as "
            f"2026-03-20."
        )
    if day.tz is not None:
        day = day.tz_localize(None)
    return day.normalize()


def _invalid(name, value):
    return (
        f"Invalid {name} {value!r}; use the form YYYY-MM-DD, for example "
        f"'2026-03-20'."
    )
