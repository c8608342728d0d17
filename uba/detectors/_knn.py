"""Distance to the nearest training profiles as an outlier score."""

import copy
import warnings

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.neighbors import KDTree
from sklearn.utils import check_random_state, gen_even_slices
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import OutlierScoreMixin, offset_for_contamination
from uba.detectors._scaling import ProfileScaler
from uba.detectors._validation import (
    check_bool,
    check_contamination,
    check_int,
    check_min_samples,
    check_n_jobs,
    check_option,
)
from uba.exceptions import UBAWarning

_AGGREGATES = ("mean", "median", "max")


class KNNDetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """k-nearest-neighbour outlier detector for user-day profiles.

    A row's anomaly score is the mean, median or maximum of its Euclidean distances to
    the ``n_neighbors`` nearest training rows, after :class:`ProfileScaler`. A user-day
    unlike any day seen in training is far from all of them.

    Parameters
    ----------
    n_neighbors : int, default=10
        Number of nearest training rows the score is computed from. When it is not
        smaller than the number of training rows, ``fit`` warns and uses one less
        than the number of training rows.
    aggregate : {"mean", "median", "max"}, default="mean"
        How the ``n_neighbors`` distances become one score. "max" is the distance
        to the k-th nearest neighbour.
    log_scale : bool, default=True
        Whether :class:`ProfileScaler` applies :func:`signed_log1p` before scaling.
    contamination : float, default=0.1
        Expected share of outliers in the training rows, in (0, 0.5]. It only sets
        ``offset_``, the threshold of :meth:`predict`; scores and ranks do not depend
        on it.
    n_jobs : int or None, default=None
        Threads for the neighbour search when scoring; None means 1 and -1 means
        one per CPU core.
    max_samples : int or None, default=20000
        Most training rows the neighbours are searched among. With more rows, ``fit``
        keeps a random sample of this size, and the scaler is still fitted on every
        row. None keeps every row, and the search time then grows faster than
        linearly with them.
    random_state : int, RandomState instance or None, default=0
        Seed of the sample drawn when there are more than ``max_samples`` rows.

    Attributes
    ----------
    scaler_ : ProfileScaler
        Scaler fitted on the training rows.
    tree_ : sklearn.neighbors.KDTree
        k-d tree over the scaled training rows, or over a sample of
        ``max_samples`` of them.
    n_neighbors_ : int
        Number of neighbours actually used.
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function`` is
        ``score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    ProfileScaler : The scaling applied before distances are measured.
    sklearn.neighbors.LocalOutlierFactor : A density-ratio score from the same
        neighbours.

    Notes
    -----
    :meth:`anomaly_score` is a distance in scaled units: 0 for a row with
    ``n_neighbors`` exact copies in the training data, about 1 for a row one IQR per
    feature away from its neighbours, and unbounded above. :meth:`score_samples` is its
    negation.

    A training row must not count itself as its own nearest neighbour, or every
    training row would look closer to the data than a new row does. So the search
    skips one training row at distance exactly 0 from the row being scored, if there
    is one. For a training row this is the row itself. For a new row that equals a
    training row, it is that row, which gives the score the new row would have had if
    it had been part of the training data. The training scores behind ``offset_`` are
    therefore leave-one-out scores, and ``fit(X).predict(X)`` flags ``contamination``
    of the rows. When ``max_samples`` keeps a sample, the training rows outside it
    are scored against the sample like new rows.

    The search uses a k-d tree, which computes each distance from the coordinates of
    the two rows alone. A brute-force search through matrix products can round the
    same distance differently depending on the rest of the batch, and would miss
    exact copies.

    References
    ----------
    .. [1] S. Ramaswamy, R. Rastogi and K. Shim, "Efficient algorithms for mining
       outliers from large data sets", SIGMOD 2000.
    .. [2] F. Angiulli and C. Pizzuti, "Fast outlier detection in high dimensional
       spaces", PKDD 2002.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import KNNDetector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.poisson(20, size=(200, 3)).astype(float)
    >>> detector = KNNDetector(n_neighbors=5).fit(X)
    >>> crawler = detector.anomaly_score([[2000.0, 20.0, 20.0]])[0]
    >>> bool(crawler > detector.anomaly_score(X).max())
    True
    """

    def __init__(
        self,
        n_neighbors=10,
        aggregate="mean",
        log_scale=True,
        contamination=0.1,
        n_jobs=None,
        max_samples=20_000,
        random_state=0,
    ):
        self.n_neighbors = n_neighbors
        self.aggregate = aggregate
        self.log_scale = log_scale
        self.contamination = contamination
        self.n_jobs = n_jobs
        self.max_samples = max_samples
        self.random_state = random_state

    def fit(self, X, y=None):
        """Index the scaled training profiles.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles, at least 2 rows; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : KNNDetector
            The fitted detector.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")
        check_min_samples(self, X.shape[0], 2)
        searched = X.shape[0]
        if self.max_samples is not None:
            searched = min(searched, self.max_samples)
        self.n_neighbors_ = self._usable_neighbors(searched)

        self.scaler_ = ProfileScaler(log_scale=self.log_scale).fit(X)
        scaled = self.scaler_.transform(X)
        self.tree_ = KDTree(self._searched_rows(scaled))

        training_scores = -self._distance_score(scaled)
        self.offset_ = offset_for_contamination(training_scores, self.contamination)
        return self

    def score_samples(self, X):
        """Return the opposite of each row's neighbour distance; lower is more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Values <= 0.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return -self._distance_score(self.scaler_.transform(X))

    def _distance_score(self, scaled):
        """Aggregate the distances to the nearest training rows, skipping one copy."""
        distances = self._nearest_distances(scaled, self.n_neighbors_ + 1)

        has_copy = distances[:, 0] == 0.0
        nearest = np.where(has_copy[:, None], distances[:, 1:], distances[:, :-1])

        if self.aggregate == "max":
            return nearest[:, -1]
        if self.aggregate == "median":
            return np.median(nearest, axis=1)
        return np.ascontiguousarray(nearest).mean(axis=1)

    def _nearest_distances(self, scaled, k):
        """Return each row's sorted distances to its ``k`` nearest training rows."""
        n_jobs = min(effective_n_jobs(self.n_jobs), scaled.shape[0])
        if n_jobs == 1:
            return _query_tree(self.tree_, scaled, k)

        slices = gen_even_slices(scaled.shape[0], n_jobs)
        parts = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_query_tree)(self.tree_, scaled[rows], k) for rows in slices
        )
        return np.vstack(parts)

    def _searched_rows(self, scaled):
        """Return the training rows to search, a sample when there are too many."""
        if self.max_samples is None or scaled.shape[0] <= self.max_samples:
            return scaled
        rng = check_random_state(self.random_state)
        rows = np.sort(rng.choice(scaled.shape[0], self.max_samples, replace=False))
        return scaled[rows]

    def _usable_neighbors(self, n_samples):
        if self.n_neighbors < n_samples:
            return self.n_neighbors
        warnings.warn(
            f"n_neighbors={self.n_neighbors} is not smaller than the {n_samples} "
            f"training rows searched, so KNNDetector uses n_neighbors="
            f"{n_samples - 1}. Fit it on more rows, raise max_samples or lower "
            f"n_neighbors.",
            UBAWarning,
            stacklevel=3,
        )
        return n_samples - 1

    def _validate_parameters(self):
        check_int(self, "n_neighbors", self.n_neighbors, minimum=1)
        check_option(self, "aggregate", self.aggregate, _AGGREGATES)
        check_bool(self, "log_scale", self.log_scale)
        check_contamination(self, self.contamination)
        check_n_jobs(self, self.n_jobs)
        if self.max_samples is not None:
            check_int(self, "max_samples", self.max_samples, minimum=2)


def _query_tree(tree, rows, k):
    # A query overwrites the tree's search statistics, so search a shallow copy,
    # which shares the data arrays, to leave the fitted tree as it was.
    distances, _ = copy.copy(tree).query(rows, k=k)
    return distances
