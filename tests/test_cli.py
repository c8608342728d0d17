import argparse
import gzip
import json
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import uba
from uba.cli import _derived_peer_groups, _score_parts_text, main
from uba.scoring import load_model, save_model
from uba.simulate import simulate_organisation

REPO = Path(__file__).parents[1]
BUNDLED_DATA = REPO / "data"
BUNDLED_MODEL = REPO / "models" / "confluence-default.joblib"

STOCK_LINE = (
    "[03/Mar/2025:09:14:02 +0100] jdoe http-nio-8090-exec-12 203.0.113.17 GET "
    "/display/ENG/Release+Checklist HTTP/1.1 200 311ms 48211 - Mozilla/5.0 (X11)\n"
)
# Three users on one day: the fewest user-days worth training a detector on.
THREE_USERS = "".join(
    STOCK_LINE.replace("jdoe", name) for name in ("jdoe", "ann", "bob")
)


def run_cli(capsys, *arguments):
    """Run the command line in this process; return (exit status, stdout, stderr)."""
    try:
        status = main([str(argument) for argument in arguments])
    except SystemExit as stop:
        status = stop.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def organisation(tmp_path_factory):
    """A small simulated organisation unlike the bundled one, and a model trained on it."""
    folder = tmp_path_factory.mktemp("org")
    result = simulate_organisation(folder, n_users=40, days=19, seed=101)
    model = folder / "model.joblib"
    status = main(
        ["train", str(folder), "--model", str(model), "--end", "2026-03-15", "-q"]
    )
    assert status == 0
    return folder, model, result.labels


def assert_attacks_rank_first(capsys, folder, model, labels, tmp_path):
    """Score each labelled attack's day and check that its user ranks first."""
    for attack in labels.itertuples():
        output = tmp_path / f"{attack.date}.csv"
        status, _, err = run_cli(
            capsys,
            "score",
            folder,
            "--model",
            model,
            "--date",
            attack.date,
            "--output",
            output,
        )

        assert status == 0, err
        ranking = pd.read_csv(output)
        assert list(ranking.columns[:3]) == ["rank", "user", "score"]
        assert ranking["rank"].tolist() == list(range(1, len(ranking) + 1))
        assert ranking.loc[0, "user"] == attack.user, attack.scenario
        assert (ranking["date"] == attack.date).all()


def test_bundled_model_ranks_bundled_attacks_first(capsys, tmp_path):
    labels = pd.read_csv(BUNDLED_DATA / "labels.csv")

    assert_attacks_rank_first(capsys, BUNDLED_DATA, BUNDLED_MODEL, labels, tmp_path)


def test_every_injected_attack_ranks_first_on_its_day(capsys, organisation, tmp_path):
    folder, model, labels = organisation

    assert_attacks_rank_first(capsys, folder, model, labels, tmp_path)


def test_table_output_without_file(capsys, organisation):
    folder, model, _ = organisation

    status, out, _ = run_cli(
        capsys, "score", folder, "--model", model, "--top", "3", "-q"
    )

    assert status == 0
    lines = [line.strip() for line in out.strip().splitlines()]
    assert lines[0].startswith("Users active on 2026-03-20")
    assert lines[1].split()[0] == "1"
    assert "risk" in lines[1]
    blocks = [line for line in lines if line.split()[0] in ("1", "2", "3")]
    assert len(blocks) == 3
    assert sum(line.startswith("read ") for line in lines) == 3
    assert sum(line.startswith("reasons: ") for line in lines) == 3
    parts = [line for line in lines if "distance from the organisation" in line]
    assert len(parts) == 3


def test_json_and_parquet_outputs(capsys, organisation, tmp_path):
    folder, model, _ = organisation

    for suffix in (".json", ".parquet"):
        output = tmp_path / f"ranking{suffix}"
        status, _, err = run_cli(
            capsys, "score", folder, "--model", model, "--top", "4", "--output", output
        )
        assert status == 0, err
        if suffix == ".json":
            ranking = pd.DataFrame(json.loads(output.read_text()))
        else:
            ranking = pd.read_parquet(output)
        assert ranking["rank"].tolist() == [1, 2, 3, 4]


def test_train_logs_summary(capsys, tmp_path):
    log = tmp_path / "conf_access_log.2025-03-03.log"
    log.write_text(THREE_USERS)
    model = tmp_path / "model.joblib"

    status, _, err = run_cli(capsys, "train", log, "--model", model)

    assert status == 0
    assert model.is_file()
    assert "Trained on 3 user-days of 3 users from 2025-03-03 to 2025-03-03" in err


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["score", "{missing}", "--model", "{model}"], "log path not found"),
        (["score", "{log}", "--model", "{missing}"], "Model file not found"),
        (
            ["score", "{log}", "--model", "{model}", "--date", "2031-02-03"],
            "No user was active",
        ),
        (["score", "{log}", "--model", "{tmp}"], "is a folder"),
        (
            ["score", "{log}", "--model", "{model}", "--privileged", "@{tmp}/no.txt"],
            "--privileged: file not found",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--privileged", ","],
            "names no user",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--privileged", "group:eng"],
            "needs --peer-groups",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--peer-groups", "{tmp}/no.csv"],
            "--peer-groups: file not found",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--peer-groups", "{groups}"],
            "none of its",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--output", "{tmp}/no/r.csv"],
            "does not exist",
        ),
        (
            [
                "train",
                "{log}",
                "--model",
                "{tmp}/m.joblib",
                "--start",
                "2025-03-04",
                "--end",
                "2025-03-01",
            ],
            "is after --end",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--output", "{tmp}/out.xlsx"],
            "unknown suffix",
        ),
        (["score", "{garbage}", "--model", "{model}"], "no line matches"),
        (["score", "{empty}", "--model", "{model}"], "the log file is empty"),
        (
            ["score", "{empty}", "{empty_too}", "--model", "{model}"],
            "the log files are empty",
        ),
        (
            ["score", "{cut_line_gzip}", "--model", "{model}"],
            "end before their first line: 1.",
        ),
        (
            ["score", "{log}", "--model", "{cut_model}"],
            "is damaged or not a joblib pickle",
        ),
        (
            ["score", "{cut_gzip}", "--model", "{model}"],
            "end before their first line: 1.",
        ),
        (
            ["score", "{garbage_log}", "--model", "{model}"],
            "no request by a named user",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--output", "{folder_csv}"],
            "is a folder",
        ),
        (["score", "{log}", "--model", "{garbage}"], "not a readable uba model"),
        (
            ["train", "{log}", "--model", "{tmp}/m.joblib", "--start", "2031-01-01"],
            "No user-day",
        ),
        (
            ["score", "{log}", "--model", "{model}", "--timezone", "Mars/Olympus"],
            "IANA",
        ),
        (["score", "{bad_line}", "--model", "{model}", "--strict"], "line 2"),
        (
            ["train", "{log}", "{bad_line}", "--model", "{bad_line}"],
            "is one of the logs to read",
        ),
        (["train", "{log}", "--model", "{bad_line}"], "is not a .joblib model"),
        (
            ["train", "{tmp}", "--model", "{tmp}/conf_access_log.2025-03-09.joblib"],
            "would be read as one",
        ),
        (["train", "{tmp}", "--model", "{tmp}/model.log"], "would be read as one"),
        (
            [
                "score",
                "{log}",
                "{log_csv}",
                "--model",
                "{model}",
                "--output",
                "{log_csv}",
            ],
            "is one of the logs to read",
        ),
        (
            [
                "score",
                "{tmp}",
                "--model",
                "{model}",
                "--output",
                "{tmp}/conf_access_log.2025-03-09.csv",
            ],
            "would be read as one",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, arguments, message):
    log = tmp_path / "conf_access_log.2025-03-03.log"
    log.write_text(THREE_USERS)
    bad_line = tmp_path / "conf_access_log.2025-03-04.log"
    bad_line.write_text(STOCK_LINE + "this is not an access-log line\n")
    garbage = tmp_path / "notes.txt"
    garbage.write_text("hello\nworld\n")
    empty = tmp_path / "conf_access_log.2025-03-05.log"
    empty.write_text("")
    cut_gzip = tmp_path / "conf_access_log.2025-03-08.log.gz"
    cut_gzip.write_bytes(gzip.compress(THREE_USERS.encode())[:15])
    empty_too = tmp_path / "conf_access_log.2025-03-09.log"
    empty_too.write_text("")
    # A gzip stream flushed and cut inside its first line.
    compressor = zlib.compressobj(wbits=31)
    cut_line = compressor.compress(THREE_USERS.encode()[:40])
    cut_line_gzip = tmp_path / "conf_access_log.2025-03-10.log.gz"
    cut_line_gzip.write_bytes(cut_line + compressor.flush(zlib.Z_SYNC_FLUSH))
    folder_csv = tmp_path / "ranking.csv"
    folder_csv.mkdir()
    # A valid line whose user is anonymous: read, but no named user to profile.
    garbage_log = tmp_path / "conf_access_log.2025-03-06.log"
    garbage_log.write_text(STOCK_LINE.replace(" jdoe ", " - "))
    groups = tmp_path / "groups.csv"
    groups.write_text("user,group\nJDOE,eng\n")
    log_csv = tmp_path / "conf_access_log.2025-03-07.csv"
    log_csv.write_text(THREE_USERS)
    model = tmp_path / "model.joblib"
    assert main(["train", str(log), "--model", str(model), "-q"]) == 0
    cut_model = tmp_path / "cut-model.joblib"
    cut_model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    capsys.readouterr()
    names = {
        "log": log,
        "bad_line": bad_line,
        "garbage": garbage,
        "empty": empty,
        "cut_gzip": cut_gzip,
        "empty_too": empty_too,
        "cut_line_gzip": cut_line_gzip,
        "cut_model": cut_model,
        "folder_csv": folder_csv,
        "garbage_log": garbage_log,
        "log_csv": log_csv,
        "model": model,
        "missing": tmp_path / "missing.log",
        "groups": groups,
        "tmp": tmp_path,
    }

    status, _, err = run_cli(capsys, *[part.format(**names) for part in arguments])

    assert status == 2
    error_lines = [line for line in err.splitlines() if line.startswith("uba: error:")]
    assert len(error_lines) == 1
    assert message in error_lines[0]
    assert "Traceback" not in err


def test_logs_without_space_keys_score(capsys, tmp_path):
    # viewpage.action names a page id but no space, so no request has a space key.
    log = tmp_path / "conf_access_log.2025-03.log"
    lines = [
        STOCK_LINE.replace("03/Mar", f"{day:02d}/Mar")
        .replace("jdoe", name)
        .replace("/display/ENG/Release+Checklist", "/pages/viewpage.action?pageId=7")
        for day in range(3, 12)
        for name in ("jdoe", "ann", "bob")
    ]
    log.write_text("".join(lines))
    model = tmp_path / "model.joblib"

    trained, _, train_err = run_cli(capsys, "train", log, "--model", model)
    scored, out, err = run_cli(capsys, "score", log, "--model", model)

    assert trained == 0
    assert scored == 0
    assert "usually 1 page" in out
    assert "0 spaces" not in out
    assert "stores no peer groups" not in err
    assert "trained without peer groups, because none could be derived" in err
    assert "No peer groups could be derived from the spaces users read" in train_err
    assert load_model(model).metadata["peer_groups"] == {}


def test_train_never_overwrites_log_named_as_model(capsys, tmp_path):
    log = tmp_path / "conf_access_log.2025-03-03.log.gz"
    log.write_bytes(gzip.compress(THREE_USERS.encode()))
    other = tmp_path / "conf_access_log.2025-03-04.log"
    other.write_text(THREE_USERS)
    before = log.read_bytes()

    status, _, _ = run_cli(capsys, "train", other, "--model", log)

    assert status == 2
    assert log.read_bytes() == before


@pytest.mark.parametrize(
    "arguments",
    [
        ["score"],
        ["score", "x.log"],
        ["score", "x.log", "--model", "m.joblib", "--top", "0"],
        ["score", "x.log", "--model", "m.joblib", "--format", "apache"],
        ["score", "x.log", "--model", "m.joblib", "--date", "soon"],
        ["score", "x.log", "--model", "m.joblib", "--window-days", "3"],
        ["train", "x.log", "--model", "m.joblib", "--end", "2026-02-30"],
        ["simulate", "out", "--users", "5"],
        ["simulate", "out", "--days", "1"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_exit_2(capsys, arguments):
    status, _, err = run_cli(capsys, *arguments)

    assert status == 2
    assert "usage: uba" in err


@pytest.mark.parametrize("days", ["1", "0", "-3"])
def test_too_few_simulated_days_rejected(capsys, tmp_path, days):
    status, _, err = run_cli(capsys, "simulate", tmp_path, "--days", days)

    assert status == 2
    assert "--days: must be at least 2, because the two labelled attacks" in err
    assert f"got {days}" in err
    assert "scenarios=[]" not in err
    assert not list(tmp_path.iterdir())


def test_window_days_saved_and_reused(capsys, organisation, tmp_path, caplog):
    folder, _, _ = organisation
    model = tmp_path / "week.joblib"

    status, _, err = run_cli(
        capsys,
        "train",
        folder,
        "--model",
        model,
        "--end",
        "2026-03-15",
        "--window-days",
        "7",
        "-q",
    )
    assert status == 0, err
    assert uba.load_model(model).metadata["window_days"] == 7

    status, _, err = run_cli(
        capsys, "score", folder, "--model", model, "--window-days", "14", "--top", "1"
    )
    assert status == 0, err
    assert "--window-days 14 differs from the 7 days" in err


def test_score_reuses_trained_peer_groups(capsys, organisation):
    folder, model, _ = organisation
    groups = uba.load_model(model).metadata["peer_groups"]

    status, _, err = run_cli(capsys, "score", folder, "--model", model, "--top", "1")

    assert status == 0, err
    assert len(groups) >= 30
    n_groups = len(set(groups.values()))
    assert f"trained with: {n_groups} groups of {len(groups)} users" in err


def test_model_without_peer_groups_warns(capsys, organisation, tmp_path):
    folder, model, _ = organisation
    old = uba.load_model(model)
    old.metadata["peer_groups"] = None
    old_path = tmp_path / "old.joblib"
    uba.save_model(old, old_path)

    status, _, err = run_cli(capsys, "score", folder, "--model", old_path, "--top", "1")

    assert status == 0, err
    assert "stores no peer groups" in err


def test_output_suffix_any_case(capsys, organisation, tmp_path):
    folder, model, _ = organisation
    output = tmp_path / "RANKING.CSV"

    status, _, err = run_cli(
        capsys, "score", folder, "--model", model, "--output", output
    )

    assert status == 0, err
    assert pd.read_csv(output)["rank"].iloc[0] == 1


def test_help_names_units(capsys):
    status, out, _ = run_cli(capsys, "score", "--help")

    assert status == 0
    assert "--duration-unit" in out
    assert "IANA time zone" in out
    assert ".csv, .json or .parquet" in out


def test_simulate_writes_logs_and_labels(capsys, tmp_path):
    status, _, err = run_cli(
        capsys, "simulate", tmp_path, "--users", "12", "--days", "3"
    )

    assert status == 0, err
    assert len(list(tmp_path.glob("conf_access_log.*.log.gz"))) == 3
    assert (tmp_path / "labels.csv").is_file()
    with gzip.open(next(tmp_path.glob("*.gz")), "rt") as log:
        assert log.readline().startswith("[")


def test_console_script_runs(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "uba", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0
    assert completed.stdout.startswith("uba ")


def test_derived_peer_groups_leave_out_scored_day(tmp_path):
    # Each user reads another space, so every one of them has a space profile.
    day_one = "".join(
        STOCK_LINE.replace("jdoe", name).replace("/ENG/", f"/{space}/")
        for name, space in (("jdoe", "ENG"), ("ann", "HR"), ("bob", "FIN"))
    )
    day_two = STOCK_LINE.replace("03/Mar", "04/Mar").replace("jdoe", "late")
    log = tmp_path / "conf_access_log.2025-03-03.log"
    log.write_text(day_one + day_two)
    events = uba.read_events(log)
    arguments = argparse.Namespace(command="score", date=None)

    groups = _derived_peer_groups(arguments, events)

    assert set(groups) == {"jdoe", "ann", "bob"}


def test_ratio_line_shows_shared_change():
    shared = _score_parts_text(1.5, 5.6, 1.15)
    alone = _score_parts_text(1.5, 5.6, 1.0)
    new_user = _score_parts_text(3.2, np.nan, 1.4)

    barely = _score_parts_text(1.5, 5.6, 1.005)

    assert shared.endswith(
        "5.6x beyond this user's own training days; the score is divided by 1.15, "
        "the change the user's peers show that day"
    )
    assert new_user.startswith("3.2x a typical day's distance from the organisation;")
    assert new_user.endswith("by 1.40, the change the user's peers show that day")
    assert barely == alone
    assert alone.endswith("5.6x beyond this user's own training days")


def test_simulate_rejects_non_empty_folder(capsys, tmp_path):
    log = tmp_path / "conf_access_log.2026-03-02.log.gz"
    log.write_bytes(b"real log")

    status, _, err = run_cli(capsys, "simulate", tmp_path, "--days", "3")

    assert status == 2
    assert "is not empty (1 entry, first: conf_access_log.2026-03-02.log.gz)" in err
    assert "--overwrite" in err
    assert log.read_bytes() == b"real log"
    assert [path.name for path in tmp_path.iterdir()] == [log.name]


def test_simulate_overwrite_replaces_files(capsys, tmp_path):
    log = tmp_path / "conf_access_log.2026-03-02.log.gz"
    log.write_bytes(b"old simulation")

    status, _, err = run_cli(
        capsys, "simulate", tmp_path, "--users", "12", "--days", "3", "--overwrite"
    )

    assert status == 0, err
    assert log.read_bytes() != b"old simulation"
    assert (tmp_path / "labels.csv").is_file()


def test_simulate_into_file_names_out_dir(capsys, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("")

    status, _, err = run_cli(capsys, "simulate", target)

    assert status == 2
    assert "uba: error: OUT_DIR must be a folder, got the file" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--days", "3000000"], "--days: must be at most 366"),
        (["--users", "99999999999"], "--users: must be at most 10,000"),
        (["--start", "9999-12-30"], "give dates that the simulation cannot represent"),
        (["--start", "0001-01-02"], "give dates that the simulation cannot represent"),
    ],
)
def test_simulate_limits_exit_2(capsys, tmp_path, arguments, message):
    status, _, err = run_cli(capsys, "simulate", tmp_path, *arguments)

    assert status == 2
    assert message in err


def test_simulate_bad_zone_names_option(capsys, tmp_path):
    status, _, err = run_cli(capsys, "simulate", tmp_path, "--timezone", "Mars/Base")

    assert status == 2
    assert "uba: error: --timezone must be an IANA time zone name" in err
    assert "'Mars/Base'" in err


def test_min_risk_keeps_risky_users(capsys, organisation, tmp_path):
    folder, model, _ = organisation
    everyone = tmp_path / "everyone.csv"
    listed = tmp_path / "listed.csv"

    run_cli(capsys, "score", folder, "--model", model, "--output", everyone, "-q")
    status, _, err = run_cli(
        capsys,
        "score",
        folder,
        "--model",
        model,
        "--min-risk",
        "90",
        "--output",
        listed,
        "-q",
    )

    assert status == 0, err
    ranking = pd.read_csv(everyone)
    at_least = pd.read_csv(listed)
    assert 0 < len(at_least) < len(ranking)
    assert (at_least["risk"] >= 90).all()
    expected = ranking[ranking["risk"] >= 90].reset_index(drop=True)
    assert at_least["user"].tolist() == expected["user"].tolist()
    assert at_least["rank"].tolist() == expected["rank"].tolist()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--top", "3", "--min-risk", "50"],
            "Users active on 2026-03-20 with a risk of at least 50, most anomalous",
        ),
        (
            ["--date", "2026-03-17", "--min-risk", "100"],
            "No user active on 2026-03-17 has a risk of at least 100.\n",
        ),
        (
            ["--date", "2026-03-17", "--top", "2", "--min-risk", "100"],
            "None of the top 2 users of 2026-03-17 has a risk of at least 100.\n",
        ),
        (
            ["--date", "2026-03-17", "--top", "1", "--min-risk", "100"],
            "The top user of 2026-03-17 has a risk below 100.\n",
        ),
        (
            ["--date", "2026-03-17", "--top", "500", "--min-risk", "100"],
            "No user active on 2026-03-17 has a risk of at least 100.\n",
        ),
    ],
)
def test_min_risk_table_first_line(capsys, organisation, options, expected):
    folder, model, _ = organisation

    status, out, _ = run_cli(capsys, "score", folder, "--model", model, *options, "-q")

    assert status == 0
    assert out.startswith(expected)


@pytest.mark.parametrize("value", ["-1", "100.5", "nan", "high"])
def test_min_risk_out_of_range_exits_2(capsys, value):
    status, _, err = run_cli(
        capsys, "score", "x.log", "--model", "m.joblib", "--min-risk", value
    )

    assert status == 2
    assert "--min-risk" in err


def test_min_risk_needs_score_quantiles(capsys, organisation, tmp_path):
    folder, model_path, _ = organisation
    model = load_model(model_path)
    del model.metadata["score_quantiles"]
    without_risk = tmp_path / "without-risk.joblib"
    save_model(model, without_risk)

    status, _, err = run_cli(
        capsys, "score", folder, "--model", without_risk, "--min-risk", "50", "-q"
    )

    assert status == 2
    assert "stores no training score quantiles" in err
    assert "leave out --min-risk" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--timezone", "Mars/Base"], "uba: error: --timezone 'Mars/Base' is not"),
        (["--pattern", "%h %q %Z"], "uba: error: --pattern '%h %q %Z': '%Z' is not"),
        (
            ["--privileged", "group:nosuch", "--peer-groups", "{groups}"],
            "uba: error: --privileged names groups that --peer-groups lacks",
        ),
    ],
)
def test_read_errors_name_options(capsys, organisation, tmp_path, options, message):
    folder, model, _ = organisation
    groups = tmp_path / "groups.csv"
    groups.write_text("user,group\nsomeone,eng\n")
    options = [option.format(groups=groups) for option in options]

    status, _, err = run_cli(capsys, "score", folder, "--model", model, *options, "-q")

    assert status == 2
    assert message in err
    assert "timezone=" not in err
    assert "peer_groups" not in err


def test_window_days_zero_names_minimum(capsys):
    status, _, err = run_cli(
        capsys, "score", "x.log", "--model", "m.joblib", "--window-days", "0"
    )

    assert status == 2
    assert "must be at least 5" in err
