"""Ensemble that averages each member detector's training percentile."""

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import (
    OutlierScoreMixin,
    anomaly_scores,
    offset_for_contamination,
)
from uba.detectors._ecdf import ECDFDetector
from uba.detectors._isolation_forest import IsolationForestDetector
from uba.detectors._knn import KNNDetector
from uba.detectors._pca import PCADetector
from uba.detectors._percentiles import ScorePercentiles
from uba.detectors._validation import check_contamination
from uba.exceptions import InvalidParameterError


class RankEnsembleDetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """Average the percentiles of several detectors' scores among their training scores.

    Each member detector scores on its own scale: a distance, a squared residual, a
    path-length score or a sum of log probabilities. ``fit`` fits a clone of every
    member and keeps each one's sorted training scores. A row's anomaly score is the
    mean over members of the percentile of its score among that member's training
    scores, so every member counts equally whatever its scale.

    Parameters
    ----------
    detectors : list of (str, estimator) tuples or None, default=None
        Named unfitted detectors, each with ``fit`` and either ``anomaly_score``
        (higher is more abnormal) or ``score_samples`` (lower is more abnormal).
        ``fit`` clones them. None means an :class:`IsolationForestDetector`, a
        :class:`KNNDetector`, a :class:`PCADetector` and an :class:`ECDFDetector`
        with default parameters, named "isolation_forest", "knn", "pca" and "ecdf".
    contamination : float, default=0.1
        Expected share of outliers in the training rows, in (0, 0.5]. It only sets
        ``offset_``, the threshold of :meth:`predict`; scores and ranks do not depend
        on it.

    Attributes
    ----------
    named_detectors_ : dict of str to estimator
        Fitted clone of each member, by name, in the order of ``detectors``.
    percentiles_ : list of ScorePercentiles
        Frozen training-score distribution of each member, in the same order.
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function`` is
        ``score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    IsolationForestDetector, KNNDetector, PCADetector, ECDFDetector : The default
        members.

    Notes
    -----
    :meth:`anomaly_score` lies in (0, 1). A training row that is the median of every
    member scores 0.5, and one that is the highest-scoring training row of every
    member scores ``1 - 0.5 / n_samples``. :meth:`score_samples` is the negation.

    A member score above that member's training maximum maps to a percentile between
    the maximum's and 1 that keeps rising with the score, so two rows beyond the
    training range are still ordered. Because every member's percentile is below 1,
    a row that only one of four members finds extreme scores about 0.6 if the others
    rate it typical. This is a consensus, so a row flagged by most members ranks
    above it.

    Percentiles are taken against the training scores frozen at ``fit``, never
    against the scored batch, so a row's score does not depend on the other rows of
    the batch as long as each member's does.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import KNNDetector, PCADetector, RankEnsembleDetector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.poisson(20, size=(200, 3)).astype(float)
    >>> members = [("knn", KNNDetector(n_neighbors=5)), ("pca", PCADetector())]
    >>> detector = RankEnsembleDetector(members).fit(X)
    >>> detector.member_percentiles([[20.0, 20.0, 20.0]]).shape
    (1, 2)
    >>> crawler = detector.anomaly_score([[2000.0, 2000.0, 20.0]])[0]
    >>> bool(crawler > detector.anomaly_score(X).max())
    True
    """

    def __init__(self, detectors=None, contamination=0.1):
        self.detectors = detectors
        self.contamination = contamination

    def fit(self, X, y=None):
        """Fit every member and freeze its training-score distribution.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : RankEnsembleDetector
            The fitted ensemble.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")

        self.named_detectors_ = {}
        self.percentiles_ = []
        training_percentiles = []
        for name, detector in self._members():
            fitted = clone(detector).fit(X)
            member_scores = anomaly_scores(fitted, X)
            percentiles = ScorePercentiles(member_scores)
            self.named_detectors_[name] = fitted
            self.percentiles_.append(percentiles)
            training_percentiles.append(percentiles.transform(member_scores))

        training_scores = -_mean_over_members(np.column_stack(training_percentiles))
        self.offset_ = offset_for_contamination(training_scores, self.contamination)
        return self

    def score_samples(self, X):
        """Return the opposite of each row's mean member percentile.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Values in (-1, 0); lower is more abnormal.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return -self._mean_percentile(X)

    def member_percentiles(self, X):
        """Return each member's percentile of each row, to see which members flag it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        percentiles : ndarray of shape (n_samples, n_members)
            One column per member, in the order of ``named_detectors_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return self._percentile_matrix(X)

    def _percentile_matrix(self, X):
        columns = [
            percentiles.transform(anomaly_scores(detector, X))
            for detector, percentiles in zip(
                self.named_detectors_.values(), self.percentiles_, strict=True
            )
        ]
        return np.column_stack(columns)

    def _mean_percentile(self, X):
        return _mean_over_members(self._percentile_matrix(X))

    def _members(self):
        if self.detectors is None:
            return [
                ("isolation_forest", IsolationForestDetector()),
                ("knn", KNNDetector()),
                ("pca", PCADetector()),
                ("ecdf", ECDFDetector()),
            ]
        return list(self.detectors)

    def _validate_parameters(self):
        check_contamination(self, self.contamination)
        if self.detectors is None:
            return

        if not isinstance(self.detectors, (list, tuple)) or not self.detectors:
            _raise_detectors(
                "a non-empty list of (name, detector) tuples", self.detectors
            )
        names = [_check_member(member) for member in self.detectors]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            _raise_detectors("a list with distinct names", duplicates)


def _mean_over_members(percentiles):
    """Average each row of an (n_samples, n_members) array, row by row."""
    return np.ascontiguousarray(percentiles).mean(axis=1)


def _check_member(member):
    """Return the member's name after checking that it is a (str, detector) pair."""
    if not isinstance(member, (list, tuple)) or len(member) != 2:
        _raise_detectors("a list of (name, detector) tuples", member)

    name, detector = member
    if not isinstance(name, str) or not name:
        _raise_detectors("a list of tuples whose names are non-empty strings", name)
    if isinstance(detector, type):
        _raise_detectors("a list of detector instances, not classes", detector)
    has_fit = callable(getattr(detector, "fit", None))
    has_score = any(
        callable(getattr(detector, method, None))
        for method in ("anomaly_score", "score_samples")
    )
    if not (has_fit and has_score):
        _raise_detectors(
            "a list of detectors with fit and anomaly_score or score_samples", detector
        )
    return name


def _raise_detectors(allowed, value):
    raise InvalidParameterError(
        f"The 'detectors' parameter of RankEnsembleDetector must be {allowed}, got "
        f"{value!r}."
    )
