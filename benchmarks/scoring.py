"""Time training and ranking with the default model on a large generated organisation.

Run by hand from the repository root with ``python benchmarks/scoring.py``. The
default is 5,000,000 events of 3,000 users over 30 days, generated as in
``benchmarks/context_features.py``. The script builds the features and trains the
default model on every day but the last. It then ranks the last day's users with their
reasons, all of them and then the top 20, and prints the wall time of each step and
the peak resident set size.
"""

import argparse
import resource

from context_features import add_organisation_arguments, generate_events, timed

import uba


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
    last_day = events["timestamp"].max().tz_localize(None).normalize()
    features = timed(
        "build_features", uba.build_features, events, peer_groups_before=last_day
    )

    training = features[features["date"] < last_day]
    model = timed("train_model", uba.train_model, training)
    ranking = timed("rank_users, one day", uba.rank_users, features, model)
    timed("rank_users, one day, top 20", uba.rank_users, features, model, top=20)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(events):,} events; trained on {len(training):,} user-days of "
        f"{training['user'].nunique():,} users; ranked {len(ranking):,} users; "
        f"peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
