"""User-day behaviour profiles built from request events.

A profile is one row per user and local calendar day. Every feature is a float64 in
which higher means more of the behaviour it names; ``docs/features.md`` lists the name,
unit and meaning of each one.
"""

from uba.features._catalogue import FEATURE_NAMES, FEATURES, FEATURES_BY_NAME, Feature
from uba.features._profiles import build_profiles
from uba.features._user_agents import browser_mask, is_browser_user_agent

__all__ = [
    "FEATURES",
    "FEATURES_BY_NAME",
    "FEATURE_NAMES",
    "Feature",
    "browser_mask",
    "build_profiles",
    "is_browser_user_agent",
]
