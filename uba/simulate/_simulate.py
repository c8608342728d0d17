"""Entry point of the simulator: build the organisation, simulate, write the files."""

import datetime as dt
import itertools
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from uba.exceptions import UBAWarning
from uba.simulate import _catalogue as cat
from uba.simulate._baseline import simulate_people, simulate_services
from uba.simulate._build import build_organisation
from uba.simulate._clock import ZoneClock
from uba.simulate._lookalikes import lookalike_frame, planned_lookalike_days
from uba.simulate._organisation import Organisation
from uba.simulate._requests import RequestLog
from uba.simulate._scenarios import Scenario, ScenarioContext, default_scenarios
from uba.simulate._writer import LOG_PREFIX, log_file_name, write_access_logs

logger = logging.getLogger(__name__)

ORGANISATION_STREAM = 0
VICTIM_STREAM = 3
SCENARIO_STREAM = 5
MIN_USERS = 10
LABEL_COLUMNS = ("user", "date", "scenario")
USER_COLUMNS = ("user", "department", "role", "timezone")
DEFAULT_INDEXER_PAGES = 1_000


@dataclass(frozen=True)
class SimulationResult:
    """Files and tables written by :func:`simulate_organisation`.

    Attributes
    ----------
    out_dir : pathlib.Path
        Output folder.
    log_paths : tuple of pathlib.Path
        One access log per server-local day, in day order.
    labels_path : pathlib.Path
        ``labels.csv``.
    users_path : pathlib.Path
        ``users.csv``.
    lookalikes_path : pathlib.Path
        ``lookalikes.csv``.
    labels : pandas.DataFrame
        Columns ``user``, ``date`` (``YYYY-MM-DD``, server-local) and ``scenario``; one
        row per attacked user-day.
    users : pandas.DataFrame
        Columns ``user``, ``department``, ``role`` and ``timezone``.
    lookalikes : pandas.DataFrame
        Columns ``user``, ``date`` (``YYYY-MM-DD``, server-local) and ``kind``; one
        row per benign user-day that resembles an attack (see Notes of
        :func:`simulate_organisation`).
    n_lines : int
        Lines written in all log files.
    organisation : Organisation
        The simulated organisation, for tests and further scenarios.
    """

    out_dir: Path
    log_paths: tuple[Path, ...]
    labels_path: Path
    users_path: Path
    lookalikes_path: Path
    labels: pd.DataFrame
    users: pd.DataFrame
    lookalikes: pd.DataFrame
    n_lines: int
    organisation: Organisation


def simulate_organisation(
    out_dir,
    *,
    n_users=100,
    start="2026-03-02",
    days=19,
    timezone="America/New_York",
    seed=0,
    scenarios=None,
    compress=True,
    holiday="2026-03-09",
    new_joiner_start="2026-03-16",
    reorganisation_date="2026-03-18",
    remote_timezone=cat.REMOTE_TEAM_TIMEZONE,
    indexer_pages=DEFAULT_INDEXER_PAGES,
):
    """Simulate an organisation's Confluence access logs with labelled attacks.

    Writes one access log per server-local day, ``conf_access_log.YYYY-MM-DD.log.gz``
    (``.log`` when ``compress=False``), in Confluence's stock layout
    ``%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i %{User-Agent}i``, plus
    ``labels.csv`` (attacked user-days), ``lookalikes.csv`` (benign user-days that
    resemble attacks) and ``users.csv`` (who is who).

    Parameters
    ----------
    out_dir : str or os.PathLike
        Output folder; created when missing. Files of the same names are replaced.
    n_users : int, default=100
        Number of people, at least 10. Two service accounts come on top.
    start : str or datetime.date, default="2026-03-02"
        First simulated day, ``YYYY-MM-DD``.
    days : int, default=19
        Number of simulated days, at least 1 (at least 2 with the default scenarios).
    timezone : str, default="America/New_York"
        IANA zone of the server; log timestamps carry its offset, which changes inside
        a file at a DST switch.
    seed : int, default=0
        Non-negative seed. The same seed and parameters give byte-identical files with
        the same versions of ``uba`` and NumPy. The global ``random`` and
        ``numpy.random`` states are neither read nor changed.
    scenarios : list of Scenario, optional
        Injections; ``None`` means :func:`default_scenarios`, an empty list gives a
        benign-only organisation.
    compress : bool, default=True
        Write gzip files (level 9) instead of plain text.
    holiday : str or datetime.date or None, default="2026-03-09"
        Public holiday, as quiet as a Sunday for the people whose time zone lies in
        the server's area (the part of the IANA name before the slash). ``None`` or a
        day outside the simulated days gives no holiday.
    new_joiner_start : str or datetime.date or None, default="2026-03-16"
        First working day of the new joiner, who sends no request before it and
        reads many spaces in the first seven days. ``None`` or a day outside the
        simulated days gives no new joiner.
    reorganisation_date : str or datetime.date or None, default="2026-03-18"
        Day on which the Support department moves into a new space ``CS``, which no
        request touches before. ``None`` or a day outside the simulated days gives no
        reorganisation.
    remote_timezone : str, default="Asia/Kolkata"
        IANA zone of the remote engineering team, whose working day is night on a
        server in the Americas.
    indexer_pages : int, default=1000
        Pages the search indexer ``svc-indexer`` re-reads through the REST API each
        night, on top of the pages edited the day before. The wiki's page count caps
        it, and 0 keeps only the edited pages.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        If a parameter is invalid; the message names the parameter and the value.

    See Also
    --------
    RestCrawl, BulkBrowserRead : the default injections.
    benchmark_scenarios : one injection of every built-in scenario.

    Notes
    -----
    The default injections fall on the last two days, so with the default 19 days the
    first two weeks are free of attacks. With fewer than 16 days they are not.

    Users are drawn from the ordinary staff: people in the server's time zone who are
    neither administrators, technical writers, members of the remote team nor the
    new joiner. Each scenario gets its own user unless it names one. A scenario never
    falls on a look-alike user-day: users with a look-alike day inside the
    scenario's days are not drawn, and naming one raises ``ValueError``.

    ``lookalikes.csv`` has one row per user-day on which the user sends at least one
    request and is one of: a technical writer (``heavy_writer``), a member of the
    remote team (``remote_team``), the search indexer (``indexer``), the new joiner
    in the first seven days (``new_joiner``), or a member of the reorganised
    department on the reorganisation day (``reorganisation``).

    Examples
    --------
    >>> import tempfile
    >>> from uba.simulate import simulate_organisation
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = simulate_organisation(folder, n_users=10, days=2, seed=1,
    ...                                    scenarios=[])
    ...     len(result.log_paths), list(result.labels.columns)
    (2, ['user', 'date', 'scenario'])
    """
    start_day = _validate(n_users, start, days, timezone, seed, compress)
    events = _validate_events(
        start_day, days, holiday, new_joiner_start, reorganisation_date
    )
    _validate_services(remote_timezone, indexer_pages)
    scenarios = _validate_scenarios(scenarios, days)
    out_dir = _prepare_out_dir(out_dir, start_day, days, compress)

    org_rng = np.random.default_rng([seed, ORGANISATION_STREAM])
    organisation = build_organisation(
        n_users,
        start_day,
        days,
        timezone,
        org_rng,
        remote_timezone=remote_timezone,
        **events,
    )
    scenario_users = _assign_users(organisation, scenarios, seed)
    log = RequestLog()
    simulate_people(organisation, log, seed)
    labels = _inject(organisation, scenarios, scenario_users, log, seed)
    simulate_services(organisation, log, seed, indexer_pages)

    clock = ZoneClock(timezone)
    lookalikes = lookalike_frame(organisation, log.requests, clock)
    paths, n_lines = write_access_logs(
        log.requests, organisation, clock, out_dir, compress, seed
    )
    tables = {
        "labels.csv": _labels_frame(labels),
        "users.csv": _users_frame(organisation),
        "lookalikes.csv": lookalikes,
    }
    for name, frame in tables.items():
        frame.to_csv(out_dir / name, index=False, lineterminator="\n")
    logger.info("wrote %d lines in %d files to %s", n_lines, len(paths), out_dir)

    return SimulationResult(
        out_dir=out_dir,
        log_paths=tuple(paths),
        labels_path=out_dir / "labels.csv",
        users_path=out_dir / "users.csv",
        lookalikes_path=out_dir / "lookalikes.csv",
        labels=tables["labels.csv"],
        users=tables["users.csv"],
        lookalikes=lookalikes,
        n_lines=n_lines,
        organisation=organisation,
    )


def _validate(n_users, start, days, timezone, seed, compress):
    """Check the scalar parameters; return ``start`` as a date."""
    check_integer("n_users", n_users, MIN_USERS)
    check_integer("days", days, 1)
    check_integer("seed", seed, 0)
    if not isinstance(compress, bool | np.bool_):
        raise ValueError(f"compress must be True or False, got {compress!r}")
    _check_timezone("timezone", timezone)
    return parse_date("start", start)


def _validate_events(start_day, days, holiday, new_joiner_start, reorganisation_date):
    """Return the day index of each dated event, ``None`` when it is not simulated."""
    dates = {
        "holiday": holiday,
        "new_joiner_start": new_joiner_start,
        "reorganisation_date": reorganisation_date,
    }
    indexes = {}
    for name, value in dates.items():
        indexes[name] = None
        if value is None:
            continue
        index = (parse_date(name, value) - start_day).days
        if 0 <= index < days:
            indexes[name] = index
        else:
            logger.info(
                "%s %s lies outside the simulated days, so it has no effect",
                name,
                value,
            )
    return {
        "holiday": indexes["holiday"],
        "new_joiner_day": indexes["new_joiner_start"],
        "reorganisation_day": indexes["reorganisation_date"],
    }


def _validate_services(remote_timezone, indexer_pages):
    check_integer("indexer_pages", indexer_pages, 0)
    _check_timezone("remote_timezone", remote_timezone)


def _check_timezone(name, value):
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be an IANA time zone name such as "
            f"'America/New_York', got {value!r}"
        ) from error


def check_integer(name, value, minimum):
    """Raise ``ValueError`` unless ``value`` is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")


def parse_date(name, value):
    """Return ``value`` as a date; raise ``ValueError`` naming ``name`` otherwise."""
    if isinstance(value, dt.datetime):
        raise ValueError(
            f"{name} must be a date 'YYYY-MM-DD' without a time, got {value!r}"
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(
                f"{name} must be a date 'YYYY-MM-DD', got {value!r}"
            ) from error
    raise ValueError(f"{name} must be a date 'YYYY-MM-DD', got {value!r}")


def _validate_scenarios(scenarios, days):
    if scenarios is None:
        if days < 2:
            raise ValueError(
                f"days must be at least 2 for the default scenarios, which "
                f"use the last two days, got {days}; pass scenarios=[] "
                "for a simulation without injections"
            )
        return default_scenarios()
    if isinstance(scenarios, Scenario) or not isinstance(scenarios, list | tuple):
        raise ValueError(
            f"scenarios must be a list of Scenario objects or None, got {scenarios!r}"
        )
    for scenario in scenarios:
        if not isinstance(scenario, Scenario):
            raise ValueError(
                f"scenarios must contain Scenario objects, got {scenario!r}"
            )
        scenario.validate()
        scenario.day_span(days)
    return list(scenarios)


def _prepare_out_dir(out_dir, start_day, days, compress):
    """Create the folder and warn about access logs that this run will not replace."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir must be a folder, got the file {str(out_dir)!r}")
    out_dir.mkdir(parents=True, exist_ok=True)

    expected = {
        log_file_name(start_day + dt.timedelta(days=i), compress) for i in range(days)
    }
    stale = sorted(
        path.name
        for path in out_dir.glob(f"{LOG_PREFIX}*")
        if path.name not in expected
    )
    if stale:
        warnings.warn(
            f"out_dir {str(out_dir)!r} already contains {len(stale)} access "
            f"log(s) that this simulation does not write (first: {stale[0]}). "
            "Readers of the folder will mix them in, so remove them or use an "
            "empty folder.",
            UBAWarning,
            stacklevel=3,
        )
    return out_dir


def _assign_users(organisation, scenarios, seed):
    """Return the user of each scenario; drawn users differ between scenarios."""
    lookalike_days = planned_lookalike_days(organisation)
    assigned = []
    for index, scenario in enumerate(scenarios):
        taken_names = {user.name for user in assigned}
        user = _scenario_user(
            organisation, scenario, index, seed, taken_names, lookalike_days
        )
        assigned.append(user)
    return assigned


def _inject(organisation, scenarios, scenario_users, log, seed):
    """Run the scenarios in order; return their labels."""
    clock = ZoneClock(organisation.timezone)
    spare = _spare_addresses()
    labels = []
    for index, (scenario, user) in enumerate(
        zip(scenarios, scenario_users, strict=True)
    ):
        rng = np.random.default_rng([seed, SCENARIO_STREAM, index])
        day_index = scenario.resolve_day(organisation.days)
        context = ScenarioContext(organisation, user, day_index, rng, log, clock, spare)
        result = scenario.inject(context)
        if isinstance(result, list | tuple):
            labels.extend(result)
        elif result is not None:
            labels.append(result)
    return labels


def _scenario_user(organisation, scenario, index, seed, taken_names, lookalike_days):
    days = scenario.day_span(organisation.days)
    if scenario.user is not None:
        try:
            user = organisation.user(scenario.user)
        except KeyError:
            raise ValueError(
                f"{scenario.name}: user {scenario.user!r} is not in the simulated "
                "organisation; leave 'user' as None or pick a name from users.csv"
            ) from None
        _check_not_lookalike(scenario, user, days, organisation, lookalike_days)
        return user

    candidates = [
        user
        for user in scenario.eligible_users(organisation)
        if user.name not in taken_names
        and not any((user.name, day) in lookalike_days for day in days)
    ]
    if not candidates:
        raise ValueError(
            f"{scenario.name}: no eligible user is left for scenario "
            f"{index}; raise n_users or name the users explicitly"
        )
    rng = np.random.default_rng([seed, VICTIM_STREAM, index])
    return candidates[int(rng.integers(len(candidates)))]


def _check_not_lookalike(scenario, user, days, organisation, lookalike_days):
    """Raise ``ValueError`` when a named user is a benign look-alike on a day."""
    for day in days:
        kinds = lookalike_days.get((user.name, day))
        if kinds:
            date = organisation.dates[day].isoformat()
            raise ValueError(
                f"{scenario.name}: user {user.name!r} is a benign look-alike "
                f"({'+'.join(sorted(kinds))}) on {date}, and a user-day cannot be "
                "both; pick another user or day"
            )


def _spare_addresses():
    """Yield addresses that no person or service uses, IPv4 first."""
    for host in range(200, 255):
        yield f"203.0.113.{host}"
    for host in itertools.count(1):
        yield f"2001:db8:ff:0:0:0:0:{host:x}"


def _labels_frame(labels):
    """Return one row per attacked user-day; scenarios on one user-day are joined."""
    merged = {}
    for label in labels:
        merged.setdefault((label.date.isoformat(), label.user), []).append(
            label.scenario
        )
    rows = [
        (user, date, "+".join(sorted(dict.fromkeys(names))))
        for (date, user), names in sorted(merged.items())
    ]
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS), dtype=object).astype(str)


def _users_frame(organisation):
    rows = [
        (user.name, user.department, user.role, user.timezone)
        for user in organisation.users
    ]
    return pd.DataFrame(rows, columns=list(USER_COLUMNS)).astype(str)
