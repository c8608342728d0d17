"""Baseline rankings of user-days that the benchmark compares with ``uba``'s model.

Every function returns a score table: ``user``, ``date`` and ``score`` (float64,
higher is more suspicious), one row per profile row, in the order of the profiles.

Three baselines follow the tunable elements of the MITRE ATT&CK detection strategy
DET0358 (analytic AN1019) for T1213.001 Confluence: a time window for excessive
access, privileged user context, and a filter on user agents of scripted access.
"""

from numbers import Real
from types import MappingProxyType

import numpy as np
import pandas as pd

from uba.detectors import IsolationForestDetector
from uba.evaluation._validation import check_profiles
from uba.exceptions import InvalidParameterError
from uba.features import FEATURES

# Units of the features that count things in a day; rates, shares, entropy and flags
# have other units.
_COUNT_UNITS = ("requests", "views", "pages", "hours", "spaces")

# Counts that read what a request asked for, not how much traffic there was.
_CONTENT_COUNTS = ("credential_searches",)

COUNT_FEATURES = tuple(
    feature.name
    for feature in FEATURES
    if feature.unit in _COUNT_UNITS and feature.name not in _CONTENT_COUNTS
)

COMMUNITY_RULE_THRESHOLD = 40


def community_rule_scores(profiles, threshold=COMMUNITY_RULE_THRESHOLD):
    """Score user-days by the rule "more than ``threshold`` page views in 24 hours".

    Published community queries for T1213.001 alert when one account makes more
    than 40 Confluence content accesses in 24 hours. This baseline applies the
    threshold to page views. As a ranking, the user-days above the threshold are
    ordered by their page views.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.features.build_profiles`; ``user``,
        ``date`` and ``page_views`` are used.
    threshold : int or float, default=40
        Page views per local day at or below which the rule stays silent.

    Returns
    -------
    scores : pandas.DataFrame
        Score table: ``score`` is ``page_views`` (views per day) above the threshold
        and 0 at or below it.

    Raises
    ------
    ValueError
        If the profiles lack a column, have missing values or duplicate user-days.
    InvalidParameterError
        If ``threshold`` is not a number >= 0.

    Notes
    -----
    Every user-day at or below the threshold scores 0, so they all tie at the
    bottom of the day's ranking, and the metrics break that tie at random. The
    rule's day is the local calendar day of the profile, not a sliding 24 hours.
    """
    _check_threshold(threshold)
    check_profiles(profiles, ("page_views",))

    views = profiles["page_views"].to_numpy(dtype="float64")
    return _score_table(profiles, np.where(views > threshold, views, 0.0))


def pages_per_hour_scores(profiles):
    """Score user-days by their busiest hour of page views.

    This is the time-window tunable of MITRE ATT&CK T1213.001 detection: many pages
    read in a short time. The score is ``max_pages_per_hour``, the most page views
    in any 60-minute window of the local day.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.features.build_profiles`; ``user``,
        ``date`` and ``max_pages_per_hour`` are used.

    Returns
    -------
    scores : pandas.DataFrame
        Score table; ``score`` is in views per hour. Equal values tie, and the
        metrics break ties at random.

    Raises
    ------
    ValueError
        If the profiles lack a column, have missing values or duplicate user-days.
    """
    check_profiles(profiles, ("max_pages_per_hour",))
    return _score_table(profiles, profiles["max_pages_per_hour"].to_numpy())


def privileged_account_scores(profiles, privileged_users=None):
    """Score the page views of privileged accounts; every other user-day scores 0.

    This is the user-context tunable of MITRE ATT&CK T1213.001 detection:
    privileged accounts should rarely read documentation, and they can reach every
    space.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.features.build_profiles`; ``user``,
        ``date``, ``page_views`` and, when ``privileged_users`` is None,
        ``admin_requests`` are used.
    privileged_users : iterable of str or None, default=None
        The privileged user names. None means a user is privileged on a day when
        the profiles show ``admin_requests > 0`` for that user on an earlier day.

    Returns
    -------
    scores : pandas.DataFrame
        Score table: ``score`` is ``page_views`` (views per day) for privileged
        user-days and 0 for the others.

    Raises
    ------
    ValueError
        If the profiles lack a column, have missing values or duplicate user-days.
    InvalidParameterError
        If ``privileged_users`` is a single string rather than a collection.

    Notes
    -----
    The inferred privilege uses earlier days only, so an account's first day of
    administration is not yet privileged: a ranking of a day uses only what was
    known before it. The unprivileged user-days all tie at 0 at the bottom of the
    day's ranking, and the metrics break that tie at random.
    """
    if privileged_users is None:
        check_profiles(profiles, ("page_views", "admin_requests"))
        privileged = _admin_on_earlier_day(profiles)
    else:
        check_profiles(profiles, ("page_views",))
        privileged = _is_listed(profiles, privileged_users)

    views = profiles["page_views"].to_numpy(dtype="float64")
    return _score_table(profiles, np.where(privileged, views, 0.0))


def non_browser_scores(profiles):
    """Score user-days by their page views made with clients other than a browser.

    This is the user-agent tunable of MITRE ATT&CK T1213.001 detection: scripted
    access to the wiki. The score is ``page_views * non_browser_share``, an
    estimate of the page views made by HTTP libraries, command-line tools or
    crawlers.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.features.build_profiles`; ``user``,
        ``date``, ``page_views`` and ``non_browser_share`` are used.

    Returns
    -------
    scores : pandas.DataFrame
        Score table; ``score`` is in views per day. User-days without non-browser
        requests tie at 0, and the metrics break ties at random.

    Raises
    ------
    ValueError
        If the profiles lack a column, have missing values or duplicate user-days.

    Notes
    -----
    ``non_browser_share`` is a share of all requests, not of page views, so the
    score is an estimate when a user mixes a browser and a script on one day.
    """
    check_profiles(profiles, ("page_views", "non_browser_share"))
    views = profiles["page_views"].to_numpy(dtype="float64")
    share = profiles["non_browser_share"].to_numpy(dtype="float64")
    return _score_table(profiles, views * share)


def raw_count_isolation_forest_scores(train_profiles, test_profiles, random_state=0):
    """Score user-days with an isolation forest on their raw daily counts.

    This is the common insider-threat baseline: an isolation forest on per-day
    counts, without the shares, flags, log scaling or extrapolation that
    ``uba``'s default model adds.

    Parameters
    ----------
    train_profiles : pandas.DataFrame
        User-day profiles to fit the forest on.
    test_profiles : pandas.DataFrame
        User-day profiles to score.
    random_state : int, RandomState instance or None, default=0
        Seed of the tree construction.

    Returns
    -------
    scores : pandas.DataFrame
        Score table of ``test_profiles``; ``score`` is the isolation-forest anomaly
        score in (0, 1].

    Raises
    ------
    ValueError
        If either profile table lacks a count column, has missing values or
        duplicate user-days.

    See Also
    --------
    uba.detectors.IsolationForestDetector : The forest, used with
        ``log_scale=False`` and ``extrapolate=False``.

    Notes
    -----
    The features are :data:`COUNT_FEATURES`, those counted in requests, views,
    pages, hours or spaces per day: ``requests``, ``page_views``,
    ``distinct_pages``, ``active_hours``, ``distinct_spaces``, ``exports``,
    ``space_exports``, ``attachment_downloads``, ``searches`` and
    ``admin_requests``.
    """
    check_profiles(train_profiles, COUNT_FEATURES, name="train_profiles")
    check_profiles(test_profiles, COUNT_FEATURES, name="test_profiles")

    detector = IsolationForestDetector(
        log_scale=False, extrapolate=False, random_state=random_state
    )
    detector.fit(train_profiles[list(COUNT_FEATURES)].to_numpy(dtype="float64"))

    X = test_profiles[list(COUNT_FEATURES)].to_numpy(dtype="float64")
    return _score_table(test_profiles, detector.anomaly_score(X))


def model_scores(model, profiles):
    """Score user-days with a trained ``uba`` model.

    Parameters
    ----------
    model : uba.scoring.ProfileModel
        A model from :func:`uba.scoring.train_model` or :func:`uba.scoring.load_model`.
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.features.build_profiles` with the model's
        features.

    Returns
    -------
    scores : pandas.DataFrame
        Score table; ``score`` is ``model.score(profiles)``, higher is more
        anomalous.

    Raises
    ------
    ValueError
        If the profiles lack a column, have missing values or duplicate user-days.
    uba.exceptions.ModelMismatchError
        If the profiles lack a feature of the model.
    """
    check_profiles(profiles, ())
    return _score_table(profiles, model.score(profiles))


def _community_rule_baseline(train_profiles, test_profiles):
    """Rank ``test_profiles`` by the 40-page-views rule; the training days are unused."""
    return community_rule_scores(test_profiles)


def _pages_per_hour_baseline(train_profiles, test_profiles):
    """Rank ``test_profiles`` by their busiest hour; the training days are unused."""
    return pages_per_hour_scores(test_profiles)


def _privileged_account_baseline(train_profiles, test_profiles):
    """Rank ``test_profiles`` by privileged reading, with the training days as history.

    A user who made administration requests on a training day, or on an earlier test
    day, is privileged. Training user-days that are also test user-days count once.
    """
    columns = ["user", "date", "page_views", "admin_requests"]
    check_profiles(train_profiles, columns[2:], name="train_profiles")
    check_profiles(test_profiles, columns[2:], name="test_profiles")

    test_keys = pd.MultiIndex.from_frame(test_profiles[["user", "date"]])
    train_keys = pd.MultiIndex.from_frame(train_profiles[["user", "date"]])
    history = train_profiles.loc[~train_keys.isin(test_keys), columns]

    combined = pd.concat([history, test_profiles[columns]], ignore_index=True)
    scores = privileged_account_scores(combined)
    return scores.iloc[len(history) :].reset_index(drop=True)


def _non_browser_baseline(train_profiles, test_profiles):
    """Rank ``test_profiles`` by non-browser page views; the training days are unused."""
    return non_browser_scores(test_profiles)


BASELINES = MappingProxyType(
    {
        "community_rule": _community_rule_baseline,
        "pages_per_hour": _pages_per_hour_baseline,
        "privileged_account": _privileged_account_baseline,
        "non_browser": _non_browser_baseline,
        "raw_count_isolation_forest": raw_count_isolation_forest_scores,
    }
)
"""Baselines by name; each is called as ``baseline(train_profiles, test_profiles)``
and returns the score table of ``test_profiles``."""


def _admin_on_earlier_day(profiles):
    """Return whether each row's user made admin requests on an earlier day."""
    users = profiles["user"].astype("str").to_numpy()
    order = np.lexsort((profiles["date"].to_numpy(), users))

    sorted_users = pd.Series(users[order])
    admin_day = pd.Series((profiles["admin_requests"].to_numpy() > 0)[order])
    admin_so_far = admin_day.astype("int64").groupby(sorted_users).cummax()
    admin_before = admin_so_far.groupby(sorted_users).shift(fill_value=0)

    privileged = np.empty(len(profiles), dtype=bool)
    privileged[order] = admin_before.to_numpy() > 0
    return privileged


def _is_listed(profiles, privileged_users):
    if isinstance(privileged_users, (str, bytes)):
        raise InvalidParameterError(
            f"privileged_users must be a collection of user names, got the string "
            f"{privileged_users!r}; wrap a single name in a list."
        )
    names = {str(user) for user in privileged_users}
    return profiles["user"].astype("str").isin(names).to_numpy()


def _check_threshold(threshold):
    is_number = isinstance(threshold, Real) and not isinstance(threshold, bool)
    if not (is_number and np.isfinite(threshold) and threshold >= 0):
        raise InvalidParameterError(
            f"threshold must be a finite number of page views >= 0, got {threshold!r}."
        )


def _score_table(profiles, values):
    return pd.DataFrame(
        {
            "user": profiles["user"].astype("str").to_numpy(),
            "date": profiles["date"].to_numpy(),
            "score": np.asarray(values, dtype="float64"),
        }
    )
