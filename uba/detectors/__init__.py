"""Outlier detectors for user-day profiles.

Every detector follows scikit-learn's outlier-detector contract: ``fit(X)``,
``score_samples(X)`` (lower is more abnormal), ``decision_function(X)`` (negative for
outliers) and ``predict(X)`` (-1 for outliers, 1 for inliers). ``anomaly_score(X)``
returns the opposite orientation, higher is more abnormal, which is what the ranking
uses. Scoring a row never depends on the other rows of the batch, except for PyOD
detectors that document otherwise, and scoring never changes a fitted detector.

The detectors are :class:`IsolationForestDetector`, :class:`KNNDetector`,
:class:`PCADetector`, :class:`ECDFDetector`, :class:`PyODDetector` for any PyOD
detector, :class:`RankEnsembleDetector`, which averages the training percentiles of
several of them, and :class:`SelfBaselineDetector`, which combines any of them with a
comparison of each user-day to the same user's own training days.
:class:`ProfileScaler` is the robust scaling that the distance and PCA detectors apply
first.
"""

from uba.detectors._ecdf import ECDFDetector
from uba.detectors._ensemble import RankEnsembleDetector
from uba.detectors._isolation_forest import IsolationForestDetector, signed_log1p
from uba.detectors._knn import KNNDetector
from uba.detectors._pca import PCADetector
from uba.detectors._pyod import PyODDetector
from uba.detectors._scaling import ProfileScaler
from uba.detectors._self_baseline import SelfBaselineDetector

__all__ = [
    "ECDFDetector",
    "IsolationForestDetector",
    "KNNDetector",
    "PCADetector",
    "ProfileScaler",
    "PyODDetector",
    "RankEnsembleDetector",
    "SelfBaselineDetector",
    "signed_log1p",
]
