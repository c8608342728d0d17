"""Time build_context_features on generated events of a large organisation.

Run by hand with ``python benchmarks/context_features.py [--events N]``. The default is 5,000,000 events of 3,000 users in 30
departments over 30 days. The script prints the wall time of ``build_profiles``, of
``build_context_features`` with derived peer groups and with given ones, and the
peak resident set size of the process.
"""

import argparse
import resource
import time

import numpy as np
import pandas as pd

from uba.features import build_context_features, build_profiles

N_DEPARTMENTS = 30
SPACES_PER_DEPARTMENT = 5
SHARED_SPACES = 5
PAGES_PER_SPACE = 400
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"
SCRIPT = "python-requests/2.31.0"
ACTIONS = ["page_view", "background", "content_api", "search", "attachment_download"]
ACTION_WEIGHTS = [0.66, 0.25, 0.04, 0.03, 0.02]


def generate_events(n_events, n_users, n_days, seed=0):
    """Return events of a generated organisation, with the columns of read_events."""
    rng = np.random.default_rng(seed)
    activity = rng.pareto(2.0, n_users) + 1
    user = rng.choice(n_users, n_events, p=activity / activity.sum())
    department = user % N_DEPARTMENTS

    weekday_weight = np.where((np.arange(n_days) + 0) % 7 >= 5, 0.1, 1.0)
    day = rng.choice(n_days, n_events, p=weekday_weight / weekday_weight.sum())
    night_team = department == 0
    hour = np.clip(np.round(rng.normal(13, 2.5, n_events)), 0, 23).astype("int64")
    hour = np.where(night_team, (hour + 12) % 24, hour)
    second = rng.integers(0, 3600, n_events)
    start = pd.Timestamp("2026-03-02", tz="UTC").value // 1_000_000_000
    seconds = start + day * 86_400 + hour * 3_600 + second

    own_space = department * SPACES_PER_DEPARTMENT + rng.integers(
        0, SPACES_PER_DEPARTMENT, n_events
    )
    shared = N_DEPARTMENTS * SPACES_PER_DEPARTMENT + rng.integers(
        0, SHARED_SPACES, n_events
    )
    space = np.where(rng.random(n_events) < 0.85, own_space, shared)
    page = space * PAGES_PER_SPACE + rng.zipf(1.5, n_events) % PAGES_PER_SPACE

    action = rng.choice(len(ACTIONS), n_events, p=ACTION_WEIGHTS)
    admin = (user % 97 == 0) & (rng.random(n_events) < 0.3)
    action_names = np.array(ACTIONS + ["admin"])
    action = np.where(admin, len(ACTIONS), action)

    script_user = user % 50 == 0
    agent = np.where(script_user & (rng.random(n_events) < 0.5), 1, 0)
    address = user % 768

    n_spaces = N_DEPARTMENTS * SPACES_PER_DEPARTMENT + SHARED_SPACES
    space_names = pd.Index([f"S{i}" for i in range(n_spaces)], dtype="str")
    user_names = pd.Index([f"user{i:05d}" for i in range(n_users)], dtype="str")
    address_names = pd.Index(
        [
            f"{prefix}.{i}"
            for prefix in ("192.0.2", "198.51.100", "203.0.113")
            for i in range(256)
        ],
        dtype="str",
    )
    n_pages = n_spaces * PAGES_PER_SPACE
    path_names = pd.Index([f"/pages/{i}" for i in range(n_pages)], dtype="str")

    has_space = action == 0
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(seconds, unit="s", utc=True),
            "utc_offset": np.zeros(n_events, dtype="int16"),
            "user": pd.Categorical.from_codes(user, categories=user_names),
            "client_ip": pd.Categorical.from_codes(address, categories=address_names),
            "path": pd.Categorical.from_codes(page, categories=path_names),
            "status": np.full(n_events, 200, dtype="int16"),
            "user_agent": pd.Categorical.from_codes(
                agent, categories=[BROWSER, SCRIPT]
            ),
            "action": pd.Categorical.from_codes(action, categories=action_names),
            "space_key": pd.Categorical.from_codes(
                np.where(has_space, space, -1), categories=space_names
            ),
            "page_id": pd.array(np.where(action <= 2, page, 0), dtype="Int64"),
        }
    )


def timed(label, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def add_organisation_arguments(parser):
    """Add the size of the generated organisation to a command-line parser."""
    parser.add_argument(
        "--events", type=int, default=5_000_000, help="number of events"
    )
    parser.add_argument("--users", type=int, default=3_000, help="number of users")
    parser.add_argument("--days", type=int, default=30, help="number of days")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_organisation_arguments(parser)
    arguments = parser.parse_args()

    events = timed(
        "generate events",
        generate_events,
        arguments.events,
        arguments.users,
        arguments.days,
    )
    profiles = timed("build_profiles", build_profiles, events)
    context = timed(
        "build_context_features, derived groups",
        build_context_features,
        events,
        profiles,
    )
    groups = context.attrs["peer_groups"]
    print(f"derived {len(set(groups.values()))} groups for {len(groups)} users")

    departments = {
        name: f"D{int(name[4:]) % N_DEPARTMENTS}" for name in profiles["user"].unique()
    }
    timed(
        "build_context_features, given groups",
        build_context_features,
        events,
        profiles,
        peer_groups=departments,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(events):,} events, {len(profiles):,} user-days, peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
