"""Train a detector on user-day profiles, store it, and rank the users of a day.

Scores are oriented so that higher means more anomalous. A saved model carries its
feature names, training period and versions; loading a model built for other features
raises :class:`uba.exceptions.ModelMismatchError`.
"""

from uba.scoring._model import (
    DEFAULT_MODEL_FEATURES,
    ProfileModel,
    load_model,
    save_model,
    train_model,
)
from uba.scoring._rank import rank_users

__all__ = [
    "DEFAULT_MODEL_FEATURES",
    "ProfileModel",
    "load_model",
    "rank_users",
    "save_model",
    "train_model",
]
