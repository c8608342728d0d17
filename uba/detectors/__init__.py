"""Outlier detectors for user-day profiles.

Every detector follows scikit-learn's outlier-detector contract: ``fit(X)``,
``score_samples(X)`` (lower is more abnormal), ``decision_function(X)`` (negative for
outliers) and ``predict(X)`` (-1 for outliers, 1 for inliers). ``anomaly_score(X)``
returns the opposite orientation, higher is more abnormal, which is what the ranking
uses. Scoring a row never depends on the other rows of the batch.
"""

from uba.detectors._isolation_forest import IsolationForestDetector, signed_log1p

__all__ = ["IsolationForestDetector", "signed_log1p"]
