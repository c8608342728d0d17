"""Reports of the lines ``read_events`` read, skipped and rejected, per file and in total."""

from collections import Counter
from dataclasses import dataclass, field

# Examples kept per file and rejection reason.
MAX_EXAMPLES = 5

# Characters of a line kept in an example or an error message.
MAX_EXAMPLE_CHARS = 300

REASON_TEXT = {
    "no_match": "does not match the log format",
    "invalid_timestamp": "invalid time",
    "invalid_status": "invalid HTTP status",
    "invalid_number": "invalid number (bytes or duration)",
    "invalid_utf8": "invalid UTF-8 and does not match the log format",
    "blank_line": "blank line",
    "not_access_line": "not an access-log line",
    "utf8_replaced": "invalid UTF-8 bytes replaced by U+FFFD",
    "dst_gap_shifted": "local time in a DST gap, moved forward",
    "dst_ambiguous_first": "local time in a repeated DST hour, read as the first",
    "gzip_truncated": (
        "gzip file ends early or is damaged, so the lines after the cut are lost"
    ),
    "gzip_cut_line": "line cut off where a gzip file ends early",
    "gzip_trailing_bytes": "bytes after the last gzip member, ignored",
}


def truncate(text, limit=MAX_EXAMPLE_CHARS):
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass
class FileReport:
    """Counts and examples of the lines read from one file.

    Attributes
    ----------
    path : str
        The file.
    format : str or None
        Layout used: ``stock``, ``proxy``, ``kb2015``, ``docker``,
        ``access_log_filter`` or ``pattern`` (a ``pattern=`` string); ``None``
        for a file without a complete line.
    pattern : str or None
        The valve pattern used for Tomcat lines.
    lines_read : int
        Lines in the file, blank ones included.
    events : int
        Lines that became events.
    skipped : dict of str to int
        Lines left out on purpose, by reason (``blank_line``, ``not_access_line``,
        and ``gzip_cut_line`` for the incomplete line where a gzip file ends early).
    rejected : dict of str to int
        Lines that could not be read, by reason (``no_match``,
        ``invalid_timestamp``, ``invalid_status``, ``invalid_number``,
        ``invalid_utf8``).
    examples : dict of str to list of dict
        Up to ``MAX_EXAMPLES`` rejected lines per reason, each with ``line``
        (1-based number), ``text`` (cut to ``MAX_EXAMPLE_CHARS`` characters) and
        ``detail``.
    notes : dict of str to int
        Events read with a fix-up (``utf8_replaced``, ``dst_gap_shifted``,
        ``dst_ambiguous_first``) and damage to gzip files: ``gzip_truncated``
        (1) for a gzip file that ends before its end-of-stream marker or has a
        damaged later member; and ``gzip_trailing_bytes``, the bytes after a gzip
        file's last member that start no new member.
    """

    path: str
    format: str | None = None
    pattern: str | None = None
    lines_read: int = 0
    events: int = 0
    skipped: dict = field(default_factory=dict)
    rejected: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def add_counts(self, target, counts):
        """Add ``counts`` (reason to number) to the dict named ``target``."""
        totals = getattr(self, target)
        for reason, count in counts.items():
            if count:
                totals[reason] = totals.get(reason, 0) + int(count)

    def add_example(self, reason, line, text, detail=""):
        """Keep a rejected line as an example unless ``MAX_EXAMPLES`` are kept."""
        kept = self.examples.setdefault(reason, [])
        if len(kept) < MAX_EXAMPLES:
            kept.append({"line": int(line), "text": truncate(text), "detail": detail})

    def to_dict(self):
        """Return the report as plain Python data."""
        return {
            "path": self.path,
            "format": self.format,
            "pattern": self.pattern,
            "lines_read": self.lines_read,
            "events": self.events,
            "skipped": dict(self.skipped),
            "rejected": dict(self.rejected),
            "examples": {k: [dict(e) for e in v] for k, v in self.examples.items()},
            "notes": dict(self.notes),
        }


@dataclass
class ReadReport:
    """Counts and examples of the lines read by one ``read_events`` call.

    Attributes
    ----------
    files : list of FileReport
        One entry per file read, in reading order.
    passed_over : list of str
        Files found in the given directories that were not read, because they
        do not look like access logs.
    timezone : str or None
        The ``timezone=`` argument.

    Examples
    --------
    >>> report = ReadReport(files=[FileReport("a.log", "stock", lines_read=3,
    ...                                       events=2, rejected={"no_match": 1})])
    >>> report.events, report.rejected
    (2, {'no_match': 1})
    """

    files: list = field(default_factory=list)
    passed_over: list = field(default_factory=list)
    timezone: str | None = None

    @property
    def lines_read(self):
        """Lines read in all files."""
        return sum(entry.lines_read for entry in self.files)

    @property
    def events(self):
        """Events in all files."""
        return sum(entry.events for entry in self.files)

    def _total(self, name):
        totals = Counter()
        for entry in self.files:
            totals.update(getattr(entry, name))
        return dict(totals)

    @property
    def skipped(self):
        """Skipped lines in all files, by reason."""
        return self._total("skipped")

    @property
    def rejected(self):
        """Rejected lines in all files, by reason."""
        return self._total("rejected")

    @property
    def notes(self):
        """Events read with a fix-up and damage to gzip files, in all files, by kind."""
        return self._total("notes")

    @property
    def n_rejected(self):
        """Number of rejected lines in all files."""
        return sum(self.rejected.values())

    def summary(self):
        """Return a readable multi-line summary."""
        lines = [
            f"read {self.lines_read:,} lines from {len(self.files)} file(s): "
            f"{self.events:,} events, {sum(self.skipped.values()):,} skipped, "
            f"{self.n_rejected:,} rejected"
        ]
        for entry in self.files:
            lines.extend(_file_summary(entry))
        if self.passed_over:
            lines.append(
                f"  passed over {len(self.passed_over)} file(s) or folder(s) "
                "that are not access logs: " + ", ".join(self.passed_over)
            )
        return "\n".join(lines)

    def to_dict(self):
        """Return the report as plain Python data, totals included."""
        return {
            "files": [entry.to_dict() for entry in self.files],
            "passed_over": list(self.passed_over),
            "timezone": self.timezone,
            "lines_read": self.lines_read,
            "events": self.events,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "notes": self.notes,
        }


def _describe_counts(counts):
    return ", ".join(
        f"{count:,} {REASON_TEXT.get(reason, reason)}"
        for reason, count in sorted(counts.items())
    )


def _file_summary(entry):
    layout = entry.format
    if layout is None:
        cut = entry.notes.get("gzip_truncated", 0)
        layout = "cut before its first line" if cut else "empty"
    lines = [
        f"  {entry.path} [{layout}]: {entry.lines_read:,} lines, "
        f"{entry.events:,} events"
    ]
    if entry.skipped:
        lines.append(f"    skipped: {_describe_counts(entry.skipped)}")
    if entry.rejected:
        lines.append(f"    rejected: {_describe_counts(entry.rejected)}")
    if entry.notes:
        lines.append(f"    notes: {_describe_counts(entry.notes)}")
    for reason, examples in sorted(entry.examples.items()):
        for example in examples:
            detail = f" ({example['detail']})" if example["detail"] else ""
            lines.append(
                f"    line {example['line']}: {reason}{detail}: {example['text']}"
            )
    return lines
