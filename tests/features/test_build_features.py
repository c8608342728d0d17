import pandas as pd
import pytest

from uba.exceptions import InvalidParameterError, UBAWarning
from uba.features import build_features, derive_peer_groups


def make_events():
    days = pd.date_range("2026-03-02 10:00", periods=6, freq="D", tz="UTC")
    rows = []
    for user, space in (("ann", "HR"), ("bob", "ENG"), ("cy", "ENG")):
        for day in days:
            rows.append(event(day, user, space))
    events = pd.DataFrame(rows)
    events["page_id"] = events["page_id"].astype("Int64")
    return events


def test_features_carry_window_and_both_parts():
    features = build_features(make_events(), window_days=7)

    assert features.attrs["window_days"] == 7
    assert "page_views" in features.columns
    assert "page_views_z" in features.columns
    assert len(features) == 18


def test_privileged_group_members_flagged():
    groups = {"ann": "hr", "bob": "eng", "cy": "eng"}

    features = build_features(
        make_events(), peer_groups=groups, privileged_groups=["eng"]
    )

    flagged = features.groupby("user")["privileged"].max()
    assert flagged["bob"] == 1
    assert flagged["cy"] == 1
    assert flagged["ann"] == 0


def test_privileged_group_needs_peer_groups():
    with pytest.raises(InvalidParameterError, match="needs peer_groups"):
        build_features(make_events(), privileged_groups=["eng"])


def test_unknown_privileged_group_rejected():
    with pytest.raises(InvalidParameterError, match="admins"):
        build_features(
            make_events(), peer_groups={"ann": "hr"}, privileged_groups="admins"
        )


def grouped_events():
    """Return six days of six readers in two departments, and a newcomer on day six."""
    rows = []
    days = pd.date_range("2026-03-02 10:00", periods=6, freq="D", tz="UTC")
    readers = [("ann", "HR"), ("amy", "HR"), ("abe", "HR")]
    readers += [("bob", "ENG"), ("ben", "ENG"), ("bea", "ENG")]
    for user, space in readers:
        for day in days:
            rows.append(event(day, user, space))
    rows.append(event(days[-1], "newcomer", "ENG"))
    events = pd.DataFrame(rows)
    events["page_id"] = events["page_id"].astype("Int64")
    return events


def event(timestamp, user, space):
    return {
        "timestamp": timestamp,
        "utc_offset": 0,
        "user": user,
        "client_ip": "192.0.2.10",
        "path": f"/display/{space}/Home",
        "status": 200,
        "user_agent": "Mozilla/5.0",
        "action": "page_view",
        "space_key": space,
        "page_id": pd.NA,
    }


def test_peer_groups_before_leaves_out_scored_day():
    events = grouped_events()
    earlier = events[events["timestamp"] < "2026-03-07"]

    features = build_features(events, peer_groups_before="2026-03-07")

    groups = features.attrs["peer_groups"]
    assert groups == derive_peer_groups(earlier)
    assert "newcomer" not in groups
    assert features.attrs["peer_groups_derived"] is True
    assert groups["ann"] == groups["amy"]
    assert groups["ann"] != groups["bob"]


def test_peer_groups_from_all_days_by_default():
    features = build_features(grouped_events())

    assert "newcomer" in features.attrs["peer_groups"]


def test_peer_groups_before_before_any_event():
    with pytest.warns(UBAWarning, match="No peer groups could be derived"):
        features = build_features(grouped_events(), peer_groups_before="2026-03-01")

    assert features.attrs["peer_groups"] == {}


def test_given_empty_groups_do_not_warn(recwarn):
    features = build_features(grouped_events(), peer_groups={})

    assert features.attrs["peer_groups"] == {}
    assert not [w for w in recwarn if issubclass(w.category, UBAWarning)]


@pytest.mark.parametrize("day", ["soon", "2026-03-07T10:00+01:00", 20260307])
def test_invalid_peer_groups_before_rejected(day):
    with pytest.raises(ValueError, match="Invalid peer_groups_before"):
        build_features(grouped_events(), peer_groups_before=day)
