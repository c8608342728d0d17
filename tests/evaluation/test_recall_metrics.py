import itertools
import math

import numpy as np
import pandas as pd
import pytest

from uba.evaluation import (
    DEFAULT_BUDGETS,
    UndefinedMetricWarning,
    attack_ranks,
    cumulative_recall,
    days_to_detection,
    recall_at_k,
)

D1, D2, D3, D4, D5, D6, D7 = pd.date_range("2026-03-02", periods=7, freq="D")


def score_table(days):
    """Build a score table from {date: {user: score}}."""
    rows = [
        {"user": user, "date": date, "score": score}
        for date, users in days.items()
        for user, score in users.items()
    ]
    return pd.DataFrame(rows)


def label_table(rows):
    return pd.DataFrame(rows, columns=["user", "date", "scenario"])


def ranked_day(date, n_users, attacked_rank):
    """Return a day of n_users with distinct scores and the user at attacked_rank."""
    users = {f"user{i:03d}": float(n_users - i) for i in range(n_users)}
    return {date: users}, f"user{attacked_rank - 1:03d}"


@pytest.fixture
def tied_days():
    scores = score_table(
        {
            D1: {"ann": 0.9, "bob": 0.7, "cat": 0.7, "dan": 0.7, "eve": 0.1},
            D2: {"ann": 0.2, "bob": 0.8, "cat": 0.5},
        }
    )
    labels = label_table([("cat", D1, "crawl"), ("ann", D2, "crawl")])
    return scores, labels


@pytest.mark.parametrize(
    ("k", "expected"),
    [(1, 0.0), (2, (1 / 3 + 0) / 2), (3, (2 / 3 + 1) / 2), (4, 1.0), (50, 1.0)],
)
def test_recall_ties_at_cutoff(tied_days, k, expected):
    scores, labels = tied_days

    assert recall_at_k(scores, labels, k) == pytest.approx(expected)


def test_recall_ignores_days_without_attacks(tied_days):
    scores, labels = tied_days
    quiet_day = score_table({D3: {"ann": 5.0, "bob": 4.0, "zed": 3.0}})
    single_user_day = score_table({D4: {"ann": 1.0}})
    with_quiet = pd.concat([scores, quiet_day, single_user_day], ignore_index=True)

    for k in (1, 2, 3, 0.5):
        assert recall_at_k(with_quiet, labels, k) == recall_at_k(scores, labels, k)


def test_recall_share_rounds_up():
    # 1 % of 150 users is 1.5, so the day's cut-off is 2 users.
    days, attacked = ranked_day(D1, 150, attacked_rank=2)
    scores = score_table(days)
    labels = label_table([(attacked, D1, "crawl")])

    assert recall_at_k(scores, labels, 0.01) == 1.0
    assert recall_at_k(scores, labels, 0.005) == 0.0


def test_recall_share_at_least_one_user():
    days, attacked = ranked_day(D1, 20, attacked_rank=1)
    scores = score_table(days)
    labels = label_table([(attacked, D1, "crawl")])

    assert recall_at_k(scores, labels, 0.001) == 1.0


def test_recall_share_exact_product_not_rounded_up():
    # 0.07 * 100 is 7.000000000000001 in floating point; the cut-off must be 7.
    days, attacked = ranked_day(D1, 100, attacked_rank=8)
    scores = score_table(days)
    labels = label_table([(attacked, D1, "crawl")])

    assert recall_at_k(scores, labels, 0.07) == 0.0
    assert recall_at_k(scores, labels, 0.08) == 1.0


def test_recall_share_per_day():
    # The same share gives each day its own cut-off.
    day_one, first = ranked_day(D1, 100, attacked_rank=10)
    day_two, second = ranked_day(D2, 20, attacked_rank=3)
    scores = score_table({**day_one, **day_two})
    labels = label_table([(first, D1, "crawl"), (second, D2, "crawl")])

    assert recall_at_k(scores, labels, 0.1) == 0.5


def test_recall_empty_labels_warns_and_is_nan(tied_days):
    scores, _ = tied_days

    with pytest.warns(UndefinedMetricWarning, match="labels is empty"):
        value = recall_at_k(scores, label_table([]), 5)

    assert math.isnan(value)


def test_cumulative_recall_hand_computed():
    # Rank 3 of 100 users: found at budgets 3 % to 10 % (8 of 10).
    # Rank 3 of 50 users: cut-offs 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, found from 5 % (6).
    day_one, first = ranked_day(D1, 100, attacked_rank=3)
    day_two, second = ranked_day(D2, 50, attacked_rank=3)
    scores = score_table({**day_one, **day_two})
    labels = label_table([(first, D1, "crawl"), (second, D2, "crawl")])

    assert cumulative_recall(scores, labels) == pytest.approx(7.0)
    assert cumulative_recall(scores, labels, normalize=True) == pytest.approx(0.7)


def test_cumulative_recall_equals_sum_of_recalls(tied_days):
    scores, labels = tied_days
    budgets = (1, 2, 0.5)
    expected = sum(recall_at_k(scores, labels, budget) for budget in budgets)

    assert cumulative_recall(scores, labels, budgets) == pytest.approx(expected)


def test_cumulative_recall_maximum_is_budget_count():
    days, attacked = ranked_day(D1, 30, attacked_rank=1)
    scores = score_table(days)
    labels = label_table([(attacked, D1, "crawl")])

    assert cumulative_recall(scores, labels) == pytest.approx(len(DEFAULT_BUDGETS))


def test_attack_ranks_mid_ranks(tied_days):
    scores, labels = tied_days

    ranks = attack_ranks(scores, labels)

    assert list(ranks.columns) == [
        "user",
        "date",
        "scenario",
        "score",
        "rank",
        "active_users",
    ]
    assert ranks["user"].tolist() == ["cat", "ann"]
    assert ranks["date"].tolist() == [D1, D2]
    assert ranks["rank"].tolist() == [3.0, 3.0]
    assert ranks["active_users"].tolist() == [5, 3]
    assert ranks["scenario"].tolist() == ["crawl", "crawl"]


def test_attack_ranks_two_way_tie_half_rank():
    scores = score_table({D1: {"ann": 0.5, "bob": 0.5, "cat": 0.1}})
    labels = label_table([("bob", D1, "crawl")])

    assert attack_ranks(scores, labels)["rank"].tolist() == [1.5]


@pytest.fixture
def detection_days():
    scores = score_table(
        {
            D1: {"u1": 0.9, "u2": 0.5, "f1": 0.7, "f2": 0.1},
            D2: {"u1": 0.3, "u3": 0.2, "f1": 0.9},
            D3: {"u1": 0.95, "u2": 0.4, "u3": 0.3, "f1": 0.6},
            D4: {"u4": 0.8, "f1": 0.8},
            D5: {"u2": 0.99, "f1": 0.5},
            D6: {"u4": 0.9, "f1": 0.1},
            D7: {"u5": 0.7, "f1": 0.7},
        }
    )
    labels = label_table(
        [
            ("u1", D1, "crawl"),
            ("u1", D2, "crawl"),
            ("u1", D3, "crawl"),
            ("u2", D1, "export"),
            ("u2", D3, "export"),
            ("u2", D5, "export"),
            ("u3", D2, "crawl"),
            ("u3", D3, "crawl"),
            ("u4", D4, "api"),
            ("u4", D6, "api"),
            ("u5", D7, "api"),
        ]
    )
    return scores, labels


def detection_of(detections, user):
    return detections.loc[detections["user"] == user].iloc[0]


def test_detection_found_on_first_day(detection_days):
    detections = days_to_detection(*detection_days, k=1)
    found = detection_of(detections, "u1")

    assert found["days_to_detection"] == 0.0
    assert found["detection_probability"] == 1.0
    assert found["attacked_days"] == 3
    assert found["first_day"] == D1
    assert found["last_day"] == D3


def test_detection_found_on_third_labelled_day(detection_days):
    detections = days_to_detection(*detection_days, k=1)
    found = detection_of(detections, "u2")

    # Labelled on D1, D3 and D5; first in the top 1 on D5, four calendar days later.
    assert found["days_to_detection"] == 4.0
    assert found["detection_probability"] == 1.0


def test_detection_never(detection_days):
    detections = days_to_detection(*detection_days, k=1)
    missed = detection_of(detections, "u3")

    assert math.isnan(missed["days_to_detection"])
    assert missed["detection_probability"] == 0.0


def test_detection_with_ties_is_expected_value(detection_days):
    detections = days_to_detection(*detection_days, k=1)

    # Tied for the top on D4 (chance 1/2), alone at the top on D6, two days later.
    tie_then_top = detection_of(detections, "u4")
    assert tie_then_top["detection_probability"] == pytest.approx(1.0)
    assert tie_then_top["days_to_detection"] == pytest.approx(1.0)

    # Tied for the top on its only day.
    tie_only = detection_of(detections, "u5")
    assert tie_only["detection_probability"] == pytest.approx(0.5)
    assert tie_only["days_to_detection"] == 0.0


def test_detection_table_shape(detection_days):
    detections = days_to_detection(*detection_days, k=1)

    assert list(detections.columns) == [
        "user",
        "scenario",
        "first_day",
        "last_day",
        "attacked_days",
        "detection_probability",
        "days_to_detection",
    ]
    assert detections["user"].tolist() == ["u1", "u2", "u3", "u4", "u5"]


def test_detection_larger_k_finds_earlier(detection_days):
    detections = days_to_detection(*detection_days, k=3)

    # With three users reviewed a day, u2 is found on D1 (third) and u3 on D2.
    assert detection_of(detections, "u2")["days_to_detection"] == 0.0
    assert detection_of(detections, "u3")["days_to_detection"] == 0.0


def test_detection_same_user_two_scenarios_are_two_attacks():
    scores = score_table({D1: {"ann": 0.9, "bob": 0.1}, D2: {"ann": 0.1, "bob": 0.9}})
    labels = label_table([("ann", D1, "crawl"), ("ann", D2, "export")])

    detections = days_to_detection(scores, labels, k=1)

    assert len(detections) == 2
    assert detections["detection_probability"].tolist() == [1.0, 0.0]


def test_detection_empty_labels():
    scores = score_table({D1: {"ann": 0.9}})

    detections = days_to_detection(scores, label_table([]))

    assert len(detections) == 0
    assert "days_to_detection" in detections.columns


def test_recall_matches_every_tie_breaking_order(seed):
    """Recall equals the mean over every order that breaks the day's ties."""
    rng = np.random.default_rng(seed)
    users = [f"user{i}" for i in range(6)]
    day_scores = {user: float(rng.integers(0, 3)) for user in users}
    scores = score_table({D1: day_scores})
    attacked = [str(user) for user in rng.choice(users, size=2, replace=False)]
    labels = label_table([(user, D1, "crawl") for user in attacked])

    for k in (1, 2, 3, 4):
        expected = recall_over_all_orders(day_scores, attacked, k)
        assert recall_at_k(scores, labels, k) == pytest.approx(expected)


def recall_over_all_orders(day_scores, attacked, k):
    users = list(day_scores)
    found = []
    for tie_breaker in itertools.permutations(range(len(users))):
        order = sorted(
            range(len(users)),
            key=lambda i: (-day_scores[users[i]], tie_breaker[i]),
        )
        top = {users[i] for i in order[:k]}
        found.extend(user in top for user in attacked)
    return float(np.mean(found))
