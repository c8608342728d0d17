"""Adapter that gives any PyOD detector the scikit-learn outlier-detector contract."""

import copy

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import OutlierScoreMixin
from uba.detectors._validation import check_contamination
from uba.exceptions import InvalidParameterError


class PyODDetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """Wrap a PyOD detector as a scikit-learn outlier detector.

    PyOD detectors score higher for more abnormal rows, label outliers 1 and inliers
    0, validate their parameters in ``__init__`` and drop DataFrame column names. This
    adapter validates the data itself, records ``n_features_in_`` and
    ``feature_names_in_``, and turns the PyOD scores and threshold into
    scikit-learn's orientation.

    Parameters
    ----------
    detector : PyOD detector or None, default=None
        Unfitted PyOD detector, for example ``pyod.models.knn.KNN()``. ``fit`` clones
        it, so this object is never changed. None means
        ``pyod.models.iforest.IForest(random_state=0)``, seeded so that training is
        repeatable.
    contamination : float, default=0.1
        Expected share of outliers in the training rows, in (0, 0.5]. It replaces
        the ``contamination`` of ``detector`` and only sets ``offset_``, the
        threshold of :meth:`predict`.

    Attributes
    ----------
    detector_ : PyOD detector
        The fitted clone of ``detector``.
    offset_ : float
        Threshold on :meth:`score_samples`, ``-detector_.threshold_``:
        ``decision_function`` is ``score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    IsolationForestDetector : scikit-learn's isolation forest on log-scaled
        profiles, with extrapolation beyond the training range.
    ECDFDetector : ECOD-style scoring that does not depend on the batch.

    Notes
    -----
    :meth:`anomaly_score` is the PyOD ``decision_function`` of the wrapped detector,
    on that detector's own scale. :meth:`score_samples` is its negation, and
    :meth:`predict` flags the rows whose PyOD score exceeds ``detector_.threshold_``,
    the ``1 - contamination`` quantile of the training scores.

    PyOD's KNN excludes each training row from its own neighbours in ``fit`` but not
    when the row is scored again. Rescored training rows therefore look more normal,
    and ``predict`` on them can flag fewer than ``contamination`` of them, unlike
    ``detector_.labels_``. :class:`KNNDetector` scores training rows the same way in
    both cases.

    The adapter passes the data to PyOD unchanged, so apply any log scaling in a
    pipeline before it.

    PyOD 3.6's ECOD and COPOD score a batch by appending it to the training data and
    recomputing the empirical distributions, so a row's score depends on the other
    rows of the batch. Wrapped, they still do: use :class:`ECDFDetector` instead.
    Those detectors also overwrite their fitted attributes while scoring. The adapter
    scores with a shallow copy of ``detector_``, so the fitted model is left as it
    was, as long as the detector replaces attributes rather than changing arrays in
    place.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import PyODDetector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.poisson(20, size=(200, 3)).astype(float)
    >>> detector = PyODDetector(contamination=0.05).fit(X)
    >>> int((detector.predict(X) == -1).sum())
    10
    """

    def __init__(self, detector=None, contamination=0.1):
        self.detector = detector
        self.contamination = contamination

    def fit(self, X, y=None):
        """Fit a clone of the PyOD detector with this adapter's contamination.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : PyODDetector
            The fitted adapter.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")

        detector = self._new_detector()
        detector.set_params(contamination=self.contamination)
        detector.fit(X)
        if not hasattr(detector, "threshold_"):
            raise InvalidParameterError(
                f"The 'detector' parameter of PyODDetector must be a PyOD detector "
                f"that sets threshold_ in fit, but {type(detector).__name__} did not."
            )

        self.detector_ = detector
        self.offset_ = -float(detector.threshold_)
        return self

    def score_samples(self, X):
        """Return the negated PyOD score of each row; lower is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-detector_.decision_function(X)``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)

        # ECOD and COPOD store the scored batch on the detector, so score with a copy.
        scorer = copy.copy(self.detector_)
        scores = scorer.decision_function(X)
        return -np.asarray(scores, dtype=np.float64).reshape(-1)

    def _new_detector(self):
        if self.detector is None:
            from pyod.models.iforest import IForest

            return IForest(random_state=0)
        return clone(self.detector)

    def _validate_parameters(self):
        check_contamination(self, self.contamination)
        if self.detector is None:
            return
        if isinstance(self.detector, type):
            raise InvalidParameterError(
                f"The 'detector' parameter of PyODDetector must be a detector "
                f"instance, got the class {self.detector.__name__}. Pass "
                f"{self.detector.__name__}() instead."
            )

        missing = [
            name
            for name in ("fit", "decision_function", "get_params", "set_params")
            if not callable(getattr(self.detector, name, None))
        ]
        if missing or "contamination" not in self.detector.get_params(deep=False):
            raise InvalidParameterError(
                f"The 'detector' parameter of PyODDetector must be an unfitted PyOD "
                f"detector with fit, decision_function and a contamination parameter, "
                f"got {self.detector!r}."
            )
