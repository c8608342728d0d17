"""Time classify_requests on generated request columns.

Run by hand with ``python benchmarks/classify_requests.py``. Each scenario runs three times and the best time is reported.
"""

import time

import numpy as np
import pandas as pd

from uba.urls import classify_requests

RNG = np.random.default_rng(0)
SPACES = [f"SP{i}" for i in range(60)]


def _strings(prefix, values):
    return np.char.add(prefix, np.asarray(values).astype(str)).astype(object)


def _distinct_paths():
    """About 19,000 distinct paths over the main route families."""
    groups = [
        _strings("/display/SP0/Page+Title+", np.arange(6000)),
        _strings("/spaces/SP1/pages/", 100_000 + np.arange(3000)),
        _strings("/rest/api/content/", 200_000 + np.arange(3000)),
        _strings("/download/attachments/", 300_000 + np.arange(2000)),
        _strings("/s/abc/8901/_/download/batch/res", np.arange(2000)),
        _strings("/rest/quickreload/latest/", 400_000 + np.arange(1500)),
        _strings("/confluence/display/SP2/T%C3%A4st+", np.arange(1000)),
        _strings("/x/AoCL", np.arange(500)),
        np.array(
            [
                "/pages/viewpage.action",
                "/rest/api/content/search",
                "/dosearchsite.action",
                "/index.action",
                "/login.action",
                "/images/icons/x.png",
            ],
            dtype=object,
        ),
    ]
    return np.concatenate(groups)


def mixed_requests(n_rows, query_share):
    """Rows drawn from the distinct paths; ``query_share`` of them are viewpage.action
    requests with one of 200,000 page ids."""
    paths = _distinct_paths()
    weights = 1.0 / np.arange(1, len(paths) + 1) ** 0.6
    codes = RNG.choice(len(paths), size=n_rows, p=weights / weights.sum())
    viewpage = RNG.random(n_rows) < query_share
    codes[viewpage] = np.flatnonzero(paths == "/pages/viewpage.action")[0]

    queries = np.full(n_rows, None, dtype=object)
    queries[viewpage] = _strings("pageId=", RNG.integers(1, 200_000, viewpage.sum()))
    categories = pd.Index(paths, dtype="str")
    path = pd.Series(pd.Categorical.from_codes(codes, categories=categories))
    methods = pd.Categorical.from_codes(
        RNG.choice(3, n_rows, p=[0.9, 0.08, 0.02]), categories=["GET", "POST", "PUT"]
    )
    return pd.Series(methods), path, pd.Series(queries, dtype="str")


def crawl_requests(n_rows, template):
    """One request per distinct path or query, as a crawl produces."""
    ids = RNG.permutation(n_rows) + 10_000_000
    method = pd.Series(pd.Categorical(["GET"] * n_rows))
    if template == "cql":
        path = pd.Series(["/rest/api/content/search"] * n_rows, dtype="category")
        return method, path, pd.Series(_strings("cql=id%3D", ids), dtype="str")
    path = pd.Series(_strings(template, ids), dtype="str").astype("category")
    return method, path, pd.Series([None] * n_rows, dtype="str")


def best_time(method, path, query):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        classify_requests(method, path, query)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    scenarios = {
        "(a) 5M rows, ~19k paths, 1% query rows": lambda: mixed_requests(
            5_000_000, 0.01
        ),
        "(a) 5M rows, ~19k paths, 30% query rows": lambda: mixed_requests(
            5_000_000, 0.3
        ),
        "(b) 1M distinct /rest/api/content/{id}": lambda: crawl_requests(
            1_000_000, "/rest/api/content/"
        ),
        "(c) 1M distinct %-encoded /display paths": lambda: crawl_requests(
            1_000_000, "/display/SP0/T%C3%A4st+"
        ),
        "(d) 1M distinct cql=id%3D{id} queries": lambda: crawl_requests(
            1_000_000, "cql"
        ),
    }
    for name, make in scenarios.items():
        method, path, query = make()
        seconds = best_time(method, path, query)
        print(f"{name}: {seconds:.2f} s, {len(path) / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
