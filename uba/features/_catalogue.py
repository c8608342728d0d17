"""Names, units and meanings of the user-day profile features."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    """One column of a user-day profile."""

    name: str
    unit: str
    description: str


FEATURES = (
    Feature(
        "requests",
        "requests",
        "Requests by the user that day, background requests left out.",
    ),
    Feature(
        "page_views",
        "views",
        "Successful reads of content: page views, blog views and REST content reads "
        "answered with 2xx or 304.",
    ),
    Feature(
        "distinct_pages",
        "pages",
        "Distinct pages read; a page is its content id, or its URL path when the URL "
        "carries no id.",
    ),
    Feature(
        "max_pages_per_hour",
        "views per hour",
        "Most page views in any 60-minute window of the local day.",
    ),
    Feature(
        "mean_pages_per_active_hour",
        "views per hour",
        "Page views divided by the number of local clock hours with at least one view.",
    ),
    Feature(
        "active_hours",
        "hours",
        "Local clock hours with at least one request (background left out).",
    ),
    Feature(
        "distinct_spaces",
        "spaces",
        "Distinct spaces of the page views whose URL names a space.",
    ),
    Feature(
        "space_entropy",
        "bits",
        "Shannon entropy of the page views over spaces; 0 when all views are in one space.",
    ),
    Feature(
        "off_hours_share",
        "fraction",
        "Share of page views before 07:00 or from 19:00 local time.",
    ),
    Feature(
        "night_share",
        "fraction",
        "Share of page views from 00:00 to before 05:00 local time.",
    ),
    Feature(
        "weekend",
        "flag",
        "1 when the local day is a Saturday or Sunday, else 0.",
    ),
    Feature(
        "rest_share",
        "fraction",
        "Share of page views that were REST API content reads.",
    ),
    Feature(
        "non_browser_share",
        "fraction",
        "Share of requests (background left out) whose user agent is not a web browser: "
        "HTTP libraries, command-line tools, crawlers, or no user agent.",
    ),
    Feature(
        "exports",
        "requests",
        "Page exports to PDF or Word answered with a status below 400.",
    ),
    Feature(
        "space_exports",
        "requests",
        "Space exports (XML, HTML or PDF) answered with a status below 400.",
    ),
    Feature(
        "attachment_downloads",
        "requests",
        "Attachment downloads answered with a status below 400.",
    ),
    Feature(
        "searches",
        "requests",
        "Searches in the user interface or through the REST API answered with a "
        "status below 400.",
    ),
    Feature(
        "credential_searches",
        "requests",
        "Searches and REST content searches answered with a status below 400 whose "
        "terms name credentials: password, credential, secret, token, API key, private "
        "key, SSH key, access key or keystore.",
    ),
    Feature(
        "credential_kinds",
        "kinds",
        "Distinct kinds of credential, of the nine above, that the day's credential "
        "searches name.",
    ),
    Feature(
        "error_share",
        "fraction",
        "Share of requests (background left out) answered with 401, 403 or 404.",
    ),
    Feature(
        "admin_requests",
        "requests",
        "Requests to administration pages, including administrator re-authentication, "
        "answered with a status below 400.",
    ),
)

FEATURE_NAMES = tuple(feature.name for feature in FEATURES)

FEATURES_BY_NAME = {feature.name: feature for feature in FEATURES}
