"""The benchmark organisation: every built-in scenario once, inside a test window."""

import datetime as dt

import numpy as np

from uba.simulate._exfiltration_scenarios import (
    AttachmentHarvest,
    CredentialHunt,
    ExportBurst,
)
from uba.simulate._reading_scenarios import (
    AdminContentRead,
    CompromisedAccount,
    OffHoursRead,
    SlowBrowserCrawl,
)
from uba.simulate._scenarios import BulkBrowserRead, RestCrawl
from uba.simulate._simulate import check_integer, parse_date, simulate_organisation

BENCHMARK_STREAM = 6
BENCHMARK_INDEXER_PAGES = 3_000
# Days of the slow crawl in the benchmark, fewer when the test window is shorter.
_SLOW_CRAWL_DAYS = 3
_SINGLE_DAY_SCENARIOS = (
    RestCrawl,
    BulkBrowserRead,
    AdminContentRead,
    OffHoursRead,
    ExportBurst,
    AttachmentHarvest,
    CredentialHunt,
    CompromisedAccount,
)


def benchmark_scenarios(n_days, test_days=5, seed=0):
    """Return one instance of every built-in scenario, inside the last days.

    Each single-day scenario falls on a day drawn from the last ``test_days`` days,
    and the :class:`SlowBrowserCrawl` runs for three consecutive days (fewer when
    ``test_days`` is shorter) that end inside the same window. Every scenario keeps
    its default parameters, leaves its user to the simulator, which draws a
    different user for each, and uses its own random stream at injection.

    Parameters
    ----------
    n_days : int
        Number of simulated days, at least 1.
    test_days : int, default=5
        Length of the test window at the end of the simulation, from 1 to
        ``n_days``.
    seed : int, default=0
        Non-negative seed of the day placement.

    Returns
    -------
    list of Scenario
        ``RestCrawl``, ``BulkBrowserRead``, ``AdminContentRead``, ``OffHoursRead``,
        ``ExportBurst``, ``AttachmentHarvest``, ``CredentialHunt``,
        ``CompromisedAccount`` and ``SlowBrowserCrawl``, with non-negative day
        indexes.

    Raises
    ------
    ValueError
        If a parameter is not an integer in its range.

    Examples
    --------
    >>> from uba.simulate import benchmark_scenarios
    >>> scenarios = benchmark_scenarios(26, test_days=5, seed=1)
    >>> len(scenarios), min(s.day for s in scenarios) >= 21
    (9, True)
    """
    check_integer("n_days", n_days, 1)
    check_integer("test_days", test_days, 1)
    check_integer("seed", seed, 0)
    if test_days > n_days:
        raise ValueError(f"test_days must be at most n_days={n_days}, got {test_days}")

    rng = np.random.default_rng([seed, BENCHMARK_STREAM])
    first = n_days - test_days
    scenarios = [
        cls(day=first + int(rng.integers(test_days))) for cls in _SINGLE_DAY_SCENARIOS
    ]
    crawl_days = min(_SLOW_CRAWL_DAYS, test_days)
    crawl_start = first + int(rng.integers(test_days - crawl_days + 1))
    scenarios.append(SlowBrowserCrawl(day=crawl_start, n_days=crawl_days))
    return scenarios


def simulate_benchmark(
    out_dir,
    *,
    n_users=150,
    start="2026-03-02",
    days=26,
    test_days=5,
    seed=0,
    indexer_pages=BENCHMARK_INDEXER_PAGES,
    **kwargs,
):
    """Simulate the benchmark organisation: all scenarios and look-alikes at the end.

    The scenarios come from :func:`benchmark_scenarios`. The new joiner starts on
    the first day of the test window and the reorganisation falls on its middle day,
    so that the test window contains every kind of benign look-alike as well as
    every attack. With the defaults the test window is Monday 2026-03-23 to Friday
    2026-03-27 and the days before it hold no attack.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Output folder, as for :func:`simulate_organisation`.
    n_users : int, default=150
        Number of people.
    start : str or datetime.date, default="2026-03-02"
        First simulated day.
    days : int, default=26
        Number of simulated days.
    test_days : int, default=5
        Length of the test window at the end.
    seed : int, default=0
        Seed of the simulation and of the scenario placement.
    indexer_pages : int, default=3000
        Pages the search indexer re-reads each night.
    **kwargs
        Further parameters of :func:`simulate_organisation`, such as ``timezone``,
        ``holiday`` or ``compress``.

    Returns
    -------
    SimulationResult
    """
    if "scenarios" in kwargs:
        raise ValueError(
            "simulate_benchmark places its own scenarios; call "
            "simulate_organisation to choose them"
        )
    check_integer("days", days, 1)
    check_integer("test_days", test_days, 1)
    scenarios = benchmark_scenarios(days, test_days, seed)
    first_day = parse_date("start", start) + dt.timedelta(days=days - test_days)
    kwargs.setdefault("new_joiner_start", first_day)
    kwargs.setdefault(
        "reorganisation_date", first_day + dt.timedelta(days=test_days // 2)
    )
    return simulate_organisation(
        out_dir,
        n_users=n_users,
        start=start,
        days=days,
        seed=seed,
        scenarios=scenarios,
        indexer_pages=indexer_pages,
        **kwargs,
    )
