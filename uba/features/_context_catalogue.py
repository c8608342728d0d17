"""Names, units and meanings of the context features of a user-day."""

from uba.features._catalogue import Feature
from uba.features._history import BASELINE_FEATURES, SHARE_FEATURES, SHARE_SCALE_FLOOR


def _baseline_features():
    features = []
    for name in BASELINE_FEATURES:
        if name in SHARE_FEATURES:
            floor = f"{SHARE_SCALE_FLOOR:g}"
        else:
            floor = "max(1, sqrt(median))"
        features.append(
            Feature(
                f"{name}_z",
                "robust z-score",
                f"(x - median) / max(1.4826 * MAD, {floor}) of today's {name} against "
                f"the baseline's user-days in the window.",
            )
        )
        features.append(
            Feature(
                f"{name}_pct",
                "percentile",
                f"Percentile of today's {name} among the baseline's user-days in the "
                f"window, ties counted half.",
            )
        )
    return features


CONTEXT_FEATURES = (
    Feature(
        "history_days",
        "days",
        "Days in the window on which the user has a profile.",
    ),
    *_baseline_features(),
    Feature(
        "new_spaces",
        "spaces",
        "Spaces viewed today that the baseline did not view in the window.",
    ),
    Feature(
        "new_pages",
        "pages",
        "Pages viewed today that the baseline did not view in the window.",
    ),
    Feature(
        "new_space_share",
        "fraction",
        "Share of today's page views with a space that fall in new spaces.",
    ),
    Feature(
        "new_client_ip",
        "flag",
        "1 when a client address of today does not occur in the baseline's window.",
    ),
    Feature(
        "new_user_agent",
        "flag",
        "1 when a user agent of today does not occur in the baseline's window.",
    ),
    Feature(
        "peer_page_views_z",
        "robust z-score",
        "Robust z-score of page_views against the peers' user-days in the window.",
    ),
    Feature(
        "peer_distinct_spaces_z",
        "robust z-score",
        "Robust z-score of distinct_spaces against the peers' user-days in the window.",
    ),
    Feature(
        "foreign_space_share",
        "fraction",
        "Share of today's page views with a space in spaces that no other peer viewed "
        "in the window.",
    ),
    Feature(
        "hour_rarity",
        "bits",
        "Mean of -log2 p(hour of week) over today's active hours, from the smoothed "
        "time-of-week histogram of the baseline.",
    ),
    Feature(
        "rare_hour_share",
        "fraction",
        "Share of today's requests in hours of the week whose activity share in the "
        "baseline's window is below 5 %.",
    ),
    Feature(
        "privileged",
        "flag",
        "1 for a privileged user: listed, or with administration requests in the "
        "window.",
    ),
    Feature(
        "privileged_content_views",
        "views",
        "A privileged user's page views times 1 minus their usual share of page views "
        "among requests in the window; 0 for other users.",
    ),
)

CONTEXT_FEATURE_NAMES = tuple(feature.name for feature in CONTEXT_FEATURES)
