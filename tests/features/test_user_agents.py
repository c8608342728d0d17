import pandas as pd
import pytest

from uba.features import browser_mask, is_browser_user_agent


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.3 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    ],
)
def test_browsers_recognised(user_agent):
    assert is_browser_user_agent(user_agent)


@pytest.mark.parametrize(
    "user_agent",
    [
        "python-requests/2.31.0",
        "curl/8.5.0",
        "Wget/1.21.4",
        "Java/17.0.9",
        "Apache-HttpClient/4.5.14 (Java/17.0.9)",
        "Go-http-client/1.1",
        "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/122.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "atlassian-python-api/3.41",
        "-",
        None,
    ],
)
def test_scripts_and_missing_not_browsers(user_agent):
    assert not is_browser_user_agent(user_agent)


def test_browser_mask_handles_categories_and_missing():
    agents = pd.Series(
        ["curl/8.5.0", None, "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0"],
        dtype="category",
    )

    mask = browser_mask(agents)

    assert mask.tolist() == [False, False, True, False]
