"""Parameter checks shared by the detectors, run in ``fit``.

Each check raises :class:`uba.exceptions.InvalidParameterError` with a message that
names the parameter, the estimator, what is allowed and the value received.
"""

from numbers import Integral, Real

import numpy as np

from uba.exceptions import InvalidParameterError


def check_int(estimator, name, value, *, minimum):
    """Raise unless ``value`` is an int (not a bool) of at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise_invalid(estimator, name, f"an int >= {minimum}", value)
    if value < minimum:
        raise_invalid(estimator, name, f"an int >= {minimum}", value)


def check_bool(estimator, name, value):
    """Raise unless ``value`` is a Python or NumPy bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise_invalid(estimator, name, "a bool", value)


def check_option(estimator, name, value, options):
    """Raise unless ``value`` is one of the strings in ``options``."""
    if not isinstance(value, str) or value not in options:
        allowed = " or ".join(repr(option) for option in options)
        raise_invalid(estimator, name, f"one of {allowed}", value)


def check_contamination(estimator, value):
    """Raise unless ``value`` is a float in (0, 0.5], the share of training outliers."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise_invalid(estimator, "contamination", "a float in (0, 0.5]", value)
    if not 0 < value <= 0.5:
        raise_invalid(estimator, "contamination", "a float in (0, 0.5]", value)


def check_n_jobs(estimator, value):
    """Raise unless ``value`` is None or a non-zero int, as joblib expects."""
    if value is None:
        return
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise_invalid(estimator, "n_jobs", "None or a non-zero int", value)
    if value == 0:
        raise_invalid(estimator, "n_jobs", "None or a non-zero int", value)


def check_min_samples(estimator, n_samples, minimum):
    """Raise a ValueError when fewer than ``minimum`` training rows were given."""
    if n_samples < minimum:
        raise ValueError(
            f"{type(estimator).__name__} needs at least {minimum} training rows, got "
            f"n_samples = {n_samples}. Fit it on more user-days."
        )


def raise_invalid(estimator, name, allowed, value):
    """Raise the error for parameter ``name``, which must be ``allowed``."""
    raise InvalidParameterError(
        f"The '{name}' parameter of {type(estimator).__name__} must be {allowed}, "
        f"got {value!r}."
    )
