"""Isolation forest on log-scaled user-day profiles."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.ensemble import IsolationForest
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import OutlierScoreMixin
from uba.exceptions import InvalidParameterError


def signed_log1p(X):
    """Return ``sign(X) * log1p(|X|)``, which compresses heavy-tailed counts.

    Profile counts span several orders of magnitude (a reader opens 20 pages, a crawler
    20,000). Isolation trees draw split values uniformly between a feature's minimum and
    maximum, so on raw counts almost every split falls in the empty range between the
    ordinary users and the few heaviest ones. The transform keeps the order of values
    and is defined for negative values too.
    """
    return np.sign(X) * np.log1p(np.abs(X))


class IsolationForestDetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """Isolation-forest outlier detector for user-day profiles.

    Wraps :class:`sklearn.ensemble.IsolationForest` and applies :func:`signed_log1p` to
    every feature first when ``log_scale`` is true.

    Parameters
    ----------
    n_estimators : int, default=300
        Number of isolation trees.
    max_samples : "auto", int or float, default="auto"
        Rows drawn to build each tree: ``min(256, n_samples)`` for "auto", a count for
        an int, a fraction of the rows for a float in (0, 1].
    contamination : "auto" or float, default="auto"
        Expected share of outliers in the training rows, in (0, 0.5]. It only sets
        ``offset_``, the threshold of :meth:`predict`; scores and ranks do not depend
        on it. "auto" uses the threshold of the original isolation-forest paper.
    max_features : int or float, default=1.0
        Features drawn to build each tree: a count for an int, a fraction for a float.
    log_scale : bool, default=True
        Whether to apply :func:`signed_log1p` to the features before the forest.
    extrapolate : bool, default=True
        Whether a row with values outside the training range of a feature gets the
        shorter path it would have had if such a value had been in the training
        sample. Without it, a value far beyond the training maximum scores the same as
        the maximum itself. See Notes.
    random_state : int, RandomState instance or None, default=0
        Seed of the tree construction. The default makes training repeatable.
    n_jobs : int or None, default=None
        Parallel jobs for fitting and scoring; None means 1.

    Attributes
    ----------
    estimator_ : sklearn.ensemble.IsolationForest
        The fitted forest.
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function`` is
        ``score_samples(X) - offset_``.
    feature_min_ : ndarray of shape (n_features_in_,)
        Minimum of each feature in the training rows, after the log scaling.
    feature_max_ : ndarray of shape (n_features_in_,)
        Maximum of each feature in the training rows, after the log scaling.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    sklearn.ensemble.IsolationForest : The forest this detector wraps.

    Notes
    -----
    Scores follow scikit-learn's orientation: :meth:`score_samples` is lower for more
    abnormal rows and lies in [-1, 0). :meth:`anomaly_score` returns its negation, the
    anomaly score ``s(x, n)`` of Liu et al., which lies in (0, 1]: values near 1 are
    isolated after very few splits, and values well below 0.5 are ordinary.

    Isolation trees send a value beyond the training range down the same branch as
    the most extreme training value, so a crawler that reads 20,000 pages looks no
    stranger than the heaviest reader of the training weeks. With ``extrapolate``, a
    split on feature ``j`` drawn uniformly over ``[min_j, x_j]`` would isolate such a
    row with probability ``g_j / (max_j - min_j + g_j)``, where ``g_j`` is its distance
    beyond the range. Averaged over features this gives a chance ``p`` per tree level,
    and the forest's mean path length ``h`` becomes ``(1 - (1 - p) ** h) / p``, the
    expected depth when each level may isolate the row first. Rows inside the range
    keep their forest score exactly.

    Each row is scored on its own, so a user's score does not depend on who else is in
    the scoring batch.

    References
    ----------
    .. [1] F. T. Liu, K. M. Ting and Z.-H. Zhou, "Isolation Forest", ICDM 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import IsolationForestDetector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.poisson(20, size=(200, 3)).astype(float)
    >>> detector = IsolationForestDetector(n_estimators=50).fit(X)
    >>> bool(detector.anomaly_score([[2000.0, 20.0, 20.0]])[0] > 0.6)
    True
    """

    def __init__(
        self,
        n_estimators=300,
        max_samples="auto",
        contamination="auto",
        max_features=1.0,
        log_scale=True,
        extrapolate=True,
        random_state=0,
        n_jobs=None,
    ):
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.contamination = contamination
        self.max_features = max_features
        self.log_scale = log_scale
        self.extrapolate = extrapolate
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Fit the forest on user-day profiles.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : IsolationForestDetector
            The fitted detector.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64)
        scaled = self._scale(X)

        self.estimator_ = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            contamination=self.contamination,
            max_features=self.max_features,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(scaled)
        self.feature_min_ = scaled.min(axis=0)
        self.feature_max_ = scaled.max(axis=0)

        # Training rows lie inside the range, so the forest's own threshold holds.
        self.offset_ = float(self.estimator_.offset_)
        return self

    def score_samples(self, X):
        """Return the opposite of the anomaly score of each row; lower is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Values in [-1, 0).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scaled = self._scale(X)

        scores = self.estimator_.score_samples(scaled)
        if self.extrapolate:
            scores = -self._extrapolated_anomaly_score(-scores, scaled)
        return scores

    def _extrapolated_anomaly_score(self, anomaly_score, scaled):
        """Shorten the path length of rows outside the training range (see Notes)."""
        span = self.feature_max_ - self.feature_min_
        gap = np.maximum(scaled - self.feature_max_, self.feature_min_ - scaled)
        gap = np.maximum(gap, 0.0)

        isolating = np.zeros_like(gap)
        np.divide(gap, span + gap, out=isolating, where=gap > 0)
        chance = isolating.mean(axis=1)

        outside = chance > 0
        p = chance[outside]
        normaliser = _average_path_length(self.estimator_.max_samples_)
        path_length = -np.log2(anomaly_score[outside]) * normaliser
        path_length = (1.0 - (1.0 - p) ** path_length) / p

        extended = anomaly_score.copy()
        extended[outside] = 2.0 ** (-path_length / normaliser)
        return extended

    def _scale(self, X):
        if self.log_scale:
            return signed_log1p(X)
        return X

    def _validate_parameters(self):
        _check_int("n_estimators", self.n_estimators, minimum=1)
        _check_max_samples(self.max_samples)
        _check_contamination(self.contamination)
        _check_max_features(self.max_features)
        for name in ("log_scale", "extrapolate"):
            value = getattr(self, name)
            if not isinstance(value, (bool, np.bool_)):
                raise InvalidParameterError(
                    f"The '{name}' parameter of IsolationForestDetector must be a bool, "
                    f"got {value!r}."
                )


def _average_path_length(n_samples):
    """Return the mean path length of an unsuccessful search in a binary search tree.

    This is the normaliser ``c(n)`` of the isolation-forest anomaly score.
    """
    if n_samples <= 1:
        return 1.0
    if n_samples == 2:
        return 1.0
    euler_gamma = 0.5772156649015329
    harmonic = np.log(n_samples - 1.0) + euler_gamma
    return 2.0 * harmonic - 2.0 * (n_samples - 1.0) / n_samples


def _check_int(name, value, *, minimum):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise InvalidParameterError(
            f"The '{name}' parameter of IsolationForestDetector must be an int >= "
            f"{minimum}, got {value!r}."
        )


def _check_max_samples(value):
    if isinstance(value, str) and value == "auto":
        return
    if isinstance(value, Integral) and not isinstance(value, bool) and value >= 1:
        return
    if isinstance(value, Real) and not isinstance(value, Integral) and 0 < value <= 1:
        return
    raise InvalidParameterError(
        f"The 'max_samples' parameter of IsolationForestDetector must be 'auto', an "
        f"int >= 1 or a float in (0, 1], got {value!r}."
    )


def _check_contamination(value):
    if isinstance(value, str) and value == "auto":
        return
    if isinstance(value, Real) and not isinstance(value, bool) and 0 < value <= 0.5:
        return
    raise InvalidParameterError(
        f"The 'contamination' parameter of IsolationForestDetector must be 'auto' or a "
        f"float in (0, 0.5], got {value!r}."
    )


def _check_max_features(value):
    if isinstance(value, Integral) and not isinstance(value, bool) and value >= 1:
        return
    if isinstance(value, Real) and not isinstance(value, Integral) and 0 < value <= 1:
        return
    raise InvalidParameterError(
        f"The 'max_features' parameter of IsolationForestDetector must be an int >= 1 "
        f"or a float in (0, 1], got {value!r}."
    )
