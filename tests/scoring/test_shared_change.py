"""The change a peer group shows on one day, and its discount in scores and ranks."""

import numpy as np
import pandas as pd
import pytest
from test_model_and_rank import make_profiles

from uba.detectors import SelfBaselineDetector
from uba.exceptions import InvalidParameterError
from uba.scoring import rank_users, train_model
from uba.scoring._shared_change import (
    MAX_SHARED_CHANGE,
    MIN_OTHER_PEERS,
    _median_of_others,
    shared_change,
)

FEATURES = ("page_views", "distinct_pages", "max_pages_per_hour", "searches")


@pytest.mark.parametrize("size", range(2, 11))
def test_median_of_others_matches_brute_force(size, seed):
    values = np.random.default_rng(seed).integers(0, 5, size).astype(float)

    expected = [np.median(np.delete(values, index)) for index in range(size)]

    np.testing.assert_allclose(_median_of_others(values), expected)


def test_shared_change_leaves_own_ratio_out():
    ratios = [float(value) for value in range(1, MIN_OTHER_PEERS + 2)] + [100.0]
    size = len(ratios)

    shared = shared_change(ratios, ["support"] * size, ["2026-03-20"] * size)

    assert shared[-1] == np.median(ratios[:-1])
    assert shared[0] == np.median(ratios[1:])


def test_group_needs_enough_other_members():
    days = ["2026-03-20"] * (MIN_OTHER_PEERS + 1)
    enough = [3.0] * (MIN_OTHER_PEERS + 1)

    just_enough = shared_change(enough, ["sales"] * len(days), days)
    too_few = shared_change(enough[:-1], ["sales"] * (len(days) - 1), days[:-1])

    np.testing.assert_allclose(just_enough, 3.0)
    np.testing.assert_allclose(too_few, 1.0)


def test_missing_ratio_or_group_counts_for_nothing():
    ratios = [3.0] * MIN_OTHER_PEERS + [np.nan, 3.0]
    groups = ["sales"] * (MIN_OTHER_PEERS + 1) + [None]

    shared = shared_change(ratios, groups, ["2026-03-20"] * len(ratios))

    np.testing.assert_allclose(shared, 1.0)


def test_days_and_groups_kept_apart():
    size = MIN_OTHER_PEERS + 1
    ratios = [3.0] * size + [0.5] * size + [3.0] * size
    groups = ["sales"] * (2 * size) + ["support"] * size
    days = ["2026-03-20"] * size + ["2026-03-21"] * (2 * size)

    shared = shared_change(ratios, groups, days)

    np.testing.assert_allclose(shared, [3.0] * size + [1.0] * size + [3.0] * size)


def test_pandas_input_with_any_index():
    index = np.random.default_rng(0).permutation(MIN_OTHER_PEERS + 1) * 10
    ratios = pd.Series(2.0, index=index)
    groups = pd.Series("sales", index=index[::-1])
    days = pd.Series(pd.Timestamp("2026-03-20"), index=index)

    np.testing.assert_allclose(shared_change(ratios, groups, days), 2.0)


@pytest.fixture(scope="module")
def moved_organisation():
    """Return (profiles, model): group a triples its reading on the last day.

    user30 of group b triples it too, alone in its group.
    """
    profiles = make_profiles(3, n_users=40, days=21)
    profiles["peer_group"] = np.where(
        profiles["user"].str[-2:].astype(int) < 20, "a", "b"
    )
    training = profiles[profiles["date"] < profiles["date"].max()]
    model = train_model(
        training, detector=SelfBaselineDetector(), feature_names=FEATURES
    )

    last = profiles["date"] == profiles["date"].max()
    movers = last & ((profiles["peer_group"] == "a") | (profiles["user"] == "user30"))
    profiles.loc[movers, list(FEATURES)] *= 3.0
    return profiles, model


def test_group_change_discounted_lone_change_not(moved_organisation):
    profiles, model = moved_organisation

    ranking = rank_users(profiles, model).set_index("user")

    group_a = ranking.index.str[-2:].astype(int) < 20
    assert (ranking.loc[group_a, "shared_change"] == MAX_SHARED_CHANGE).all()
    assert ranking.loc["user30", "shared_change"] < 1.5
    assert ranking.loc["user30", "score"] > ranking.loc[group_a, "score"].median()


def test_group_surge_keeps_outlier_first(moved_organisation):
    profiles, model = moved_organisation
    last = profiles["date"] == profiles["date"].max()
    profiles.loc[last & (profiles["user"] == "user05"), list(FEATURES)] *= 20.0

    ranking = rank_users(profiles, model).set_index("user")

    assert ranking.loc["user05", "rank"] <= 2
    assert ranking.loc["user05", "shared_change"] == MAX_SHARED_CHANGE


def test_score_without_discount_is_detector_score(moved_organisation):
    profiles, model = moved_organisation
    last = profiles[profiles["date"] == profiles["date"].max()]
    users = last["user"].to_numpy()

    raw = model.score(last, discount_shared_change=False)
    discounted = model.score(last)

    detector = model.detector.anomaly_score(model.feature_matrix(last), users=users)
    np.testing.assert_allclose(raw, detector)
    group_a = last["peer_group"].to_numpy() == "a"
    discount = raw / discounted
    np.testing.assert_allclose(discount[group_a], MAX_SHARED_CHANGE)
    assert discount[~group_a].max() < 1.5


@pytest.mark.parametrize("value", ["no", None, 0])
def test_discount_flag_must_be_bool(moved_organisation, value):
    profiles, model = moved_organisation

    with pytest.raises(InvalidParameterError, match="discount_shared_change"):
        model.score(profiles, discount_shared_change=value)


def test_peer_medians_combine_like_ratios(moved_organisation):
    profiles, model = moved_organisation
    last = profiles[profiles["date"] == profiles["date"].max()].reset_index(drop=True)
    organisation = np.linspace(0.5, 6.0, len(last))
    own = np.linspace(0.2, 9.0, len(last))[::-1].copy()
    own[3] = np.nan

    shared = model.shared_change(
        model.feature_matrix(last), last["user"], last, parts=(organisation, own)
    )

    groups, days = last["peer_group"], last["date"]
    peers_organisation = shared_change(organisation, groups, days)
    peers_own = shared_change(own, groups, days)
    expected = np.sqrt(peers_organisation * peers_own)
    expected[3] = peers_organisation[3]
    np.testing.assert_allclose(shared, np.minimum(expected, MAX_SHARED_CHANGE))
    assert (peers_organisation[~np.isnan(own)] > 1.0).any()


def test_zero_self_weight_uses_organisation_median(moved_organisation):
    profiles, _ = moved_organisation
    training = profiles[profiles["date"] < profiles["date"].max()]
    model = train_model(
        training, detector=SelfBaselineDetector(self_weight=0.0), feature_names=FEATURES
    )
    last = profiles[profiles["date"] == profiles["date"].max()]
    X, users = model.feature_matrix(last), last["user"].to_numpy()
    organisation, _ = model.detector.score_parts(X, users=users)

    ranking = rank_users(profiles, model).set_index("user").loc[users]

    expected = shared_change(organisation, last["peer_group"], last["date"])
    expected = np.minimum(expected, MAX_SHARED_CHANGE)
    np.testing.assert_allclose(ranking["shared_change"], expected, atol=5e-4)
    assert ranking["shared_change"].max() > 1.5


def test_no_shared_change_without_peer_groups(moved_organisation):
    profiles, model = moved_organisation

    ranking = rank_users(profiles.drop(columns="peer_group"), model)

    assert (ranking["shared_change"] == 1.0).all()
