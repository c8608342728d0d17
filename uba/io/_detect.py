"""Pick the log layout of a file from its first lines."""

import re

from uba.io._filter_log import LOG4J_START

ACCESS_LOG_FILTER = "access_log_filter"


def _score(candidate, lines):
    """Return (lines matched, lines matched with one-token fields) for a layout."""
    if candidate == ACCESS_LOG_FILTER:
        start = re.compile(LOG4J_START)
        matched = sum(1 for line in lines if start.match(line))
        return matched, matched
    loose = re.compile(candidate.regex)
    strict = re.compile(candidate.strict_regex)
    matched = sum(1 for line in lines if loose.match(line))
    strict_matched = sum(1 for line in lines if strict.match(line))
    return matched, strict_matched


def detect_format(lines, candidates):
    """Return the index of the candidate layout that matches most of ``lines``.

    Parameters
    ----------
    lines : list of str
        The first non-empty lines of a file.
    candidates : list
        :class:`ValvePattern` objects, or ``"access_log_filter"`` for the log4j
        layout of ``atlassian-confluence.log``.

    Returns
    -------
    int or None
        Index of the best candidate, ties going to the earlier one, or ``None``
        when no line matches any candidate. A layout whose one-token fields match more
        lines wins over one that only matches by letting fields contain spaces,
        which separates the stock layout from the proxy layout.
    """
    best = None
    best_score = (0, 0)
    for index, candidate in enumerate(candidates):
        matched, strict_matched = _score(candidate, lines)
        if matched and (strict_matched, matched) > best_score:
            best, best_score = index, (strict_matched, matched)
    return best
