"""Command line: ``uba train``, ``uba score`` and ``uba simulate``.

Exit status: 0 on success, 2 on invalid arguments or unreadable input (one line on
stderr, no traceback), 1 on an unexpected internal error.
"""

import argparse
import datetime as dt
import logging
import sys
import warnings
from pathlib import Path

import numpy as np

from uba._version import __version__
from uba.exceptions import LogFormatError, ModelMismatchError
from uba.io._read import _FALLBACK_SUFFIXES, _is_access_log_name

logger = logging.getLogger("uba.cli")

_FORMATS = ("auto", "stock", "proxy", "kb2015", "docker", "access_log_filter")
_OUTPUT_SUFFIXES = (".csv", ".json", ".parquet")
# Suffix of the model files that "uba train" writes; an existing file with another
# suffix is never overwritten.
_MODEL_SUFFIX = ".joblib"
_DEFAULT_WINDOW_DAYS = 28
_MIN_HISTORY_DAYS = 5

# Errors caused by the user's input rather than by a bug in uba.
_INPUT_ERRORS = (
    FileNotFoundError,
    IsADirectoryError,
    PermissionError,
    LogFormatError,
    ModelMismatchError,
    ValueError,
    OSError,
)


class _UsageError(Exception):
    """An argument combination that argparse cannot check on its own."""


def main(argv=None):
    """Run the ``uba`` command line and return its exit status."""
    parser = _build_parser()
    arguments = parser.parse_args(argv)
    _configure_logging(arguments.verbose, arguments.quiet)

    try:
        arguments.handler(arguments)
    except _UsageError as error:
        parser.exit(2, f"uba: error: {error}\n")
    except _INPUT_ERRORS as error:
        if arguments.debug:
            raise
        parser.exit(2, f"uba: error: {_library_names_as_options(_one_line(error))}\n")
    except KeyboardInterrupt:
        parser.exit(130, "uba: interrupted\n")
    except Exception as error:
        if arguments.debug:
            raise
        parser.exit(
            1,
            f"uba: internal error: {type(error).__name__}: {_one_line(error)} "
            f"(run again with --debug for the traceback)\n",
        )
    return 0


# Limits of uba simulate, far above the weeks and hundreds of users it is meant for.
# Larger values only exhaust time or memory.
_MAX_SIMULATED_DAYS = 366
_MAX_SIMULATED_USERS = 10_000

# Parameters of simulate_organisation and the command-line names a user typed.
_SIMULATE_OPTIONS = {
    "out_dir": "OUT_DIR",
    "n_users": "--users",
    "start": "--start",
    "days": "--days",
    "timezone": "--timezone",
    "seed": "--seed",
}


def _in_option_names(message):
    """Return an error of simulate_organisation naming its parameter as an option."""
    first, _, rest = message.partition(" ")
    if first in _SIMULATE_OPTIONS:
        return f"{_SIMULATE_OPTIONS[first]} {rest}"
    return message


# Parameters of read_events and build_features that an input error may name first,
# and the command-line options a user typed for them.
_READ_OPTIONS = {
    "timezone=": "--timezone ",
    "pattern=": "--pattern ",
    "privileged_groups ": "--privileged ",
}


def _library_names_as_options(message):
    """Return an input error with the library parameter it names first as an option."""
    for parameter, option in _READ_OPTIONS.items():
        if message.startswith(parameter):
            message = option + message[len(parameter) :]
    return message.replace("that peer_groups does not have", "that --peer-groups lacks")


def _one_line(error):
    text = str(error) or type(error).__name__
    return " ".join(text.split())


def _configure_logging(verbose, quiet):
    """Send the ``uba`` loggers' records to the current stderr, once per run."""
    level = logging.INFO
    if verbose:
        level = logging.DEBUG
    elif quiet:
        level = logging.WARNING

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    package_logger = logging.getLogger("uba")
    for old in [h for h in package_logger.handlers if getattr(h, "_uba_cli", False)]:
        package_logger.removeHandler(old)
    handler._uba_cli = True
    package_logger.addHandler(handler)
    package_logger.setLevel(level)
    package_logger.propagate = False

    # Warnings from the library (for example a missing time zone) go to the same
    # stream as one log line each, without the source line that raised them.
    warnings.formatwarning = _format_warning
    logging.captureWarnings(True)
    warnings_logger = logging.getLogger("py.warnings")
    for old in [h for h in warnings_logger.handlers if getattr(h, "_uba_cli", False)]:
        warnings_logger.removeHandler(old)
    warnings_logger.addHandler(handler)


def _format_warning(message, category, filename, lineno, line=None):
    return f"{category.__name__}: {message}"


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="uba",
        description=(
            "Find the accounts that mine a Confluence wiki: read access logs, build "
            "one behaviour profile per user and day, and rank users by how anomalous "
            "their day was."
        ),
    )
    parser.add_argument("--version", action="version", version=f"uba {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = commands.add_parser(
        "train",
        help="train a model on the user-days of access logs",
        description="Train an anomaly detector on the user-day profiles of the logs.",
    )
    _add_log_arguments(train)
    train.add_argument(
        "--model", required=True, type=Path, help="file to write the model to (.joblib)"
    )
    train.add_argument(
        "--start",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="first local day to train on (default: first day)",
    )
    train.add_argument(
        "--end",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="last local day to train on (default: last day)",
    )
    train.set_defaults(handler=_run_train)

    score = commands.add_parser(
        "score",
        help="rank the users active on one day",
        description=(
            "Rank the users active on one day, most anomalous first. Earlier days in "
            "the given logs are the users' history."
        ),
    )
    _add_log_arguments(score)
    score.add_argument(
        "--model", required=True, type=Path, help="model file from 'uba train'"
    )
    score.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="local day to rank (default: the last day in the logs)",
    )
    score.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the ranking to FILE instead of printing it; the suffix sets "
        "the format: .csv, .json or .parquet",
    )
    score.add_argument(
        "--top",
        type=_positive_int,
        metavar="N",
        help="keep only the N most anomalous users",
    )
    score.add_argument(
        "--min-risk",
        type=_risk_threshold,
        metavar="RISK",
        help="keep only the users whose risk (0 to 100) is at least RISK, so that a "
        "quiet day lists fewer users or none; with --top, of the N most anomalous",
    )
    score.set_defaults(handler=_run_score)

    simulate = commands.add_parser(
        "simulate",
        help="write the access logs of a simulated organisation",
        description=(
            "Write seeded, realistic Confluence access logs of a simulated organisation "
            "with its users (users.csv), benign look-alikes (lookalikes.csv) and two "
            "labelled attacks (labels.csv): a bulk read in a browser on the second-last "
            "day and a REST crawl on the last day, so end the run on a working day."
        ),
    )
    simulate.add_argument(
        "out_dir", type=Path, metavar="OUT_DIR", help="folder to write to"
    )
    simulate.add_argument(
        "--users",
        type=_organisation_size,
        default=100,
        help="number of users, 10 to 10,000 (default: 100)",
    )
    simulate.add_argument(
        "--days",
        type=_simulated_days,
        default=19,
        help="number of days, 2 to 366 (default: 19)",
    )
    simulate.add_argument(
        "--start",
        type=_iso_date,
        default=dt.date(2026, 3, 2),
        metavar="YYYY-MM-DD",
        help="first day (default: 2026-03-02)",
    )
    simulate.add_argument(
        "--seed", type=int, default=0, help="random seed (default: 0)"
    )
    simulate.add_argument(
        "--timezone",
        default="America/New_York",
        help="IANA time zone of the server (default: America/New_York)",
    )
    simulate.add_argument(
        "--overwrite",
        action="store_true",
        help="write into a folder that is not empty, replacing the files of the "
        "same names (default: only a new or empty folder)",
    )
    simulate.set_defaults(handler=_run_simulate)

    for command in (train, score, simulate):
        _add_common_arguments(command)
    return parser


def _add_log_arguments(parser):
    parser.add_argument(
        "logs",
        nargs="+",
        type=Path,
        metavar="LOG_OR_DIR",
        help="access-log files (plain or .gz) or folders holding them",
    )
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        default="auto",
        help="log layout; 'auto' (default) detects it per file from its first lines",
    )
    parser.add_argument(
        "--pattern",
        help="Tomcat AccessLogValve pattern copied from server.xml, for a layout that "
        "--format does not know",
    )
    parser.add_argument(
        "--timezone",
        help="IANA time zone of the server (e.g. Europe/Berlin), for "
        "atlassian-confluence.log lines, which carry no UTC offset (default: UTC)",
    )
    parser.add_argument(
        "--duration-unit",
        choices=("ms", "us"),
        default="ms",
        help="unit of %%D in the logs: ms up to Tomcat 9, us on Tomcat 10 and later "
        "(default: ms)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first line that cannot be parsed instead of counting it",
    )
    parser.add_argument(
        "--window-days",
        type=_window_days,
        metavar="DAYS",
        help="days of history that a user-day is compared with, at least "
        f"{_MIN_HISTORY_DAYS} (default: {_DEFAULT_WINDOW_DAYS} for train, the "
        "model's own window for score)",
    )
    parser.add_argument(
        "--peer-groups",
        type=Path,
        metavar="CSV",
        help="CSV file with the columns user,group (department, team or role); "
        "without it, train derives peer groups from the spaces users read in the "
        "training days, and score uses the groups the model was trained with",
    )
    parser.add_argument(
        "--privileged",
        action="append",
        metavar="USERS",
        help="privileged accounts, comma-separated, or @FILE with users per line; "
        "group:NAME takes every member of a --peer-groups group; may be repeated "
        "(default: users seen on administration pages in the window)",
    )


def _add_common_arguments(parser):
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v", "--verbose", action="store_true", help="log debug messages"
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="log only warnings and errors"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error"
    )


def _iso_date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}; use the form YYYY-MM-DD"
        ) from None


def _window_days(text):
    value = _whole_number(text)
    if value < _MIN_HISTORY_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be at least {_MIN_HISTORY_DAYS}, the days of history a user needs "
            f"to be compared with themselves; got {value}"
        )
    return value


def _organisation_size(text):
    from uba.simulate._simulate import MIN_USERS

    value = _positive_int(text)
    if value < MIN_USERS:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_USERS}, enough for the departments, "
            f"administrators and scenarios of the simulation; got {value}"
        )
    if value > _MAX_SIMULATED_USERS:
        raise argparse.ArgumentTypeError(
            f"must be at most {_MAX_SIMULATED_USERS:,}, got {value:,}"
        )
    return value


def _simulated_days(text):
    value = _whole_number(text)
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"must be at least 2, because the two labelled attacks take the last two "
            f"days; got {value}"
        )
    if value > _MAX_SIMULATED_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be at most {_MAX_SIMULATED_DAYS:,} (a year), got {value:,}"
        )
    return value


def _whole_number(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid whole number: {text!r}") from None
    return value


def _positive_int(text):
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _risk_threshold(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if not 0.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"must be from 0 to 100, got {text}")
    return value


def _read_profiles(arguments):
    from uba.features import build_features, read_peer_groups
    from uba.features._context import NO_DERIVED_GROUPS
    from uba.io import read_events

    events = read_events(
        [str(path) for path in arguments.logs],
        format=arguments.format,
        pattern=arguments.pattern,
        timezone=arguments.timezone,
        strict=arguments.strict,
        duration_unit=arguments.duration_unit,
        progress=_progress_printer() if sys.stderr.isatty() else None,
    )
    if arguments.peer_groups is not None:
        peer_groups = read_peer_groups(arguments.peer_groups)
    elif arguments.trained_peer_groups is not None:
        peer_groups = arguments.trained_peer_groups
        _log_trained_peer_groups(peer_groups)
    else:
        peer_groups = _derived_peer_groups(arguments, events)
        if peer_groups == {}:
            logger.warning("%s", NO_DERIVED_GROUPS)

    profiles = build_features(
        events,
        window_days=arguments.window_days or _DEFAULT_WINDOW_DAYS,
        peer_groups=peer_groups,
        privileged_users=arguments.privileged_users,
        privileged_groups=arguments.privileged_groups,
    )
    _warn_unknown_users(arguments, events, peer_groups)
    if len(profiles) == 0:
        raise _UsageError(_no_profiles_message(arguments, events))
    logger.info(
        "Built %d user-day profiles of %d users; %d anonymous requests left out",
        len(profiles),
        profiles["user"].nunique(),
        profiles.attrs.get("anonymous_requests", 0),
    )
    return profiles


def _log_trained_peer_groups(peer_groups):
    if not peer_groups:
        logger.info(
            "The model was trained without peer groups, because none could be "
            "derived from the spaces users read; every user is compared with the "
            "organisation"
        )
        return
    logger.info(
        "Using the peer groups that the model was trained with: %d groups of %d users",
        len(set(peer_groups.values())),
        len(peer_groups),
    )


def _no_profiles_message(arguments, events):
    """Return the error for logs that hold no request by a named user."""
    logs = " ".join(str(path) for path in arguments.logs)
    report = events.attrs.get("read_report")
    if report is None:
        return f"{logs}: no request by a named user; check the files"
    cut_files = report.notes.get("gzip_truncated", 0)
    complete_lines = report.lines_read - report.skipped.get("gzip_cut_line", 0)
    if complete_lines == 0 and cut_files:
        others = len(report.files) - cut_files
        rest = f", and the other {others} are empty" if others else ""
        return (
            f"{logs}: no complete line; gzip files that end before their first "
            f"line: {cut_files}{rest}. Wait until the files are complete, or pass "
            f"the days' access logs"
        )
    if report.lines_read == 0 and len(report.files) == 1:
        return f"{logs}: the log file is empty; pass the days' access logs"
    if report.lines_read == 0:
        return f"{logs}: the log files are empty; pass the days' access logs"
    return (
        f"{logs}: no request by a named user in {report.lines_read:,} lines "
        f"({sum(report.skipped.values()):,} skipped, {report.n_rejected:,} rejected); "
        f"check --format or --pattern, and that the log records user names"
    )


def _derived_peer_groups(arguments, events):
    """Derive peer groups from the training days only, never from the scored day.

    For ``train`` these are the days from --start to --end; for ``score``, the days
    before the scored one. Returns None (groups from all events) when those days
    hold no event.
    """
    from uba.features import derive_peer_groups
    from uba.features._peers import day_number, local_days

    if len(events) == 0:
        return None
    local_day = local_days(events)

    keep = np.ones(len(events), dtype=bool)
    if arguments.command == "train":
        if arguments.start is not None:
            keep &= local_day >= day_number(arguments.start)
        if arguments.end is not None:
            keep &= local_day <= day_number(arguments.end)
    else:
        scored = (
            local_day.max() if arguments.date is None else day_number(arguments.date)
        )
        keep &= local_day < scored

    if not keep.any():
        return None
    return derive_peer_groups(events.loc[keep])


def _privileged_users(values):
    """Return the users named by --privileged, reading @FILE arguments, or None.

    A file has one or more users per line, separated by commas; text after ``#`` is
    a comment.
    """
    if not values:
        return None
    users = set()
    for value in values:
        if value.startswith("@"):
            text = _read_text("--privileged", Path(value[1:]))
            lines = [line.split("#", 1)[0] for line in text.splitlines()]
        else:
            lines = [value]
        for line in lines:
            users.update(name.strip() for name in line.split(",") if name.strip())
    if not users:
        raise _UsageError("--privileged names no user; leave it out to use the default")
    return users


def _warn_unknown_users(arguments, events, peer_groups):
    """Log the users that --privileged or --peer-groups name but the logs lack."""
    active = set(events["user"].dropna().astype(str).unique())
    if arguments.peer_groups is not None:
        listed = set(peer_groups)
        if listed and not listed & active:
            raise _UsageError(
                f"--peer-groups {arguments.peer_groups}: none of its "
                f"{len(listed)} users occurs in the logs; check the user names "
                "(they are case-sensitive)"
            )
        missing = len(active - listed)
        if missing:
            logger.warning(
                "--peer-groups: %d of the %d users in the logs have no group and are "
                "compared with the whole organisation",
                missing,
                len(active),
            )
    if arguments.privileged_users:
        unknown = sorted(arguments.privileged_users - active)
        if unknown:
            logger.warning(
                "--privileged names users that are not in the logs: %s",
                ", ".join(unknown[:10]),
            )


def _read_text(option, path):
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _UsageError(f"{option}: file not found: {path}") from None
    except IsADirectoryError:
        raise _UsageError(f"{option}: {path} is a folder; name a text file") from None
    except UnicodeDecodeError:
        raise _UsageError(f"{option}: {path} is not UTF-8 text") from None


def _check_input_files(arguments):
    """Fail on unreadable --peer-groups and --privileged files before reading logs."""
    if arguments.peer_groups is not None:
        _read_text("--peer-groups", arguments.peer_groups)
    names = _privileged_users(arguments.privileged)
    groups = {
        name.removeprefix("group:") for name in names or () if name.startswith("group:")
    }
    if groups and arguments.peer_groups is None:
        raise _UsageError(
            "--privileged group:NAME needs --peer-groups, the file that maps users to groups"
        )
    arguments.privileged_groups = groups or None
    users = {name for name in names or () if not name.startswith("group:")}
    arguments.privileged_users = users or None


def _progress_printer():
    def report(bytes_done, bytes_total, path):
        if bytes_total:
            share = min(bytes_done / bytes_total, 1.0)
            sys.stderr.write(f"\rreading {Path(path).name}: {share:6.1%}")
        if bytes_total and bytes_done >= bytes_total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def _run_train(arguments):
    from uba.scoring import save_model, train_model

    if arguments.start and arguments.end and arguments.start > arguments.end:
        raise _UsageError(
            f"--start {arguments.start} is after --end {arguments.end}; swap them"
        )
    _check_output_folder("--model", arguments.model)
    _check_model_target(arguments.model, arguments.logs)
    arguments.trained_peer_groups = None
    _check_input_files(arguments)
    profiles = _read_profiles(arguments)
    model = train_model(profiles, start=arguments.start, end=arguments.end)
    save_model(model, arguments.model)

    meta = model.metadata
    logger.info(
        "Trained on %d user-days of %d users from %s to %s; saved to %s",
        meta["n_user_days"],
        meta["n_users"],
        meta["training_start"],
        meta["training_end"],
        arguments.model,
    )


def _check_model_target(model, logs):
    """Reject a --model path that would overwrite a log or a file that is no model."""
    if _read_as_log(model, logs):
        raise _UsageError(
            f"--model {model} is one of the logs to read, or would be read as one; "
            f"name a new file such as models/ours.joblib"
        )
    if model.exists() and model.suffix.lower() != _MODEL_SUFFIX:
        raise _UsageError(
            f"--model {model} exists and is not a {_MODEL_SUFFIX} model, so training "
            f"would overwrite it; name a new file such as models/ours.joblib"
        )


def _read_as_log(path, logs):
    """Return True when ``path`` is a given log, or a name a given folder is read for.

    A folder is read for access-log names, or for the fallback suffixes (``.log``,
    ``.log.gz``, ``.txt``) when it has none, so either counts.
    """
    target = path.resolve()
    for log in logs:
        log = log.resolve()
        if target == log:
            return True
        in_folder = log.is_dir() and target.parent == log
        if in_folder and (
            _is_access_log_name(target.name) or target.name.endswith(_FALLBACK_SUFFIXES)
        ):
            return True
    return False


def _run_score(arguments):
    from uba.scoring import load_model, rank_users

    if arguments.output is not None:
        if arguments.output.suffix.lower() not in _OUTPUT_SUFFIXES:
            raise _UsageError(
                f"--output {arguments.output}: unknown suffix "
                f"{arguments.output.suffix or '(none)'}; use .csv, .json or .parquet"
            )
        _check_output_folder("--output", arguments.output)
        if _read_as_log(arguments.output, arguments.logs):
            raise _UsageError(
                f"--output {arguments.output} is one of the logs to read, or would be "
                f"read as one; name a new file such as ranking.csv"
            )

    model = load_model(arguments.model)
    if arguments.min_risk is not None and "score_quantiles" not in model.metadata:
        raise _UsageError(
            f"--min-risk: {arguments.model} stores no training score quantiles, so "
            f"it gives no risk; retrain it with this version of uba, or leave out "
            f"--min-risk"
        )
    trained_window = model.metadata.get("window_days")
    if arguments.window_days is None:
        arguments.window_days = trained_window
    elif trained_window is not None and arguments.window_days != trained_window:
        logger.warning(
            "--window-days %d differs from the %d days the model was trained with; "
            "z-scores and novelty will not mean what the model learned",
            arguments.window_days,
            trained_window,
        )
    # Peer features mean what the model learned only with the training's groups.
    arguments.trained_peer_groups = model.metadata.get("peer_groups")
    if arguments.trained_peer_groups is None and arguments.peer_groups is None:
        logger.warning(
            "%s stores no peer groups, so they are derived again from the days "
            "before the scored one and may differ from training; retrain the model "
            "or pass --peer-groups",
            arguments.model,
        )
    _check_input_files(arguments)
    profiles = _read_profiles(arguments)
    ranking = rank_users(profiles, model, date=arguments.date, top=arguments.top)
    empty_text = "No active users on that day.\n"
    if arguments.min_risk is not None and len(ranking) > 0:
        empty_text = _nobody_at_risk(ranking, arguments.min_risk, arguments.top)
        ranking = _at_least_risk(ranking, arguments.min_risk)

    if arguments.output is None:
        _print_table(ranking, arguments.min_risk, empty_text)
    else:
        _write_ranking(ranking, arguments.output)
        logger.info("Wrote %d ranked users to %s", len(ranking), arguments.output)


def _at_least_risk(ranking, min_risk):
    """Return the rows of ``ranking`` whose risk is at least ``min_risk``."""
    listed = ranking[ranking["risk"] >= min_risk].reset_index(drop=True)
    logger.info(
        "%d of %d ranked users have a risk of at least %g",
        len(listed),
        len(ranking),
        min_risk,
    )
    return listed


def _check_empty_folder(out_dir):
    """Raise a usage error if ``out_dir`` is a folder that contains anything."""
    if not out_dir.is_dir():
        return
    entries = sorted(entry.name for entry in out_dir.iterdir())
    if entries:
        count = "1 entry" if len(entries) == 1 else f"{len(entries)} entries"
        raise _UsageError(
            f"OUT_DIR {out_dir} is not empty ({count}, first: "
            f"{entries[0]}); name a new or empty folder, or pass --overwrite to "
            f"replace the files of the same names"
        )


def _nobody_at_risk(ranking, min_risk, top):
    """Return the line printed when no ranked user reaches ``min_risk``."""
    day = ranking["date"].iloc[0]
    if top is None or len(ranking) < top:
        return f"No user active on {day} has a risk of at least {min_risk:g}.\n"
    if top == 1:
        return f"The top user of {day} has a risk below {min_risk:g}.\n"
    return (
        f"None of the top {top} users of {day} has a risk of at least {min_risk:g}.\n"
    )


def _print_table(ranking, min_risk=None, empty_text="No active users on that day.\n"):
    if len(ranking) == 0:
        sys.stdout.write(empty_text)
        return

    day = ranking["date"].iloc[0]
    heading = f"Users active on {day}, most anomalous first:"
    if min_risk is not None:
        heading = (
            f"Users active on {day} with a risk of at least {min_risk:g}, most "
            f"anomalous first:"
        )
    lines = [heading]
    width = max(len(str(user)) for user in ranking["user"])
    for row in ranking.itertuples(index=False):
        lines.append(
            f"{row.rank:>4}  {row.user:<{width}}  score {row.score:8.3f}  "
            f"risk {row.risk:5.1f}  usual values from {row.usual_from}"
        )
        if row.rules:
            lines.append(f"      rules: {row.rules}")
        parts = _score_parts_text(
            row.organisation_ratio, row.self_ratio, row.shared_change
        )
        if parts:
            lines.append(f"      {parts}")
        lines.append(f"      {row.summary}")
        lines.append(f"      reasons: {row.reasons}")
    sys.stdout.write("\n".join(lines) + "\n")


def _score_parts_text(organisation, own, shared):
    """Return how the score splits into its parts and the peers' change, or ""."""
    if np.isnan(organisation):
        return ""
    if np.isnan(own):
        text = (
            f"{organisation:.1f}x a typical day's distance from the organisation; "
            f"the model holds too few training days of this user, so the score "
            f"compares with the organisation only"
        )
    else:
        text = (
            f"{organisation:.1f}x a typical day's distance from the organisation, "
            f"{own:.1f}x beyond this user's own training days"
        )
    divisor = f"{shared:.2f}"
    if float(divisor) > 1.0:
        text += (
            f"; the score is divided by {divisor}, the change the user's peers "
            f"show that day"
        )
    return text


def _check_output_folder(option, path):
    folder = path.parent
    if not folder.is_dir():
        raise _UsageError(
            f"{option} {path}: folder {folder} does not exist; create it first"
        )
    if path.is_dir():
        raise _UsageError(f"{option} {path} is a folder; name a file inside it")


def _write_ranking(ranking, path):
    suffix = path.suffix.lower()
    if suffix == ".csv":
        ranking.to_csv(path, index=False)
    elif suffix == ".json":
        ranking.to_json(path, orient="records", indent=2)
    else:
        ranking.to_parquet(path, index=False)


def _run_simulate(arguments):
    from uba.simulate import simulate_organisation

    if not arguments.overwrite:
        _check_empty_folder(arguments.out_dir)
    try:
        result = simulate_organisation(
            arguments.out_dir,
            n_users=arguments.users,
            start=arguments.start,
            days=arguments.days,
            timezone=arguments.timezone,
            seed=arguments.seed,
        )
    except ValueError as error:
        raise _UsageError(_in_option_names(_one_line(error))) from error
    except OverflowError as error:
        raise _UsageError(
            f"--start {arguments.start} and --days {arguments.days} give dates that "
            f"the simulation cannot represent, such as back-dated pages before year 1 "
            f"or days after 9999-12-31; choose a --start such as 2026-03-02"
        ) from error
    logger.info(
        "Wrote %d log files and %d labelled user-days to %s",
        len(result.log_paths),
        len(result.labels),
        arguments.out_dir,
    )


if __name__ == "__main__":
    sys.exit(main())
