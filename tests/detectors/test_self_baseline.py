"""SelfBaselineDetector: each user-day against the organisation and the user's days."""

import pickle

import numpy as np
import pandas as pd
import pytest

from uba.detectors import KNNDetector, PCADetector, SelfBaselineDetector
from uba.exceptions import InvalidParameterError


def organisation(rng):
    """Return (X, users): 30 ordinary users and one nightly indexer, 20 days each.

    Columns: page views, distinct spaces, exports. Every ordinary user has a habit
    of their own, and the indexer reads thousands of pages in many spaces each night.
    """
    rows, users = [], []
    for index in range(30):
        habit = rng.uniform(10, 60)
        for _ in range(20):
            rows.append([rng.poisson(habit), rng.poisson(3) + 1, rng.poisson(0.2)])
            users.append(f"user{index:02d}")
    for _ in range(20):
        rows.append([rng.poisson(4000), rng.poisson(40), 0])
        users.append("svc-indexer")
    return np.asarray(rows, dtype=float), np.asarray(users)


@pytest.fixture
def fitted(seed):
    X, users = organisation(np.random.default_rng(seed))
    return SelfBaselineDetector().fit(X, users=users), X, users


def test_indexer_habit_below_user_surge(fitted):
    detector, X, users = fitted
    indexer_night = np.median(X[users == "svc-indexer"], axis=0, keepdims=True)
    surge = np.median(X[users == "user03"], axis=0, keepdims=True) * [10.0, 4.0, 1.0]

    indexer_score = detector.anomaly_score(indexer_night, users=["svc-indexer"])[0]
    surge_score = detector.anomaly_score(surge, users=["user03"])[0]

    assert surge_score > indexer_score


def test_self_ratio_habit_and_surge(fitted):
    detector, X, users = fitted
    indexer_night = np.median(X[users == "svc-indexer"], axis=0, keepdims=True)
    surge = np.median(X[users == "user03"], axis=0, keepdims=True) * [10.0, 4.0, 1.0]

    _, habit = detector.score_parts(indexer_night, users=["svc-indexer"])
    _, jump = detector.score_parts(surge, users=["user03"])

    assert habit[0] < 1.0
    assert jump[0] > 1.0


def with_wanderer(rng):
    """Return the organisation plus a user whose 20 days are scattered far from all."""
    X, users = organisation(rng)
    wanderer = np.column_stack(
        [rng.uniform(200, 2000, 20), rng.uniform(5, 40, 20), np.zeros(20)]
    )
    return np.vstack([X, wanderer]), np.append(users, ["wanderer"] * 20)


def test_habit_divides_usual_organisation_ratio(seed):
    X, users = with_wanderer(np.random.default_rng(seed))
    day = X[users == "wanderer"][:1]
    with_habit = SelfBaselineDetector(habit_weight=1.0).fit(X, users=users)
    without_habit = SelfBaselineDetector(habit_weight=0.0).fit(X, users=users)

    usual, _ = with_habit.score_parts(day, users=["wanderer"])
    raw, _ = without_habit.score_parts(day, users=["wanderer"])

    habit = with_habit.user_habit_["wanderer"]
    assert habit > 2.0
    assert usual[0] == pytest.approx(raw[0] / habit)


def test_habit_keeps_sudden_move_from_organisation(seed):
    X, users = with_wanderer(np.random.default_rng(seed))
    day = X[users == "wanderer"][:1]
    detector = SelfBaselineDetector(habit_weight=1.0).fit(X, users=users)

    moved, _ = detector.score_parts(day, users=["user03"])
    usual, _ = detector.score_parts(day, users=["wanderer"])

    assert detector.user_habit_["user03"] < 1.5
    assert moved[0] > 2 * usual[0]


def test_quieter_day_self_ratio_zero(fitted):
    detector, X, users = fitted
    quieter = X[users == "user05"].min(axis=0, keepdims=True) * 0.5

    _, own = detector.score_parts(quieter, users=["user05"])

    assert own[0] == 0.0


def test_few_days_organisation_only(seed):
    X, users = organisation(np.random.default_rng(seed))
    newcomer = np.flatnonzero(users == "user07")[:3]
    keep = np.ones(len(X), dtype=bool)
    keep[np.flatnonzero(users == "user07")[3:]] = False
    detector = SelfBaselineDetector(min_days=5).fit(X[keep], users=users[keep])
    row = X[newcomer[:1]]

    organisation_ratio, own = detector.score_parts(row, users=["user07"])
    score = detector.anomaly_score(row, users=["user07"])

    assert "user07" not in detector.user_days_
    assert np.isnan(own[0])
    assert score[0] == organisation_ratio[0]


def test_unknown_user_organisation_only(fitted):
    detector, X, _ = fitted
    row = X[:1] * 2.0

    with_unknown = detector.anomaly_score(row, users=["nobody"])
    without_users = detector.anomaly_score(row)

    assert with_unknown[0] == without_users[0]


def test_zero_weight_organisation_ratio(seed):
    X, users = organisation(np.random.default_rng(seed))
    detector = SelfBaselineDetector(self_weight=0.0).fit(X, users=users)
    rows = X[::37] * 1.5

    organisation_ratio, _ = detector.score_parts(rows, users=users[::37])

    np.testing.assert_allclose(
        detector.anomaly_score(rows, users=users[::37]),
        np.maximum(organisation_ratio, 1.0),
    )


def test_training_day_not_own_neighbour(seed):
    X, users = organisation(np.random.default_rng(seed))
    rows = np.flatnonzero(users == "user02")
    X[rows[0]] = X[rows].max(axis=0) * 3.0
    detector = SelfBaselineDetector(n_neighbors=1).fit(X, users=users)

    _, own = detector.score_parts(X[rows[:1]], users=["user02"])

    assert own[0] > 1.0


def test_row_alone_equals_batch_row(fitted):
    detector, X, users = fitted
    batch = np.vstack([X[::7] * 1.3, X[:5]])
    batch_users = np.concatenate([users[::7], users[:5]])

    in_batch = detector.anomaly_score(batch, users=batch_users)

    for index in range(0, len(batch), 3):
        alone = detector.anomaly_score(
            batch[index : index + 1], users=batch_users[index : index + 1]
        )[0]
        assert alone == in_batch[index], f"row {index}"


def test_score_ignores_batch_order(fitted):
    detector, X, users = fitted
    order = np.random.default_rng(1).permutation(len(X))

    forward = detector.anomaly_score(X, users=users)
    shuffled = detector.anomaly_score(X[order], users=users[order])

    assert np.array_equal(shuffled, forward[order])


def test_predict_flags_contamination_share(fitted):
    detector, X, users = fitted

    flagged = np.mean(detector.predict(X, users=users) == -1)

    assert flagged == pytest.approx(detector.contamination, abs=0.02)


def test_pickle_keeps_scores(fitted):
    detector, X, users = fitted

    restored = pickle.loads(pickle.dumps(detector))

    np.testing.assert_array_equal(
        restored.anomaly_score(X, users=users), detector.anomaly_score(X, users=users)
    )


def test_users_as_pandas_series(fitted):
    detector, X, users = fitted

    from_series = detector.anomaly_score(X, users=pd.Series(users))

    np.testing.assert_array_equal(from_series, detector.anomaly_score(X, users=users))


def test_wraps_any_detector(seed):
    X, users = organisation(np.random.default_rng(seed))

    detector = SelfBaselineDetector(PCADetector(n_components=1)).fit(X, users=users)

    assert isinstance(detector.detector_, PCADetector)
    assert np.all(detector.anomaly_score(X, users=users) >= 0)


def test_wrong_users_length_rejected(fitted):
    detector, X, users = fitted

    with pytest.raises(ValueError, match="expected 3 values"):
        detector.anomaly_score(X[:3], users=users[:2])


def test_missing_user_name_rejected(seed):
    X, users = organisation(np.random.default_rng(seed))
    users = users.astype(object)
    users[4] = None

    with pytest.raises(ValueError, match="first at row 4"):
        SelfBaselineDetector().fit(X, users=users)


def test_score_parts_needs_users(fitted):
    detector, X, _ = fitted

    with pytest.raises(ValueError, match="Missing users"):
        detector.score_parts(X, users=None)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"self_weight": 1.5}, "'self_weight'.*in \\[0, 1\\]"),
        ({"self_weight": True}, "'self_weight'"),
        ({"habit_weight": -0.1}, "'habit_weight'.*in \\[0, 1\\]"),
        ({"n_neighbors": 0}, "'n_neighbors'.*>= 1"),
        ({"min_days": 1}, "'min_days'.*>= 2"),
        ({"detector": "knn"}, "'detector'.*estimator with fit"),
    ],
)
def test_invalid_parameter_named(parameters, message):
    X, users = organisation(np.random.default_rng(0))

    with pytest.raises(InvalidParameterError, match=message):
        SelfBaselineDetector(**parameters).fit(X, users=users)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"habit_weight": 5}, "'habit_weight'.*in \\[0, 1\\]"),
        ({"self_weight": -1.0}, "'self_weight'.*in \\[0, 1\\]"),
        ({"n_neighbors": 0}, "'n_neighbors'.*>= 1"),
    ],
)
def test_invalid_parameter_set_after_fit(fitted, parameters, message):
    detector, X, users = fitted
    detector.set_params(**parameters)

    with pytest.raises(InvalidParameterError, match=message):
        detector.score_samples(X, users=users)
    with pytest.raises(InvalidParameterError, match=message):
        detector.score_parts(X, users=users)


def test_fit_clones_wrapped_detector(seed):
    X, users = organisation(np.random.default_rng(seed))
    inner = KNNDetector(n_neighbors=4)

    detector = SelfBaselineDetector(inner).fit(X, users=users)

    assert detector.detector_ is not inner
    assert not hasattr(inner, "tree_")


def test_detector_without_scoring_rejected(seed):
    from sklearn.neighbors import LocalOutlierFactor

    X, users = organisation(np.random.default_rng(seed))

    with pytest.raises(InvalidParameterError, match="novelty=True"):
        SelfBaselineDetector(LocalOutlierFactor()).fit(X, users=users)
