"""The simulated HTTP requests, kept in memory until the log files are written."""

from typing import NamedTuple


class Request(NamedTuple):
    """One line of the access log before formatting.

    Attributes
    ----------
    time_ms : int
        Time the request arrived, epoch milliseconds.
    user : str
        ``X-AUSERNAME`` value; ``"-"`` when anonymous.
    client : str
        Client address (``%h``).
    method : str
        HTTP method.
    uri : str
        Path and query string, percent-encoded.
    status : int
        HTTP status.
    duration_ms : int
        Processing time in milliseconds.
    size : int
        Body bytes; written as ``-`` when 0.
    referer : str
        ``Referer`` header; ``"-"`` when absent.
    user_agent : str
        ``User-Agent`` header; ``"-"`` when absent.
    """

    time_ms: int
    user: str
    client: str
    method: str
    uri: str
    status: int
    duration_ms: int
    size: int
    referer: str
    user_agent: str


class RequestLog:
    """Collect the requests of a simulation and the pages edited on each day.

    Attributes
    ----------
    requests : list of Request
        Requests in the order they were added; the writer sorts them by time.
    edited : dict of int to list of int
        Content ids saved by an edit, by simulated day index.
    """

    def __init__(self):
        self.requests = []
        self.edited = {}

    def add(
        self,
        time_ms,
        user,
        client,
        method,
        uri,
        status,
        duration_ms,
        size,
        referer,
        user_agent,
    ):
        """Append one request."""
        self.requests.append(
            Request(
                int(time_ms),
                user,
                client,
                method,
                uri,
                int(status),
                int(duration_ms),
                int(size),
                referer,
                user_agent,
            )
        )

    def record_edit(self, day_index, page_id):
        """Remember that ``page_id`` was saved on day ``day_index``."""
        self.edited.setdefault(day_index, []).append(page_id)
