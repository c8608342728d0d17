"""Tail probabilities against frozen per-feature empirical distributions."""

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import (
    OutlierScoreMixin,
    offset_for_contamination,
    sum_over_features,
)
from uba.detectors._isolation_forest import signed_log1p
from uba.detectors._validation import check_bool, check_contamination


class ECDFDetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """Empirical-CDF tail-probability outlier detector, in the style of ECOD.

    For each feature, ``fit`` stores the sorted training values and picks a tail from
    the sign of the feature's training skewness. A right-skewed feature is scored on
    its right tail and a left-skewed one on its left tail. A symmetric or constant
    feature is scored on the smaller of its two tail probabilities. A row's anomaly
    score is the sum over features of ``-log p``, where ``p`` is the share of training
    values at least as extreme as the row's value in that tail.

    Parameters
    ----------
    log_scale : bool, default=False
        Whether to apply :func:`signed_log1p` to the features first. Tail
        probabilities only depend on the order of values, so this only changes the
        skewness and therefore which tail is used.
    contamination : float, default=0.1
        Expected share of outliers in the training rows, in (0, 0.5]. It only sets
        ``offset_``, the threshold of :meth:`predict`; scores and ranks do not depend
        on it.

    Attributes
    ----------
    training_values_ : ndarray of shape (n_features_in_, n_training_samples)
        Training values of each feature, sorted, one feature per row. Sorting each
        feature on its own means that the training rows cannot be rebuilt from it.
    skewness_ : ndarray of shape (n_features_in_,)
        Sample skewness of each feature over the training rows; 0 for a constant
        feature.
    tail_ : ndarray of shape (n_features_in_,)
        Tail scored for each feature: "right", "left" or "both".
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function`` is
        ``score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    pyod.models.ecod.ECOD : The original method, whose scores depend on the batch.

    Notes
    -----
    With ``n`` training rows, the right-tail probability of a value ``x`` is the share
    of training values ``>= x``, and the left-tail probability is the share ``<= x``.
    A value beyond the training range has no such training value. It gets ``1 / (n +
    1)``, just below the ``1 / n`` of the most extreme training value, so it never
    scores lower than that value. Every value beyond the range scores the same,
    because the detector measures how rare a value is, not how far out it lies.

    Each feature adds between 0 and ``log(n + 1)`` to :meth:`anomaly_score`, so the
    score lies in ``[0, n_features * log(n + 1)]``. For a continuous feature scored on
    one tail, the term of a training row is close to an exponential variable with
    mean 1, so an ordinary row scores about one per such feature. A count that is zero
    on most days adds 0 at zero. :meth:`score_samples` is the negation.

    Unlike PyOD's ECOD, scoring compares each row with the frozen training values
    only, and does not recompute the distributions with the scored batch appended to
    the training data. A row's score therefore does not depend on the rest of the
    batch, and scoring does not change the model. PyOD 3.6's ECOD also keeps, for
    every feature, the larger of its left and right tail terms, while this detector
    keeps only the skewness-chosen tail. For a right-skewed count, an unusually low
    value is therefore not abnormal.

    References
    ----------
    .. [1] Z. Li, Y. Zhao, X. Hu, N. Botta, C. Ionescu and G. H. Chen, "ECOD:
       Unsupervised Outlier Detection Using Empirical Cumulative Distribution
       Functions", IEEE Transactions on Knowledge and Data Engineering, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import ECDFDetector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.poisson(20, size=(200, 3)).astype(float)
    >>> detector = ECDFDetector().fit(X)
    >>> crawler = detector.anomaly_score([[2000.0, 2000.0, 2000.0]])[0]
    >>> bool(crawler > detector.anomaly_score(X).max())
    True
    """

    def __init__(self, log_scale=False, contamination=0.1):
        self.log_scale = log_scale
        self.contamination = contamination

    def fit(self, X, y=None):
        """Store the sorted training values and the tail of each feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : ECDFDetector
            The fitted detector.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")
        values = self._log(X)

        self.training_values_ = np.ascontiguousarray(np.sort(values, axis=0).T)
        self.skewness_ = _skewness(values)
        self.tail_ = np.where(
            self.skewness_ > 0, "right", np.where(self.skewness_ < 0, "left", "both")
        )

        training_scores = -self._tail_score(values)
        self.offset_ = offset_for_contamination(training_scores, self.contamination)
        return self

    def score_samples(self, X):
        """Return the negated sum of -log tail probabilities; lower is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Values in ``[-n_features * log(n + 1), 0]``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return -self._tail_score(self._log(X))

    def _tail_score(self, values):
        n_samples = self.training_values_.shape[1]
        terms = np.empty(values.shape, dtype=np.float64)

        for j, column in enumerate(self.training_values_):
            at_or_below = np.searchsorted(column, values[:, j], side="right")
            at_or_above = n_samples - np.searchsorted(column, values[:, j], side="left")
            left = _surprise(at_or_below, n_samples)
            right = _surprise(at_or_above, n_samples)
            terms[:, j] = _pick_tail(self.tail_[j], left, right)

        return sum_over_features(terms)

    def _log(self, X):
        if self.log_scale:
            return signed_log1p(X)
        return X

    def _validate_parameters(self):
        check_bool(self, "log_scale", self.log_scale)
        check_contamination(self, self.contamination)


def _surprise(count, n_samples):
    """Return ``-log(count / n)``, using ``1 / (n + 1)`` where ``count`` is 0."""
    probability = np.where(count > 0, count / n_samples, 1.0 / (n_samples + 1))
    return -np.log(probability)


def _pick_tail(tail, left, right):
    if tail == "right":
        return right
    if tail == "left":
        return left
    return np.maximum(left, right)


def _skewness(values):
    """Return the biased sample skewness of each column, 0 for a constant column.

    Constant columns are tested by their range, because the rounding error of the
    mean would otherwise give them a skewness of arbitrary sign.
    """
    deviations = values - values.mean(axis=0)
    second = np.mean(deviations**2, axis=0)
    third = np.mean(deviations**3, axis=0)
    constant = np.ptp(values, axis=0) == 0

    skewness = np.zeros(values.shape[1])
    varying = ~constant & (second > 0)
    skewness[varying] = third[varying] / second[varying] ** 1.5
    return skewness
