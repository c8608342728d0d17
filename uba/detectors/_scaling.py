"""Robust scaling of user-day profiles before distance-based detectors."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from uba.detectors._isolation_forest import signed_log1p
from uba.detectors._validation import check_bool, raise_invalid
from uba.exceptions import InvalidParameterError

# A spread below this is rounding noise around a constant, so the feature is not scaled.
_MIN_SPREAD = 10 * np.finfo(np.float64).eps


class ProfileScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Log-compress, centre and scale profile features with training medians and IQRs.

    Each feature first goes through :func:`signed_log1p` when ``log_scale`` is true,
    then has the training median subtracted and is divided by the training
    interquartile range (IQR). Medians and IQRs ignore the heavy tail of the counts, so
    a few crawlers in the training weeks do not shrink every other user towards zero.

    Parameters
    ----------
    log_scale : bool, default=True
        Whether to apply :func:`signed_log1p` to every feature before scaling.
    quantile_range : tuple of two floats, default=(25.0, 75.0)
        Lower and upper percentiles, in [0, 100], whose difference is the scale of a
        feature. The default is the IQR.
    min_scale : float, default=1.0
        Smallest divisor of a feature, 0 or more. A spread below it is raised to it,
        so that no feature is magnified. A spread of exactly 0 becomes 1.0 whatever
        ``min_scale`` is.

    Attributes
    ----------
    center_ : ndarray of shape (n_features_in_,)
        Median of each feature over the training rows, after the log scaling.
    scale_ : ndarray of shape (n_features_in_,)
        Divisor of each feature: the spread between the two ``quantile_range``
        percentiles, at least ``min_scale``, or 1.0 where that spread is zero.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when X had string column names.

    See Also
    --------
    sklearn.preprocessing.RobustScaler : The same centring and scaling without the
        log step.

    Notes
    -----
    A feature whose spread is zero is centred but not scaled, so its scale is 1.0.
    This covers a constant feature and also a count or flag that is zero on more than
    three quarters of the training days, such as exports. With ``log_scale``, one unit
    of such a feature is a factor of e in the count, which is about the IQR of a
    typical count feature. A rare non-zero value therefore moves a row by a few units,
    where a division by a tiny spread would move it by millions.

    ``min_scale`` extends this to small spreads that are not zero. A share that is 0
    on most days and a few per cent on some has an IQR of a few hundredths, and
    dividing by it would let one busy day of that share outweigh every count. With
    the default of 1.0, every feature moves a row by at most one unit per factor of e
    (after the log), or per unit of the raw value without it.

    Output values are in IQR units. The middle half of the training values of a
    feature spans an interval of length 1, and a value of 4 lies four IQRs above the
    median.

    Examples
    --------
    >>> import numpy as np
    >>> from uba.detectors import ProfileScaler
    >>> X = np.array([[0.0, 5.0], [10.0, 5.0], [100.0, 5.0], [1000.0, 5.0]])
    >>> scaler = ProfileScaler().fit(X)
    >>> scaler.scale_[1]  # the constant second feature is centred only
    np.float64(1.0)
    >>> scaler.transform([[100.0, 6.0]]).round(2)
    array([[0.33, 0.15]])
    """

    def __init__(self, log_scale=True, quantile_range=(25.0, 75.0), min_scale=1.0):
        self.log_scale = log_scale
        self.quantile_range = quantile_range
        self.min_scale = min_scale

    def fit(self, X, y=None):
        """Compute the median and spread of each feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training profiles; NaN and infinite values are rejected.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : ProfileScaler
            The fitted scaler.
        """
        self._validate_parameters()
        X = validate_data(self, X, dtype=np.float64, order="C")
        logged = self._log(X)

        low, high = self.quantile_range
        lower, upper = np.percentile(logged, [low, high], axis=0)
        spread = upper - lower

        self.center_ = np.median(logged, axis=0)
        scale = np.maximum(spread, float(self.min_scale))
        self.scale_ = np.where(spread < _MIN_SPREAD, 1.0, scale)
        return self

    def transform(self, X):
        """Scale profiles with the training medians and spreads.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Profiles to scale.

        Returns
        -------
        scaled : ndarray of shape (n_samples, n_features)
            ``(signed_log1p(X) - center_) / scale_``, without the log when
            ``log_scale`` is false.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return (self._log(X) - self.center_) / self.scale_

    def inverse_transform(self, X):
        """Map scaled profiles back to the original units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scaled profiles, as returned by :meth:`transform`.

        Returns
        -------
        profiles : ndarray of shape (n_samples, n_features)
            Profiles in the units of the training data.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        logged = X * self.scale_ + self.center_
        if self.log_scale:
            return np.sign(logged) * np.expm1(np.abs(logged))
        return logged

    def _log(self, X):
        if self.log_scale:
            return signed_log1p(X)
        return X

    def _validate_parameters(self):
        check_bool(self, "log_scale", self.log_scale)
        minimum = self.min_scale
        if (
            isinstance(minimum, (bool, np.bool_))
            or not isinstance(minimum, Real)
            or not np.isfinite(minimum)
            or minimum < 0
        ):
            raise_invalid(self, "min_scale", "a finite float >= 0", minimum)
        if not _is_percentile_pair(self.quantile_range):
            raise InvalidParameterError(
                f"The 'quantile_range' parameter of ProfileScaler must be a pair "
                f"(low, high) of percentiles with 0 <= low < high <= 100, got "
                f"{self.quantile_range!r}."
            )


def _is_percentile_pair(value):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return False
    if not all(_is_real(bound) for bound in value):
        return False
    low, high = value
    return 0 <= low < high <= 100


def _is_real(value):
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))
