import numpy as np
import pytest


def make_profiles(rng, n_samples):
    """Return user-day-like rows with correlated heavy-tailed counts.

    Columns: requests, page views and distinct pages (all driven by one activity
    level), exports (zero on about 80% of days), a share in [0, 1] and a 0/1 flag.
    """
    activity = rng.lognormal(mean=2.5, sigma=0.9, size=(n_samples, 1))
    noise = rng.lognormal(mean=0.0, sigma=0.25, size=(n_samples, 3))
    counts = np.round(activity * np.array([1.0, 0.7, 0.4]) * noise)

    exported = rng.random(n_samples) < 0.2
    exports = np.round(rng.lognormal(1.0, 0.8, n_samples)) * exported
    share = rng.beta(1.0, 6.0, size=n_samples)
    flag = (rng.random(n_samples) < 0.1).astype(float)
    return np.column_stack([counts, exports, share, flag])


@pytest.fixture
def profiles(seed):
    """Return 300 training profiles drawn with the test seed."""
    return make_profiles(np.random.default_rng(seed), 300)


@pytest.fixture
def new_profiles(seed):
    """Return 60 profiles from the same distribution, not used in training."""
    return make_profiles(np.random.default_rng(seed + 1000), 60)


@pytest.fixture
def crawler():
    """Return a profile far outside the training rows in most features and in mix.

    Requests, distinct pages and exports are far beyond any training day while page
    views stay ordinary, so the row is also far from the principal subspace.
    """
    return np.array([[6000.0, 50.0, 3000.0, 300.0, 0.95, 1.0]])
