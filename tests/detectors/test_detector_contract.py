"""Properties that every uba detector must have, checked on each of them."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from pyod.models.iforest import IForest

from uba.detectors import (
    ECDFDetector,
    IsolationForestDetector,
    KNNDetector,
    PCADetector,
    PyODDetector,
    RankEnsembleDetector,
    SelfBaselineDetector,
)

COLUMNS = ["requests", "page_views", "distinct_pages", "exports", "share", "flag"]


def small_ensemble():
    return RankEnsembleDetector(
        [
            ("isolation_forest", IsolationForestDetector(n_estimators=50)),
            ("knn", KNNDetector(n_neighbors=5)),
            ("pca", PCADetector()),
            ("ecdf", ECDFDetector()),
        ]
    )


DETECTORS = {
    "isolation_forest": lambda: IsolationForestDetector(n_estimators=50),
    "knn_mean": lambda: KNNDetector(n_neighbors=5),
    "knn_median": lambda: KNNDetector(n_neighbors=5, aggregate="median"),
    "knn_max_raw": lambda: KNNDetector(n_neighbors=5, aggregate="max", log_scale=False),
    "pca": lambda: PCADetector(),
    "pca_raw": lambda: PCADetector(n_components=2, log_scale=False),
    "ecdf": lambda: ECDFDetector(),
    "ecdf_log": lambda: ECDFDetector(log_scale=True),
    "pyod_iforest": lambda: PyODDetector(IForest(n_estimators=50, random_state=0)),
    "rank_ensemble": small_ensemble,
    "self_baseline": lambda: SelfBaselineDetector(KNNDetector(n_neighbors=5)),
}

detector_factories = pytest.mark.parametrize(
    "make_detector", DETECTORS.values(), ids=DETECTORS.keys()
)


def scoring_batch(profiles, new_profiles, crawler):
    """Return unseen rows, copies of training rows, a crawler and shifted rows."""
    shifted = new_profiles[:20] * 3.0
    return np.vstack([new_profiles, profiles[:20], crawler, shifted])


@detector_factories
def test_row_alone_equals_row_in_batch(make_detector, profiles, new_profiles, crawler):
    detector = make_detector().fit(profiles)
    batch = scoring_batch(profiles, new_profiles, crawler)

    in_batch = detector.anomaly_score(batch)

    for index in range(0, len(batch), 4):
        alone = detector.anomaly_score(batch[index : index + 1])[0]
        assert alone == in_batch[index], f"row {index}"


@detector_factories
def test_score_ignores_batch_order(make_detector, profiles, new_profiles, crawler):
    detector = make_detector().fit(profiles)
    batch = scoring_batch(profiles, new_profiles, crawler)
    order = np.random.default_rng(0).permutation(len(batch))

    forward = detector.anomaly_score(batch)
    shuffled = detector.anomaly_score(batch[order])

    assert np.array_equal(shuffled, forward[order])


@detector_factories
def test_training_row_rescored_alone(make_detector, profiles):
    detector = make_detector().fit(profiles)

    in_training_batch = detector.anomaly_score(profiles)
    alone = detector.anomaly_score(profiles[7:8])[0]

    assert alone == in_training_batch[7]


@detector_factories
def test_far_outlier_above_all_training(make_detector, profiles, crawler):
    detector = make_detector().fit(profiles)

    training_max = detector.anomaly_score(profiles).max()
    crawler_score = detector.anomaly_score(crawler)[0]

    assert crawler_score > training_max
    assert detector.predict(crawler)[0] == -1


@detector_factories
def test_scoring_leaves_model_unchanged(make_detector, profiles, new_profiles):
    detector = make_detector().fit(profiles)
    fingerprint = joblib.hash(detector)

    detector.score_samples(new_profiles)
    detector.decision_function(profiles)
    detector.predict(new_profiles[:1])
    detector.anomaly_score(new_profiles * 10.0)

    assert joblib.hash(detector) == fingerprint


@detector_factories
def test_pickle_round_trip(make_detector, profiles, new_profiles):
    detector = make_detector().fit(profiles)

    restored = pickle.loads(pickle.dumps(detector))

    assert np.array_equal(
        restored.score_samples(new_profiles), detector.score_samples(new_profiles)
    )
    assert restored.offset_ == detector.offset_
    assert restored.n_features_in_ == detector.n_features_in_


@detector_factories
def test_orientation_and_threshold(make_detector, profiles, new_profiles):
    detector = make_detector().fit(profiles)

    scores = detector.score_samples(new_profiles)
    decision = detector.decision_function(new_profiles)
    labels = detector.predict(new_profiles)

    assert np.array_equal(detector.anomaly_score(new_profiles), -scores)
    assert np.allclose(decision, scores - detector.offset_)
    assert np.array_equal(labels, np.where(decision < 0, -1, 1))


@detector_factories
def test_contamination_sets_training_share(make_detector, profiles):
    detector = make_detector().set_params(contamination=0.05).fit(profiles)

    flagged = int((detector.predict(profiles) == -1).sum())

    assert flagged == 15


@detector_factories
def test_dataframe_feature_names_recorded(make_detector, profiles, new_profiles):
    frame = pd.DataFrame(profiles, columns=COLUMNS)
    detector = make_detector().fit(frame)

    from_frame = detector.score_samples(pd.DataFrame(new_profiles, columns=COLUMNS))

    assert list(detector.feature_names_in_) == COLUMNS
    assert detector.n_features_in_ == len(COLUMNS)
    assert np.array_equal(
        from_frame, make_detector().fit(profiles).score_samples(new_profiles)
    )


@detector_factories
def test_wrong_feature_count_rejected(make_detector, profiles):
    detector = make_detector().fit(profiles)

    with pytest.raises(ValueError, match="features"):
        detector.score_samples(profiles[:, :4])
