"""Score each user-day against the organisation and against the user's own days."""

from numbers import Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import (
    OutlierScoreMixin,
    anomaly_scores,
    offset_for_contamination,
    sum_over_features,
)
from uba.detectors._knn import KNNDetector
from uba.detectors._scaling import ProfileScaler
from uba.detectors._validation import (
    check_contamination,
    check_int,
    check_min_samples,
    raise_invalid,
)
from uba.exceptions import InvalidParameterError

# A self ratio of 0 means "nothing above one of the user's own days". The floor keeps
# such days ordered by their organisation score instead of tying them all at 0.
_MIN_SELF_RATIO = 0.01

# A day at least as common in the organisation as a typical training day counts as
# typical. Otherwise a user who starts to read like a service account, whose days
# the organisation part has learned as normal, would have a large change cancelled.
_MIN_ORGANISATION_RATIO = 1.0

# Rows per block when one-sided distances are computed, to bound the memory used.
_BLOCK_ROWS = 256


class SelfBaselineDetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """Combine an organisation-wide detector with a comparison to the user's own days.

    A detector fitted on every user's days finds the days that are rare in the whole
    organisation. A search indexer or a technical writer is rare on every one of their
    days, and is flagged every day for doing what they always do. This detector also
    measures how far a user-day goes beyond the same user's own training days, and
    ranks a day high only when it is unusual for the organisation and for the user.

    The score of a user-day is the geometric mean, weighted by ``self_weight``, of
    two ratios:

    - the organisation ratio: the wrapped detector's anomaly score divided by its
      median over the training rows and by the user's usual value of that ratio
      raised to ``habit_weight``. It is raised to 1 where it is lower, so that a day
      the organisation finds common never cancels a large change for the user;
    - the self ratio: the mean one-sided distance from the day to the user's
      ``n_neighbors`` nearest training days, divided by the user's own typical
      distance between their training days (at least the median of that distance
      over all users).

    The one-sided distance between two days counts only the features on which the
    first day is higher, after :class:`ProfileScaler`. A day with fewer page views,
    fewer spaces and fewer exports than one of the user's earlier days adds nothing,
    because doing less than usual is no sign of mining the wiki. A user with fewer than
    ``min_days`` training days, or not named at fit time, has no self ratio and is
    scored by the organisation ratio alone.

    A user's usual organisation ratio is its median over the user's own training
    days, at least 1. A remote worker or a service account is far from most of the
    organisation on every day. Dividing by the usual ratio keeps that habit from
    raising each of their days. A user whose days suddenly move away from the
    organisation still gets the full ratio.

    Parameters
    ----------
    detector : estimator or None, default=None
        Unfitted organisation-wide detector with ``fit`` and either ``anomaly_score``
        (higher is more abnormal) or ``score_samples`` (lower is more abnormal).
        ``fit`` clones it. None means :class:`KNNDetector` with its defaults.
    n_neighbors : int, default=3
        Number of the user's own training days the self ratio is measured against.
    min_days : int, default=5
        Minimum number of training days a user needs to get a self ratio.
    self_weight : float, default=0.5
        Weight of the self ratio in the geometric mean, in [0, 1]. 0 scores by the
        organisation ratio alone (raised to 1 where it is lower), 1 by the self ratio
        alone.
    habit_weight : float, default=0.5
        Exponent, in [0, 1], of the user's usual organisation ratio that divides the
        day's organisation ratio. 0 ignores the habit, so an account that was far
        from the organisation through the whole training period stays high on every
        day; 1 counts only how much further than usual the day goes.
    contamination : float, default=0.1
        Expected share of outliers in the training rows, in (0, 0.5]. It only sets
        ``offset_``, the threshold of :meth:`predict`; scores and ranks do not depend
        on it.

    Attributes
    ----------
    detector_ : estimator
        Fitted clone of ``detector``.
    organisation_scale_ : float
        Median of the fitted detector's anomaly scores over the training rows (the
        mean when the median is 0, and 1.0 when both are 0).
    scaler_ : ProfileScaler
        Scaler fitted on the training rows; self distances are measured after it.
    user_days_ : dict of str to ndarray
        Scaled training days of each user with at least ``min_days`` of them.
    user_habit_ : dict of str to float
        Each such user's usual organisation ratio: the median over their training
        days of the wrapped detector's score divided by ``organisation_scale_``, at
        least 1.
    user_spread_ : dict of str to float
        Each such user's median one-sided distance from one training day to their
        ``n_neighbors`` nearest other training days.
    spread_floor_ : float
        Median of ``user_spread_`` over the users; the smallest spread a self ratio
        is divided by.
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function`` is
        ``score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    KNNDetector : The default organisation-wide detector.

    Notes
    -----
    :meth:`fit`, :meth:`score_samples`, :meth:`anomaly_score`,
    :meth:`decision_function` and :meth:`predict` take the user of each row as the
    keyword argument ``users``. Without it they score by the organisation ratio
    alone, so the detector still works where scikit-learn passes only ``X``.

    A user's training days are not a neighbour of themselves: when a scored row equals
    one of the user's training days exactly, that day is skipped once, as
    :class:`KNNDetector` does, so scoring the training rows gives leave-one-out
    scores.

    A row's score depends only on the row, its user and the fitted state, never on
    the other rows of the batch. Refit regularly, for example weekly, so that each
    user's own days stay recent.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import SelfBaselineDetector
    >>> rng = np.random.default_rng(0)
    >>> staff = rng.poisson(20, size=(300, 2)).astype(float)
    >>> indexer = rng.poisson(3000, size=(20, 2)).astype(float)
    >>> X = np.vstack([staff, indexer])
    >>> users = np.array([f"user{i % 15}" for i in range(300)] + ["indexer"] * 20)
    >>> detector = SelfBaselineDetector().fit(X, users=users)
    >>> usual_night, surge = [[3000.0, 3000.0]], [[400.0, 400.0]]
    >>> indexer_score = detector.anomaly_score(usual_night, users=["indexer"])[0]
    >>> surge_score = detector.anomaly_score(surge, users=["user1"])[0]
    >>> bool(surge_score > indexer_score)
    True
    """

    def __init__(
        self,
        detector=None,
        n_neighbors=3,
        min_days=5,
        self_weight=0.5,
        habit_weight=0.5,
        contamination=0.1,
    ):
        self.detector = detector
        self.n_neighbors = n_neighbors
        self.min_days = min_days
        self.self_weight = self_weight
        self.habit_weight = habit_weight
        self.contamination = contamination

    def fit(self, X, y=None, *, users=None):
        """Fit the organisation-wide detector and keep each user's own days.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles, at least 2 rows; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.
        users : array-like of shape (n_samples,), default=None
            The user of each row. None fits the organisation-wide detector only.

        Returns
        -------
        self : SelfBaselineDetector
            The fitted detector.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")
        check_min_samples(self, X.shape[0], 2)
        users = _check_users(users, X.shape[0])

        detector = KNNDetector() if self.detector is None else self.detector
        self.detector_ = clone(detector).fit(X)
        _check_scoring_method(self.detector_)
        training_distances = anomaly_scores(self.detector_, X)
        self.organisation_scale_ = _positive_scale(training_distances)

        self.scaler_ = ProfileScaler().fit(X)
        self.user_days_, self.user_spread_ = self._own_days(X, users)
        spreads = np.fromiter(self.user_spread_.values(), dtype=np.float64)
        self.spread_floor_ = _positive_scale(spreads)

        organisation = training_distances / self.organisation_scale_
        self.user_habit_ = self._usual_organisation(organisation, users)
        organisation = self._without_habit(organisation, users)
        training_scores = -self._combine(organisation, X, users)
        self.offset_ = offset_for_contamination(training_scores, self.contamination)
        return self

    def score_samples(self, X, *, users=None):
        """Return the opposite of each row's combined ratio; lower is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.
        users : array-like of shape (n_samples,), default=None
            The user of each row. None scores by the organisation ratio alone.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Values <= 0.
        """
        check_is_fitted(self)
        # The weights and n_neighbors are read at scoring time, so a set_params
        # after fit must meet the same checks as fit.
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        users = _check_users(users, X.shape[0])

        return -self._combined_ratio(X, users)

    def decision_function(self, X, *, users=None):
        """Return ``score_samples(X, users=users) - offset_``; negative is an outlier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.
        users : array-like of shape (n_samples,), default=None
            The user of each row.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            Shifted scores; below 0 means :meth:`predict` returns -1.
        """
        return self.score_samples(X, users=users) - self.offset_

    def predict(self, X, *, users=None):
        """Return -1 for outliers and 1 for inliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to label.
        users : array-like of shape (n_samples,), default=None
            The user of each row.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            -1 where ``decision_function(X, users=users) < 0``, else 1.
        """
        return np.where(self.decision_function(X, users=users) < 0, -1, 1)

    def anomaly_score(self, X, *, users=None):
        """Return the combined ratio of each row; higher is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.
        users : array-like of shape (n_samples,), default=None
            The user of each row.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-score_samples(X, users=users)``, 0 or more; about 1 for a day as
            unusual as a typical training day.
        """
        return -self.score_samples(X, users=users)

    def score_parts(self, X, *, users):
        """Return the organisation ratio and the self ratio of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.
        users : array-like of shape (n_samples,)
            The user of each row.

        Returns
        -------
        organisation : ndarray of shape (n_samples,)
            How unusual the day is for the whole organisation, relative to the
            user's usual value raised to ``habit_weight``; about 1 for a typical
            training day.
        own : ndarray of shape (n_samples,)
            How far the day goes beyond the user's own training days, relative to how
            much those days vary; NaN for a user without enough training days.
        """
        check_is_fitted(self)
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        users = _check_users(users, X.shape[0])
        if users is None:
            raise ValueError(
                "Missing users: score_parts needs the user of each row of X."
            )
        return self._organisation_ratio(X, users), self._self_ratio(X, users)

    def _combined_ratio(self, X, users):
        """Return the weighted geometric mean of the two ratios of each row."""
        return self._combine(self._organisation_ratio(X, users), X, users)

    def _combine(self, organisation, X, users):
        """Combine the organisation ratios of ``X`` with the rows' self ratios."""
        if users is None:
            return organisation

        own = self._self_ratio(X, users)
        weight = float(self.self_weight)
        combined = (
            np.maximum(organisation, _MIN_ORGANISATION_RATIO) ** (1.0 - weight)
            * np.maximum(own, _MIN_SELF_RATIO) ** weight
        )
        return np.where(np.isnan(own), organisation, combined)

    def _organisation_ratio(self, X, users):
        organisation = anomaly_scores(self.detector_, X) / self.organisation_scale_
        return self._without_habit(organisation, users)

    def _without_habit(self, organisation, users):
        """Divide each row's organisation ratio by its user's usual one, weighted."""
        if users is None or not self.user_habit_:
            return organisation

        usual = np.array([self.user_habit_.get(user, 1.0) for user in users])
        return organisation / usual ** float(self.habit_weight)

    def _self_ratio(self, X, users):
        """Return each row's self ratio, NaN where the user has no own days."""
        ratio = np.full(X.shape[0], np.nan)
        scaled = self.scaler_.transform(X)
        for user, rows in _rows_by_user(users):
            own = self.user_days_.get(user)
            if own is None:
                continue
            distance = _nearest_mean(scaled[rows], own, self.n_neighbors)
            spread = max(self.user_spread_[user], self.spread_floor_)
            ratio[rows] = distance / spread
        return ratio

    def _own_days(self, X, users):
        """Return the scaled training days and the spread of each user with enough."""
        if users is None:
            return {}, {}

        scaled = self.scaler_.transform(X)
        days, spreads = {}, {}
        for user, rows in _rows_by_user(users):
            if len(rows) < self.min_days:
                continue
            own = scaled[rows]
            days[user] = own
            spreads[user] = float(
                np.median(_nearest_mean(own, own, self.n_neighbors))
            )
        return days, spreads

    def _usual_organisation(self, organisation, users):
        """Return the median organisation ratio, at least 1, of each user with own days."""
        if users is None:
            return {}
        return {
            user: max(1.0, float(np.median(organisation[rows])))
            for user, rows in _rows_by_user(users)
            if user in self.user_days_
        }

    def _validate_parameters(self):
        check_int(self, "n_neighbors", self.n_neighbors, minimum=1)
        check_int(self, "min_days", self.min_days, minimum=2)
        for name in ("self_weight", "habit_weight"):
            weight = getattr(self, name)
            if (
                isinstance(weight, (bool, np.bool_))
                or not isinstance(weight, Real)
                or not 0.0 <= weight <= 1.0
            ):
                raise_invalid(self, name, "a float in [0, 1]", weight)
        check_contamination(self, self.contamination)
        if self.detector is not None and not hasattr(self.detector, "fit"):
            raise_invalid(
                self, "detector", "None or an estimator with fit", self.detector
            )


def _rows_by_user(users):
    """Yield each user name with the indices of its rows, in ascending order."""
    names, codes = np.unique(users, return_inverse=True)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(names) + 1))
    for index, name in enumerate(names):
        yield str(name), order[starts[index] : starts[index + 1]]


def _nearest_mean(rows, own, n_neighbors):
    """Return each row's mean one-sided distance to its nearest days of ``own``.

    One day of ``own`` that equals the row exactly is skipped, so a training day is
    not its own neighbour. At most ``len(own) - 1`` neighbours are used, so every row
    of a user is measured against the same number of days.
    """
    k = min(n_neighbors, len(own) - 1)
    means = np.empty(len(rows))
    for start in range(0, len(rows), _BLOCK_ROWS):
        block = rows[start : start + _BLOCK_ROWS]
        distances = _one_sided_distances(block, own)
        _skip_one_copy(distances, block, own)
        nearest = np.sort(distances, axis=1)[:, :k]
        means[start : start + len(block)] = nearest.mean(axis=1)
    return means


def _one_sided_distances(rows, own):
    """Return the Euclidean norm of ``max(row - day, 0)`` for every row and day."""
    excess = rows[:, np.newaxis, :] - own[np.newaxis, :, :]
    np.maximum(excess, 0.0, out=excess)
    squared = sum_over_features((excess * excess).reshape(-1, rows.shape[1]))
    return np.sqrt(squared).reshape(len(rows), len(own))


def _skip_one_copy(distances, rows, own):
    """Set the distance to the first exact copy of each row in ``own`` to infinity."""
    copies = (rows[:, np.newaxis, :] == own[np.newaxis, :, :]).all(axis=2)
    has_copy = copies.any(axis=1)
    first = copies.argmax(axis=1)
    distances[np.flatnonzero(has_copy), first[has_copy]] = np.inf


def _check_scoring_method(detector):
    """Raise unless a fitted detector scores new rows."""
    if hasattr(detector, "anomaly_score") or hasattr(detector, "score_samples"):
        return
    raise InvalidParameterError(
        f"The 'detector' parameter of SelfBaselineDetector must score new rows with "
        f"anomaly_score or score_samples, and a fitted {type(detector).__name__} has "
        f"neither. For LocalOutlierFactor, pass novelty=True."
    )


def _positive_scale(values):
    """Return the median of ``values``, or their mean if it is 0, or else 1.0."""
    if len(values) == 0:
        return 1.0
    for candidate in (np.median(values), np.mean(values)):
        if np.isfinite(candidate) and candidate > 0:
            return float(candidate)
    return 1.0


def _check_users(users, n_samples):
    """Return ``users`` as a 1-D array of str, or None; raise on a bad shape or gap."""
    if users is None:
        return None
    values = np.asarray(users, dtype=object)
    if values.ndim != 1 or len(values) != n_samples:
        raise ValueError(
            f"users must name the user of each row of X: expected {n_samples} values, "
            f"got an array of shape {values.shape}."
        )
    missing = np.flatnonzero(pd.isna(values))
    if len(missing):
        raise ValueError(
            f"users has {len(missing)} missing values, first at row {missing[0]}. "
            f"Give every row a user name."
        )
    return values.astype(str)
