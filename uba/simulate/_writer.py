"""Write the simulated requests as daily Tomcat access logs in the stock layout."""

import gzip
import logging
from operator import attrgetter

import numpy as np

from uba.simulate import _catalogue as cat
from uba.simulate._clock import TimestampFormatter

logger = logging.getLogger(__name__)

WRITER_STREAM = 4
LOG_PREFIX = "conf_access_log."


def log_file_name(day, compress):
    """Return Tomcat's file name for ``day``, with ``.gz`` when compressed."""
    suffix = ".log.gz" if compress else ".log"
    return f"{LOG_PREFIX}{day.isoformat()}{suffix}"


def write_access_logs(requests, organisation, clock, out_dir, compress, seed):
    """Write one file per server-local day, lines sorted by time.

    The layout is Confluence's default valve pattern
    ``%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i %{User-Agent}i``. Requests
    that fall outside the simulated days are dropped.

    Parameters
    ----------
    requests : list of Request
        All simulated requests, in any order.
    organisation : Organisation
        Gives the first day and the number of days.
    clock : ZoneClock
        The server's zone.
    out_dir : pathlib.Path
        Existing output folder.
    compress : bool
        Write gzip files (level 9, no time stamp in the header) or plain text.
    seed : int
        Seed of the thread names.

    Returns
    -------
    paths : list of pathlib.Path
        Files in day order.
    n_lines : int
        Lines written in all files.
    """
    by_day = _split_by_day(requests, organisation, clock)
    formatter = TimestampFormatter(clock)
    paths = []
    n_lines = 0
    for day_index, day in enumerate(organisation.dates):
        rng = np.random.default_rng([seed, WRITER_STREAM, day_index])
        day_requests = by_day[day_index]
        threads = rng.integers(1, cat.MAX_THREADS + 1, size=len(day_requests))
        text = "".join(
            _format_line(request, formatter, thread)
            for request, thread in zip(day_requests, threads.tolist(), strict=True)
        )
        path = out_dir / log_file_name(day, compress)
        _write_bytes(path, text.encode("utf-8"), compress)
        paths.append(path)
        n_lines += len(day_requests)
    return paths, n_lines


def _split_by_day(requests, organisation, clock):
    """Sort requests by time and group them by server-local day index."""
    ordered = sorted(requests, key=attrgetter("time_ms"))
    by_day = [[] for _ in range(organisation.days)]
    dropped = 0
    for request in ordered:
        day_index = (clock.local_date(request.time_ms) - organisation.start).days
        if 0 <= day_index < organisation.days:
            by_day[day_index].append(request)
        else:
            dropped += 1
    logger.debug("dropped %d simulated requests outside the simulated days", dropped)
    return by_day


def _format_line(request, formatter, thread):
    size = request.size if request.size > 0 else "-"
    timestamp = formatter.format(request.time_ms)
    return (
        f"{timestamp} {request.user} {cat.THREAD_PREFIX}{thread}"
        f" {request.client} {request.method} {request.uri} HTTP/1.1 {request.status}"
        f" {request.duration_ms}ms {size} {request.referer} {request.user_agent}\n"
    )


def _write_bytes(path, data, compress):
    if compress:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
