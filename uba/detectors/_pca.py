"""Squared distance to the principal subspace of the training profiles."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._base import (
    OutlierScoreMixin,
    offset_for_contamination,
    sum_over_features,
)
from uba.detectors._scaling import ProfileScaler
from uba.detectors._validation import (
    check_bool,
    check_contamination,
    check_min_samples,
)
from uba.exceptions import InvalidParameterError

# Upper bound on the elements of one temporary (rows x components x features) block.
_BLOCK_ELEMENTS = 2**20


class PCADetector(OutlierScoreMixin, OutlierMixin, BaseEstimator):
    """PCA reconstruction-error outlier detector for user-day profiles.

    After :class:`ProfileScaler`, principal component analysis of the training rows
    finds the few directions along which ordinary user-days vary together, such as
    overall activity, which moves page views, distinct pages and active hours at
    once. A row's anomaly score is its squared distance to that principal subspace:
    the part of the row that the usual patterns cannot explain.

    Parameters
    ----------
    n_components : int or float, default=0.95
        Dimension of the principal subspace. A float in (0, 1) keeps the fewest
        components whose share of the training variance reaches it. An int keeps that
        many and must be smaller than the number of features. A float never keeps
        more than ``n_features - 1`` components, so a residual subspace remains.
    log_scale : bool, default=True
        Whether :class:`ProfileScaler` applies :func:`signed_log1p` before scaling.
    contamination : float, default=0.1
        Expected share of outliers in the training rows, in (0, 0.5]. It only sets
        ``offset_``, the threshold of :meth:`predict`; scores and ranks do not depend
        on it.

    Attributes
    ----------
    scaler_ : ProfileScaler
        Scaler fitted on the training rows.
    mean_ : ndarray of shape (n_features_in_,)
        Mean of the scaled training rows, the origin of the subspace.
    n_components_ : int
        Number of principal components kept.
    components_ : ndarray of shape (n_components_, n_features_in_)
        Principal axes in scaled feature space, by decreasing variance.
    minor_components_ : ndarray of shape (n_features_in_ - n_components_, \
n_features_in_)
        Orthonormal basis of the residual subspace, the axes that were not kept.
    explained_variance_ : ndarray of shape (n_components_,)
        Training variance along each kept axis.
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Share of the total training variance along each kept axis.
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function`` is
        ``score_samples(X) - offset_``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    ProfileScaler : The scaling applied before the analysis.
    sklearn.decomposition.PCA : Principal component analysis.

    Notes
    -----
    :meth:`anomaly_score` is the squared prediction error (SPE, or Q statistic) of
    Jackson and Mudholkar: the squared Euclidean norm of the row's projection on the
    minor components, in squared IQR units of the scaled features. It is 0 for a row
    on the subspace and unbounded above. Its mean over the training rows is the
    training variance left in the minor components. :meth:`score_samples` is its
    negation. The score has no Mahalanobis term, so each unit of residual counts the
    same whatever the training variance of the minor axis it lies on.

    A row that lies far out along the kept components, such as a user who does
    exactly what others do but a hundred times as much, has a small residual and a
    low score. Such rows are the strength of :class:`KNNDetector` and
    :class:`IsolationForestDetector`, which is why :class:`RankEnsembleDetector`
    combines them. A feature that was constant in training has zero variance, so it
    is a minor axis, and any later change in it raises the score.

    The projections are computed row by row with elementwise products rather than a
    matrix product, so a row's score does not depend on the other rows of the batch.

    References
    ----------
    .. [1] J. E. Jackson and G. S. Mudholkar, "Control procedures for residuals
       associated with principal component analysis", Technometrics 21(3), 1979.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import PCADetector
    >>> rng = np.random.default_rng(0)
    >>> activity = rng.poisson(20, size=(300, 1)).astype(float)
    >>> X = np.hstack([activity, 2 * activity, rng.poisson(3, size=(300, 1))])
    >>> detector = PCADetector(n_components=1).fit(X)
    >>> unusual_mix = detector.anomaly_score([[20.0, 400.0, 3.0]])[0]
    >>> bool(unusual_mix > detector.anomaly_score(X).max())
    True
    """

    def __init__(self, n_components=0.95, log_scale=True, contamination=0.1):
        self.n_components = n_components
        self.log_scale = log_scale
        self.contamination = contamination

    def fit(self, X, y=None):
        """Find the principal subspace of the scaled training profiles.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles, at least 2 rows; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : PCADetector
            The fitted detector.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")
        check_min_samples(self, X.shape[0], 2)
        self._check_components_fit(X.shape[1])

        self.scaler_ = ProfileScaler(log_scale=self.log_scale).fit(X)
        scaled = self.scaler_.transform(X)
        self.mean_ = scaled.mean(axis=0)
        variances, axes = _principal_axes(scaled - self.mean_)

        self._store_subspace(variances, axes)

        training_scores = -self._residual_score(scaled)
        self.offset_ = offset_for_contamination(training_scores, self.contamination)
        return self

    def score_samples(self, X):
        """Return the opposite of each row's squared residual; lower is more abnormal.

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
        return -self._residual_score(self.scaler_.transform(X))

    def _residual_score(self, scaled):
        coordinates = _project(scaled - self.mean_, self.minor_components_)
        return sum_over_features(coordinates**2)

    def _store_subspace(self, variances, axes):
        k = self._count_components(variances)
        total = variances.sum()
        shares = variances / total if total > 0 else np.zeros_like(variances)

        self.n_components_ = k
        self.components_ = np.ascontiguousarray(axes[:k])
        self.minor_components_ = np.ascontiguousarray(axes[k:])
        self.explained_variance_ = variances[:k]
        self.explained_variance_ratio_ = shares[:k]

    def _count_components(self, variances):
        n_features = variances.shape[0]
        if isinstance(self.n_components, Integral):
            return int(self.n_components)

        total = variances.sum()
        if total <= 0:
            return 0
        explained = np.cumsum(variances) / total
        k = int(np.searchsorted(explained, self.n_components, side="left")) + 1
        return min(k, n_features - 1)

    def _check_components_fit(self, n_features):
        if isinstance(self.n_components, Integral) and self.n_components >= n_features:
            raise InvalidParameterError(
                f"The 'n_components' parameter of PCADetector must be smaller than "
                f"the number of features, n_features = {n_features}, so that a "
                f"residual subspace remains, got {self.n_components!r}. Use fewer "
                f"components or a float such as 0.95."
            )

    def _validate_parameters(self):
        if not _is_component_spec(self.n_components):
            raise InvalidParameterError(
                f"The 'n_components' parameter of PCADetector must be an int >= 0 or "
                f"a float in (0, 1), got {self.n_components!r}."
            )
        check_bool(self, "log_scale", self.log_scale)
        check_contamination(self, self.contamination)


def _is_component_spec(value):
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, Integral):
        return value >= 0
    return isinstance(value, Real) and 0 < value < 1


def _principal_axes(centred):
    """Return the variances and orthonormal axes of centred rows, largest first.

    The covariance matrix is only ``n_features`` square, so its eigendecomposition
    gives a complete basis cheaply, including the axes of zero variance.
    """
    covariance = centred.T @ centred / (centred.shape[0] - 1)
    variances, vectors = np.linalg.eigh(covariance)
    order = np.argsort(variances)[::-1]
    return np.clip(variances[order], 0.0, None), vectors[:, order].T


def _project(rows, basis):
    """Return the coordinates of each row on each basis vector, row by row."""
    rows = np.ascontiguousarray(rows)
    block_rows = max(1, _BLOCK_ELEMENTS // max(basis.size, 1))
    blocks = []
    for start in range(0, rows.shape[0], block_rows):
        block = rows[start : start + block_rows]
        products = np.multiply(block[:, None, :], basis[None, :, :], order="C")
        blocks.append(products.sum(axis=2))
    return np.vstack(blocks)
