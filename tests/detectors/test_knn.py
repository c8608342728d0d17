import numpy as np
import pytest

from uba.detectors import KNNDetector, ProfileScaler
from uba.exceptions import UBAWarning


def leave_one_out_distances(scaled, k):
    """Return each row's k smallest distances to the other rows, by brute force."""
    differences = scaled[:, None, :] - scaled[None, :, :]
    distances = np.sqrt((differences**2).sum(axis=2))
    np.fill_diagonal(distances, np.inf)
    return np.sort(distances, axis=1)[:, :k]


@pytest.mark.parametrize(
    "aggregate, reduce",
    [
        ("mean", lambda d: d.mean(axis=1)),
        ("median", lambda d: np.median(d, axis=1)),
        ("max", lambda d: d[:, -1]),
    ],
)
def test_knn_training_rows_exclude_themselves(profiles, aggregate, reduce):
    detector = KNNDetector(n_neighbors=4, aggregate=aggregate).fit(profiles)
    scaled = ProfileScaler().fit(profiles).transform(profiles)

    expected = reduce(leave_one_out_distances(scaled, 4))

    assert np.allclose(detector.anomaly_score(profiles), expected)


def test_knn_new_rows_use_all_training_rows(profiles, new_profiles):
    detector = KNNDetector(n_neighbors=3).fit(profiles)
    scaler = ProfileScaler().fit(profiles)
    new_scaled = scaler.transform(new_profiles)
    training_scaled = scaler.transform(profiles)

    differences = new_scaled[:, None, :] - training_scaled[None, :, :]
    distances = np.sort(np.sqrt((differences**2).sum(axis=2)), axis=1)
    copies = distances[:, 0] == 0.0
    expected = np.where(
        copies, distances[:, 1:4].mean(axis=1), distances[:, :3].mean(axis=1)
    )

    assert np.allclose(detector.anomaly_score(new_profiles), expected)


def test_knn_duplicate_training_rows_are_neighbours():
    X = np.array([[1.0, 1.0], [1.0, 1.0], [5.0, 2.0], [9.0, 40.0], [3.0, 7.0]])

    detector = KNNDetector(n_neighbors=1).fit(X)

    assert detector.anomaly_score(X[:2]).tolist() == [0.0, 0.0]
    assert detector.anomaly_score([[1.0, 1.0]])[0] == 0.0


def test_knn_copy_of_unique_training_row_skips_it():
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    detector = KNNDetector(n_neighbors=1, log_scale=False).fit(X)

    near_copy = detector.anomaly_score([[10.0 + 1e-9]])[0]
    exact_copy = detector.anomaly_score([[10.0]])[0]

    assert exact_copy == detector.anomaly_score(X)[4]
    assert exact_copy > near_copy


def test_knn_too_many_neighbours_warns():
    X = np.arange(12.0).reshape(6, 2)

    with pytest.warns(UBAWarning, match="n_neighbors=5"):
        detector = KNNDetector(n_neighbors=10).fit(X)

    assert detector.n_neighbors_ == 5
    assert np.all(np.isfinite(detector.anomaly_score(X)))


def test_knn_single_row_rejected():
    with pytest.raises(ValueError, match="n_samples = 1"):
        KNNDetector().fit([[1.0, 2.0]])


def test_knn_threads_match_single_thread(profiles, new_profiles):
    single = KNNDetector(n_neighbors=5).fit(profiles)
    threaded = KNNDetector(n_neighbors=5, n_jobs=2).fit(profiles)

    assert np.array_equal(
        threaded.anomaly_score(new_profiles), single.anomaly_score(new_profiles)
    )
    assert threaded.offset_ == single.offset_


def test_knn_score_grows_with_distance(profiles):
    detector = KNNDetector(n_neighbors=5).fit(profiles)
    rows = np.array([profiles[0] * factor for factor in (10.0, 100.0, 1000.0)])

    scores = detector.anomaly_score(rows)

    assert scores[0] < scores[1] < scores[2]


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("n_neighbors", 0),
        ("n_neighbors", 2.0),
        ("n_neighbors", True),
        ("aggregate", "sum"),
        ("aggregate", None),
        ("log_scale", "no"),
        ("contamination", 0.0),
        ("contamination", 0.6),
        ("contamination", "auto"),
        ("n_jobs", 0),
        ("n_jobs", 1.5),
    ],
)
def test_knn_invalid_parameter_names_itself(parameter, value):
    detector = KNNDetector(**{parameter: value})

    with pytest.raises(ValueError, match=parameter):
        detector.fit(np.ones((20, 2)))


def test_max_samples_searches_a_sample(profiles):
    detector = KNNDetector(n_neighbors=5, max_samples=100, random_state=3).fit(profiles)
    again = KNNDetector(n_neighbors=5, max_samples=100, random_state=3).fit(profiles)

    assert detector.tree_.data.shape[0] == 100
    assert np.array_equal(
        detector.anomaly_score(profiles), again.anomaly_score(profiles)
    )


def test_max_samples_above_rows_keeps_all(profiles):
    sampled = KNNDetector(n_neighbors=5, max_samples=10_000).fit(profiles)
    full = KNNDetector(n_neighbors=5, max_samples=None).fit(profiles)

    assert sampled.tree_.data.shape[0] == len(profiles)
    assert np.array_equal(sampled.anomaly_score(profiles), full.anomaly_score(profiles))


def test_max_samples_caps_neighbours(profiles):
    with pytest.warns(UBAWarning, match="n_neighbors=2"):
        detector = KNNDetector(n_neighbors=5, max_samples=3).fit(profiles)

    assert detector.n_neighbors_ == 2


def test_crawler_found_with_a_sample(profiles, crawler):
    detector = KNNDetector(n_neighbors=5, max_samples=120).fit(profiles)

    assert detector.anomaly_score(crawler)[0] > detector.anomaly_score(profiles).max()
