"""Methods that every detector derives from ``score_samples`` and ``offset_``."""

import inspect

import numpy as np


class OutlierScoreMixin:
    """Mixin that adds ``decision_function``, ``predict`` and ``anomaly_score``.

    The class that uses it defines ``score_samples`` (lower is more abnormal) and sets
    ``offset_`` in ``fit``. Put it before ``OutlierMixin`` and ``BaseEstimator`` in the
    base classes.
    """

    def decision_function(self, X):
        """Return ``score_samples(X) - offset_``; negative values are outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            Shifted scores; below 0 means :meth:`predict` returns -1.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Return -1 for outliers and 1 for inliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to label.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            -1 where ``decision_function(X) < 0``, else 1.
        """
        decision = self.decision_function(X)
        return np.where(decision < 0, -1, 1)

    def anomaly_score(self, X):
        """Return the anomaly score of each row; higher is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-score_samples(X)``.
        """
        return -self.score_samples(X)


def offset_for_contamination(training_scores, contamination):
    """Return the ``score_samples`` value below which ``contamination`` of rows lie."""
    return float(np.percentile(training_scores, 100.0 * contamination))


def sum_over_features(values):
    """Sum each row of a 2-D array so that a row's sum does not depend on the others.

    NumPy sums the contiguous last axis of a C-ordered array row by row with the same
    pairwise order, whatever the number of rows. A matrix product through BLAS does
    not promise that: the same row can differ in the last bits between a batch of one
    and a batch of many, which would make a user's score depend on the batch.
    """
    return np.ascontiguousarray(values).sum(axis=1)


def anomaly_scores(detector, X, users=None):
    """Return a fitted detector's score of each row of ``X``, higher is more abnormal.

    The detector's ``anomaly_score`` is used when it has one, else the negation of its
    ``score_samples``. ``users`` is passed on only to a method that takes it.
    """
    if hasattr(detector, "anomaly_score"):
        method, sign = detector.anomaly_score, 1.0
    else:
        method, sign = detector.score_samples, -1.0

    if users is not None and takes_users(method):
        scores = method(X, users=users)
    else:
        scores = method(X)
    return sign * np.asarray(scores, dtype=np.float64)


def takes_users(method):
    """Return whether a detector method accepts the keyword argument ``users``."""
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False
    return "users" in parameters
