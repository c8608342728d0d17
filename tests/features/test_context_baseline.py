import numpy as np
import pandas as pd
import pytest
from context_events import day, make_events, request, views

from uba.features import build_context_features, build_profiles

MAD_TO_STD = 1.4826


def context_for(requests, **parameters):
    events = make_events(requests)
    context = build_context_features(events, build_profiles(events), **parameters)
    return context.set_index(["user", "date"])


def daily_views(user, counts, **fields):
    rows = []
    for number, count in enumerate(counts):
        rows += views(number, user, count, **fields)
    return rows


def test_robust_z_and_percentile():
    rows = daily_views("alice", [2, 4, 4, 6, 10, 20])
    context = context_for(rows, min_history_days=3)

    row = context.loc[("alice", day(5))]
    # History 2, 4, 4, 6, 10: median 4, absolute deviations 2, 0, 0, 2, 6, MAD 2.
    assert row["page_views_z"] == pytest.approx((20 - 4) / (2 * MAD_TO_STD))
    assert row["page_views_pct"] == 100
    assert row["baseline"] == "self"
    assert row["history_days"] == 5


def test_percentile_counts_ties_half():
    context = context_for(daily_views("alice", [2, 4, 4, 6, 10, 4]), min_history_days=3)

    row = context.loc[("alice", day(5))]
    # One value below 4 and two equal to it, out of five.
    assert row["page_views_pct"] == pytest.approx(100 * (1 + 0.5 * 2) / 5)
    assert row["page_views_z"] == 0


def test_count_scale_floor_is_poisson():
    context = context_for(daily_views("alice", [5, 5, 5, 5, 5, 9]), min_history_days=3)

    row = context.loc[("alice", day(5))]
    # MAD 0, so the scale is the floor max(1, sqrt(5)).
    assert row["page_views_z"] == pytest.approx(4 / np.sqrt(5))


def test_count_scale_floor_is_one_for_small_medians():
    rows = daily_views("alice", [3, 3, 3, 3])
    rows += [request(3, "alice", action="search", space=None, page=None)] * 2
    context = context_for(rows, min_history_days=3)

    row = context.loc[("alice", day(3))]
    # No searches on the three earlier days: median 0, MAD 0, floor 1.
    assert row["searches_z"] == 2


def test_share_scale_floor():
    rows = daily_views("alice", [4, 4, 4, 4])
    rows += views(4, "alice", 2, hour=10) + views(4, "alice", 2, hour=22, first_page=50)
    context = context_for(rows, min_history_days=3)

    row = context.loc[("alice", day(4))]
    # Off-hours share 0 on every earlier day, 0.5 today: 0.5 / 0.05.
    assert row["off_hours_share_z"] == pytest.approx(10)
    assert row["off_hours_share_pct"] == 100


def test_window_excludes_same_day_and_older_days():
    context = context_for(
        daily_views("alice", [50, 1, 2, 3, 7]), window_days=3, min_history_days=1
    )

    row = context.loc[("alice", day(4))]
    # Only days 1 to 3 count: median 2, MAD 1, scale 1.4826 (above sqrt(2)).
    assert row["history_days"] == 3
    assert row["page_views_z"] == pytest.approx((7 - 2) / MAD_TO_STD)
    assert row["page_views_pct"] == 100


def test_history_days_counts_active_days_only():
    rows = views(0, "alice", 1) + views(2, "alice", 1) + views(9, "alice", 1)
    context = context_for(rows, window_days=7, min_history_days=1)

    assert context.loc[("alice", day(0)), "history_days"] == 0
    assert context.loc[("alice", day(2)), "history_days"] == 1
    # Days 2 to 8 are in the window of day 9; day 2 is the only active one.
    assert context.loc[("alice", day(9)), "history_days"] == 1


def department_days(users, counts, days=(0, 1, 2)):
    rows = []
    for user, count in zip(users, counts):
        for number in days:
            rows += views(number, user, count, first_page=100 * number)
    return rows


@pytest.fixture
def fallback_requests():
    # Group A pool over days 0-2: 2, 4 and 6 views a day (median 4, MAD 2).
    rows = department_days(["a1", "a2", "a3"], [2, 4, 6])
    # Group X pool: 20 views a day each.
    rows += department_days(["x1", "x2", "x3"], [20, 20, 20])
    rows += views(3, "newcomer", 10) + views(3, "solo", 10)
    return rows


GROUPS = {
    "a1": "A",
    "a2": "A",
    "a3": "A",
    "newcomer": "A",
    "x1": "X",
    "x2": "X",
    "x3": "X",
    "solo": "B",
}


def test_fallback_to_peers(fallback_requests):
    context = context_for(fallback_requests, min_history_days=2, peer_groups=GROUPS)

    row = context.loc[("newcomer", day(3))]
    assert row["baseline"] == "peers"
    assert row["peer_group"] == "A"
    assert row["history_days"] == 0
    assert row["page_views_z"] == pytest.approx((10 - 4) / (2 * MAD_TO_STD))
    # Pool 2, 2, 2, 4, 4, 4, 6, 6, 6: all nine are below 10.
    assert row["page_views_pct"] == 100


def test_small_group_falls_back_to_organisation(fallback_requests):
    context = context_for(fallback_requests, min_history_days=2, peer_groups=GROUPS)

    row = context.loc[("solo", day(3))]
    assert row["baseline"] == "organisation"
    assert pd.isna(row["peer_group"])
    # Organisation pool: 2, 4, 6 three times each and 20 nine times. Median 13,
    # absolute deviations 11, 9, 7 three times each and 7 nine times, MAD 7.
    assert row["page_views_z"] == pytest.approx((10 - 13) / (7 * MAD_TO_STD))
    assert row["page_views_pct"] == pytest.approx(100 * 9 / 18)
    assert context.attrs["users_in_small_groups"] == 1


def test_thin_group_falls_back_to_organisation(fallback_requests):
    # Group A has 9 user-days in the window, the organisation 18.
    context = context_for(fallback_requests, min_history_days=10, peer_groups=GROUPS)

    row = context.loc[("newcomer", day(3))]
    assert row["baseline"] == "organisation"
    assert pd.isna(row["peer_group"])
    assert row["page_views_z"] == pytest.approx((10 - 13) / (7 * MAD_TO_STD))


def test_no_reference_gives_neutral_scores(fallback_requests):
    context = context_for(fallback_requests, min_history_days=2, peer_groups=GROUPS)

    first_day = context.xs(day(0), level="date")
    assert (first_day["baseline"] == "none").all()
    assert (first_day["page_views_z"] == 0).all()
    assert (first_day["page_views_pct"] == 50).all()


def test_self_baseline_with_enough_history(fallback_requests):
    context = context_for(fallback_requests, min_history_days=2, peer_groups=GROUPS)

    # a3 has two earlier days with 6 views each.
    row = context.loc[("a3", day(2))]
    assert row["baseline"] == "self"
    assert row["peer_group"] == "A"
    assert row["page_views_z"] == 0


def test_peer_z_against_group_pool(fallback_requests):
    rows = fallback_requests + views(3, "a1", 12)
    context = context_for(rows, min_history_days=2, peer_groups=GROUPS)

    row = context.loc[("a1", day(3))]
    # The pool includes a1's own days: median 4, MAD 2 as above.
    assert row["peer_page_views_z"] == pytest.approx((12 - 4) / (2 * MAD_TO_STD))
    # One distinct space a day everywhere: MAD 0, floor 1.
    assert row["peer_distinct_spaces_z"] == 0
