import numpy as np
import pandas as pd
import pytest

from uba.features import FEATURE_NAMES, build_profiles

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0"
SCRIPT = "python-requests/2.31.0"


def make_events(rows):
    """Build an events frame from (local time, offset, user, action, space, page, status, agent)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "local",
            "utc_offset",
            "user",
            "action",
            "space_key",
            "page_id",
            "status",
            "user_agent",
        ],
    )
    local = pd.to_datetime(frame.pop("local"))
    frame["timestamp"] = (
        local - pd.to_timedelta(frame["utc_offset"], unit="min")
    ).dt.tz_localize("UTC")
    frame["page_id"] = pd.array(frame["page_id"], dtype="Int64")
    frame["path"] = "/p/" + frame["page_id"].astype("str")
    return frame


@pytest.fixture
def tiny_events():
    # alice, Monday 2026-03-02, server at UTC+1: six page views in two spaces,
    # one REST read, one export, one failed search, one background request.
    rows = [
        ("2026-03-02 06:30:00", 60, "alice", "page_view", "ENG", 1, 200, CHROME),
        ("2026-03-02 09:00:00", 60, "alice", "page_view", "ENG", 2, 200, CHROME),
        ("2026-03-02 09:10:00", 60, "alice", "page_view", "ENG", 2, 304, CHROME),
        ("2026-03-02 09:20:00", 60, "alice", "blog_view", "HR", 3, 200, CHROME),
        ("2026-03-02 09:59:00", 60, "alice", "content_api", None, 4, 200, SCRIPT),
        ("2026-03-02 10:05:00", 60, "alice", "page_view", "ENG", 5, 403, CHROME),
        ("2026-03-02 10:06:00", 60, "alice", "export", None, 2, 302, CHROME),
        ("2026-03-02 10:07:00", 60, "alice", "search", None, None, 404, CHROME),
        ("2026-03-02 10:08:00", 60, "alice", "background", None, 2, 200, CHROME),
        ("2026-03-02 23:30:00", 60, "alice", "page_view", "HR", 6, 200, CHROME),
        # Same UTC instant as the line above, but bob's server is at UTC-5.
        ("2026-03-02 17:30:00", -300, "bob", "page_view", "ENG", 1, 200, CHROME),
        ("2026-03-07 12:00:00", 60, "bob", "page_view", "ENG", 1, 200, CHROME),
        ("2026-03-02 09:00:00", 60, None, "page_view", "ENG", 1, 200, CHROME),
    ]
    return make_events(rows)


def test_one_row_per_user_and_local_day(tiny_events):
    profiles = build_profiles(tiny_events)

    keys = list(zip(profiles["user"], profiles["date"].dt.strftime("%Y-%m-%d")))
    assert keys == [
        ("alice", "2026-03-02"),
        ("bob", "2026-03-02"),
        ("bob", "2026-03-07"),
    ]
    assert list(profiles.columns[4:]) == list(FEATURE_NAMES)


def test_anonymous_requests_counted_not_profiled(tiny_events):
    profiles = build_profiles(tiny_events)

    assert profiles.attrs["anonymous_requests"] == 1
    assert not profiles["user"].isna().any()


def test_hand_computed_values(tiny_events):
    alice = build_profiles(tiny_events).iloc[0]

    # Views: 06:30, 09:00, 09:10 (304), 09:20 blog, 09:59 REST, 23:30; the 403 is not one.
    assert alice["page_views"] == 6
    assert alice["distinct_pages"] == 5
    assert alice["requests"] == 9
    assert alice["max_pages_per_hour"] == 4
    # Views fall in the clock hours 06, 09 and 23.
    assert alice["mean_pages_per_active_hour"] == pytest.approx(6 / 3)
    assert alice["active_hours"] == 4
    assert alice["distinct_spaces"] == 2
    # Views with a space: ENG x3, HR x2.
    expected_entropy = -(0.6 * np.log2(0.6) + 0.4 * np.log2(0.4))
    assert alice["space_entropy"] == pytest.approx(expected_entropy)
    assert alice["off_hours_share"] == pytest.approx(2 / 6)
    assert alice["night_share"] == 0
    assert alice["weekend"] == 0
    assert alice["rest_share"] == pytest.approx(1 / 6)
    assert alice["non_browser_share"] == pytest.approx(1 / 9)
    assert alice["exports"] == 1
    assert alice["searches"] == 0
    assert alice["error_share"] == pytest.approx(2 / 9)
    assert alice["space_exports"] == 0
    assert alice["attachment_downloads"] == 0
    assert alice["admin_requests"] == 0


def test_local_day_and_weekend_follow_line_offset(tiny_events):
    profiles = build_profiles(tiny_events).set_index(["user", "date"])

    bob_monday = profiles.loc[("bob", pd.Timestamp("2026-03-02"))]
    bob_saturday = profiles.loc[("bob", pd.Timestamp("2026-03-07"))]

    assert bob_monday["off_hours_share"] == 0
    assert bob_monday["first_request"] == pd.Timestamp("2026-03-02 17:30")
    assert bob_saturday["weekend"] == 1


def test_sliding_hour_window_spans_clock_hours():
    start = pd.Timestamp("2026-03-03 09:30")
    rows = [
        (start + pd.Timedelta(minutes=minute), 0, "carol", "page_view", "ENG", minute, 200, CHROME)
        for minute in range(0, 60, 5)
    ]
    profiles = build_profiles(make_events(rows))

    # Twelve views from 09:30 to 10:25: split over two clock hours, but one window.
    assert profiles["max_pages_per_hour"].iloc[0] == 12


def test_pages_without_id_count_by_path():
    rows = [
        ("2026-03-03 10:00", 0, "dave", "page_view", "ENG", None, 200, CHROME),
        ("2026-03-03 10:01", 0, "dave", "page_view", "ENG", None, 200, CHROME),
    ]
    events = make_events(rows)
    events["path"] = ["/display/ENG/A", "/display/ENG/B"]

    profiles = build_profiles(events)

    assert profiles["distinct_pages"].iloc[0] == 2


def test_only_background_gives_zero_features():
    rows = [("2026-03-03 10:00", 0, "erin", "background", None, None, 200, CHROME)]

    profile = build_profiles(make_events(rows)).iloc[0]

    assert profile["requests"] == 0
    assert profile["page_views"] == 0
    assert profile["active_hours"] == 0
    assert profile["non_browser_share"] == 0


def test_empty_events_give_empty_profiles(tiny_events):
    profiles = build_profiles(tiny_events.iloc[0:0])

    assert len(profiles) == 0
    assert list(profiles.columns[4:]) == list(FEATURE_NAMES)


def test_missing_column_is_named(tiny_events):
    with pytest.raises(ValueError, match="user_agent"):
        build_profiles(tiny_events.drop(columns="user_agent"))


def test_non_frame_rejected():
    with pytest.raises(TypeError, match="DataFrame"):
        build_profiles([1, 2, 3])


def test_unlogged_status_and_agent_do_not_bias_shares():
    # AccessLogFilter lines: status 0 and no user agent.
    rows = [
        ("2026-03-03 10:00", 0, "fay", "page_view", "ENG", 1, 0, None),
        ("2026-03-03 10:05", 0, "fay", "page_view", "ENG", 2, 0, None),
        ("2026-03-03 10:06", 0, "fay", "search", None, None, 0, None),
    ]

    profile = build_profiles(make_events(rows)).iloc[0]

    assert profile["page_views"] == 2
    assert profile["searches"] == 1
    assert profile["non_browser_share"] == 0
    assert profile["error_share"] == 0


def test_missing_agent_with_status_counts_as_script():
    rows = [
        ("2026-03-03 10:00", 0, "gil", "page_view", "ENG", 1, 200, None),
        ("2026-03-03 10:01", 0, "gil", "page_view", "ENG", 2, 200, CHROME),
    ]

    profile = build_profiles(make_events(rows)).iloc[0]

    assert profile["non_browser_share"] == 0.5
