import numpy as np
import pandas as pd
import pytest
from pyod.models.ecod import ECOD
from pyod.models.iforest import IForest
from pyod.models.knn import KNN
from sklearn.decomposition import PCA

from uba.detectors import PyODDetector


def test_pyod_scores_are_negated_pyod_scores(profiles, new_profiles):
    adapter = PyODDetector(KNN(n_neighbors=5)).fit(profiles)

    expected = adapter.detector_.decision_function(new_profiles)

    assert np.array_equal(adapter.anomaly_score(new_profiles), expected)
    assert adapter.offset_ == -adapter.detector_.threshold_


def test_pyod_labels_match_pyod_labels(profiles):
    forest = IForest(n_estimators=50, random_state=0)
    adapter = PyODDetector(forest, contamination=0.05).fit(profiles)

    labels = adapter.predict(profiles)

    assert np.array_equal(labels == -1, adapter.detector_.labels_ == 1)
    assert adapter.detector_.contamination == 0.05


def test_pyod_knn_rescored_training_looks_normal(profiles):
    # PyOD's KNN excludes each training row from its own neighbours in fit, but not
    # when the same row is scored again.
    adapter = PyODDetector(KNN(n_neighbors=5), contamination=0.05).fit(profiles)

    rescored = adapter.anomaly_score(profiles)
    training_scores = adapter.detector_.decision_scores_

    assert np.all(rescored <= training_scores)
    assert rescored.mean() < training_scores.mean()


def test_pyod_fit_leaves_given_detector_unfitted(profiles):
    detector = KNN(n_neighbors=5, contamination=0.2)

    adapter = PyODDetector(detector, contamination=0.05).fit(profiles)

    assert not hasattr(detector, "decision_scores_")
    assert detector.contamination == 0.2
    assert adapter.detector_ is not detector


def test_pyod_default_is_seeded_iforest(profiles, new_profiles):
    first = PyODDetector().fit(profiles)
    second = PyODDetector().fit(profiles)

    assert isinstance(first.detector_, IForest)
    assert np.array_equal(
        first.score_samples(new_profiles), second.score_samples(new_profiles)
    )


def test_pyod_dataframe_names_kept(profiles):
    columns = [f"feature_{j}" for j in range(profiles.shape[1])]

    adapter = PyODDetector(KNN(n_neighbors=5)).fit(
        pd.DataFrame(profiles, columns=columns)
    )

    assert list(adapter.feature_names_in_) == columns


def test_pyod_ecod_score_depends_on_batch(profiles, new_profiles):
    # PyOD 3.6's ECOD appends the scored batch to the training data. This is why
    # ECDFDetector exists; if the test starts failing, PyOD has changed ECOD and the
    # adapter's documentation needs an update.
    adapter = PyODDetector(ECOD()).fit(profiles)
    row = new_profiles[:1]

    alone = adapter.anomaly_score(row)[0]
    among_shifted = adapter.anomaly_score(np.vstack([row, new_profiles * 3.0]))[0]

    assert alone != among_shifted


def test_pyod_ecod_model_unchanged_by_scoring(profiles, new_profiles):
    adapter = PyODDetector(ECOD()).fit(profiles)
    training_rows = adapter.detector_.O.shape[0]

    adapter.score_samples(new_profiles)

    assert adapter.detector_.O.shape[0] == training_rows


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("contamination", 0.0),
        ("contamination", 0.7),
        ("contamination", "auto"),
        ("detector", object()),
        ("detector", PCA()),
        ("detector", "IForest"),
        ("detector", IForest),
    ],
)
def test_pyod_invalid_parameter_names_itself(parameter, value):
    adapter = PyODDetector(**{parameter: value})

    with pytest.raises(ValueError, match=parameter):
        adapter.fit(np.random.default_rng(0).normal(size=(30, 2)))
