"""Simulator runs shared by the tests of this folder."""

import time

import pytest
from simlog import DEFAULT_SEED, parse_file, with_local_time

import uba
from uba.simulate import simulate_benchmark, simulate_organisation

# The small benchmark organisation: 40 people over Monday 2026-03-02 to Friday
# 2026-03-13, with the test window on the last five days.
BENCHMARK_USERS = 40
BENCHMARK_DAYS = 12
BENCHMARK_TEST_DAYS = 5
BENCHMARK_INDEXER_PAGES = 2_000


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """The bundled configuration: 100 people over 19 days, default injections."""
    out_dir = tmp_path_factory.mktemp("default_run")
    started = time.perf_counter()
    result = simulate_organisation(out_dir, seed=DEFAULT_SEED)
    elapsed = time.perf_counter() - started
    return result, elapsed


@pytest.fixture(scope="session")
def default_records(default_run):
    """Parsed lines of the default run, by file date."""
    result, _ = default_run
    return {path.name.split(".")[1]: parse_file(path) for path in result.log_paths}


@pytest.fixture(scope="session")
def default_profiles(default_run):
    """Events of the default run read by uba.read_events, and their profiles."""
    result, _ = default_run
    events = uba.read_events(result.out_dir)
    return with_local_time(events), uba.build_profiles(events)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory):
    """A small organisation in plain text, with both default injections."""
    out_dir = tmp_path_factory.mktemp("small_run")
    return simulate_organisation(out_dir, n_users=20, days=4, seed=11, compress=False)


@pytest.fixture(scope="session")
def benchmark_run(tmp_path_factory):
    """A small benchmark organisation: every scenario and look-alike at the end.

    The holiday moves to Wednesday 2026-03-04, out of the test window. The new joiner
    starts on Monday 2026-03-09 and the reorganisation falls on Wednesday 2026-03-11.
    """
    out_dir = tmp_path_factory.mktemp("benchmark_run")
    return simulate_benchmark(
        out_dir,
        n_users=BENCHMARK_USERS,
        days=BENCHMARK_DAYS,
        test_days=BENCHMARK_TEST_DAYS,
        seed=3,
        indexer_pages=BENCHMARK_INDEXER_PAGES,
        holiday="2026-03-04",
        compress=False,
    )


@pytest.fixture(scope="session")
def benchmark_events(benchmark_run):
    """Events of the benchmark run read by uba.read_events, and their profiles."""
    events = uba.read_events(benchmark_run.out_dir)
    profiles = uba.build_profiles(events)
    profiles["date"] = profiles["date"].dt.strftime("%Y-%m-%d")
    return with_local_time(events), profiles
