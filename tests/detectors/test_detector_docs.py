import inspect
import re

import numpy as np
import pytest

from uba.detectors import (
    ECDFDetector,
    KNNDetector,
    PCADetector,
    ProfileScaler,
    PyODDetector,
    RankEnsembleDetector,
)

CLASSES = [
    ProfileScaler,
    KNNDetector,
    PCADetector,
    ECDFDetector,
    PyODDetector,
    RankEnsembleDetector,
]


def documented_names(doc, section):
    """Return the names listed as ``name : type`` in one numpydoc section."""
    pattern = rf"^{section}\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)"
    match = re.search(pattern, doc, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no {section} section"
    return set(re.findall(r"^(\w+) :", match.group(1), flags=re.MULTILINE))


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_docstring_lists_parameters(cls):
    doc = inspect.getdoc(cls)

    parameters = set(inspect.signature(cls).parameters)

    assert documented_names(doc, "Parameters") == parameters


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_docstring_lists_fitted_attributes(cls):
    X = np.random.default_rng(0).poisson(20, size=(40, 3)).astype(float)
    estimator = cls().fit(X)

    fitted = {name for name in vars(estimator) if name.endswith("_")}
    fitted.add("feature_names_in_")

    assert documented_names(inspect.getdoc(cls), "Attributes") == fitted


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_docstring_has_notes_and_example(cls):
    doc = inspect.getdoc(cls)

    assert "\nNotes\n-----\n" in doc
    assert "\nExamples\n--------\n>>> " in doc


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_public_methods_document_parameters(cls):
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or method.__module__.startswith("sklearn"):
            continue
        doc = inspect.getdoc(method)
        parameters = set(inspect.signature(method).parameters) - {"self"}
        if parameters:
            assert documented_names(doc, "Parameters") == parameters, name
        assert "\nReturns\n-------\n" in doc, name
