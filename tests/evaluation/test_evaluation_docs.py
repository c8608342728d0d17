import doctest
import importlib
import inspect
import re

import pytest

import uba.evaluation

MODULES = [
    "uba.evaluation._baselines",
    "uba.evaluation._lookalikes",
    "uba.evaluation._pooled",
    "uba.evaluation._recall",
    "uba.evaluation._report",
]

PUBLIC_FUNCTIONS = [
    getattr(uba.evaluation, name)
    for name in uba.evaluation.__all__
    if inspect.isfunction(getattr(uba.evaluation, name))
]

METRICS = [
    "recall_at_k",
    "cumulative_recall",
    "average_precision",
    "roc_auc",
    "attack_ranks",
    "days_to_detection",
    "lookalikes_in_top",
    "evaluate",
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)

    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)

    assert failures == 0


@pytest.mark.parametrize("function", PUBLIC_FUNCTIONS, ids=lambda f: f.__name__)
def test_docstring_lists_parameters(function):
    doc = inspect.getdoc(function)
    documented = set(re.findall(r"^(\w+)(?:, \w+)* :", doc, flags=re.MULTILINE))
    documented |= {
        name.strip()
        for line in re.findall(r"^([\w, ]+) :", doc, flags=re.MULTILINE)
        for name in line.split(",")
    }

    for parameter in inspect.signature(function).parameters:
        assert parameter in documented, f"{function.__name__} lacks {parameter}"
    assert "\nReturns\n-------\n" in doc


@pytest.mark.parametrize("name", METRICS)
def test_metric_docstring_states_tie_rule(name):
    doc = inspect.getdoc(getattr(uba.evaluation, name))

    assert "random" in doc
