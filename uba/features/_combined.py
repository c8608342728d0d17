"""Profiles and context features of every user-day in one frame."""

from uba.features._context import build_context_features
from uba.features._profiles import build_profiles


def build_features(
    events,
    *,
    window_days=28,
    min_history_days=5,
    peer_groups=None,
    privileged_users=None,
):
    """Build the profile and the context features of every user-day of ``events``.

    Parameters
    ----------
    events : pandas.DataFrame
        Events from :func:`uba.read_events`, covering the days to profile and, for
        the context features, the ``window_days`` days before them.
    window_days, min_history_days, peer_groups, privileged_users
        As for :func:`uba.features.build_context_features`.

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
    profiles = build_profiles(events)
    context = build_context_features(
        events,
        profiles,
        window_days=window_days,
        min_history_days=min_history_days,
        peer_groups=peer_groups,
        privileged_users=privileged_users,
    )

    added = context.drop(columns=["user", "date"])
    features = profiles.join(added)
    features.attrs = {**context.attrs, **profiles.attrs, "window_days": window_days}
    return features
