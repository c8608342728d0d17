import numpy as np
import pandas as pd
import pytest

from uba.detectors import IsolationForestDetector
from uba.evaluation import (
    BASELINES,
    COUNT_FEATURES,
    community_rule_scores,
    evaluate,
    model_scores,
    non_browser_scores,
    pages_per_hour_scores,
    privileged_account_scores,
    raw_count_isolation_forest_scores,
)
from uba.exceptions import InvalidParameterError
from uba.features import FEATURE_NAMES
from uba.scoring import train_model

D1, D2, D3, D4 = pd.date_range("2026-03-02", periods=4, freq="D")


def profiles_from(rows):
    """Build profiles from dicts with user, date and some features; others are 0."""
    full = []
    for row in rows:
        profile = {"user": row["user"], "date": row["date"]}
        profile.update({name: 0.0 for name in FEATURE_NAMES})
        profile.update({k: float(v) for k, v in row.items() if k in FEATURE_NAMES})
        full.append(profile)
    return pd.DataFrame(full)


def random_profiles(seed, n_users=30, dates=(D1, D2, D3)):
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(n_users):
        for date in dates:
            views = rng.poisson(25)
            rows.append(
                {
                    "user": f"user{user:02d}",
                    "date": date,
                    "requests": views + rng.poisson(5),
                    "page_views": views,
                    "distinct_pages": max(views - rng.poisson(3), 0),
                    "max_pages_per_hour": rng.poisson(6) + 1,
                    "mean_pages_per_active_hour": rng.uniform(2, 6),
                    "active_hours": rng.integers(3, 9),
                    "distinct_spaces": rng.integers(1, 4),
                    "space_entropy": rng.uniform(0, 1.5),
                    "off_hours_share": rng.uniform(0, 0.1),
                    "non_browser_share": rng.uniform(0, 0.05),
                    "searches": rng.poisson(2),
                    "error_share": rng.uniform(0, 0.02),
                }
            )
    return profiles_from(rows)


def scores_by_user(table, date=D1):
    day = table.loc[table["date"] == date]
    return dict(zip(day["user"], day["score"]))


def test_community_rule_threshold():
    profiles = profiles_from(
        [
            {"user": "ann", "date": D1, "page_views": 100},
            {"user": "bob", "date": D1, "page_views": 41},
            {"user": "cat", "date": D1, "page_views": 40},
            {"user": "dan", "date": D1, "page_views": 5},
        ]
    )

    assert scores_by_user(community_rule_scores(profiles)) == {
        "ann": 100.0,
        "bob": 41.0,
        "cat": 0.0,
        "dan": 0.0,
    }
    assert scores_by_user(community_rule_scores(profiles, threshold=4)) == {
        "ann": 100.0,
        "bob": 41.0,
        "cat": 40.0,
        "dan": 5.0,
    }


@pytest.mark.parametrize("threshold", [-1, "40", None, True, float("inf")])
def test_community_rule_invalid_threshold(threshold):
    profiles = profiles_from([{"user": "ann", "date": D1, "page_views": 1}])

    with pytest.raises(InvalidParameterError, match="threshold must be"):
        community_rule_scores(profiles, threshold=threshold)


def test_pages_per_hour_order():
    profiles = profiles_from(
        [
            {"user": "ann", "date": D1, "max_pages_per_hour": 3, "page_views": 90},
            {"user": "bob", "date": D1, "max_pages_per_hour": 300, "page_views": 301},
            {"user": "cat", "date": D1, "max_pages_per_hour": 30, "page_views": 30},
        ]
    )

    scores = pages_per_hour_scores(profiles)

    assert scores.sort_values("score", ascending=False)["user"].tolist() == [
        "bob",
        "cat",
        "ann",
    ]


def test_non_browser_views():
    profiles = profiles_from(
        [
            {"user": "ann", "date": D1, "page_views": 200, "non_browser_share": 0.0},
            {"user": "bob", "date": D1, "page_views": 100, "non_browser_share": 0.9},
            {"user": "cat", "date": D1, "page_views": 50, "non_browser_share": 1.0},
        ]
    )

    assert scores_by_user(non_browser_scores(profiles)) == pytest.approx(
        {"ann": 0.0, "bob": 90.0, "cat": 50.0}
    )


@pytest.fixture
def admin_profiles():
    return profiles_from(
        [
            {"user": "ann", "date": D1, "page_views": 10, "admin_requests": 3},
            {"user": "ann", "date": D2, "page_views": 20},
            {"user": "bob", "date": D1, "page_views": 50},
            {"user": "bob", "date": D2, "page_views": 60},
            {"user": "cat", "date": D2, "page_views": 30, "admin_requests": 1},
            {"user": "cat", "date": D3, "page_views": 40},
        ]
    )


def test_privileged_from_earlier_admin_days(admin_profiles):
    scores = privileged_account_scores(admin_profiles)

    # The day of the first admin request is not yet privileged; later days are.
    assert scores["score"].tolist() == [0.0, 20.0, 0.0, 0.0, 0.0, 40.0]


def test_privileged_ignores_row_order(admin_profiles):
    shuffled = admin_profiles.iloc[[5, 3, 1, 4, 0, 2]]

    scores = privileged_account_scores(shuffled)

    assert scores["user"].tolist() == ["cat", "bob", "ann", "cat", "ann", "bob"]
    assert scores["score"].tolist() == [40.0, 0.0, 20.0, 0.0, 0.0, 0.0]


def test_privileged_explicit_users(admin_profiles):
    scores = privileged_account_scores(admin_profiles, privileged_users={"bob"})

    assert scores["score"].tolist() == [0.0, 0.0, 50.0, 60.0, 0.0, 0.0]


def test_privileged_single_string_rejected(admin_profiles):
    with pytest.raises(InvalidParameterError, match="wrap a single name in a list"):
        privileged_account_scores(admin_profiles, privileged_users="bob")


def test_privileged_baseline_uses_training_history(admin_profiles):
    train = admin_profiles.loc[admin_profiles["date"] == D1]
    test = admin_profiles.loc[admin_profiles["date"] > D1]

    scores = BASELINES["privileged_account"](train, test)

    # ann's admin day is in the training days; cat's is the first test day.
    assert scores["user"].tolist() == ["ann", "bob", "cat", "cat"]
    assert scores["score"].tolist() == [20.0, 0.0, 0.0, 40.0]


def test_privileged_baseline_overlapping_days(admin_profiles):
    scores = BASELINES["privileged_account"](admin_profiles, admin_profiles)

    assert scores["score"].tolist() == [0.0, 20.0, 0.0, 0.0, 0.0, 40.0]


def test_count_features():
    assert COUNT_FEATURES == (
        "requests",
        "page_views",
        "distinct_pages",
        "active_hours",
        "distinct_spaces",
        "exports",
        "space_exports",
        "attachment_downloads",
        "searches",
        "admin_requests",
    )


@pytest.fixture(scope="module")
def forest_case():
    """Training and test profiles, and the raw-count forest scores of the test days."""
    train = random_profiles(0)
    test = random_profiles(1, dates=(D4,))
    return train, test, raw_count_isolation_forest_scores(train, test)


def test_raw_count_forest_ignores_other_columns(forest_case):
    train, test, base = forest_case
    changed = test.copy()
    rng = np.random.default_rng(0)
    for name in FEATURE_NAMES:
        if name not in COUNT_FEATURES:
            changed[name] = rng.uniform(0, 50, len(test))

    other = raw_count_isolation_forest_scores(train, changed)

    np.testing.assert_array_equal(base["score"], other["score"])


def test_raw_count_forest_uses_counts(forest_case):
    train, test, base = forest_case
    changed = test.copy()
    changed.loc[0, "page_views"] = 5000.0

    other = raw_count_isolation_forest_scores(train, changed)

    assert other.loc[0, "score"] > base.loc[0, "score"]
    np.testing.assert_array_equal(base["score"][1:], other["score"][1:])


def test_raw_count_forest_equals_plain_forest(forest_case):
    train, test, base = forest_case
    columns = list(COUNT_FEATURES)
    detector = IsolationForestDetector(log_scale=False, extrapolate=False)
    detector.fit(train[columns].to_numpy())

    expected = detector.anomaly_score(test[columns].to_numpy())

    np.testing.assert_allclose(base["score"], expected)


def test_raw_count_forest_missing_column():
    train = random_profiles(0).drop(columns="searches")

    with pytest.raises(
        ValueError, match=r"train_profiles is missing the columns \['searches'\]"
    ):
        raw_count_isolation_forest_scores(train, random_profiles(1))


def test_model_scores_table():
    profiles = random_profiles(0)
    model = train_model(profiles, feature_names=FEATURE_NAMES)

    table = model_scores(model, profiles)

    assert list(table.columns) == ["user", "date", "score"]
    np.testing.assert_allclose(table["score"], model.score(profiles))
    assert table["user"].tolist() == profiles["user"].tolist()


def test_registry_returns_test_score_tables():
    train = random_profiles(0)
    test = random_profiles(1, dates=(D4,))
    labels = pd.DataFrame({"user": ["user03"], "date": [D4], "scenario": ["crawl"]})

    assert set(BASELINES) == {
        "community_rule",
        "pages_per_hour",
        "privileged_account",
        "non_browser",
        "raw_count_isolation_forest",
    }
    for name, baseline in BASELINES.items():
        scores = baseline(train, test)
        assert list(scores.columns) == ["user", "date", "score"], name
        assert scores["user"].tolist() == test["user"].tolist(), name
        assert scores["score"].dtype == "float64", name
        assert evaluate(scores, labels).overall["attacks"].iloc[0] == 1, name


def test_profiles_with_nan_rejected():
    profiles = profiles_from([{"user": "ann", "date": D1, "page_views": 1}])
    profiles.loc[0, "page_views"] = np.nan

    with pytest.raises(ValueError, match="'page_views' has 1 missing value"):
        community_rule_scores(profiles)


def test_profiles_duplicate_user_day_rejected():
    profiles = profiles_from(
        [
            {"user": "ann", "date": D1, "page_views": 1},
            {"user": "ann", "date": D1, "page_views": 2},
        ]
    )

    with pytest.raises(ValueError, match="profiles has 1 duplicate user-day"):
        pages_per_hour_scores(profiles)
