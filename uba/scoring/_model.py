"""A trained detector together with the facts needed to use it safely later."""

import datetime as dt
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn

from uba._dates import parse_day
from uba._version import __version__
from uba.detectors import SelfBaselineDetector
from uba.detectors._base import anomaly_scores, takes_users
from uba.exceptions import InvalidParameterError, ModelMismatchError, UBAWarning
from uba.features import CONTEXT_FEATURE_NAMES, FEATURE_NAMES
from uba.scoring._risk import score_quantiles
from uba.scoring._shared_change import MAX_SHARED_CHANGE, shared_change

# Every feature this version of uba can build, and so can score.
KNOWN_FEATURES = frozenset(FEATURE_NAMES) | frozenset(CONTEXT_FEATURE_NAMES)

# Features of the default model. The profile counts measure how much and how a user
# read, and the context features measure how far that is from the user's own habit
# and their peers.
# Left out: raw request counts and activity hours (repeated by the views), the
# weekend flag (the time-of-week rarity covers it per user), history_days (a short
# history is not suspicious by itself), percentiles (they repeat the z-scores with a
# ceiling), the privileged flag (privileged_content_views carries it) and new_pages. In
# a bulk read nearly every page is new, so new_pages repeats page_views. It is also
# high for a search indexer on nights it indexes pages written that week, while the
# new spaces show where the reading went.
DEFAULT_MODEL_FEATURES = (
    "page_views",
    "distinct_pages",
    "max_pages_per_hour",
    "distinct_spaces",
    "space_entropy",
    "off_hours_share",
    "night_share",
    "rest_share",
    "non_browser_share",
    "exports",
    "space_exports",
    "attachment_downloads",
    "searches",
    "credential_searches",
    "error_share",
    "admin_requests",
    *(name for name in CONTEXT_FEATURE_NAMES if name.endswith("_z")),
    "new_spaces",
    "new_space_share",
    "new_client_ip",
    "new_user_agent",
    "foreign_space_share",
    "hour_rarity",
    "rare_hour_share",
    "privileged_content_views",
)

_FORMAT_KEY = "uba_model_format"
_FORMAT_VERSION = 2


class ProfileModel:
    """A fitted detector with the metadata of its training data.

    Build one with :func:`train_model` and store it with :func:`save_model`.

    Parameters
    ----------
    detector : estimator
        A fitted outlier detector with an ``anomaly_score`` method, or with
        scikit-learn's ``score_samples`` (lower is more abnormal). When its scoring
        method takes a ``users`` keyword, as :class:`~uba.detectors.SelfBaselineDetector`
        does, the model passes the user of each row.
    feature_names : sequence of str
        Profile columns the detector was trained on, in order.
    metadata : dict
        Training period, number of user-days and users, versions, the median of
        each feature over the training user-days (``usual_values``), the context
        window (``window_days``) and the peer group of each training user
        (``peer_groups``: None when the features carry no groups, and an empty
        dict when groups were derived and none formed, as for logs that name no
        space).

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
        """Return the model's features of ``profiles`` as a float64 array, in order.

        Robust z-scores (names ending in ``_z``) enter as their positive part, because
        reading less than usual is no sign of mining the wiki.
        """
        return model_inputs(profiles, self.feature_names)

    def score(self, profiles, *, discount_shared_change=True):
        """Return the anomaly score of each profile row; higher is more abnormal.

        Parameters
        ----------
        profiles : pandas.DataFrame
            User-day features from :func:`uba.build_features`.
        discount_shared_change : bool, default=True
            Divide each score by the :meth:`shared_change` of its row. Needs every
            user-day of the peer groups on the scored days, as
            :func:`uba.build_features` gives; False returns the detector's scores,
            which do not depend on the other rows.

        Returns
        -------
        scores : ndarray of shape (n_rows,)
            For the default detector, 0 or more: about 1 for a day as unusual as a
            typical training day, for the organisation and for the user.
        """
        if not isinstance(discount_shared_change, (bool, np.bool_)):
            raise InvalidParameterError(
                f"discount_shared_change must be True or False, got "
                f"{discount_shared_change!r}"
            )

        users = profiles["user"].astype("str").to_numpy()
        X = self.feature_matrix(profiles)
        scores = self.score_matrix(X, users=users)
        if discount_shared_change:
            scores = scores / self.shared_change(X, users, profiles)
        return scores

    def score_matrix(self, X, users=None):
        """Return the anomaly score of each row of a feature matrix in model order.

        ``users`` names the user of each row. Detectors that compare a day with the
        user's own days need it, and the others ignore it.
        """
        return anomaly_scores(self.detector, X, users)

    def shared_change(self, X, users, profiles, *, parts=None):
        """Return the change each row's peer group shows on the same day, at least 1.

        The other members of the row's ``peer_group`` active on the row's ``date``
        give two medians, each at least 1: of their organisation ratios and of
        their self ratios (see :mod:`uba.scoring._shared_change`). They are combined
        as the detector combines a day's two ratios, so the shared change is the
        score that the peers' typical change would get. A row without a self ratio
        gets the organisation median alone. The result is at most
        :data:`~uba.scoring._shared_change.MAX_SHARED_CHANGE` (2), so a surge of the
        whole group cannot hide a member who reads far more than the group.

        Every row gets 1 when the detector has no ``score_parts`` or ``profiles``
        has no ``peer_group`` column. ``parts``, when given, are the rows'
        organisation and self ratios from the detector's ``score_parts``, so that
        they are not computed again.
        """
        if not hasattr(self.detector, "score_parts") or "peer_group" not in profiles:
            return np.ones(len(X))
        if parts is None:
            parts = self.detector.score_parts(X, users=users)
        organisation, own = parts

        groups, days = profiles["peer_group"], profiles["date"]
        peers_organisation = shared_change(organisation, groups, days)
        peers_own = shared_change(own, groups, days)
        weight = float(self.detector.self_weight)
        combined = peers_organisation ** (1.0 - weight) * peers_own**weight
        combined = np.where(np.isnan(own), peers_organisation, combined)
        return np.minimum(combined, MAX_SHARED_CHANGE)


def model_inputs(profiles, feature_names):
    """Return the detector's input matrix: the features in order, negative z-scores 0.

    Raises
    ------
    ModelMismatchError
        If ``profiles`` lacks a feature.
    ValueError
        If a feature is missing (NaN) or infinite in a row; the message names the
        feature, the user and the date.
    """
    missing = [name for name in feature_names if name not in profiles.columns]
    if missing:
        raise ModelMismatchError(
            f"The user-day features lack {missing}; build them with "
            f"uba.build_features from the same uba version."
        )

    _check_numeric(profiles, feature_names)
    X = profiles[list(feature_names)].to_numpy(dtype="float64", copy=True)
    _check_finite(X, profiles, feature_names)
    deviations = [
        index for index, name in enumerate(feature_names) if name.endswith("_z")
    ]
    X[:, deviations] = np.maximum(X[:, deviations], 0.0)
    return X


def _check_finite(X, profiles, feature_names):
    """Raise ``ValueError`` naming the first feature value that is NaN or infinite."""
    bad_rows, bad_columns = np.nonzero(~np.isfinite(X))
    if len(bad_rows) == 0:
        return

    row, column = bad_rows[0], bad_columns[0]
    where = ""
    if "user" in profiles.columns and "date" in profiles.columns:
        user, date = profiles["user"].iloc[row], profiles["date"].iloc[row]
        where = f" for user {user!r} on {pd.Timestamp(date).date().isoformat()}"
    raise ValueError(
        f"Feature {feature_names[column]!r} is {X[row, column]}{where}; NaN or "
        f"infinite feature values in all: {len(bad_rows)}. Build the features with "
        f"uba.build_features, or fill or drop those rows."
    )


def _check_numeric(profiles, feature_names):
    """Raise ``ValueError`` naming the first feature column of a non-number type."""
    for name in feature_names:
        column = profiles[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue

        wrong = pd.to_numeric(column, errors="coerce").isna() & column.notna()
        example = f", for example {column[wrong].iloc[0]!r}" if wrong.any() else ""
        raise ValueError(
            f"Feature {name!r} has the type {column.dtype}, not a number type"
            f"{example}. Convert it with pandas.to_numeric, or build the features "
            f"with uba.build_features."
        )


def train_model(profiles, *, detector=None, start=None, end=None, feature_names=None):
    """Fit a detector on user-day profiles and record what it was trained on.

    Parameters
    ----------
    profiles : pandas.DataFrame
        User-day features from :func:`uba.build_features`.
    detector : estimator, default=None
        An unfitted outlier detector following scikit-learn's contract. None means
        ``SelfBaselineDetector()`` with its defaults: the distance to the 10 nearest
        training user-days of the organisation combined with the distance beyond the
        user's own training days, which ranked the labelled attacks of the simulated
        benchmark organisations best (``docs/benchmarks.md``). A detector whose
        ``fit`` takes a ``users`` keyword gets the user of each training row.
    start, end : str, date or None, default=None
        First and last local day (inclusive) of the profiles to train on. None means
        from the first or up to the last day present.
    feature_names : sequence of str, default=None
        Columns the detector is trained on, in order. None means
        :data:`DEFAULT_MODEL_FEATURES`.

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
        detector = SelfBaselineDetector()
    feature_names = tuple(feature_names or DEFAULT_MODEL_FEATURES)
    _check_known(feature_names)

    # The model stores the names itself, so the detector gets a plain array both in fit
    # and in scoring.
    X = model_inputs(training, feature_names)
    users = training["user"].astype("str").to_numpy()
    if takes_users(detector.fit):
        detector.fit(X, users=users)
        _warn_without_own_days(detector)
    else:
        detector.fit(X)

    metadata = {
        "uba_version": __version__,
        "sklearn_version": sklearn.__version__,
        "detector": type(detector).__name__,
        "training_start": training["date"].min().date().isoformat(),
        "training_end": training["date"].max().date().isoformat(),
        "n_user_days": len(training),
        "n_users": int(training["user"].nunique()),
        "usual_values": {
            name: float(value)
            for name, value in zip(feature_names, np.median(X, axis=0), strict=True)
        },
        "score_quantiles": score_quantiles(anomaly_scores(detector, X, users)).tolist(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # The context window and peer groups the features were built with, so that
        # scoring can reuse them.
        "window_days": profiles.attrs.get("window_days"),
        "peer_groups": _training_peer_groups(profiles, training),
    }
    return ProfileModel(detector, feature_names, metadata)


def _warn_without_own_days(detector):
    """Warn when no user has enough training days for the self comparison."""
    if getattr(detector, "user_days_", None) != {}:
        return
    warnings.warn(
        f"No user has {detector.min_days} training days, so every day will be "
        f"compared with the organisation only. Train on more days, at least "
        f"{detector.min_days} per user.",
        UBAWarning,
        stacklevel=3,
    )


def _training_peer_groups(profiles, training):
    """Return the peer group of each training user, or None when none were formed.

    An empty dict means the groups were derived and none formed, for example from
    logs in which no request names a space.
    """
    groups = profiles.attrs.get("peer_groups")
    if groups is None:
        return None
    users = set(training["user"].astype("str"))
    return {user: group for user, group in groups.items() if user in users}


def _check_known(feature_names):
    unknown = [name for name in feature_names if name not in KNOWN_FEATURES]
    if unknown:
        raise ValueError(
            f"Unknown features {unknown}; choose among uba.features.FEATURE_NAMES and "
            f"uba.features.CONTEXT_FEATURE_NAMES."
        )


def _select_period(profiles, start, end):
    dates = profiles["date"]
    keep = pd.Series(True, index=profiles.index)
    if start is not None:
        keep &= dates >= parse_day(start, "start")
    if end is not None:
        keep &= dates <= parse_day(end, "end")
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


def load_model(path, *, feature_names=None):
    """Read a model written by :func:`save_model` and check that it fits this ``uba``.

    Parameters
    ----------
    path : str or PathLike
        The model file.
    feature_names : sequence of str, default=None
        The features the caller will score; the model must use exactly these, in this
        order. None accepts any model whose features this version of uba builds.

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
        raise FileNotFoundError(
            f"Model file not found: {path}. Check the path, or train a model with "
            f"'uba train'."
        )

    try:
        payload = joblib.load(path)
    except Exception as error:  # joblib raises many types for a file of another kind
        raise ModelMismatchError(
            f"{path} is not a readable uba model file: it is damaged or not a "
            f"joblib pickle ({type(error).__name__}). Train a model with 'uba train'."
        ) from error

    _check_payload(path, payload, feature_names)
    return ProfileModel(
        payload["detector"], payload["feature_names"], payload["metadata"]
    )


def _check_payload(path, payload, feature_names):
    if not isinstance(payload, dict) or _FORMAT_KEY not in payload:
        raise ModelMismatchError(
            f"{path} is not a uba model file; train one with 'uba train'."
        )

    missing = [
        key for key in ("feature_names", "metadata", "detector") if key not in payload
    ]
    if missing:
        raise ModelMismatchError(
            f"{path} is an incomplete uba model file: it lacks {missing}. Retrain it "
            f"with 'uba train'."
        )

    version = payload[_FORMAT_KEY]
    if version != _FORMAT_VERSION:
        raise ModelMismatchError(
            f"{path} has model format {version!r}, but this uba reads format "
            f"{_FORMAT_VERSION}; retrain it with 'uba train'."
        )

    stored = tuple(payload["feature_names"])
    if feature_names is None:
        unknown = [name for name in stored if name not in KNOWN_FEATURES]
        if unknown:
            raise ModelMismatchError(
                f"{path} was trained on features that this uba does not build: "
                f"{unknown}. Retrain it with 'uba train' on your logs."
            )
    elif stored != tuple(feature_names):
        raise ModelMismatchError(
            _feature_mismatch_message(path, stored, tuple(feature_names))
        )

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
