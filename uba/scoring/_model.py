"""A trained detector together with the facts needed to use it safely later."""

import datetime as dt
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn

from uba._version import __version__
from uba.detectors import IsolationForestDetector
from uba.exceptions import ModelMismatchError, UBAWarning
from uba.features import FEATURE_NAMES

_FORMAT_KEY = "uba_model_format"
_FORMAT_VERSION = 1


class ProfileModel:
    """A fitted detector with the metadata of its training data.

    Build one with :func:`train_model` and store it with :func:`save_model`.

    Parameters
    ----------
    detector : estimator
        A fitted outlier detector with an ``anomaly_score`` method, or with
        scikit-learn's ``score_samples`` (lower is more abnormal).
    feature_names : sequence of str
        Profile columns the detector was trained on, in order.
    metadata : dict
        Training period, number of user-days and users, versions, and the median of
        each feature over the training user-days (``usual_values``).

    Attributes
    ----------
    detector : estimator
        The fitted detector.
    feature_names : tuple of str
        Feature names in training order.
    metadata : dict
        See Parameters.
    """

    def __init__(self, detector, feature_names, metadata):
        self.detector = detector
        self.feature_names = tuple(feature_names)
        self.metadata = dict(metadata)

    def __repr__(self):
        meta = self.metadata
        return (
            f"ProfileModel({type(self.detector).__name__}, "
            f"{len(self.feature_names)} features, "
            f"trained on {meta.get('n_user_days')} user-days from "
            f"{meta.get('training_start')} to {meta.get('training_end')})"
        )

    @property
    def usual_values(self):
        """Median of each feature over the training user-days, as a pandas Series."""
        return pd.Series(self.metadata["usual_values"], dtype="float64")[
            list(self.feature_names)
        ]

    def feature_matrix(self, profiles):
        """Return the model's features of ``profiles`` as a float64 array, in order."""
        missing = [name for name in self.feature_names if name not in profiles.columns]
        if missing:
            raise ModelMismatchError(
                f"The profiles lack the features {missing} that the model was trained "
                f"on; build them with uba.build_profiles from the same uba version."
            )
        return profiles[list(self.feature_names)].to_numpy(dtype="float64")

    def score(self, profiles):
        """Return the anomaly score of each profile row; higher is more abnormal.

        Parameters
        ----------
        profiles : pandas.DataFrame
            User-day profiles from :func:`uba.build_profiles`.

        Returns
        -------
        scores : ndarray of shape (n_rows,)
            For the default detector, the isolation-forest anomaly score in (0, 1].
        """
        return self.score_matrix(self.feature_matrix(profiles))

    def score_matrix(self, X):
        """Return the anomaly score of each row of a feature matrix in model order."""
        if hasattr(self.detector, "anomaly_score"):
            return np.asarray(self.detector.anomaly_score(X), dtype="float64")
        return -np.asarray(self.detector.score_samples(X), dtype="float64")


def train_model(profiles, *, detector=None, start=None, end=None):
    """Fit a detector on user-day profiles and record what it was trained on.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day profiles from :func:`uba.build_profiles`.
    detector : estimator, default=None
        An unfitted outlier detector following scikit-learn's contract. None means
        ``IsolationForestDetector()`` with its defaults, seeded.
    start, end : str, date or None, default=None
        First and last local day (inclusive) of the profiles to train on. None means
        from the first or up to the last day present.

    Returns
    -------
    model : ProfileModel
        The fitted detector and its metadata.

    Raises
    ------
    ValueError
        If no user-day falls inside the training period.
    """
    training = _select_period(profiles, start, end)
    if len(training) == 0:
        raise ValueError(
            f"No user-day profiles between {start or 'the first day'} and "
            f"{end or 'the last day'}; check the dates or the log files."
        )
    if detector is None:
        detector = IsolationForestDetector()

    X = training[list(FEATURE_NAMES)]
    # The model stores the names itself, so the detector gets a plain array both in fit
    # and in scoring.
    detector.fit(X.to_numpy(dtype="float64"))

    metadata = {
        "uba_version": __version__,
        "sklearn_version": sklearn.__version__,
        "detector": type(detector).__name__,
        "training_start": training["date"].min().date().isoformat(),
        "training_end": training["date"].max().date().isoformat(),
        "n_user_days": len(training),
        "n_users": int(training["user"].nunique()),
        "usual_values": {name: float(X[name].median()) for name in FEATURE_NAMES},
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return ProfileModel(detector, FEATURE_NAMES, metadata)


def _select_period(profiles, start, end):
    dates = profiles["date"]
    keep = pd.Series(True, index=profiles.index)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates <= pd.Timestamp(end)
    return profiles.loc[keep]


def save_model(model, path):
    """Write a :class:`ProfileModel` to ``path`` with joblib.

    Parameters
    ----------
    model : ProfileModel
        The model to store.
    path : str or PathLike
        Destination file; ``.joblib`` is the usual suffix. Parent folders are created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    payload = {
        _FORMAT_KEY: _FORMAT_VERSION,
        "feature_names": list(model.feature_names),
        "metadata": model.metadata,
        "detector": model.detector,
    }
    joblib.dump(payload, path, compress=3)


def load_model(path, *, feature_names=FEATURE_NAMES):
    """Read a model written by :func:`save_model` and check that it fits this ``uba``.

    Parameters
    ----------
    path : str or PathLike
        The model file.
    feature_names : sequence of str, default=FEATURE_NAMES
        The features the caller will score; the model must use exactly these, in this
        order.

    Returns
    -------
    model : ProfileModel
        The stored model.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelMismatchError
        If the file is not a ``uba`` model, has an unknown format version, or was
        trained on other features.

    Notes
    -----
    joblib files are pickles: loading one can run code. Load only model files that you
    or your team wrote.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; pass the model file (.joblib)")
    if not path.is_file():
        raise FileNotFoundError(f"Model file not found: {path}")

    try:
        payload = joblib.load(path)
    except Exception as error:  # joblib raises many types for a file of another kind
        raise ModelMismatchError(
            f"{path} is not a readable uba model file: its content is not a joblib "
            f"pickle. Train a model with 'uba train'."
        ) from error

    _check_payload(path, payload, tuple(feature_names))
    return ProfileModel(
        payload["detector"], payload["feature_names"], payload["metadata"]
    )


def _check_payload(path, payload, feature_names):
    if not isinstance(payload, dict) or _FORMAT_KEY not in payload:
        raise ModelMismatchError(
            f"{path} is not a uba model file; train one with 'uba train'."
        )

    version = payload[_FORMAT_KEY]
    if version != _FORMAT_VERSION:
        raise ModelMismatchError(
            f"{path} has model format {version}, but this uba reads format "
            f"{_FORMAT_VERSION}; retrain it with 'uba train'."
        )

    stored = tuple(payload["feature_names"])
    if stored != feature_names:
        raise ModelMismatchError(_feature_mismatch_message(path, stored, feature_names))

    trained_with = payload["metadata"].get("uba_version")
    if trained_with != __version__:
        warnings.warn(
            f"{path} was trained with uba {trained_with}; this is uba {__version__}. "
            f"The features match, but retrain the model if scores look wrong.",
            UBAWarning,
            stacklevel=3,
        )


def _feature_mismatch_message(path, stored, expected):
    missing = [name for name in expected if name not in stored]
    extra = [name for name in stored if name not in expected]
    if missing or extra:
        detail = f"it lacks {missing} and has {extra} that this uba does not build"
    else:
        detail = "it has the same features in another order"
    return (
        f"{path} was trained on other features than this uba builds: {detail}. "
        f"Retrain it with 'uba train' on your logs."
    )
