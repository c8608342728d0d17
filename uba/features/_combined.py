"""Profiles and context features of every user-day in one frame."""

from uba.exceptions import InvalidParameterError
from uba.features._context import build_context_features
from uba.features._peers import normalise_peer_groups
from uba.features._profiles import build_profiles


def build_features(
    events,
    *,
    window_days=28,
    min_history_days=5,
    peer_groups=None,
    privileged_users=None,
    privileged_groups=None,
    peer_groups_before=None,
):
    """Build the profile and the context features of every user-day of ``events``.

    Parameters
    ----------
    events : pandas.DataFrame
        Events from :func:`uba.read_events`, covering the days to profile and, for
        the context features, the ``window_days`` days before them.
    window_days, min_history_days, peer_groups, privileged_users, peer_groups_before
        As for :func:`uba.features.build_context_features`. Without ``peer_groups``,
        pass the first day to score as ``peer_groups_before``, so that the groups
        come from earlier days only.
    privileged_groups : iterable of str, optional
        Groups of ``peer_groups`` whose members all count as privileged, in addition
        to ``privileged_users``. Needs ``peer_groups``.

    Returns
    -------
    features : pandas.DataFrame
        The columns of :func:`uba.features.build_profiles`, then ``baseline``,
        ``peer_group`` and the context features, one row per user-day. ``attrs``
        combines those of both frames and adds ``window_days``.

    See Also
    --------
    build_profiles : The profile features alone, several times faster.
    build_context_features : The context features alone.
    """
    privileged_users = _with_group_members(
        privileged_users, privileged_groups, peer_groups
    )
    profiles = build_profiles(events)
    context = build_context_features(
        events,
        profiles,
        window_days=window_days,
        min_history_days=min_history_days,
        peer_groups=peer_groups,
        privileged_users=privileged_users,
        peer_groups_before=peer_groups_before,
    )

    added = context.drop(columns=["user", "date"])
    features = profiles.join(added)
    features.attrs = {**context.attrs, **profiles.attrs, "window_days": window_days}
    return features


def _with_group_members(privileged_users, privileged_groups, peer_groups):
    """Return the privileged users plus the members of the privileged groups."""
    if privileged_groups is None:
        return privileged_users
    if isinstance(privileged_groups, str):
        privileged_groups = [privileged_groups]
    groups = {str(group) for group in privileged_groups}

    mapping = normalise_peer_groups(peer_groups)
    if mapping is None:
        raise InvalidParameterError(
            "privileged_groups needs peer_groups, the mapping from users to groups"
        )
    unknown = sorted(groups - set(mapping.values()))
    if unknown:
        raise InvalidParameterError(
            f"privileged_groups names groups that peer_groups does not have: {unknown}"
        )

    members = {user for user, group in mapping.items() if group in groups}
    return set(privileged_users or ()) | members
