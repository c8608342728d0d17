import numpy as np
import pandas as pd
import pytest
from context_events import OTHER_IP, day, make_events, request, views

from uba.exceptions import InvalidParameterError, UBAWarning
from uba.features import CONTEXT_FEATURE_NAMES, build_context_features, build_profiles


@pytest.fixture
def events():
    rows = []
    for number in range(8):
        rows += views(number, "alice", 3 + number, space="ENG")
        rows += views(number, "bob", 2, space="HR", first_page=100)
    rows += views(8, "alice", 40, space="FIN", first_page=500, ip=OTHER_IP)
    rows.append(request(8, None, space="ENG"))
    return make_events(rows)


def test_columns_and_dtypes(events):
    context = build_context_features(events, build_profiles(events))

    assert list(context.columns) == ["user", "date", "baseline", "peer_group"] + list(
        CONTEXT_FEATURE_NAMES
    )
    for name in CONTEXT_FEATURE_NAMES:
        assert context[name].dtype == "float64", name
    assert not context[list(CONTEXT_FEATURE_NAMES)].isna().any().any()


def test_rows_follow_profile_order_and_index(events):
    profiles = build_profiles(events)
    shuffled = profiles.sample(frac=1, random_state=1)
    shuffled.index = [f"row{i}" for i in range(len(shuffled))]

    context = build_context_features(events, shuffled)

    assert list(context.index) == list(shuffled.index)
    assert list(context["user"]) == list(shuffled["user"])
    assert list(context["date"]) == list(shuffled["date"])


def test_same_values_whatever_the_row_order(events):
    profiles = build_profiles(events)
    shuffled = profiles.sample(frac=1, random_state=1)

    context = build_context_features(events, shuffled).sort_index()
    expected = build_context_features(events, profiles)

    pd.testing.assert_frame_equal(context, expected)


def test_profiles_of_scored_days_only(events):
    profiles = build_profiles(events)
    last_day = profiles[profiles["date"] == day(8)]

    context = build_context_features(events, last_day)
    full = build_context_features(events, profiles)

    assert context.attrs["history_user_days_added"] == 16
    pd.testing.assert_frame_equal(context, full.loc[last_day.index])


def test_anonymous_requests_counted(events):
    context = build_context_features(events, build_profiles(events))

    assert context.attrs["anonymous_requests"] == 1


def test_profile_rows_without_events_warn(events):
    profiles = build_profiles(events)
    later_events = events[events["timestamp"] >= pd.Timestamp(day(4), tz="UTC")]

    with pytest.warns(UBAWarning, match="8 profile rows have no events"):
        context = build_context_features(later_events, profiles)

    assert context.attrs["profile_rows_without_events"] == 8


def test_repeated_user_day_rejected(events):
    profiles = build_profiles(events)
    repeated = pd.concat([profiles, profiles.iloc[[3]]])

    message = "1 repeated user-days, the first for user 'alice'"
    with pytest.raises(ValueError, match=message):
        build_context_features(events, repeated)


def test_missing_profile_column_named(events):
    profiles = build_profiles(events).drop(columns="admin_requests")

    with pytest.raises(ValueError, match="admin_requests"):
        build_context_features(events, profiles)


def test_missing_event_column_named(events):
    with pytest.raises(ValueError, match="client_ip"):
        build_context_features(events.drop(columns="client_ip"), build_profiles(events))


def test_missing_profile_value_named(events):
    profiles = build_profiles(events)
    profiles.loc[profiles.index[2], "searches"] = np.nan

    with pytest.raises(ValueError, match="1 missing values in column 'searches'"):
        build_context_features(events, profiles)


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"window_days": 0}, "window_days must be a positive integer"),
        ({"window_days": 7.5}, "window_days must be a positive integer"),
        ({"min_history_days": True}, "min_history_days must be a positive integer"),
        ({"window_days": 3, "min_history_days": 4}, "at most window_days"),
        ({"privileged_users": "root"}, "single string 'root'"),
        ({"privileged_users": 5}, "collection of user names"),
        ({"privileged_users": {"root", 7}}, "as str, got 7"),
    ],
)
def test_invalid_parameters_rejected(events, parameters, message):
    profiles = build_profiles(events)

    with pytest.raises(InvalidParameterError, match=message):
        build_context_features(events, profiles, **parameters)


def test_non_frame_rejected(events):
    with pytest.raises(TypeError, match="profiles must be a pandas DataFrame"):
        build_context_features(events, [1, 2])


def test_empty_profiles_give_empty_context(events):
    context = build_context_features(events, build_profiles(events).iloc[0:0])

    assert len(context) == 0
    assert list(context.columns[4:]) == list(CONTEXT_FEATURE_NAMES)


def test_burst_in_new_space_stands_out(events):
    context = build_context_features(events, build_profiles(events))
    row = context.set_index(["user", "date"]).loc[("alice", day(8))]

    assert row["baseline"] == "self"
    assert row["history_days"] == 8
    assert row["page_views_z"] > 3
    assert row["page_views_pct"] == 100
    assert row["new_spaces"] == 1
    assert row["new_space_share"] == 1
    assert row["new_client_ip"] == 1
    assert row["foreign_space_share"] == 1


def test_local_day_from_line_offset():
    # 23:30 at UTC-5 is 04:30 UTC on the next day; the profile day is the local one.
    rows = views(0, "carol", 2) + views(1, "carol", 1, hour=23, space="OPS")
    events = make_events(rows)
    local = events["timestamp"].dt.tz_localize(None)
    events["utc_offset"] = -300
    events["timestamp"] = (local + pd.Timedelta(minutes=300)).dt.tz_localize("UTC")

    context = build_context_features(events, build_profiles(events), min_history_days=1)

    row = context.set_index(["user", "date"]).loc[("carol", day(1))]
    assert row["history_days"] == 1
    assert row["new_spaces"] == 1
