import re
from pathlib import Path

from uba.features import CONTEXT_FEATURES, FEATURES

DOCS = Path(__file__).parents[2] / "docs" / "features.md"


def documented_rows(heading="## Features"):
    """Return name -> unit of the table rows in the section under ``heading``."""
    rows = {}
    in_section = False
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line == heading
            continue
        match = re.match(r"\| `(\w+)` \| ([^|]+) \|", line)
        if in_section and match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_every_feature_documented_in_order():
    rows = documented_rows()

    assert list(rows) == [feature.name for feature in FEATURES]


def test_documented_units_match_catalogue():
    rows = documented_rows()

    for feature in FEATURES:
        assert rows[feature.name] == feature.unit, feature.name


def test_every_context_feature_documented_in_order():
    rows = documented_rows("## Context features")

    assert list(rows) == [feature.name for feature in CONTEXT_FEATURES]


def test_documented_context_units_match_catalogue():
    rows = documented_rows("## Context features")

    for feature in CONTEXT_FEATURES:
        assert rows[feature.name] == feature.unit, feature.name
