"""Conversions between wall-clock times in one time zone and epoch milliseconds."""

import datetime as dt
from zoneinfo import ZoneInfo

_EPOCH_DATE = dt.date(1970, 1, 1)
_DAY_SECONDS = 86_400
_BUCKET_SECONDS = 900
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


class ZoneClock:
    """Wall-clock arithmetic for one IANA time zone, cached per day.

    Parameters
    ----------
    timezone : str
        IANA name such as ``"America/New_York"``.

    Notes
    -----
    A wall time that falls into a spring-forward gap is read with the offset in force
    before the change, which moves it forward by the size of the gap (02:30 becomes
    03:30 in New York). A repeated wall time in a fall-back hour is read as the first of
    the two.
    """

    def __init__(self, timezone):
        self.name = timezone
        self.zone = ZoneInfo(timezone)
        self._day_offsets = {}
        self._bucket_offsets = {}

    def to_epoch_ms(self, day, seconds):
        """Convert ``seconds`` after local midnight of ``day`` to epoch milliseconds.

        Parameters
        ----------
        day : datetime.date
            Local calendar day.
        seconds : float
            Wall-clock seconds after midnight; values past 86400 run into the next day.

        Returns
        -------
        int
            Milliseconds since 1970-01-01 UTC.
        """
        naive_s = (day - _EPOCH_DATE).days * _DAY_SECONDS + seconds
        offset_s = self._constant_offset(day)
        if offset_s is None or not 0 <= seconds < _DAY_SECONDS:
            offset_s = self._offset_of_wall_time(naive_s)

        return int(round((naive_s - offset_s) * 1000))

    def offset_seconds(self, epoch_s):
        """Return the UTC offset in seconds in force at ``epoch_s`` (seconds, UTC)."""
        bucket = int(epoch_s // _BUCKET_SECONDS)
        offsets = self._bucket_offsets.get(bucket)
        if offsets is None:
            start = bucket * _BUCKET_SECONDS
            offsets = (self._offset_at(start), self._offset_at(start + _BUCKET_SECONDS))
            self._bucket_offsets[bucket] = offsets

        if offsets[0] == offsets[1]:
            return offsets[0]
        return self._offset_at(epoch_s)

    def local_date(self, epoch_ms):
        """Return the local calendar day of an epoch time in milliseconds."""
        epoch_s = epoch_ms // 1000
        local_s = epoch_s + self.offset_seconds(epoch_s)
        return _EPOCH_DATE + dt.timedelta(days=local_s // _DAY_SECONDS)

    def _offset_at(self, epoch_s):
        instant = dt.datetime.fromtimestamp(epoch_s, dt.UTC)
        return int(instant.astimezone(self.zone).utcoffset().total_seconds())

    def _constant_offset(self, day):
        """Return the offset of ``day``, or ``None`` if ``day`` has a DST transition."""
        if day not in self._day_offsets:
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)
            next_midnight = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time(0), tzinfo=self.zone
            )
            first = midnight.utcoffset()
            last = next_midnight.utcoffset()
            constant = int(first.total_seconds()) if first == last else None
            self._day_offsets[day] = constant
        return self._day_offsets[day]

    def _offset_of_wall_time(self, naive_s):
        wall = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=naive_s)
        return int(wall.replace(tzinfo=self.zone).utcoffset().total_seconds())


class TimestampFormatter:
    """Format epoch milliseconds as Tomcat's ``%t``: ``[dd/MMM/yyyy:HH:mm:ss ±hhmm]``.

    Parameters
    ----------
    clock : ZoneClock
        Zone of the server, whose local time and offset the log shows.
    """

    def __init__(self, clock):
        self._clock = clock
        self._date_text = {}
        self._offset_text = {}

    def format(self, epoch_ms):
        """Return the bracketed timestamp of ``epoch_ms`` in the server's zone."""
        epoch_s = epoch_ms // 1000
        offset_s = self._clock.offset_seconds(epoch_s)
        day_number, second_of_day = divmod(epoch_s + offset_s, _DAY_SECONDS)
        hour, rest = divmod(second_of_day, 3600)
        minute, second = divmod(rest, 60)
        offset_text = self._offset_text.get(offset_s)
        if offset_text is None:
            offset_text = self._offset_text[offset_s] = _format_offset(offset_s)
        return (
            f"[{self._date(day_number)}:{hour:02d}:{minute:02d}:{second:02d} "
            f"{offset_text}]"
        )

    def _date(self, day_number):
        text = self._date_text.get(day_number)
        if text is None:
            day = _EPOCH_DATE + dt.timedelta(days=day_number)
            text = f"{day.day:02d}/{_MONTHS[day.month - 1]}/{day.year:04d}"
            self._date_text[day_number] = text
        return text


def _format_offset(offset_s):
    sign = "-" if offset_s < 0 else "+"
    hours, minutes = divmod(abs(offset_s) // 60, 60)
    return f"{sign}{hours:02d}{minutes:02d}"
