"""Column names and dtypes shared by the readers, the URL classifier and the features.

An *event* is one HTTP request read from a Confluence log. ``read_events`` returns a
DataFrame with exactly the columns of :data:`EVENT_COLUMNS`, in that order.
"""

EVENT_COLUMNS = (
    "timestamp",  # datetime64[ns, UTC]
    "utc_offset",  # int16, minutes east of UTC written in the line (0 when none)
    "user",  # category; missing for anonymous requests ("-")
    "client_ip",  # category; first X-Forwarded-For address when logged, else %a or %h
    "method",  # category; missing when the request line is "-"
    "path",  # category; percent-encoded, without the query string
    "query",  # str; without the leading "?"; missing when absent
    "status",  # int16
    "bytes",  # int64; 0 for "-"
    "duration_ms",  # float64; NaN when the pattern logs no duration
    "referer",  # category; missing for "-"
    "user_agent",  # category; missing for "-"
    "action",  # category with the values of ACTIONS
    "space_key",  # category; missing when the URL carries no space
    "page_id",  # Int64; missing when the URL carries no content id
    "source",  # category; the file the line came from
    "line",  # int64; 1-based line number in that file
)

ACTIONS = (
    "page_view",
    "blog_view",
    "content_api",
    "search",
    "attachment_download",
    "export",
    "space_export",
    "edit",
    "admin",
    "login",
    "background",
    "other",
)

# Actions that count as reading content in the profiles.
VIEW_ACTIONS = ("page_view", "blog_view", "content_api")
