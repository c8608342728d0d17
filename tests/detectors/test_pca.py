import numpy as np
import pytest
from sklearn.decomposition import PCA

from uba.detectors import PCADetector, ProfileScaler


def test_pca_score_is_reconstruction_error(profiles, new_profiles):
    detector = PCADetector(n_components=2).fit(profiles)
    scaler = ProfileScaler().fit(profiles)
    reference = PCA(n_components=2, svd_solver="full").fit(scaler.transform(profiles))

    scaled = scaler.transform(new_profiles)
    rebuilt = reference.inverse_transform(reference.transform(scaled))
    expected = ((scaled - rebuilt) ** 2).sum(axis=1)

    assert np.allclose(detector.anomaly_score(new_profiles), expected)


def test_pca_training_mean_is_residual_variance(profiles):
    detector = PCADetector().fit(profiles)
    scaled = ProfileScaler().fit(profiles).transform(profiles)
    variances = np.sort(np.linalg.eigvalsh(np.cov(scaled, rowvar=False)))[::-1]

    residual_variance = variances[detector.n_components_ :].sum()
    n_samples = profiles.shape[0]
    mean_score = detector.anomaly_score(profiles).mean()

    assert mean_score == pytest.approx(residual_variance * (n_samples - 1) / n_samples)


def test_pca_float_keeps_fewest_components():
    rng = np.random.default_rng(0)
    activity, other = rng.normal(size=(2, 2000, 1))
    noise = rng.normal(scale=[0.1, 0.1, 0.1, 0.0], size=(2000, 4))
    X = np.hstack([activity, activity, activity, other]) + noise
    scaled = ProfileScaler(log_scale=False).fit_transform(X)

    for fraction, expected in [(0.5, 1), (0.9, 2), (0.997, 3)]:
        detector = PCADetector(n_components=fraction, log_scale=False).fit(X)
        reference = PCA(n_components=fraction, svd_solver="full").fit(scaled)
        assert detector.n_components_ == expected, fraction
        assert reference.n_components_ == expected, fraction
        assert np.allclose(
            detector.explained_variance_ratio_, reference.explained_variance_ratio_
        )


def test_pca_float_leaves_residual_subspace():
    X = np.random.default_rng(0).normal(size=(100, 2))

    detector = PCADetector(n_components=0.9999).fit(X)

    assert detector.n_components_ == 1
    assert detector.minor_components_.shape == (1, 2)


def test_pca_basis_is_orthonormal(profiles):
    detector = PCADetector().fit(profiles)
    basis = np.vstack([detector.components_, detector.minor_components_])

    assert np.allclose(basis @ basis.T, np.eye(profiles.shape[1]))


def test_pca_change_in_constant_feature_scores_high(profiles):
    X = profiles.copy()
    X[:, 5] = 0.0
    detector = PCADetector().fit(X)
    row = np.median(X, axis=0, keepdims=True)
    row[0, 5] = 10.0

    assert detector.anomaly_score(row)[0] > detector.anomaly_score(X).max()


def test_pca_misses_outlier_along_subspace():
    # Documents the known limit: a proportional scale-up of an ordinary row stays
    # on the principal subspace, so its residual is small.
    rng = np.random.default_rng(0)
    activity = rng.lognormal(2.5, 0.9, size=(400, 1))
    X = np.round(activity * [1.0, 0.7, 0.4])
    detector = PCADetector(n_components=1).fit(X)

    heavy = np.array([[10000.0, 7000.0, 4000.0]])
    odd_mix = np.array([[100.0, 70.0, 400.0]])

    assert detector.anomaly_score(heavy)[0] < detector.anomaly_score(odd_mix)[0]
    assert detector.anomaly_score(odd_mix)[0] > detector.anomaly_score(X).max()


def test_pca_zero_components_is_distance_from_mean(profiles):
    detector = PCADetector(n_components=0).fit(profiles)
    scaled = ProfileScaler().fit(profiles).transform(profiles)

    expected = ((scaled - scaled.mean(axis=0)) ** 2).sum(axis=1)

    assert np.allclose(detector.anomaly_score(profiles), expected)


def test_pca_too_many_components_rejected(profiles):
    with pytest.raises(ValueError, match="n_components.*n_features = 6"):
        PCADetector(n_components=6).fit(profiles)


def test_pca_single_row_rejected():
    with pytest.raises(ValueError, match="n_samples = 1"):
        PCADetector().fit([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("n_components", -1),
        ("n_components", 0.0),
        ("n_components", 1.0),
        ("n_components", 1.5),
        ("n_components", "mle"),
        ("n_components", True),
        ("log_scale", None),
        ("contamination", 0.51),
    ],
)
def test_pca_invalid_parameter_names_itself(parameter, value):
    detector = PCADetector(**{parameter: value})

    with pytest.raises(ValueError, match=parameter):
        detector.fit(np.random.default_rng(0).normal(size=(20, 3)))
