"""User-behaviour analytics for Confluence: find the accounts that mine the wiki.

The main path is three calls::

    events = uba.read_events("logs/")           # one row per HTTP request
    features = uba.build_features(events)       # one row per user and local day
    ranking = uba.rank_users(features, model)   # most anomalous users of a day first

where ``model`` comes from :func:`uba.train_model` or :func:`uba.load_model`.
"""

from uba._version import __version__
from uba.features import FEATURE_NAMES, build_features, build_profiles
from uba.io import ReadReport, read_events
from uba.scoring import ProfileModel, load_model, rank_users, save_model, train_model

__all__ = [
    "FEATURE_NAMES",
    "ProfileModel",
    "ReadReport",
    "__version__",
    "build_features",
    "build_profiles",
    "load_model",
    "rank_users",
    "read_events",
    "save_model",
    "train_model",
]
