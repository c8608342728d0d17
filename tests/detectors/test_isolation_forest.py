import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from uba.detectors import IsolationForestDetector, signed_log1p


@parametrize_with_checks([IsolationForestDetector(n_estimators=20)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_signed_log1p_keeps_sign_and_order():
    values = np.array([-100.0, -1.0, 0.0, 1.0, 100.0])

    transformed = signed_log1p(values)

    assert np.all(np.diff(transformed) > 0)
    assert transformed[2] == 0.0
    assert transformed[0] == -transformed[4]


def test_heavy_user_scores_higher_than_ordinary(seed):
    rng = np.random.default_rng(seed)
    X = rng.poisson(30, size=(300, 4)).astype(float)
    detector = IsolationForestDetector(n_estimators=100, random_state=seed).fit(X)

    ordinary = detector.anomaly_score([[30.0, 30.0, 30.0, 30.0]])[0]
    crawler = detector.anomaly_score([[3000.0, 30.0, 30.0, 30.0]])[0]

    assert crawler > ordinary
    assert crawler > detector.anomaly_score(X).max()


def test_score_does_not_depend_on_batch(seed):
    rng = np.random.default_rng(seed)
    X = rng.poisson(30, size=(200, 3)).astype(float)
    detector = IsolationForestDetector(n_estimators=50).fit(X)
    row = np.array([[500.0, 2.0, 30.0]])

    alone = detector.anomaly_score(row)[0]
    in_batch = detector.anomaly_score(np.vstack([X[:50], row]))[-1]

    assert alone == in_batch


def test_log_scale_off_uses_raw_features():
    X = np.arange(40, dtype=float).reshape(20, 2)

    raw = IsolationForestDetector(n_estimators=10, log_scale=False).fit(X)
    scaled = IsolationForestDetector(n_estimators=10, log_scale=True).fit(X)

    assert not np.allclose(raw.score_samples(X), scaled.score_samples(X))


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("n_estimators", 0),
        ("n_estimators", 2.5),
        ("max_samples", 0),
        ("max_samples", 1.5),
        ("max_samples", "all"),
        ("contamination", 0.7),
        ("contamination", "none"),
        ("max_features", 0.0),
        ("log_scale", "yes"),
        ("extrapolate", 1),
    ],
)
def test_invalid_parameter_names_itself(parameter, value):
    detector = IsolationForestDetector(**{parameter: value})

    with pytest.raises(ValueError, match=parameter):
        detector.fit(np.ones((10, 2)))


def test_extrapolate_scores_beyond_range_higher(seed):
    rng = np.random.default_rng(seed)
    X = rng.poisson(30, size=(300, 4)).astype(float)
    row = np.array([[3000.0, 30.0, 30.0, 30.0]])

    plain = IsolationForestDetector(extrapolate=False, random_state=seed).fit(X)
    extended = IsolationForestDetector(extrapolate=True, random_state=seed).fit(X)

    assert extended.anomaly_score(row)[0] > plain.anomaly_score(row)[0]
    assert np.array_equal(extended.score_samples(X), plain.score_samples(X))


def test_extrapolate_grows_with_distance():
    X = np.random.default_rng(0).poisson(30, size=(300, 2)).astype(float)
    detector = IsolationForestDetector(n_estimators=50).fit(X)

    scores = detector.anomaly_score([[100.0, 30.0], [1000.0, 30.0], [10000.0, 30.0]])

    assert scores[0] < scores[1] < scores[2] <= 1.0
