import pandas as pd
import pytest
from context_events import day, make_events, request, views

from uba.exceptions import InvalidParameterError
from uba.features import build_context_features, build_profiles, derive_peer_groups


def context_for(requests, **parameters):
    events = make_events(requests)
    context = build_context_features(events, build_profiles(events), **parameters)
    return context.set_index(["user", "date"])


def department_requests(departments, days=range(5), shared_space="HOME"):
    """Each user reads their department's spaces and the shared space every day."""
    rows = []
    for spaces, users in departments.items():
        for user in users:
            for number in days:
                for offset, space in enumerate(spaces):
                    rows.append(request(number, user, space=space, page=offset + 1))
                rows.append(request(number, user, space=shared_space, page=99))
    return rows


DEPARTMENTS = {
    ("FIN1", "FIN2"): ["fiona", "frank", "felix", "fatima"],
    ("ENG1", "ENG2"): ["erik", "emma", "elena", "ethan"],
}


def test_clustering_separates_departments():
    groups = derive_peer_groups(make_events(department_requests(DEPARTMENTS)))

    finance = {groups[user] for user in DEPARTMENTS[("FIN1", "FIN2")]}
    engineering = {groups[user] for user in DEPARTMENTS[("ENG1", "ENG2")]}
    assert len(finance) == 1
    assert len(engineering) == 1
    assert finance != engineering


def test_clustering_is_deterministic():
    events = make_events(department_requests(DEPARTMENTS))

    first = derive_peer_groups(events)
    second = derive_peer_groups(events.sample(frac=1, random_state=3))

    assert first == second


def test_clustering_leaves_out_users_of_shared_spaces_only():
    rows = department_requests(DEPARTMENTS)
    rows += [request(0, "visitor", space="HOME", page=99)]

    groups = derive_peer_groups(make_events(rows))

    assert "visitor" not in groups


def test_one_group_without_structure():
    # Every user reads the same two spaces: no cut separates anyone.
    users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7"]
    rows = department_requests({("ENG1", "ENG2"): users}, shared_space="OPS")
    rows += [request(0, "u1", space="RARE", page=5)]

    groups = derive_peer_groups(make_events(rows))

    assert set(groups.values()) == {"group-01"}


def test_derived_groups_exposed_in_attrs():
    context = context_for(department_requests(DEPARTMENTS), min_history_days=2)

    groups = context.attrs["peer_groups"]
    assert context.attrs["peer_groups_derived"] is True
    assert groups["fiona"] == groups["frank"] != groups["erik"]
    assert context.loc[("fiona", day(3)), "peer_group"] == groups["fiona"]


def test_groups_from_mapping_and_frame_agree():
    mapping = {user: "finance" for user in DEPARTMENTS[("FIN1", "FIN2")]}
    mapping.update({user: "engineering" for user in DEPARTMENTS[("ENG1", "ENG2")]})
    frame = pd.DataFrame({"user": list(mapping), "group": list(mapping.values())})
    rows = department_requests(DEPARTMENTS)

    from_mapping = context_for(rows, peer_groups=mapping, min_history_days=2)
    from_frame = context_for(rows, peer_groups=frame, min_history_days=2)

    assert from_mapping.attrs["peer_groups"] == mapping
    assert from_mapping.attrs["peer_groups_derived"] is False
    assert from_mapping.loc[("erik", day(2)), "peer_group"] == "engineering"
    pd.testing.assert_frame_equal(from_mapping, from_frame)


def test_numeric_group_names_become_strings():
    mapping = {user: 7 for user in DEPARTMENTS[("FIN1", "FIN2")]}

    context = context_for(department_requests(DEPARTMENTS), peer_groups=mapping)

    assert context.loc[("fiona", day(3)), "peer_group"] == "7"
    assert context.attrs["users_without_group"] == 4


def test_small_group_merges_into_organisation():
    mapping = {"fiona": "pair", "frank": "pair"}
    mapping.update({user: "engineering" for user in DEPARTMENTS[("ENG1", "ENG2")]})

    context = context_for(department_requests(DEPARTMENTS), peer_groups=mapping)

    assert pd.isna(context.loc[("fiona", day(2)), "peer_group"])
    assert context.loc[("erik", day(2)), "peer_group"] == "engineering"
    assert context.attrs["users_in_small_groups"] == 2
    assert context.attrs["users_without_group"] == 2


@pytest.mark.parametrize(
    "peer_groups, message",
    [
        ("finance", "mapping from user to group"),
        (pd.DataFrame({"user": ["a"]}), "lacks the column"),
        (pd.DataFrame({"user": ["a", "a"], "group": ["x", "y"]}), "several groups"),
        ({"a": None}, "no group for user 'a'"),
        ({3: "x"}, "non-empty strings"),
    ],
)
def test_invalid_peer_groups_rejected(peer_groups, message):
    events = make_events(views(0, "a", 1))

    with pytest.raises(InvalidParameterError, match=message):
        build_context_features(events, build_profiles(events), peer_groups=peer_groups)


GROUP_A = {"a1": "A", "a2": "A", "a3": "A"}


def test_foreign_space_share_excludes_own_history():
    rows = [
        request(0, "a1", space="ENG", page=1),
        request(0, "a1", space="PRIV", page=2),
        request(0, "a2", space="ENG", page=3),
        request(0, "a2", space="OPS", page=4),
        request(0, "a3", space="HR", page=5),
    ]
    # Day 1: ENG twice, OPS and HR once, PRIV (only a1 read it) and SECRET once.
    rows += [
        request(1, "a1", space="ENG", page=1),
        request(1, "a1", space="ENG", page=6),
        request(1, "a1", space="OPS", page=4),
        request(1, "a1", space="HR", page=5),
        request(1, "a1", space="PRIV", page=2),
        request(1, "a1", space="SECRET", page=7),
        request(1, "a1", space=None, page=8, action="content_api"),
    ]
    context = context_for(rows, min_history_days=1, peer_groups=GROUP_A)

    row = context.loc[("a1", day(1))]
    assert row["foreign_space_share"] == pytest.approx(2 / 6)


def test_foreign_space_share_ignores_days_before_window():
    rows = [
        request(0, "a2", space="OPS", page=1),
        request(1, "a3", space="HR", page=2),
        request(2, "a1", space="OPS", page=1),
        request(2, "a1", space="HR", page=2),
    ]
    context = context_for(rows, window_days=1, min_history_days=1, peer_groups=GROUP_A)

    assert context.loc[("a1", day(2)), "foreign_space_share"] == pytest.approx(0.5)


def test_foreign_space_share_against_organisation():
    rows = [
        request(0, "x1", space="OPS", page=1),
        request(0, "x2", space="HR", page=2),
        request(1, "loner", space="OPS", page=1),
        request(1, "loner", space="RND", page=3),
    ]
    context = context_for(rows, min_history_days=1, peer_groups={"loner": "alone"})

    row = context.loc[("loner", day(1))]
    assert pd.isna(row["peer_group"])
    assert row["foreign_space_share"] == pytest.approx(0.5)


def test_foreign_space_share_zero_without_reference():
    context = context_for(views(0, "a1", 2, space="RND"), peer_groups=GROUP_A)

    assert context.loc[("a1", day(0)), "foreign_space_share"] == 0


def test_large_organisation_clusters_a_sample(monkeypatch):
    monkeypatch.setattr("uba.features._peers._MAX_CLUSTERED_USERS", 12)
    monkeypatch.setattr("uba.features._peers._SILHOUETTE_SAMPLE", 8)
    departments = {
        ("FIN1", "FIN2"): [f"fin{i:02d}" for i in range(15)],
        ("ENG1", "ENG2"): [f"eng{i:02d}" for i in range(15)],
    }
    events = make_events(department_requests(departments, days=range(2)))

    groups = derive_peer_groups(events)

    assert len(groups) == 30
    assert len({groups[user] for user in departments[("FIN1", "FIN2")]}) == 1
    assert len({groups[user] for user in departments[("ENG1", "ENG2")]}) == 1
    assert groups["fin00"] != groups["eng00"]


def test_clustering_keeps_pairs_in_their_department():
    # Every pair of engineers also shares a private space, which makes a cut into
    # pairs score a high silhouette. Pairs are too small to serve as peers.
    engineers = [f"eng{i:02d}" for i in range(12)]
    departments = {("FIN1", "FIN2"): [f"fin{i:02d}" for i in range(12)]}
    departments.update(
        {("ENG1", f"PAIR{i // 2}"): engineers[i : i + 2] for i in range(0, 12, 2)}
    )

    groups = derive_peer_groups(make_events(department_requests(departments)))

    sizes = pd.Series(groups).value_counts()
    stranded = sizes[sizes < 3].sum()
    assert stranded <= 0.1 * len(groups)
    assert groups["eng00"] != groups["fin00"]
