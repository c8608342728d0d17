"""Simulator runs shared by the tests of this folder."""

import time

import pytest
from simlog import DEFAULT_SEED, parse_file

from uba.simulate import simulate_organisation


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
def small_run(tmp_path_factory):
    """A small organisation in plain text, with both default injections."""
    out_dir = tmp_path_factory.mktemp("small_run")
    return simulate_organisation(out_dir, n_users=20, days=4, seed=11, compress=False)
