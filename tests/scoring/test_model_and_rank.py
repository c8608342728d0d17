import joblib
import numpy as np
import pandas as pd
import pytest

import uba
from uba.detectors import IsolationForestDetector, SelfBaselineDetector
from uba.exceptions import ModelMismatchError, UBAWarning
from uba.features import CONTEXT_FEATURE_NAMES, FEATURE_NAMES
from uba.scoring import load_model, rank_users, save_model, train_model
from uba.scoring._model import DEFAULT_MODEL_FEATURES

ALL_FEATURES = FEATURE_NAMES + CONTEXT_FEATURE_NAMES


def make_profiles(seed, n_users=40, days=14, start="2026-03-02"):
    """Return ordinary user-day profiles: Poisson counts, small shares."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    rows = []
    for user in range(n_users):
        base = rng.uniform(10, 40)
        for date in dates:
            features = {name: 0.0 for name in ALL_FEATURES}
            views = float(rng.poisson(base))
            features.update(
                requests=views + rng.poisson(5),
                page_views=views,
                distinct_pages=max(views - rng.poisson(3), 0),
                max_pages_per_hour=float(rng.poisson(base / 4) + 1),
                mean_pages_per_active_hour=base / 6,
                active_hours=float(rng.integers(4, 9)),
                distinct_spaces=float(rng.integers(1, 4)),
                space_entropy=rng.uniform(0, 1.5),
                off_hours_share=rng.uniform(0, 0.05),
                weekend=float(date.day_of_week >= 5),
                searches=float(rng.poisson(2)),
            )
            rows.append({"user": f"user{user:02d}", "date": date, **features})
    return pd.DataFrame(rows)


def add_crawler_day(profiles, user, date):
    crawl = {name: 0.0 for name in ALL_FEATURES}
    crawl.update(
        requests=1500.0,
        page_views=1480.0,
        distinct_pages=1470.0,
        max_pages_per_hour=900.0,
        mean_pages_per_active_hour=740.0,
        active_hours=2.0,
        distinct_spaces=12.0,
        space_entropy=3.4,
        rest_share=1.0,
        non_browser_share=1.0,
    )
    date = pd.Timestamp(date)
    row = pd.DataFrame([{"user": user, "date": date, **crawl}])
    others = profiles[(profiles["user"] != user) | (profiles["date"] != date)]
    return pd.concat([others, row], ignore_index=True)


@pytest.fixture(scope="module")
def trained():
    profiles = make_profiles(0)
    return profiles, train_model(
        profiles, detector=IsolationForestDetector(n_estimators=100)
    )


def test_train_records_metadata(trained):
    profiles, model = trained

    assert model.feature_names == DEFAULT_MODEL_FEATURES
    assert model.metadata["n_user_days"] == len(profiles)
    assert model.metadata["n_users"] == 40
    assert model.metadata["training_start"] == "2026-03-02"
    assert model.metadata["training_end"] == "2026-03-15"
    assert model.metadata["uba_version"] == uba.__version__
    assert set(model.metadata["usual_values"]) == set(DEFAULT_MODEL_FEATURES)


def test_train_period_selects_days():
    profiles = make_profiles(1, n_users=5)

    # Three days are too few for the self comparison, which the model warns about.
    with pytest.warns(UBAWarning, match="No user has 5 training days"):
        model = train_model(profiles, start="2026-03-04", end="2026-03-06")

    assert model.metadata["n_user_days"] == 15
    assert model.metadata["training_start"] == "2026-03-04"
    assert model.metadata["training_end"] == "2026-03-06"


def test_train_empty_period_rejected():
    with pytest.raises(ValueError, match="No user-day profiles"):
        train_model(make_profiles(1, n_users=2), start="2030-01-01")


def test_save_load_round_trip(trained, tmp_path):
    profiles, model = trained
    path = tmp_path / "models" / "model.joblib"

    save_model(model, path)
    loaded = load_model(path)

    assert loaded.metadata == model.metadata
    assert loaded.feature_names == model.feature_names
    assert np.array_equal(loaded.score(profiles), model.score(profiles))


def test_load_other_features_is_clear_error(trained, tmp_path):
    _, model = trained
    path = tmp_path / "model.joblib"
    save_model(model, path)
    payload = joblib.load(path)
    payload["feature_names"] = [*payload["feature_names"][:-1], "printer_jobs"]
    joblib.dump(payload, path)

    with pytest.raises(ModelMismatchError, match="printer_jobs") as caught:
        load_model(path)

    assert "uba train" in str(caught.value)
    assert str(path) in str(caught.value)


def test_load_reordered_features_rejected(trained, tmp_path):
    _, model = trained
    path = tmp_path / "model.joblib"
    save_model(model, path)
    payload = joblib.load(path)
    payload["feature_names"] = list(reversed(payload["feature_names"]))
    joblib.dump(payload, path)

    with pytest.raises(ModelMismatchError, match="another order"):
        load_model(path, feature_names=DEFAULT_MODEL_FEATURES)


def test_load_foreign_file_rejected(tmp_path):
    path = tmp_path / "not-a-model.joblib"
    path.write_text("hello")

    with pytest.raises(ModelMismatchError, match="not a readable uba model"):
        load_model(path)


def test_load_foreign_pickle_rejected(tmp_path):
    path = tmp_path / "dict.joblib"
    joblib.dump({"weights": [1, 2]}, path)

    with pytest.raises(ModelMismatchError, match="not a uba model"):
        load_model(path)


def test_load_incomplete_model_rejected(tmp_path):
    path = tmp_path / "partial.joblib"
    joblib.dump({"uba_model_format": 2, "feature_names": ["page_views"]}, path)

    with pytest.raises(ModelMismatchError, match=r"lacks \['metadata', 'detector'\]"):
        load_model(path)


def test_short_training_warns_without_own_days():
    profiles = make_profiles(2, n_users=12, days=3)

    with pytest.warns(UBAWarning, match="No user has 5 training days"):
        model = train_model(profiles)

    assert model.detector.user_days_ == {}


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.joblib"):
        load_model(tmp_path / "nowhere.joblib")


def test_load_other_version_warns(trained, tmp_path):
    _, model = trained
    path = tmp_path / "model.joblib"
    save_model(model, path)
    payload = joblib.load(path)
    payload["metadata"]["uba_version"] = "0.0.1"
    joblib.dump(payload, path)

    with pytest.warns(uba.exceptions.UBAWarning, match="0.0.1"):
        load_model(path)


def test_crawler_ranks_first_with_reasons(trained):
    profiles, model = trained
    day = profiles["date"].max()
    scored = add_crawler_day(profiles, "user07", day)

    ranking = rank_users(scored, model)

    top = ranking.iloc[0]
    assert top["user"] == "user07"
    assert top["rank"] == 1
    assert top["usual_from"] == "own history"
    assert top["history_days"] == 13
    assert top["reason_1"] in DEFAULT_MODEL_FEATURES
    assert top["reason_1_effect"] > 0
    assert (
        top["reason_1_value"] > top["reason_1_usual"]
        or top["reason_1"] == "active_hours"
    )
    assert top["reason_1"] in top["reasons"]


def test_ranking_has_one_row_per_active_user(trained):
    profiles, model = trained

    ranking = rank_users(profiles, model, date="2026-03-10")

    assert len(ranking) == 40
    assert ranking["rank"].tolist() == list(range(1, 41))
    assert ranking["score"].is_monotonic_decreasing
    assert (ranking["date"] == "2026-03-10").all()
    assert list(ranking.columns[:4]) == ["rank", "user", "score", "risk"]


def test_reasons_use_user_usual_value(trained):
    profiles, model = trained
    day = profiles["date"].max()
    scored = add_crawler_day(profiles, "user03", day)
    history = profiles[(profiles["user"] == "user03") & (profiles["date"] < day)]

    top = rank_users(scored, model).iloc[0]

    for k in (1, 2, 3):
        name = top[f"reason_{k}"]
        if name is None:
            continue
        assert top[f"reason_{k}_usual"] == pytest.approx(history[name].median())


def test_new_user_compared_with_organisation(trained):
    profiles, model = trained
    scored = add_crawler_day(profiles, "stranger", profiles["date"].max())

    top = rank_users(scored, model).iloc[0]

    assert top["user"] == "stranger"
    assert top["usual_from"] == "organisation"
    assert top["history_days"] == 0
    usual = model.metadata["usual_values"][top["reason_1"]]
    assert top["reason_1_usual"] == pytest.approx(usual)


def test_top_limits_rows(trained):
    profiles, model = trained

    assert len(rank_users(profiles, model, top=5)) == 5


def test_score_independent_of_other_users(trained):
    profiles, model = trained
    day = profiles["date"].max()
    scored = add_crawler_day(profiles, "user07", day)
    fewer = scored[(scored["date"] < day) | scored["user"].isin(["user07", "user01"])]

    full = rank_users(scored, model).set_index("user")["score"]
    small = rank_users(fewer, model).set_index("user")["score"]

    assert small["user07"] == full["user07"]
    assert small["user01"] == full["user01"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"date": "2031-01-01"}, "No user was active on 2031-01-01"),
        ({"date": "yesterday-ish"}, "Invalid date"),
        ({"top": 0}, "top must be"),
        ({"history_days": 0}, "history_days must be at least 1"),
    ],
)
def test_rank_arguments_checked(trained, kwargs, message):
    profiles, model = trained

    with pytest.raises(ValueError, match=message):
        rank_users(profiles, model, **kwargs)


def test_profiles_missing_feature_rejected(trained):
    profiles, model = trained

    with pytest.raises(ModelMismatchError, match="space_entropy"):
        rank_users(profiles.drop(columns="space_entropy"), model)


def test_usual_day_has_no_reasons():
    dates = pd.date_range("2026-03-02", periods=10, freq="D")
    rows = []
    for user in range(30):
        features = {name: float(user % 7) for name in ALL_FEATURES}
        rows += [
            {"user": f"user{user:02d}", "date": date, **features} for date in dates
        ]
    profiles = pd.DataFrame(rows)
    model = train_model(profiles, detector=IsolationForestDetector(n_estimators=50))

    ranking = rank_users(profiles, model)

    assert ranking["reasons"].str.startswith("no feature is clearly above").all()
    assert ranking["reason_1"].isna().all()


def test_ranking_has_summary_and_peer_usual(trained):
    profiles, model = trained
    day = profiles["date"].max()
    scored = add_crawler_day(profiles, "user07", day)
    scored["peer_group"] = ["a" if user < "user20" else "b" for user in scored["user"]]
    window = scored[
        (scored["date"] < day) & (scored["date"] >= day - pd.Timedelta(days=28))
    ]

    top = rank_users(scored, model).iloc[0]

    assert top["summary"].startswith("read 1480 pages in 12 spaces")
    peers = window[window["peer_group"] == "a"]
    assert top["reason_1_peer_usual"] == pytest.approx(peers[top["reason_1"]].median())


def test_reasons_name_each_behaviour_once():
    from uba.scoring._rank import _choose_reasons

    names = np.array(["page_views", "page_views_z", "peer_page_views_z", "exports"])
    values = np.array([900.0, 80.0, 40.0, 3.0])
    usual = np.array([20.0, 0.0, 0.0, 0.0])
    effects = np.array([0.5, 2.0, 1.0, 0.3])

    chosen = _choose_reasons(names, values, usual, effects, min_effect=0.1)

    assert [names[index] for index in chosen] == ["page_views_z", "exports"]


def test_distinct_pages_same_behaviour_as_views():
    from uba.scoring._rank import _choose_reasons

    names = np.array(["distinct_pages", "page_views_z", "new_spaces", "exports"])
    values = np.array([880.0, 80.0, 6.0, 3.0])
    usual = np.array([18.0, 0.0, 0.0, 0.0])
    effects = np.array([2.5, 2.0, 1.0, 0.3])

    chosen = _choose_reasons(names, values, usual, effects, min_effect=0.1)

    assert [names[index] for index in chosen] == [
        "distinct_pages",
        "new_spaces",
        "exports",
    ]


def test_z_reason_told_through_its_count():
    from uba.scoring._rank import _describe

    today = pd.Series({"page_views": 1349.0, "distinct_pages": 1338.0})
    usual = pd.Series({"page_views": 5.0, "distinct_pages": 4.0})

    own = _describe("page_views_z", 601.2, 0.0, today, usual)
    peers = _describe("peer_page_views_z", 40.4, 0.0, today, usual)
    pages = _describe("distinct_pages_z", 596.1, 0.0, today, usual)

    assert own == "page_views 1349 (usual 5, 601 robust SD above)"
    assert peers == "page_views 1349 (40 robust SD above the peer group)"
    assert pages == "distinct_pages 1338 (usual 4, 596 robust SD above)"


def add_habitual_reader(profiles, user):
    """Give ``user`` a crawler-sized day on every day: a habit, not a change."""
    for date in profiles["date"].unique():
        profiles = add_crawler_day(profiles, user, date)
    return profiles


@pytest.fixture(scope="module")
def default_model():
    profiles = add_habitual_reader(make_profiles(1), "svc-indexer")
    training = profiles[profiles["date"] < profiles["date"].max()]
    return profiles, train_model(training)


def test_default_model_keeps_own_days(default_model):
    profiles, model = default_model

    assert isinstance(model.detector, SelfBaselineDetector)
    assert set(model.detector.user_days_) == set(profiles["user"])


def test_habit_below_new_crawler(default_model):
    profiles, model = default_model
    day = profiles["date"].max()
    scored = add_crawler_day(profiles, "user05", day)

    ranking = rank_users(scored, model).set_index("user")

    assert ranking.loc["user05", "rank"] == 1
    assert ranking.loc["svc-indexer", "rank"] > 5
    assert ranking.loc["user05", "self_ratio"] > 1.0
    assert ranking.loc["svc-indexer", "self_ratio"] < 1.0


def test_stranger_has_no_self_ratio(default_model):
    profiles, model = default_model
    scored = add_crawler_day(profiles, "stranger", profiles["date"].max())

    ranking = rank_users(scored, model).set_index("user")

    stranger = ranking.loc["stranger"]
    assert np.isnan(stranger["self_ratio"])
    assert stranger["score"] == pytest.approx(stranger["organisation_ratio"], abs=1e-3)
    assert ranking["self_ratio"].drop("stranger").notna().all()


def test_other_detectors_leave_ratios_missing(trained):
    profiles, model = trained

    ranking = rank_users(profiles, model)

    assert ranking["organisation_ratio"].isna().all()
    assert ranking["self_ratio"].isna().all()


def test_top_rows_equal_full_ranking_head(default_model):
    profiles, model = default_model
    day = profiles["date"].max()
    scored = add_crawler_day(profiles, "user05", day)

    full = rank_users(scored, model).head(4)
    top = rank_users(scored, model, top=4)

    pd.testing.assert_frame_equal(top, full)


def test_repeated_user_day_rejected(trained):
    profiles, model = trained
    day = profiles["date"].max()
    repeated = pd.concat([profiles, profiles[profiles["date"] == day].head(1)])

    with pytest.raises(ValueError, match="1 repeated rows on .*first for user 'user00'"):
        rank_users(repeated, model)


@pytest.mark.parametrize("date", [20260320, 2026.0])
def test_numeric_date_rejected(trained, date):
    profiles, model = trained

    with pytest.raises(ValueError, match="use the form YYYY-MM-DD"):
        rank_users(profiles, model, date=date)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/New_York"])
def test_zoned_date_ranks_its_calendar_day(trained, zone):
    profiles, model = trained
    day = profiles["date"].max()
    zoned = pd.Timestamp(day.date().isoformat() + " 23:30", tz=zone)

    ranking = rank_users(profiles, model, date=zoned)

    assert (ranking["date"] == day.date().isoformat()).all()


@pytest.mark.parametrize(
    "date",
    [
        "",
        "soon",
        "2026-02-30",
        pd.NaT,
        "today",
        "2026-03",
        True,
        float("nan"),
        "\uff12\uff10\uff12\uff16-\uff10\uff13-\uff12\uff10",
    ],
)
def test_invalid_rank_date_named(trained, date):
    profiles, model = trained

    with pytest.raises(ValueError, match="Invalid date .*YYYY-MM-DD, for example"):
        rank_users(profiles, model, date=date)


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"end": 20260315}, "Invalid end 20260315: a number"),
        ({"start": "garbage"}, "Invalid start 'garbage'"),
        ({"end": ""}, "Invalid end ''"),
        ({"end": "today"}, "Invalid end 'today'"),
        ({"start": "2026"}, "Invalid start '2026'"),
    ],
)
def test_invalid_training_period_named(period, message):
    profiles = make_profiles(0)

    with pytest.raises(ValueError, match=message):
        train_model(profiles, **period)


def test_zoned_training_end_is_calendar_day():
    profiles = make_profiles(0)
    end = profiles["date"].min() + pd.Timedelta(days=5)
    zoned = pd.Timestamp(end.date().isoformat() + " 23:00", tz="Asia/Tokyo")

    model = train_model(profiles, end=zoned, feature_names=("page_views",))

    assert model.metadata["training_end"] == end.date().isoformat()


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_feature_named(trained, value):
    profiles, model = trained
    broken = profiles.copy()
    broken.loc[3, "page_views"] = value

    with pytest.raises(ValueError, match="Feature 'page_views' is .* for user 'user00'"):
        model.score(broken)
    with pytest.raises(ValueError, match="NaN or infinite feature values in all: 1"):
        train_model(broken)


def test_text_feature_named(trained):
    profiles, model = trained
    broken = profiles.astype({"page_views": object})
    broken.loc[5, "page_views"] = "many"

    with pytest.raises(ValueError, match="'page_views' has the type object.*'many'"):
        model.score(broken)


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_text_feature_rejected_in_training(dtype):
    profiles = make_profiles(0)
    profiles["page_views"] = profiles["page_views"].astype(dtype)

    with pytest.raises(ValueError, match="Feature 'page_views' has the type"):
        train_model(profiles)
