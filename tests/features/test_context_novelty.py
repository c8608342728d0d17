import pytest
from context_events import FIREFOX, OTHER_IP, SCRIPT, day, make_events, request, views

from uba.features import build_context_features, build_profiles


def context_for(requests, **parameters):
    events = make_events(requests)
    context = build_context_features(events, build_profiles(events), **parameters)
    return context.set_index(["user", "date"])


@pytest.fixture
def alice_requests():
    rows = [
        request(0, "alice", space="ENG", page=1),
        request(0, "alice", space="ENG", page=2),
        request(1, "alice", space="ENG", page=2),
        request(1, "alice", space="HR", page=3),
    ]
    # Day 2: ENG twice, HR once, and the new spaces OPS and FIN once each.
    rows += [
        request(2, "alice", space="ENG", page=1),
        request(2, "alice", space="ENG", page=1, minute=5),
        request(2, "alice", space="HR", page=3),
        request(2, "alice", space="OPS", page=10),
        request(2, "alice", space="FIN", page=11, ip=OTHER_IP),
    ]
    return rows


def test_new_spaces_pages_and_share(alice_requests):
    context = context_for(alice_requests, min_history_days=1)

    row = context.loc[("alice", day(2))]
    assert row["baseline"] == "self"
    assert row["new_spaces"] == 2
    assert row["new_pages"] == 2
    assert row["new_space_share"] == pytest.approx(2 / 5)


def test_new_address_and_agent(alice_requests):
    context = context_for(alice_requests, min_history_days=1)

    row = context.loc[("alice", day(2))]
    assert row["new_client_ip"] == 1
    assert row["new_user_agent"] == 0


def test_novelty_forgets_days_before_window(alice_requests):
    context = context_for(alice_requests, window_days=1, min_history_days=1)

    row = context.loc[("alice", day(2))]
    # Page 1 was read on day 0 only, which is outside a one-day window.
    assert row["new_pages"] == 3
    assert row["new_spaces"] == 2


def test_items_of_the_same_day_are_new():
    rows = views(0, "bob", 1, space="ENG") + views(1, "bob", 1, space="HR")
    rows += views(1, "bob", 1, space="HR", first_page=7)
    context = context_for(rows, min_history_days=1)

    row = context.loc[("bob", day(1))]
    assert row["new_spaces"] == 1
    assert row["new_space_share"] == 1


def test_background_requests_bring_nothing_new():
    rows = views(0, "bob", 1) + views(1, "bob", 1)
    rows.append(
        request(1, "bob", action="background", page=None, ip=OTHER_IP, agent=SCRIPT)
    )
    context = context_for(rows, min_history_days=1)

    row = context.loc[("bob", day(1))]
    assert row["new_client_ip"] == 0
    assert row["new_user_agent"] == 0


def test_new_agent_from_any_request():
    rows = views(0, "bob", 1) + views(1, "bob", 1)
    search = request(1, "bob", action="search", space=None, page=None, agent=FIREFOX)
    rows.append(search)
    context = context_for(rows, min_history_days=1)

    assert context.loc[("bob", day(1)), "new_user_agent"] == 1


PEERS = {"p1": "A", "p2": "A", "p3": "A", "newcomer": "A"}


def test_newcomer_compared_with_peer_spaces():
    rows = []
    for user, space in (("p1", "ENG"), ("p2", "ENG"), ("p3", "OPS")):
        rows += views(0, user, 1, space=space, first_page=10)
    rows += views(1, "newcomer", 2, space="ENG", first_page=10)
    rows += views(1, "newcomer", 1, space="SECRET", first_page=90)
    context = context_for(rows, min_history_days=2, peer_groups=PEERS)

    row = context.loc[("newcomer", day(1))]
    assert row["baseline"] == "peers"
    assert row["new_spaces"] == 1
    assert row["new_space_share"] == pytest.approx(1 / 3)
    # Pages 10 and 11 of ENG: page 10 was read by p1 and p2.
    assert row["new_pages"] == 2
    assert row["new_client_ip"] == 0


def test_no_reference_reports_nothing_new():
    context = context_for(views(0, "alice", 3), min_history_days=1)

    row = context.loc[("alice", day(0))]
    assert row["baseline"] == "none"
    assert row["new_spaces"] == 0
    assert row["new_pages"] == 0
    assert row["new_client_ip"] == 0


def test_user_without_group_compared_with_organisation():
    rows = views(0, "x1", 1, space="OPS", first_page=10)
    rows += views(0, "x2", 1, space="HR", first_page=20)
    rows += views(1, "loner", 1, space="OPS", first_page=10)
    rows += views(1, "loner", 1, space="RND", first_page=30)
    context = context_for(rows, min_history_days=2, peer_groups={})

    row = context.loc[("loner", day(1))]
    assert row["baseline"] == "organisation"
    assert row["new_spaces"] == 1
    assert row["new_pages"] == 1
    assert row["new_space_share"] == pytest.approx(0.5)
