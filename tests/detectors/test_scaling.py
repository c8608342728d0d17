import numpy as np
import pandas as pd
import pytest

from uba.detectors import ProfileScaler, signed_log1p


def test_scaler_uses_median_and_iqr(profiles):
    scaler = ProfileScaler().fit(profiles)
    logged = signed_log1p(profiles)
    lower, upper = np.percentile(logged, [25, 75], axis=0)
    expected_scale = np.where(upper > lower, np.maximum(upper - lower, 1.0), 1.0)

    assert np.array_equal(scaler.center_, np.median(logged, axis=0))
    assert np.allclose(scaler.scale_, expected_scale)
    assert np.sum(expected_scale == 1.0) >= 2  # exports and the flag are mostly 0
    assert np.allclose(
        scaler.transform(profiles), (logged - scaler.center_) / scaler.scale_
    )


def test_scaler_constant_feature_floor():
    X = np.column_stack([np.arange(20.0), np.full(20, 7.0)])

    scaler = ProfileScaler().fit(X)
    scaled = scaler.transform(np.array([[3.0, 7.0], [3.0, 20.0]]))

    assert scaler.scale_[1] == 1.0
    assert np.all(np.isfinite(scaler.transform(X)))
    assert np.all(scaler.transform(X)[:, 1] == 0.0)
    assert scaled[0, 1] == 0.0
    assert scaled[1, 1] == pytest.approx(np.log1p(20.0) - np.log1p(7.0))


def test_scaler_sparse_count_floor():
    exports = np.zeros(100)
    exports[:10] = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89]
    X = np.column_stack([np.arange(100.0), exports])

    scaler = ProfileScaler().fit(X)
    one_export = scaler.transform([[50.0, 1.0]])[0, 1]

    assert scaler.scale_[1] == 1.0
    assert one_export == pytest.approx(np.log1p(1.0))


def test_scaler_without_log_keeps_units():
    X = np.column_stack([np.arange(1.0, 101.0), np.linspace(0.0, 1.0, 100)])

    scaler = ProfileScaler(log_scale=False, min_scale=0.0).fit(X)

    assert scaler.center_ == pytest.approx([50.5, 0.5])
    assert scaler.scale_ == pytest.approx([49.5, 0.5])


def test_scaler_small_spread_raised_to_min_scale():
    share = np.zeros(100)
    share[50:] = np.linspace(0.01, 0.05, 50)
    X = np.column_stack([np.arange(100.0), share])

    default = ProfileScaler().fit(X)
    unfloored = ProfileScaler(min_scale=0.0).fit(X)

    assert default.scale_[1] == 1.0
    assert unfloored.scale_[1] < 0.05
    assert default.scale_[0] == unfloored.scale_[0]
    assert abs(default.transform([[50.0, 0.5]])[0, 1]) < 0.5


def test_scaler_zero_spread_is_one_without_floor():
    X = np.column_stack([np.arange(20.0), np.full(20, 7.0)])

    scaler = ProfileScaler(min_scale=0.0).fit(X)

    assert scaler.scale_[1] == 1.0


def test_scaler_quantile_range_sets_scale():
    X = np.arange(101.0).reshape(-1, 1)

    scaler = ProfileScaler(log_scale=False, quantile_range=(10.0, 90.0)).fit(X)

    assert scaler.scale_[0] == pytest.approx(80.0)


def test_scaler_inverse_transform_round_trip(profiles):
    scaler = ProfileScaler().fit(profiles)
    negative = -profiles[:5]

    restored = scaler.inverse_transform(scaler.transform(negative))

    assert np.allclose(restored, negative)
    assert np.allclose(scaler.inverse_transform(scaler.transform(profiles)), profiles)


def test_scaler_feature_names_out(profiles):
    columns = ["a", "b", "c", "d", "e", "f"]
    scaler = ProfileScaler().fit(pd.DataFrame(profiles, columns=columns))

    assert list(scaler.get_feature_names_out()) == columns


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("log_scale", "yes"),
        ("log_scale", 1),
        ("quantile_range", (75.0, 25.0)),
        ("quantile_range", (0.0, 101.0)),
        ("quantile_range", (-1.0, 50.0)),
        ("quantile_range", (25.0,)),
        ("quantile_range", "iqr"),
        ("quantile_range", (True, 75.0)),
        ("min_scale", -1.0),
        ("min_scale", float("nan")),
        ("min_scale", "1"),
        ("min_scale", True),
    ],
)
def test_scaler_invalid_parameter_names_itself(parameter, value):
    scaler = ProfileScaler(**{parameter: value})

    with pytest.raises(ValueError, match=parameter):
        scaler.fit(np.ones((10, 2)))
