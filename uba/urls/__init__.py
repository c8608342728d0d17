"""Classification of Confluence requests into actions, space keys and content ids.

:func:`classify_requests` takes the ``method``, ``path`` and ``query`` columns of an
events frame and returns ``action`` (a Categorical over ``uba._schema.ACTIONS``),
``space_key`` (category) and ``page_id`` (Int64) with the same index. It works on
distinct values, so millions of rows cost little more than their distinct paths.
:func:`classify_url` classifies one request with the same route table and returns
the same values. :func:`decode_tiny_link` and :func:`encode_tiny_link` convert
between content ids and the codes of ``/x/<code>`` tiny links.

Paths may carry a context path (``/wiki``, ``/confluence``); it is detected or can
be given. Both Data Center and Cloud URL shapes are recognised.
"""

from uba.urls._classify import classify_requests
from uba.urls._scalar import classify_url
from uba.urls._text import decode_tiny_link, encode_tiny_link

__all__ = [
    "classify_requests",
    "classify_url",
    "decode_tiny_link",
    "encode_tiny_link",
]
