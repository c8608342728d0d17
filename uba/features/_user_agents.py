"""Tell browsers from scripts by their ``User-Agent`` header."""

import re

import numpy as np
import pandas as pd

# Clients that announce themselves as HTTP libraries, command-line tools, crawlers or
# headless browsers. Several of them also write "Mozilla/5.0" into the header, so they
# are matched before the browser rule.
_NON_BROWSER = re.compile(
    r"python-requests|python-urllib|python-httpx|aiohttp|httpx|urllib|"
    r"curl/|wget/|libwww-perl|lwp-|"
    r"java/|apache-httpclient|okhttp|jersey|"
    r"go-http-client|node-fetch|axios/|got \(|undici|"
    r"powershell|windowspowershell|"
    r"scrapy|bot\b|crawler|spider|headlesschrome|phantomjs|"
    r"confluence-python|atlassian-python-api|postman|insomnia|httpie",
    re.IGNORECASE,
)
_BROWSER = re.compile(r"^Mozilla/\d")


def is_browser_user_agent(user_agent: str | None) -> bool:
    """Return whether a ``User-Agent`` value belongs to an interactive web browser.

    A missing value (``None`` or ``"-"``) counts as no browser, because browsers send the
    header with every request.
    """
    if pd.isna(user_agent) or user_agent == "-":
        return False
    if _NON_BROWSER.search(user_agent):
        return False
    return bool(_BROWSER.match(user_agent))


def browser_mask(user_agents: pd.Series) -> np.ndarray:
    """Return a boolean array, True where the request came from a web browser.

    The rule runs once per distinct user agent, so the cost grows with the number of
    distinct values, not with the number of requests.
    """
    codes, uniques = pd.factorize(user_agents, use_na_sentinel=True)
    is_browser = np.fromiter(
        (is_browser_user_agent(value) for value in uniques),
        dtype=bool,
        count=len(uniques),
    )

    # The sentinel -1 marks a missing user agent, which is never a browser.
    lookup = np.append(is_browser, False)
    return lookup[codes]
