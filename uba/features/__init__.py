"""User-day behaviour profiles built from request events.

A profile is one row per user and local calendar day. Every feature is a float64 in
which higher means more of the behaviour it names; ``docs/features.md`` lists the name,
unit and meaning of each one. Context features compare a user-day with the user's own
trailing history and with their peer group, using only the days before it.
"""

from uba.features._catalogue import FEATURE_NAMES, FEATURES, FEATURES_BY_NAME, Feature
from uba.features._combined import build_features
from uba.features._context import build_context_features
from uba.features._context_catalogue import CONTEXT_FEATURE_NAMES, CONTEXT_FEATURES
from uba.features._peers import derive_peer_groups, read_peer_groups
from uba.features._profiles import build_profiles
from uba.features._user_agents import browser_mask, is_browser_user_agent

__all__ = [
    "CONTEXT_FEATURES",
    "CONTEXT_FEATURE_NAMES",
    "FEATURES",
    "FEATURES_BY_NAME",
    "FEATURE_NAMES",
    "Feature",
    "browser_mask",
    "build_context_features",
    "build_features",
    "build_profiles",
    "derive_peer_groups",
    "is_browser_user_agent",
    "read_peer_groups",
]
