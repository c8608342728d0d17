import numpy as np
import pytest
from scipy.stats import skew

from uba.detectors import ECDFDetector


def reference_score(training, rows):
    """Sum of -log tail probabilities, counting training values by comparison."""
    n_samples = training.shape[0]
    skewness = skew(training, axis=0)
    scores = np.zeros(rows.shape[0])
    for j in range(training.shape[1]):
        column = training[:, j]
        for i, value in enumerate(rows[:, j]):
            left = max(np.sum(column <= value) / n_samples, 1 / (n_samples + 1))
            right = max(np.sum(column >= value) / n_samples, 1 / (n_samples + 1))
            if skewness[j] > 0:
                scores[i] -= np.log(right)
            elif skewness[j] < 0:
                scores[i] -= np.log(left)
            else:
                scores[i] -= np.log(min(left, right))
    return scores


def test_ecdf_matches_reference(profiles, new_profiles, crawler):
    rows = np.vstack([new_profiles, profiles[:30], crawler])

    detector = ECDFDetector().fit(profiles)

    assert np.allclose(detector.anomaly_score(rows), reference_score(profiles, rows))


def test_ecdf_tail_probabilities_by_hand():
    X = np.array([[1.0], [2.0], [3.0], [4.0], [10.0]])
    detector = ECDFDetector().fit(X)

    scores = detector.anomaly_score([[4.0], [10.0], [11.0], [0.0]])

    assert detector.tail_.tolist() == ["right"]
    assert scores == pytest.approx([-np.log(2 / 5), np.log(5), np.log(6), 0.0])


def test_ecdf_tail_follows_skewness():
    right_skewed = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 9.0])
    left_skewed = -right_skewed
    symmetric = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    constant = np.full(7, 0.3)

    X = np.column_stack([right_skewed, left_skewed, symmetric, constant])
    detector = ECDFDetector().fit(X)

    assert detector.tail_.tolist() == ["right", "left", "both", "both"]
    assert detector.skewness_[3] == 0.0


def test_ecdf_both_tails_for_symmetric_feature():
    X = np.arange(1.0, 8.0).reshape(-1, 1)
    detector = ECDFDetector().fit(X)

    low, high = detector.anomaly_score([[0.0], [8.0]])

    assert low == pytest.approx(np.log(8))
    assert high == pytest.approx(np.log(8))


def test_ecdf_beyond_range_scores_above_maximum(profiles):
    detector = ECDFDetector().fit(profiles)
    at_max = profiles[np.argmax(profiles[:, 0])].copy()
    beyond, far_beyond = at_max.copy(), at_max.copy()
    beyond[0] += 1.0
    far_beyond[0] *= 1000.0

    scores = detector.anomaly_score(np.vstack([at_max, beyond, far_beyond]))

    assert scores[1] > scores[0]
    assert scores[2] == scores[1]
    assert scores[1] - scores[0] == pytest.approx(np.log(301) - np.log(300))


def test_ecdf_score_bounds(profiles, crawler):
    detector = ECDFDetector().fit(profiles)
    bound = profiles.shape[1] * np.log(profiles.shape[0] + 1)

    scores = detector.anomaly_score(np.vstack([profiles, crawler, -crawler]))

    assert scores.min() >= 0.0
    assert scores.max() <= bound + 1e-12


def test_ecdf_log_scale_only_changes_tails():
    counts = np.array([[0.0], [0.0], [0.0], [0.0], [1.0], [1.0], [2.0], [3.0], [40.0]])
    flipping = np.array([[1.0]] + [[100.0]] * 7 + [[1000.0]])

    plain = ECDFDetector().fit(counts)
    logged = ECDFDetector(log_scale=True).fit(counts)
    plain_flip = ECDFDetector().fit(flipping)
    logged_flip = ECDFDetector(log_scale=True).fit(flipping)

    assert plain.tail_.tolist() == ["right"]
    assert logged.tail_.tolist() == ["right"]
    assert np.array_equal(plain.anomaly_score(counts), logged.anomaly_score(counts))
    assert plain_flip.tail_.tolist() == ["right"]
    assert logged_flip.tail_.tolist() == ["left"]


def test_ecdf_training_values_sorted_per_feature(profiles):
    detector = ECDFDetector().fit(profiles)

    assert detector.training_values_.shape == (6, 300)
    assert np.all(np.diff(detector.training_values_, axis=1) >= 0)
    assert np.array_equal(detector.training_values_, np.sort(profiles, axis=0).T)


@pytest.mark.parametrize(
    "parameter, value",
    [("log_scale", "true"), ("contamination", -0.1), ("contamination", None)],
)
def test_ecdf_invalid_parameter_names_itself(parameter, value):
    detector = ECDFDetector(**{parameter: value})

    with pytest.raises(ValueError, match=parameter):
        detector.fit(np.ones((10, 2)))
