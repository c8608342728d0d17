"""Content reading by privileged accounts, weighted by how unusual it is for them.

An administrator account reaches more of the wiki than most accounts, so an attacker
who takes one over can mine more content. Many administrators mostly use
administration pages, and for them reading much content is out of character.
"""

import numpy as np

from uba.features._history import window_sums


def privilege_features(history, query_rows, window, privileged_user):
    """Return ``privileged`` and ``privileged_content_views`` per query row.

    Parameters
    ----------
    history : History
        User-days sorted by user and day.
    query_rows : numpy.ndarray of int64
        Row of each query in ``history``.
    window : tuple of numpy.ndarray
        ``(lo, hi)``: the rows of each query's own trailing window.
    privileged_user : numpy.ndarray of bool or None
        Whether each user code is privileged; None to infer privilege from
        administration requests on earlier days of the window.

    Returns
    -------
    privileged, privileged_content_views : numpy.ndarray of float64

    Notes
    -----
    ``privileged_content_views = page_views * (1 - s)`` for a privileged user and 0
    otherwise, where ``s = window page views / window requests`` is the user's usual
    share of content reads among their requests (background requests left out) over
    the window, and 0 without requests in the window. An administrator who reads 200
    pages after weeks of only admin pages gets about 200; one who always reads gets
    little.
    """
    lo, hi = window
    if privileged_user is None:
        privileged = window_sums(history.column("admin_requests"), lo, hi) > 0
    else:
        privileged = privileged_user[history.user[query_rows]]

    window_views = window_sums(history.column("page_views"), lo, hi)
    window_requests = window_sums(history.column("requests"), lo, hi)
    usual_share = np.zeros(len(lo))
    np.divide(window_views, window_requests, out=usual_share, where=window_requests > 0)
    usual_share = np.clip(usual_share, 0.0, 1.0)

    views = history.column("page_views")[query_rows]
    content_views = np.where(privileged, views * (1.0 - usual_share), 0.0)
    return privileged.astype("float64"), content_views
