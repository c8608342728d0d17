from pyod.models.ecod import ECOD
from pyod.models.iforest import IForest
from sklearn.utils.estimator_checks import parametrize_with_checks

from uba.detectors import (
    ECDFDetector,
    IsolationForestDetector,
    KNNDetector,
    PCADetector,
    ProfileScaler,
    PyODDetector,
    RankEnsembleDetector,
    SelfBaselineDetector,
)


def small_ensemble():
    return RankEnsembleDetector(
        [
            ("isolation_forest", IsolationForestDetector(n_estimators=10)),
            ("knn", KNNDetector(n_neighbors=3)),
            ("pca", PCADetector()),
            ("ecdf", ECDFDetector()),
        ]
    )


ESTIMATORS = [
    ProfileScaler(),
    KNNDetector(n_neighbors=3),
    KNNDetector(n_neighbors=3, aggregate="max", log_scale=False),
    PCADetector(),
    PCADetector(n_components=1, log_scale=False),
    ECDFDetector(),
    ECDFDetector(log_scale=True),
    PyODDetector(IForest(n_estimators=10, random_state=0)),
    PyODDetector(ECOD()),
    small_ensemble(),
    SelfBaselineDetector(KNNDetector(n_neighbors=3)),
    SelfBaselineDetector(PCADetector(), self_weight=0.0),
]


def expected_failed_checks(estimator):
    if isinstance(estimator, PyODDetector) and isinstance(estimator.detector, ECOD):
        return {
            "check_methods_subset_invariance": (
                "PyOD's ECOD recomputes its distributions with the scored batch "
                "appended to the training data, so a row's score depends on the batch"
            ),
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
