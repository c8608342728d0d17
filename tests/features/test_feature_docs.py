import re
from pathlib import Path

from uba.features import FEATURES

DOCS = Path(__file__).parents[2] / "docs" / "features.md"


def documented_rows():
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_every_feature_documented_in_order():
    rows = documented_rows()

    assert list(rows) == [feature.name for feature in FEATURES]


def test_documented_units_match_catalogue():
    rows = documented_rows()

    for feature in FEATURES:
        assert rows[feature.name] == feature.unit, feature.name
