"""Measure what an alert threshold on the risk costs the daily top 5.

The detection benchmark ranks every active user on each test day, so the places of
the daily top 5 that the attacks leave free always go to benign users. This script
measures whether a risk threshold can keep the benign look-alikes out of that list
without losing the attacks. It scores the same simulated organisations as
``detection.py`` with ``uba``'s default model, and lists a user-day only when it is
in its day's top 5 and its risk reaches the threshold.

It prints two Markdown tables and a sentence:

- the score and risk of the user-days in the daily top 5, by class (attack, benign
  look-alike, ordinary user);
- how many attacked user-days in a daily top 5 score below the highest look-alike
  there;
- for each threshold, the attacked user-days that stay listed, the slow crawl's
  days and attacks that stay listed, the administrator's days, the look-alike and
  ordinary user-days listed, and the mean number of users listed per day.

Run it by hand from the repository root, for example::

    python benchmarks/alert_threshold.py                 # seeds 0 to 4
    python benchmarks/alert_threshold.py --seeds 0 1 --jobs 2
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

import uba
from uba.cli import _positive_int
from uba.evaluation import model_scores
from uba.scoring._risk import risk_scores

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detection import add_organisation_arguments, simulate

THRESHOLDS = (0.0, 50.0, 90.0, 95.0, 97.0, 98.0, 99.0, 99.5)
TOP = 5
CRAWL = "slow_browser_crawl"
ADMIN = "admin_content_read"


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_organisation_arguments(parser)
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=1,
        help="seeds simulated and scored at once",
    )
    parser.add_argument("--markdown", type=Path, help="also write the tables to FILE")
    return parser.parse_args(argv)


def score_seed(seed, arguments):
    """Return the test user-days of one organisation with score, risk and class."""
    with tempfile.TemporaryDirectory() as folder:
        profiles, labels, lookalikes, test_start = simulate(seed, arguments, folder)

    train = profiles[profiles["date"] < test_start]
    test = profiles[profiles["date"] >= test_start].reset_index(drop=True)
    model = uba.train_model(train)
    scores = model_scores(model, test)

    days = scores.merge(test, on=["user", "date"], how="left", validate="one_to_one")
    risk, _ = risk_scores(
        days["score"].to_numpy(), model.metadata["score_quantiles"], days
    )
    days = days[["user", "date", "score"]].assign(risk=risk, seed=seed)

    # Ties in score are broken by user name, as ``uba.rank_users`` orders them.
    days = days.sort_values(["date", "score", "user"], ascending=[True, False, True])
    days["rank"] = days.groupby("date").cumcount() + 1

    attacks = labels.loc[labels["date"] >= test_start, ["user", "date", "scenario"]]
    kinds = lookalikes.loc[lookalikes["date"] >= test_start, ["user", "date", "kind"]]
    days = days.merge(attacks, on=["user", "date"], how="left")
    days = days.merge(kinds, on=["user", "date"], how="left")
    days["class"] = np.where(
        days["scenario"].notna(),
        "attack",
        np.where(days["kind"].notna(), "look-alike", "ordinary"),
    )
    return days


def top_table(days):
    """Return the score and risk of the daily top 5, by class."""
    top = days[days["rank"] <= TOP]
    rows = []
    for name, group in top.groupby("class"):
        rows.append(
            {
                "class": name,
                "user-days": len(group),
                "score median": group["score"].median(),
                "score max": group["score"].max(),
                "score min": group["score"].min(),
                "risk median": group["risk"].median(),
                "risk min": group["risk"].min(),
            }
        )
    return pd.DataFrame(rows)


def overlap_sentence(days):
    """Return how many listed attacks score below the highest listed look-alike."""
    top = days[days["rank"] <= TOP]
    lookalikes = top.loc[top["class"] == "look-alike", "score"]
    attacks = top.loc[top["class"] == "attack", "score"]
    if lookalikes.empty:
        return "No look-alike is in a daily top 5."
    highest = lookalikes.max()
    below = int((attacks < highest).sum())
    return (
        f"{below} of the {len(attacks)} attacked user-days in a daily top 5 score "
        f"below the highest look-alike there ({highest:.2f})."
    )


def threshold_table(days):
    """Return, for each risk threshold, what the listed top 5 keeps."""
    attacks = days[days["class"] == "attack"]
    crawl = attacks[attacks["scenario"] == CRAWL]
    admin = attacks[attacks["scenario"] == ADMIN]
    n_crawls = crawl[["seed", "user"]].drop_duplicates().shape[0]
    n_days = days[["seed", "date"]].drop_duplicates().shape[0]

    rows = []
    for threshold in THRESHOLDS:
        listed = days[(days["rank"] <= TOP) & (days["risk"] >= threshold)]
        listed_attacks = listed[listed["class"] == "attack"]
        listed_crawl = listed_attacks[listed_attacks["scenario"] == CRAWL]
        found_crawls = listed_crawl[["seed", "user"]].drop_duplicates().shape[0]
        rows.append(
            {
                "risk at least": threshold,
                "attacked user-days listed": f"{len(listed_attacks)} of {len(attacks)}",
                "slow crawl days": f"{len(listed_crawl)} of {len(crawl)}",
                "slow crawls listed on a day": f"{found_crawls} of {n_crawls}",
                "admin days": (
                    f"{(listed_attacks['scenario'] == ADMIN).sum()} of {len(admin)}"
                ),
                "look-alike user-days": int((listed["class"] == "look-alike").sum()),
                "ordinary user-days": int((listed["class"] == "ordinary").sum()),
                "listed per day": len(listed) / n_days,
            }
        )
    return pd.DataFrame(rows)


def to_markdown(table):
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    lines = [header, rule]
    for row in table.itertuples(index=False):
        cells = [
            f"{value:.2f}" if isinstance(value, float) else str(value) for value in row
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    arguments = parse_arguments(argv)
    started = time.perf_counter()

    tables = joblib.Parallel(n_jobs=arguments.jobs)(
        joblib.delayed(score_seed)(seed, arguments) for seed in arguments.seeds
    )
    days = pd.concat(tables, ignore_index=True)

    seeds = " ".join(str(seed) for seed in arguments.seeds)
    text = "\n\n".join(
        [
            f"Seeds {seeds}; {arguments.users} users, the last {arguments.test_days} "
            f"of {arguments.days} days scored.",
            "### The daily top 5 by class",
            to_markdown(top_table(days)),
            overlap_sentence(days),
            "### The daily top 5 listed only from a risk threshold",
            to_markdown(threshold_table(days)),
        ]
    )
    print(text)
    print(f"Finished in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if arguments.markdown is not None:
        arguments.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
