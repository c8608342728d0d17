import numpy as np
import pytest
from sklearn.ensemble import IsolationForest

from uba.detectors import (
    ECDFDetector,
    IsolationForestDetector,
    KNNDetector,
    PCADetector,
    RankEnsembleDetector,
)
from uba.detectors._percentiles import ScorePercentiles


def small_members():
    return [
        ("knn", KNNDetector(n_neighbors=5)),
        ("pca", PCADetector()),
        ("ecdf", ECDFDetector()),
    ]


def test_percentiles_use_mid_ranks():
    percentiles = ScorePercentiles([1.0, 2.0, 2.0, 3.0])

    result = percentiles.transform(np.array([1.0, 2.0, 3.0, 1.5]))

    assert result.tolist() == [0.125, 0.5, 0.875, 0.3125]


def test_percentiles_beyond_range_keep_rising():
    percentiles = ScorePercentiles([1.0, 2.0, 3.0, 4.0])
    above = np.array([4.0, 4.5, 7.0, 100.0, 1e6])
    below = np.array([1.0, 0.5, -2.0, -1e6])

    high = percentiles.transform(above)
    low = percentiles.transform(below)

    assert np.all(np.diff(high) > 0)
    assert high[-1] < 1.0
    assert high[2] == pytest.approx(0.875 + 0.125 * 0.5)
    assert np.all(np.diff(low) < 0)
    assert low[-1] > 0.0


def test_percentiles_equal_training_scores():
    percentiles = ScorePercentiles([2.0, 2.0, 2.0])

    result = percentiles.transform(np.array([2.0, 3.0, 1.0]))

    assert result[0] == 0.5
    assert result[1] > 0.5
    assert result[2] < 0.5


def test_ensemble_default_members(profiles):
    detector = RankEnsembleDetector().fit(profiles)

    names = list(detector.named_detectors_)
    members = [type(member) for member in detector.named_detectors_.values()]

    assert names == ["isolation_forest", "knn", "pca", "ecdf"]
    assert members == [IsolationForestDetector, KNNDetector, PCADetector, ECDFDetector]


def test_ensemble_score_is_mean_percentile(profiles, new_profiles):
    detector = RankEnsembleDetector(small_members()).fit(profiles)

    percentiles = detector.member_percentiles(new_profiles)

    assert percentiles.shape == (60, 3)
    assert np.allclose(detector.anomaly_score(new_profiles), percentiles.mean(axis=1))


def test_ensemble_percentiles_match_member_ranks(profiles):
    detector = RankEnsembleDetector(small_members()).fit(profiles)
    knn = detector.named_detectors_["knn"]

    knn_scores = knn.anomaly_score(profiles)
    percentiles = detector.member_percentiles(profiles)[:, 0]

    assert np.array_equal(
        np.argsort(percentiles, kind="stable"), np.argsort(knn_scores, kind="stable")
    )
    assert percentiles.mean() == pytest.approx(0.5)


def test_ensemble_members_are_clones(profiles):
    members = small_members()

    detector = RankEnsembleDetector(members).fit(profiles)

    assert not hasattr(members[0][1], "tree_")
    assert detector.named_detectors_["knn"] is not members[0][1]


def test_ensemble_accepts_score_samples_member(profiles, crawler):
    members = [("forest", IsolationForest(n_estimators=50, random_state=0))]
    members += small_members()

    detector = RankEnsembleDetector(members).fit(profiles)

    forest_percentile = detector.member_percentiles(crawler)[0, 0]
    assert forest_percentile > detector.member_percentiles(profiles)[:, 0].max()


def test_ensemble_member_beyond_range_orders_outliers(profiles, crawler):
    detector = RankEnsembleDetector(small_members()).fit(profiles)

    scores = detector.anomaly_score(np.vstack([crawler, crawler * 10.0]))

    assert scores[1] > scores[0]
    assert scores[1] < 1.0


@pytest.mark.parametrize(
    "value",
    [
        [],
        "knn",
        [KNNDetector()],
        [("knn", KNNDetector(), "extra")],
        [("", KNNDetector())],
        [(3, KNNDetector())],
        [("knn", KNNDetector()), ("knn", PCADetector())],
        [("bad", object())],
        [("knn", KNNDetector)],
    ],
    ids=[
        "empty",
        "string",
        "unnamed",
        "triple",
        "blank_name",
        "int_name",
        "duplicate_name",
        "not_detector",
        "class",
    ],
)
def test_ensemble_invalid_detectors_rejected(value):
    detector = RankEnsembleDetector(value)

    with pytest.raises(ValueError, match="detectors"):
        detector.fit(np.random.default_rng(0).normal(size=(30, 3)))


def test_ensemble_invalid_contamination_rejected():
    with pytest.raises(ValueError, match="contamination"):
        RankEnsembleDetector(contamination=1.0).fit(np.ones((30, 2)))
