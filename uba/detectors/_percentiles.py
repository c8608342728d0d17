"""Percentile of a score among frozen training scores, extended beyond their range."""

import numpy as np


class ScorePercentiles:
    """Map anomaly scores to their mid-rank percentile among training scores.

    Inside the training range the percentile is interpolated linearly between the
    distinct training scores. A training score that occurs ``c`` times after ``b``
    smaller ones has percentile ``(b + c / 2) / n``, so the lowest and highest training
    scores map to about ``0.5 / n`` and ``1 - 0.5 / n``.

    Beyond the training maximum the percentile keeps rising towards 1 as
    ``top + (1 - top) * g / (1 + g)``. Here ``top`` is the percentile of the maximum,
    and ``g`` is the distance beyond the maximum divided by the range of the training
    scores. Below the minimum it falls towards 0 in the same way. So every score has a
    distinct percentile, and each depends only on that score.

    Parameters
    ----------
    training_scores : array-like of shape (n_samples,)
        Anomaly scores of the training rows, higher is more abnormal; at least one,
        all finite.

    Attributes
    ----------
    values : ndarray of shape (n_distinct,)
        Distinct training scores, ascending.
    levels : ndarray of shape (n_distinct,)
        Mid-rank percentile of each of ``values``, in (0, 1).
    scale : float
        Range of the training scores, or ``max(|score|, 1)`` when all are equal; the
        unit of the distance beyond the range.
    """

    def __init__(self, training_scores):
        values, counts = np.unique(
            np.asarray(training_scores, dtype=np.float64), return_counts=True
        )
        smaller = np.cumsum(counts) - counts
        span = values[-1] - values[0]

        self.values = values
        self.levels = (smaller + 0.5 * counts) / counts.sum()
        self.scale = float(span) if span > 0 else max(abs(float(values[-1])), 1.0)

    def transform(self, scores):
        """Return the percentile of each score, in (0, 1).

        Parameters
        ----------
        scores : ndarray of shape (n_samples,)
            Anomaly scores on the same scale as the training scores.

        Returns
        -------
        percentiles : ndarray of shape (n_samples,)
            Percentiles, increasing with the score.
        """
        scores = np.asarray(scores, dtype=np.float64)
        percentiles = np.interp(scores, self.values, self.levels)

        above = scores > self.values[-1]
        gap = (scores[above] - self.values[-1]) / self.scale
        top = self.levels[-1]
        percentiles[above] = top + (1.0 - top) * gap / (1.0 + gap)

        below = scores < self.values[0]
        gap = (self.values[0] - scores[below]) / self.scale
        percentiles[below] = self.levels[0] / (1.0 + gap)
        return percentiles
