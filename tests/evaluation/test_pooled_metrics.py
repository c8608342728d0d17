import itertools
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from uba.evaluation import UndefinedMetricWarning, average_precision, roc_auc

D1, D2 = pd.date_range("2026-03-02", periods=2, freq="D")


def one_day(scores, positives, date=D1):
    """Return a score table and labels for one day of users user0, user1, ..."""
    users = [f"user{i}" for i in range(len(scores))]
    table = pd.DataFrame({"user": users, "date": date, "score": scores})
    labels = pd.DataFrame(
        {
            "user": [users[i] for i in positives],
            "date": pd.Series([date] * len(positives), dtype="datetime64[ns]"),
            "scenario": "crawl",
        }
    )
    return table, labels


def test_average_precision_tied_positive():
    # The positive ties with a negative at positions 2 and 3: (1/2 + 1/3) / 2.
    scores, labels = one_day([0.9, 0.5, 0.5], positives=[1])

    assert average_precision(scores, labels) == pytest.approx(5 / 12)


def test_average_precision_differs_from_sklearn_with_ties():
    scores, labels = one_day([0.9, 0.5, 0.5], positives=[1])

    # scikit-learn evaluates the tied group at its end only: precision 1/3.
    assert average_precision_score([0, 1, 0], [0.9, 0.5, 0.5]) == pytest.approx(1 / 3)
    assert average_precision(scores, labels) != pytest.approx(1 / 3)


def test_average_precision_matches_sklearn_without_ties(seed):
    rng = np.random.default_rng(seed)
    values = rng.permutation(40).astype(float)
    positives = list(rng.choice(40, size=5, replace=False))
    scores, labels = one_day(values, positives)
    truth = np.isin(np.arange(40), positives)

    expected = average_precision_score(truth, values)

    assert average_precision(scores, labels) == pytest.approx(expected)


def test_average_precision_matches_every_tie_breaking_order(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 3, size=7).astype(float)
    positives = list(rng.choice(7, size=3, replace=False))
    scores, labels = one_day(values, positives)
    truth = np.isin(np.arange(7), positives)

    expected = mean_over_orders(values, truth, average_precision_score)

    assert average_precision(scores, labels) == pytest.approx(expected)


def test_roc_auc_matches_every_tie_breaking_order(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 3, size=7).astype(float)
    positives = list(rng.choice(7, size=3, replace=False))
    scores, labels = one_day(values, positives)
    truth = np.isin(np.arange(7), positives)

    expected = mean_over_orders(values, truth, roc_auc_score)

    assert roc_auc(scores, labels) == pytest.approx(expected)


def mean_over_orders(values, truth, metric):
    """Average a metric over every order that breaks the ties of ``values``."""
    groups = [np.flatnonzero(values == value) for value in np.unique(values)]
    results = []
    for orders in itertools.product(*(itertools.permutations(g) for g in groups)):
        # Distinct scores that keep the order of values and break each tie as drawn.
        distinct = values * len(values)
        for order in orders:
            distinct[list(order)] += np.arange(len(order)) / len(values)
        results.append(metric(truth, distinct))
    return float(np.mean(results))


def test_roc_auc_tie_counts_half():
    # The positive loses to 0.9 and ties with the other 0.5: (0 + 1/2) / 2.
    scores, labels = one_day([0.9, 0.5, 0.5], positives=[1])

    assert roc_auc(scores, labels) == pytest.approx(0.25)


def test_pooled_over_days():
    day_one, labels_one = one_day([0.9, 0.1], positives=[1], date=D1)
    day_two, labels_two = one_day([0.5, 0.3], positives=[0], date=D2)
    scores = pd.concat([day_one, day_two], ignore_index=True)
    labels = pd.concat([labels_one, labels_two], ignore_index=True)

    # Pooled order: 0.9 (neg), 0.5 (pos), 0.3 (neg), 0.1 (pos).
    assert average_precision(scores, labels) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert roc_auc(scores, labels) == pytest.approx(1 / 4)


def test_infinite_scores_allowed():
    scores, labels = one_day([np.inf, 0.5, -np.inf], positives=[0])

    assert average_precision(scores, labels) == 1.0
    assert roc_auc(scores, labels) == 1.0


def test_undefined_without_positives():
    scores, labels = one_day([0.9, 0.5], positives=[])

    with pytest.warns(UndefinedMetricWarning, match="no attacked user-day"):
        value = average_precision(scores, labels)
    assert math.isnan(value)

    with pytest.warns(UndefinedMetricWarning, match="no attacked user-day"):
        value = roc_auc(scores, labels)
    assert math.isnan(value)


def test_roc_auc_undefined_when_all_attacked():
    scores, labels = one_day([0.9, 0.5], positives=[0, 1])

    with pytest.warns(UndefinedMetricWarning, match="every user-day is attacked"):
        value = roc_auc(scores, labels)

    assert math.isnan(value)
    assert average_precision(scores, labels) == 1.0
