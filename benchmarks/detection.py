"""Compare uba's default model with baseline rankings on simulated organisations.

For each seed the script simulates an organisation with every labelled mining scenario
and the benign look-alikes, reads its logs with ``uba.read_events``, builds user-day
profiles, trains on the attack-free weeks and scores the test week. Every method ranks
the same test user-days, and ``uba.evaluation.evaluate`` measures how well each daily
ranking puts the attacks on top. The script prints one table per scenario and one
overall, each metric averaged over the seeds, and with ``--markdown FILE`` writes the
same tables as Markdown.

Run it by hand from the repository root, for example::

    python benchmarks/detection.py               # 5 seeds, about 80 seconds on 2 cores
    python benchmarks/detection.py --quick       # 1 small seed, about 10 seconds
    python benchmarks/detection.py --candidates  # also every candidate, about 2 minutes
"""

import argparse
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import uba
from uba.detectors import (
    ECDFDetector,
    IsolationForestDetector,
    KNNDetector,
    PCADetector,
    RankEnsembleDetector,
    SelfBaselineDetector,
)
from uba.evaluation import BASELINES, evaluate, model_scores
from uba.features import derive_peer_groups
from uba.scoring._risk import risk_scores
from uba.simulate import simulate_benchmark

# Metrics printed per method, in this order, with the column titles used in the tables.
OVERALL_METRICS = {
    "recall_at_1": "R@1",
    "recall_at_5": "R@5",
    "recall_at_10": "R@10",
    "recall_at_1pct": "R@1%",
    "cumulative_recall_normalized": "CR",
    "average_precision": "AP",
    "roc_auc": "AUC",
    "mean_days_to_detection": "days",
    "lookalikes_in_top_5": "LA@5",
    "lookalikes_in_top_10": "LA@10",
}
SCENARIO_METRICS = {
    "recall_at_1": "R@1",
    "recall_at_5": "R@5",
    "recall_at_10": "R@10",
    "average_precision": "AP",
    "roc_auc": "AUC",
    "mean_rank": "mean rank",
}


def add_organisation_arguments(parser):
    """Add the options that choose the simulated organisations to ``parser``."""
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="simulation seeds"
    )
    parser.add_argument("--users", type=int, default=150, help="users per organisation")
    parser.add_argument(
        "--days", type=int, default=26, help="simulated days, starting 2026-03-02"
    )
    parser.add_argument(
        "--test-days", type=int, default=5, help="last days scored and attacked"
    )


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_organisation_arguments(parser)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one seed, 60 users, 19 days: a smoke run in under a minute",
    )
    parser.add_argument("--markdown", type=Path, help="also write the tables to FILE")
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="also compare the other detectors and feature sets uba offers",
    )
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.seeds = arguments.seeds[:1]
        arguments.users = 60
        arguments.days = 19
    return arguments


def simulate(seed, arguments, folder):
    """Write one organisation's logs and return (profiles, labels, look-alikes, test start)."""
    result = simulate_benchmark(
        folder,
        n_users=arguments.users,
        days=arguments.days,
        test_days=arguments.test_days,
        seed=seed,
    )
    events = uba.read_events(folder)
    local_time = events["timestamp"].dt.tz_localize(None) + pd.to_timedelta(
        events["utc_offset"], unit="min"
    )
    test_start = local_time.max().normalize() - pd.Timedelta(
        days=arguments.test_days - 1
    )

    # Peer groups come from the training days, as the command line derives them, so
    # the attacks of the test week cannot move their users into other groups.
    peer_groups = derive_peer_groups(events[(local_time < test_start).to_numpy()])
    profiles = uba.build_features(events, peer_groups=peer_groups)

    labels = _as_dates(result.labels)
    lookalikes = _as_dates(result.lookalikes)
    return profiles, labels, lookalikes, test_start


def _as_dates(table):
    table = table.copy()
    table["date"] = pd.to_datetime(table["date"])
    return table


def candidate_models():
    """Return {name: (detector, feature names)} of the uba models to compare."""
    return {
        "uba_default": (None, None),
        "uba_isolation_forest_profile_only": (
            IsolationForestDetector(),
            uba.FEATURE_NAMES,
        ),
        "uba_isolation_forest": (IsolationForestDetector(), None),
        "uba_knn": (KNNDetector(), None),
        "uba_knn_profile_only": (KNNDetector(), uba.FEATURE_NAMES),
        "uba_pca": (PCADetector(), None),
        "uba_ecdf": (ECDFDetector(), None),
        "uba_rank_ensemble": (RankEnsembleDetector(), None),
        "uba_self_knn_w0.3": (SelfBaselineDetector(self_weight=0.3), None),
        "uba_self_knn_w0.7": (SelfBaselineDetector(self_weight=0.7), None),
        "uba_self_only": (SelfBaselineDetector(self_weight=1.0), None),
        "uba_self_pca": (SelfBaselineDetector(PCADetector()), None),
        "uba_self_rank_ensemble": (SelfBaselineDetector(RankEnsembleDetector()), None),
    }


def score_methods(profiles, test_start, models):
    """Return {method name: score table of the test days}."""
    train = profiles[profiles["date"] < test_start]
    test = profiles[profiles["date"] >= test_start]

    tables = {name: baseline(train, test) for name, baseline in BASELINES.items()}
    for name, (detector, feature_names) in models.items():
        model = uba.train_model(train, detector=detector, feature_names=feature_names)
        tables[name] = model_scores(model, test)
        if name == "uba_default":
            tables["uba_default_risk"] = risk_table(model, test, tables[name])
    return tables


def risk_table(model, test, scores):
    """Return the score table that ranks by the 0-100 risk, ties broken by score."""
    risk, _ = risk_scores(
        scores["score"].to_numpy(), model.metadata["score_quantiles"], test
    )
    # Risk saturates at 0 and 100, so the model score orders the rows inside a tie.
    return scores.assign(score=risk * 1e6 + scores["score"].to_numpy())


def evaluate_seed(seed, arguments):
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        profiles, labels, lookalikes, test_start = simulate(seed, arguments, folder)
        simulated = time.perf_counter() - started

    test_labels = labels[labels["date"] >= test_start]
    test_lookalikes = lookalikes[lookalikes["date"] >= test_start]

    overall, by_scenario, lookalike_tables = [], [], []
    models = (
        candidate_models() if arguments.candidates else {"uba_default": (None, None)}
    )
    for method, scores in score_methods(profiles, test_start, models).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", uba.evaluation.UndefinedMetricWarning)
            result = evaluate(scores, test_labels, test_lookalikes)
        overall.append(result.overall.assign(method=method, seed=seed))
        ranks = result.attack_ranks.groupby("scenario")["rank"].mean()
        scenario_table = result.by_scenario.assign(method=method, seed=seed)
        scenario_table["mean_rank"] = scenario_table["scenario"].map(ranks)
        by_scenario.append(scenario_table)
        lookalike_tables.append(result.lookalikes.assign(method=method, seed=seed))

    print(
        f"seed {seed}: {len(profiles):,} user-days, {len(test_labels)} attacked "
        f"user-days in the test week; simulated and read in {simulated:.0f} s",
        file=sys.stderr,
    )
    return pd.concat(overall), pd.concat(by_scenario), pd.concat(lookalike_tables)


def mean_table(results, index, metrics):
    columns = [name for name in metrics if name in results.columns]
    table = results.groupby(index)[columns].mean()
    return table.rename(columns=metrics)


def to_markdown(table):
    """Return a DataFrame as a Markdown table with three decimals."""
    header = [table.index.name or "", *table.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, row in table.iterrows():
        cells = [f"{value:.3f}" if pd.notna(value) else "-" for value in row]
        lines.append("| " + " | ".join([str(name), *cells]) + " |")
    return "\n".join(lines)


def per_kind_means(lookalikes, column):
    """Return the mean over seeds of ``column`` per method and look-alike kind.

    A kind that a seed's organisation lacks, such as a writer in the reorganised
    department, counts as 0 for that seed, so the kinds add up to ``all``.
    """
    per_seed = lookalikes.pivot_table(
        index=["method", "seed"],
        columns="kind",
        values=column,
        aggfunc="sum",
        fill_value=0.0,
    )
    return per_seed.groupby(level="method").mean()


def format_tables(overall, by_scenario, lookalikes, arguments):
    lines = []
    seeds = ", ".join(str(seed) for seed in arguments.seeds)
    over = f"seeds {seeds}" if len(arguments.seeds) > 1 else f"seed {seeds}"
    lines.append(
        f"Mean over {over}; {arguments.users} users, {arguments.days} days, "
        f"the last {arguments.test_days} scored."
    )
    lines.append("")
    lines.append("## Overall")
    lines.append("")
    table = mean_table(overall, "method", OVERALL_METRICS)
    lines.append(to_markdown(table.sort_values("AP", ascending=False)))

    lines.append("")
    lines.append("## Benign look-alikes in the daily top 5, summed over the test days")
    lines.append("")
    table = per_kind_means(lookalikes, "in_top_5")
    lines.append(to_markdown(table.sort_values("all")))

    lines.append("")
    lines.append(
        "## Benign look-alikes a random order would put in the daily top 5, over the "
        "places the attacks leave free"
    )
    lines.append("")
    table = per_kind_means(lookalikes, "by_chance_in_top_5")
    lines.append(to_markdown(table.sort_values("all")))

    for scenario, rows in by_scenario.groupby("scenario"):
        lines.append("")
        lines.append(f"## {scenario}")
        lines.append("")
        table = mean_table(rows, "method", SCENARIO_METRICS)
        lines.append(to_markdown(table.sort_values("AP", ascending=False)))
    return "\n".join(lines) + "\n"


def main(argv=None):
    arguments = parse_arguments(argv)
    started = time.perf_counter()

    overall, by_scenario, lookalikes = [], [], []
    for seed in arguments.seeds:
        seed_overall, seed_scenarios, seed_lookalikes = evaluate_seed(seed, arguments)
        overall.append(seed_overall)
        by_scenario.append(seed_scenarios)
        lookalikes.append(seed_lookalikes)

    text = format_tables(
        pd.concat(overall), pd.concat(by_scenario), pd.concat(lookalikes), arguments
    )
    print(text)
    print(
        f"Finished in {time.perf_counter() - started:.0f} s on {platform.node()} "
        f"(Python {platform.python_version()}, uba {uba.__version__})",
        file=sys.stderr,
    )
    if arguments.markdown is not None:
        arguments.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
