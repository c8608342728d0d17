import numpy as np
import pytest
from context_events import day, make_events, request

from uba.features import build_context_features, build_profiles

# Days 0-4, 7-11 and 14-18: the weekdays of the first three weeks. Day 21 is a Monday.
WEEKDAYS = [week * 7 + weekday for week in range(3) for weekday in range(5)]
TODAY = 21
PRIOR = 8.0


def working_days(user, hours):
    return [request(number, user, hour=hour) for number in WEEKDAYS for hour in hours]


@pytest.fixture
def organisation_requests():
    rows = []
    for user in ("dana", "carl", "cleo", "chen"):
        rows += working_days(user, range(9, 17))
    # A remote worker whose working day is the server's night, 01:00 to 05:00.
    rows += working_days("remi", range(1, 5))
    return rows


def context_for(requests):
    events = make_events(requests)
    context = build_context_features(events, build_profiles(events), peer_groups={})
    return context.set_index(["user", "date"])


# Active hours in the window: four day workers x 15 days x 8 hours, plus 15 x 4.
ORGANISATION_HOURS = 4 * 15 * 8 + 15 * 4


def prior(active_users):
    """Smoothed organisation probability of a Monday hour with that many active days."""
    return (active_users + 1) / (ORGANISATION_HOURS + 168)


def test_remote_workers_usual_night_is_not_rare(organisation_requests):
    rows = organisation_requests + [request(TODAY, "remi", hour=2)]

    row = context_for(rows).loc[("remi", day(TODAY))]

    # remi was active at Monday 02:00 in all three weeks, out of 60 active hours.
    expected = (3 + PRIOR * prior(3)) / (60 + PRIOR)
    assert row["hour_rarity"] == pytest.approx(-np.log2(expected))
    assert row["rare_hour_share"] == 0


def test_day_workers_night_is_rare(organisation_requests):
    rows = organisation_requests + [
        request(TODAY, "dana", hour=2, minute=m) for m in range(3)
    ]
    rows.append(request(TODAY, "dana", hour=10))

    row = context_for(rows).loc[("dana", day(TODAY))]

    night = (0 + PRIOR * prior(3)) / (120 + PRIOR)
    morning = (3 + PRIOR * prior(12)) / (120 + PRIOR)
    assert row["hour_rarity"] == pytest.approx(-(np.log2(night) + np.log2(morning)) / 2)
    assert row["rare_hour_share"] == pytest.approx(3 / 4)


def test_same_night_rarer_for_day_worker(organisation_requests):
    rows = organisation_requests
    rows += [request(TODAY, "dana", hour=2), request(TODAY, "remi", hour=2)]

    context = context_for(rows)

    dana = context.loc[("dana", day(TODAY))]
    remi = context.loc[("remi", day(TODAY))]
    assert dana["hour_rarity"] > remi["hour_rarity"] + 5
    assert dana["rare_hour_share"] == 1
    assert remi["rare_hour_share"] == 0


def test_newcomer_compared_with_organisation(organisation_requests):
    rows = organisation_requests
    rows += [request(TODAY, "nina", hour=hour) for hour in (2, 10, 20)]

    row = context_for(rows).loc[("nina", day(TODAY))]

    # Five users were active in the window's three Mondays: 15 user-weeks. Monday
    # 10:00 was active in 12 of them, 02:00 in 3 and 20:00 in none.
    assert row["baseline"] == "organisation"
    assert row["rare_hour_share"] == pytest.approx(1 / 3)
    surprise = [
        -np.log2((count + PRIOR * prior(count)) / (ORGANISATION_HOURS + PRIOR))
        for count in (3, 12, 0)
    ]
    assert row["hour_rarity"] == pytest.approx(np.mean(surprise))


def test_hour_of_other_weekdays_is_not_rare(organisation_requests):
    # dana never worked on a Tuesday before, but from 09:00 to 17:00 on other weekdays.
    rows = [
        row
        for row in organisation_requests
        if not (row["user"] == "dana" and row["local"].day_of_week == 1)
    ]
    rows.append(request(TODAY + 1, "dana", hour=16))

    row = context_for(rows).loc[("dana", day(TODAY + 1))]

    # Same weekday: 0 of 3 Tuesdays. Weekdays: 12 of 15, as 12 / 5 per weekday.
    assert row["rare_hour_share"] == 0
    smoothed = 0.5 * 0 + 0.5 * 12 / 5
    organisation_tuesday = (3 * 3 + 1) / (ORGANISATION_HOURS - 3 * 8 + 168)
    expected = (smoothed + PRIOR * organisation_tuesday) / (12 * 8 + PRIOR)
    assert row["hour_rarity"] == pytest.approx(-np.log2(expected))


def test_first_weekend_day_not_rare():
    rows = [request(number, "dana", hour=10) for number in range(5)]
    rows.append(request(5, "dana", hour=3))

    events = make_events(rows)
    context = build_context_features(
        events, build_profiles(events), peer_groups={}, min_history_days=2
    )

    # Day 5 is the first Saturday: no earlier weekend day to compare with.
    last = context.iloc[-1]
    assert last["baseline"] == "self"
    assert last["rare_hour_share"] == 0
    assert last["hour_rarity"] > 0


def test_weekend_compared_with_weekend():
    rows = [request(number, "dana", hour=10) for number in range(5)]
    rows += [request(5, "dana", hour=12), request(6, "dana", hour=12)]
    rows.append(request(6, "dana", hour=10))

    events = make_events(rows)
    context = build_context_features(
        events, build_profiles(events), peer_groups={}, min_history_days=2
    )

    # Sunday 12:00 matches Saturday 12:00; Sunday 10:00 matches no weekend day.
    assert context.iloc[-1]["rare_hour_share"] == pytest.approx(0.5)


def test_newcomer_compared_with_peer_group(organisation_requests):
    rows = organisation_requests
    for user in ("rosa", "raj"):
        rows += working_days(user, range(1, 5))
    rows += [request(TODAY, "nico", hour=2), request(TODAY, "dora", hour=2)]
    groups = {user: "night" for user in ("remi", "rosa", "raj", "nico")}
    groups.update({user: "day" for user in ("dana", "carl", "cleo", "chen", "dora")})

    events = make_events(rows)
    context = build_context_features(events, build_profiles(events), peer_groups=groups)
    context = context.set_index(["user", "date"])

    nico = context.loc[("nico", day(TODAY))]
    dora = context.loc[("dora", day(TODAY))]
    assert nico["baseline"] == "peers"
    assert dora["baseline"] == "peers"
    assert nico["rare_hour_share"] == 0
    assert dora["rare_hour_share"] == 1
    # The night group: 9 active Mondays at 02:00 and 45 weekdays, 180 active hours.
    organisation_night = (9 + 1) / (4 * 15 * 8 + 3 * 15 * 4 + 168)
    expected = (0.5 * 9 + 0.5 * 45 / 5 + PRIOR * organisation_night) / (180 + PRIOR)
    assert nico["hour_rarity"] == pytest.approx(-np.log2(expected))
