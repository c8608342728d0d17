"""Rarity of the hours of a user-day for that user, by hour of the week.

A user's *time-of-week histogram* counts, for each of the 168 local hours of the week,
the days of the trailing window on which the user sent at least one request (background
requests left out) in that hour. A user who sends 500 requests in one hour adds 1 to
that hour, like a user who sends one, so a burst does not make its hour look usual.

A 28-day window contains only four of each weekday, so the histogram is smoothed
twice. First, each bin is averaged half-and-half with the mean of the same hour over
the days of the same kind: Monday to Friday, or Saturday and Sunday. A Tuesday at 16:00
is then usual for someone who works until 17:00 on the other weekdays. Second, the
organisation's histogram is added as a prior of :data:`PRIOR_ACTIVE_HOURS` active
hours.
"""

from dataclasses import dataclass

import numpy as np

from uba.features._history import NONE, ORGANISATION, PEERS, SELF
from uba.features._windows import pack

HOURS_PER_WEEK = 168

# Pseudo-count of active hours that the organisation's histogram adds to a user's, so
# a user with a short history looks like the organisation until their own days count.
PRIOR_ACTIVE_HOURS = 8.0

# An hour is rare when its activity share in the window is below this.
RARE_ACTIVITY_SHARE = 0.05

# Weight of the days of the same kind in a smoothed bin; the same weekday has the rest.
SAME_KIND_WEIGHT = 0.5

# Weekdays of each kind of day: Monday to Friday (kind 0), Saturday and Sunday (kind 1).
_WEEKDAYS_OF_KIND = np.array([5.0, 2.0])


def time_of_week_features(hours, queries, reference, axis):
    """Return ``hour_rarity`` and ``rare_hour_share`` of each query user-day.

    Parameters
    ----------
    hours : DailyItems
        Local hours with requests (background left out) of each user-day, counted in
        requests, with day offsets on ``axis``.
    queries : tuple of numpy.ndarray
        ``(user, day_offset)`` of the user-days to describe.
    reference : tuple of numpy.ndarray
        ``(baseline, group, user_group)``: the baseline code of each query (``SELF``,
        ``PEERS``, ``ORGANISATION`` or ``NONE``), the peer group of each query and the
        peer group of each user code (-1 for none).
    axis : DayAxis
        Day axis of the offsets.

    Returns
    -------
    hour_rarity, rare_hour_share : numpy.ndarray of float64

    Notes
    -----
    Take an hour ``h`` of the week. In the window, ``w`` is the number of days on the
    same weekday with activity in ``h``, and ``W`` the number of days on that weekday
    inside the data. Likewise ``k`` counts the days of the same kind with activity in
    that hour of the day, and ``K`` the days of that kind inside the data. The
    smoothed bin is ``c = 0.5 * w + 0.5 * k / n`` with ``n`` = 5 for weekdays and 2
    for weekend days. Then ``p(h) = (c + 8 * q(h)) / (N + 8)``, where ``N`` is the
    active hours in the window and ``q`` the organisation's add-one smoothed
    histogram over the same window. ``hour_rarity`` is the mean of ``-log2 p(h)``
    over today's active hours.

    The activity share of ``h`` is the mean of ``w / W`` and ``k / K``, leaving out a
    term whose denominator is 0. ``rare_hour_share`` is the share of today's requests
    in hours whose activity share is below 5 %. With a peer or organisation baseline
    every count is summed over the reference's users, and ``W`` and ``K`` are
    multiplied by the number of its users with activity in the window.
    """
    query_user, query_day = queries
    hour_rarity = np.zeros(len(query_user))
    rare_hour_share = np.zeros(len(query_user))

    active = _ActiveHours(hours, axis)
    entry_query, entry_hour, entry_requests = active.today(query_user, query_day)
    if len(entry_query) == 0:
        return hour_rarity, rare_hour_share

    baseline, group, user_group = reference
    counts = _ReferenceCounts(active, user_group, axis)
    entry = (
        query_user[entry_query],
        query_day[entry_query],
        entry_hour,
        baseline[entry_query],
        group[entry_query],
    )
    probability, activity, has_activity = counts.lookup(*entry)

    surprise = -np.log2(probability)
    n_hours = np.bincount(entry_query, minlength=len(query_user))
    hour_rarity = _share(
        np.bincount(entry_query, weights=surprise, minlength=len(query_user)), n_hours
    )

    rare = has_activity & (activity < RARE_ACTIVITY_SHARE)
    rare_requests = np.bincount(
        entry_query, weights=entry_requests * rare, minlength=len(query_user)
    )
    all_requests = np.bincount(
        entry_query, weights=entry_requests, minlength=len(query_user)
    )
    rare_hour_share = _share(rare_requests, all_requests)
    return hour_rarity, rare_hour_share


@dataclass
class _BinCounts:
    """Counts of one hour of the week for a reference; see time_of_week_features."""

    same_weekday: np.ndarray
    same_kind: np.ndarray
    active_hours: np.ndarray
    members: np.ndarray


class _ActiveHours:
    """Active (user, day, hour) triples with their request counts, sorted by key."""

    def __init__(self, hours, axis):
        self.n_days = axis.n_days
        self.window_days = axis.window_days
        self.user = hours.user
        self.day = hours.day
        self.hour = hours.item
        self.requests = hours.count
        self.keys = pack(pack(hours.user, hours.day, axis.n_days), hours.item, 24)

        kind = _kind_of_day(hours.day, axis)
        self.kind_keys = np.sort(
            pack(pack(hours.user, hours.item * 2 + kind, 48), hours.day, axis.n_days)
        )
        # Entries before each user-day, so a window's active hours are a difference.
        user_day = pack(hours.user, hours.day, axis.n_days)
        starts = np.flatnonzero(np.r_[True, user_day[1:] != user_day[:-1]])
        self.user_day_keys = user_day[starts]
        self.user_day_cumulative = np.r_[starts, len(user_day)]

    def today(self, query_user, query_day):
        """Return (query index, hour, requests) for each active hour of each query."""
        user_day = pack(query_user, query_day, self.n_days)
        lo = np.searchsorted(self.keys, user_day * 24, side="left")
        hi = np.searchsorted(self.keys, user_day * 24 + 24, side="left")

        query = np.repeat(np.arange(len(user_day)), hi - lo)
        position = _ranges(lo, hi)
        return query, self.hour[position], self.requests[position]

    def counts_of(self, user, day, hour, axis, n_weeks):
        """Return the :class:`_BinCounts` of each user's own window."""
        same_weekday = np.zeros(len(user))
        for k in range(1, n_weeks + 1):
            same_weekday += self._contains(user, day - 7 * k, hour)

        kind = _kind_of_day(day, axis)
        upper = pack(pack(user, hour * 2 + kind, 48), day, self.n_days)
        same_kind = np.searchsorted(self.kind_keys, upper) - np.searchsorted(
            self.kind_keys, upper - self.window_days
        )

        upper = pack(user, day, self.n_days)
        lo = np.searchsorted(self.user_day_keys, upper - self.window_days)
        hi = np.searchsorted(self.user_day_keys, upper)
        active_hours = self.user_day_cumulative[hi] - self.user_day_cumulative[lo]
        return _BinCounts(
            same_weekday,
            same_kind.astype("float64"),
            active_hours.astype("float64"),
            np.ones(len(user)),
        )

    def _contains(self, user, day, hour):
        key = pack(pack(user, day, self.n_days), hour, 24)
        position = np.searchsorted(self.keys, key, side="left")
        position = np.minimum(position, len(self.keys) - 1)
        return self.keys[position] == key


class _EntityHours:
    """Active users per (entity, day, hour) for peer groups or the organisation."""

    def __init__(self, entity, active, n_entities, axis):
        user, day, hour = active
        self.window_days = axis.window_days
        n_days = axis.n_days
        flat = np.bincount(
            (entity * n_days + day) * 24 + hour,
            minlength=n_entities * n_days * 24,
        )
        self.counts = flat.reshape(n_entities, n_days, 24).astype("float64")

        # Cumulative counts over days before each day, per kind of day.
        kind = _kind_of_day(np.arange(n_days), axis)
        self.kind_cumulative = [
            _cumulative_over_days(self.counts * (kind == value)[None, :, None])
            for value in (0, 1)
        ]
        self.total_cumulative = _cumulative_over_days(self.counts.sum(axis=2))
        self.members = _active_members(
            entity, user, day, n_entities, n_days, axis.window_days
        )

    def counts_of(self, entity, day, hour, axis, n_weeks):
        """Return the :class:`_BinCounts` of each entity's window."""
        same_weekday = np.zeros(len(entity))
        for k in range(1, n_weeks + 1):
            same_weekday += self.counts[entity, day - 7 * k, hour]

        kind = _kind_of_day(day, axis)
        start = day - self.window_days
        same_kind = np.zeros(len(entity))
        for value in (0, 1):
            selected = kind == value
            cumulative = self.kind_cumulative[value]
            same_kind[selected] = (
                cumulative[entity[selected], day[selected], hour[selected]]
                - cumulative[entity[selected], start[selected], hour[selected]]
            )

        active_hours = (
            self.total_cumulative[entity, day] - self.total_cumulative[entity, start]
        )
        return _BinCounts(
            same_weekday, same_kind, active_hours, self.members[entity, day]
        )


class _ReferenceCounts:
    """Histogram counts of a user, a peer group or the organisation for a window."""

    def __init__(self, active, user_group, axis):
        self.active = active
        self.axis = axis
        self.n_weeks = axis.window_days // 7

        entity = user_group[active.user]
        in_group = entity >= 0
        n_groups = int(user_group.max()) + 1 if len(user_group) else 0
        triples = (active.user, active.day, active.hour)
        self.organisation = _EntityHours(np.zeros_like(active.user), triples, 1, axis)
        self.groups = _EntityHours(
            entity[in_group],
            tuple(values[in_group] for values in triples),
            n_groups,
            axis,
        )

        # Days of each kind in the window, counting only days inside the data.
        first_day = axis.window_days
        days = np.arange(axis.n_days)
        kind = _kind_of_day(days, axis)
        self.kind_days = [
            np.r_[0, np.cumsum((kind == value) & (days >= first_day))]
            for value in (0, 1)
        ]

    def lookup(self, user, day, hour, baseline, group):
        """Return p(hour), the activity share of the hour, and whether it is defined.

        One value per (user, day, hour) entry, from the reference its baseline names.
        """
        zeros = np.zeros_like(day)
        organisation = self.organisation.counts_of(
            zeros, day, hour, self.axis, self.n_weeks
        )
        prior = (organisation.same_weekday + 1.0) / (
            organisation.active_hours + HOURS_PER_WEEK
        )
        counts = self._reference_counts(user, day, hour, baseline, group, organisation)

        kind = _kind_of_day(day, self.axis)
        smoothed = (1 - SAME_KIND_WEIGHT) * counts.same_weekday + SAME_KIND_WEIGHT * (
            counts.same_kind / _WEEKDAYS_OF_KIND[kind]
        )
        probability = (smoothed + PRIOR_ACTIVE_HOURS * prior) / (
            counts.active_hours + PRIOR_ACTIVE_HOURS
        )

        weekday_exposure = counts.members * self._weeks_in_data(day)
        kind_exposure = counts.members * self._kind_days_in_data(day, kind)
        activity, has_activity = _mean_of_shares(
            (counts.same_weekday, weekday_exposure), (counts.same_kind, kind_exposure)
        )
        has_activity &= baseline != NONE
        return probability, activity, has_activity

    def _reference_counts(self, user, day, hour, baseline, group, organisation):
        # With no reference the histogram is empty, so p(hour) is the prior.
        counts = _BinCounts(*(np.zeros(len(user)) for _ in range(4)))

        own = baseline == SELF
        _assign(
            counts,
            own,
            self.active.counts_of(
                user[own], day[own], hour[own], self.axis, self.n_weeks
            ),
        )

        peers = baseline == PEERS
        _assign(
            counts,
            peers,
            self.groups.counts_of(
                group[peers], day[peers], hour[peers], self.axis, self.n_weeks
            ),
        )

        in_organisation = baseline == ORGANISATION
        _assign(counts, in_organisation, _select(organisation, in_organisation))
        return counts

    def _weeks_in_data(self, day):
        """Return how many same-weekday days of the window fall inside the data."""
        weeks = np.zeros(len(day))
        for k in range(1, self.n_weeks + 1):
            weeks += day - 7 * k >= self.axis.window_days
        return weeks

    def _kind_days_in_data(self, day, kind):
        result = np.zeros(len(day))
        for value in (0, 1):
            selected = kind == value
            cumulative = self.kind_days[value]
            result[selected] = (
                cumulative[day[selected]]
                - cumulative[day[selected] - self.axis.window_days]
            )
        return result


def _kind_of_day(day_offset, axis):
    """Return 1 for Saturdays and Sundays and 0 for other days, as int64."""
    # 1970-01-01 was a Thursday, which is weekday 3 when Monday is 0.
    weekday = (np.asarray(day_offset) + axis.origin + 3) % 7
    return (weekday >= 5).astype("int64")


def _cumulative_over_days(counts):
    """Return sums over the days before each day along axis 1, with a leading zero."""
    zeros = np.zeros_like(counts[:, :1])
    return np.concatenate([zeros, np.cumsum(counts, axis=1)], axis=1)


def _mean_of_shares(*pairs):
    """Return the mean of the defined shares numerator / denominator, and if any is."""
    total = np.zeros(len(pairs[0][0]))
    defined = np.zeros(len(pairs[0][0]))
    for numerator, denominator in pairs:
        total += _share(numerator, denominator)
        defined += denominator > 0
    return _share(total, defined), defined > 0


def _assign(counts, selected, values):
    for name in ("same_weekday", "same_kind", "active_hours", "members"):
        getattr(counts, name)[selected] = getattr(values, name)


def _select(counts, selected):
    return _BinCounts(
        counts.same_weekday[selected],
        counts.same_kind[selected],
        counts.active_hours[selected],
        counts.members[selected],
    )


def _active_members(entity, user, day, n_entities, n_days, window_days):
    """Return the users of each entity with activity in each day's trailing window.

    A user active on day ``t`` counts in the windows of days ``t + 1`` to
    ``t + window_days``. Overlapping spans of the same user are merged first, so each
    user counts once per window.
    """
    members = np.zeros((n_entities, n_days + window_days + 2))
    if len(user) == 0:
        return members[:, :n_days]

    order = np.lexsort((day, user, entity))
    entity, user, day = entity[order], user[order], day[order]
    unique = np.r_[
        True, (np.diff(entity) != 0) | (np.diff(user) != 0) | (np.diff(day) != 0)
    ]
    entity, user, day = entity[unique], user[unique], day[unique]

    same_user = np.r_[False, (entity[1:] == entity[:-1]) & (user[1:] == user[:-1])]
    previous_end = np.r_[0, day[:-1] + window_days + 1]
    start = np.where(same_user, np.maximum(day + 1, previous_end), day + 1)
    end = day + window_days + 1
    opens = start < end

    np.add.at(members, (entity[opens], start[opens]), 1)
    np.add.at(members, (entity[opens], end[opens]), -1)
    return np.cumsum(members, axis=1)[:, :n_days]


def _ranges(lo, hi):
    """Return the concatenation of ``arange(lo[i], hi[i])`` over all i."""
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype="int64")
    starts = np.repeat(lo - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return starts + np.arange(total)


def _share(numerator, denominator):
    result = np.zeros(len(numerator), dtype="float64")
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result
