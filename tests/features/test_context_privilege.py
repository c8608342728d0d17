import pytest
from context_events import day, make_events, request, views

from uba.features import build_context_features, build_profiles


def admin_requests(day_number, user, count):
    return [
        request(day_number, user, action="admin", space=None, page=None, minute=i)
        for i in range(count)
    ]


@pytest.fixture
def root_requests():
    rows = views(0, "root", 2)
    rows += admin_requests(1, "root", 4) + views(1, "root", 1, first_page=20)
    rows += views(2, "root", 10, first_page=30)
    rows += views(5, "root", 3, first_page=50)
    rows += views(0, "ursula", 5) + views(2, "ursula", 5)
    return rows


def context_for(requests, **parameters):
    events = make_events(requests)
    context = build_context_features(
        events, build_profiles(events), peer_groups={}, **parameters
    )
    return context.set_index(["user", "date"])


def test_privilege_inferred_from_earlier_admin_days(root_requests):
    context = context_for(root_requests, window_days=3, min_history_days=1)

    assert context.loc[("root", day(0)), "privileged"] == 0
    # The admin requests of day 1 do not make day 1 itself privileged.
    assert context.loc[("root", day(1)), "privileged"] == 0
    assert context.loc[("root", day(2)), "privileged"] == 1
    # Day 1 lies outside the three-day window of day 5.
    assert context.loc[("root", day(5)), "privileged"] == 0
    assert context.loc[("ursula", day(2)), "privileged"] == 0


def test_privileged_content_views_weighted_by_habit(root_requests):
    context = context_for(root_requests, window_days=3, min_history_days=1)

    row = context.loc[("root", day(2))]
    # Window: 3 page views among 7 requests, so the usual content share is 3/7.
    assert row["privileged_content_views"] == pytest.approx(10 * (1 - 3 / 7))
    assert context.loc[("ursula", day(2)), "privileged_content_views"] == 0


def test_listed_users_privileged_every_day(root_requests):
    context = context_for(root_requests, privileged_users={"ursula", "nobody"})

    assert context.loc[("ursula", day(0)), "privileged"] == 1
    assert context.loc[("root", day(2)), "privileged"] == 0
    # No history on day 0: the usual share is 0, so every view counts.
    assert context.loc[("ursula", day(0)), "privileged_content_views"] == 5
    # Day 0 had 5 views among 5 requests: reading is ursula's habit.
    assert context.loc[("ursula", day(2)), "privileged_content_views"] == 0
