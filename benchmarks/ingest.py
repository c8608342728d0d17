"""Time ``uba.io.read_events`` on a generated stock-format Confluence access log.

The script writes a log of ``--lines`` lines in the Confluence 7.11+ default layout
(``%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i %{User-Agent}i``), then times
three stages, each in its own child process so that the peak resident set size
(``ru_maxrss``) belongs to that stage alone:

* ``wc -l`` on the file, as a floor for reading the bytes;
* ``read_events``;
* ``read_events`` followed by ``uba.build_profiles``, when that function exists.

Wall time depends on what else runs on the machine, so the CPU time (user plus
system, both threads) is printed too.

Run it by hand, for example::

    python benchmarks/ingest.py --lines 5000000

The generated log uses addresses from RFC 5737 and names under example.com.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

_SPACE_KEYS = [
    "ENG", "OPS", "HR", "FIN", "SALES", "MKT", "SEC", "LEGAL", "IT", "DOC",
    "QA", "ARCH", "PM", "SUP", "DATA", "ML", "WEB", "MOB", "INFRA", "~jdoe",
]
_TITLE_WORDS = [
    "Release", "Checklist", "Onboarding", "Guide", "Architecture", "Overview",
    "Runbook", "Incident", "Review", "Roadmap", "Q3", "Planning", "Salary",
    "Bands", "API", "Design", "Meeting", "Notes", "Retro", "Budget", "2025",
    "Team", "Handbook", "Policy", "Migration", "Plan", "Database", "Backup",
]
_USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/121.0.0.0 Safari/537.36 Edg/121.0.2277.83",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML,"
    " like Gecko) Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/122.0.6261.64 Mobile Safari/537.36",
    "python-requests/2.31.0",
    "python-requests/2.25.1",
    "curl/8.5.0",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "Confluence-Exporter/1.4 (+https://tools.example.com)",
    "-",
]


def _make_users(rng, n_users):
    first = ["anna", "ben", "chen", "dana", "eli", "fatima", "greg", "hana", "ivan",
             "julia", "kofi", "lena", "marc", "nina", "omar", "paula", "quinn", "raj"]
    last = ["smith", "okafor", "meyer", "tanaka", "silva", "novak", "haddad", "berg",
            "kowalski", "nguyen", "garcia", "rossi", "dubois", "ivanova"]
    users = []
    for i in range(n_users):
        name = f"{first[i % len(first)]}.{last[(i // len(first)) % len(last)]}{i}"
        users.append(name)
    users[:5] = ["svc-backup", "svc-export", "admin", "jira-link", "ci-bot"]
    weights = rng.pareto(1.2, n_users) + 0.05
    return users, weights / weights.sum()


def _make_pages(rng, n_pages):
    titles = []
    for _ in range(n_pages):
        n_words = rng.integers(1, 5)
        words = rng.choice(_TITLE_WORDS, n_words, replace=False)
        titles.append("+".join(words))
    ids = rng.integers(65536, 90_000_000, n_pages)
    keys = rng.choice(_SPACE_KEYS, n_pages)
    return titles, ids, keys


def _request(kind, page, rng_values, pages):
    titles, ids, keys = pages
    title, page_id, key = titles[page], int(ids[page]), keys[page]
    a, b = rng_values
    if kind == 0:
        return "GET", f"/display/{key}/{title}"
    if kind == 1:
        return "GET", f"/pages/viewpage.action?pageId={page_id}"
    if kind == 2:
        return "GET", f"/rest/api/content/{page_id}?expand=body.storage,version"
    if kind == 3:
        return "GET", f"/rest/api/content?spaceKey={key}&type=page&start={a * 25}&limit=25"
    if kind == 4:
        return "GET", (f"/download/attachments/{page_id}/report-{b % 3}.pdf?version=1"
                       f"&modificationDate=17{a:011d}&api=v2")
    if kind == 5:
        # A deployment serves a fixed set of web resources under a few build hashes.
        return "GET", (f"/s/{b % 4:08x}e4ed7ee22ffa8bcd9871aca1a-CDN/en_GB/9012/{a % 60:04x}"
                       "/_/download/batch/confluence.web.resources:ajs/"
                       "confluence.web.resources:ajs.js?locale=en-GB")
    if kind == 6:
        return "GET", f"/rest/quickreload/latest/{page_id}?since=17{a:011d}&_=17{b:011d}"
    if kind == 7:
        return "GET", f"/dosearchsite.action?cql=siteSearch+~+%22{_TITLE_WORDS[a % 28]}%22"
    if kind == 8:
        return "GET", f"/spaces/flyingpdf/pdfpageexport.action?pageId={page_id}"
    if kind == 9:
        return "GET", "/rest/mywork/latest/status/notification/count"
    if kind == 10:
        return "POST", "/rest/analytics/1.0/publish/bulk"
    return "GET", f"/images/icons/profilepics/default-{b % 7}.svg"


def generate_log(path, n_lines, seed=0, block=200_000):
    """Write ``n_lines`` stock-format access-log lines to ``path``.

    Parameters
    ----------
    path : path-like
        Output file; overwritten.
    n_lines : int
        Number of lines to write.
    seed : int, default=0
        Seed of the random generator, so that a run can be repeated.
    block : int, default=200_000
        Lines generated per step; bounds the memory the generator uses.
    """
    rng = np.random.default_rng(seed)
    users, user_weights = _make_users(rng, 3000)
    pages = _make_pages(rng, 40_000)
    user_ips = [f"{net}.{rng.integers(1, 255)}" for net in
                rng.choice(["203.0.113", "198.51.100", "192.0.2"], len(users))]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    start = np.datetime64("2025-03-20T00:00:00")
    kind_weights = np.array([20, 18, 8, 3, 4, 20, 10, 3, 1, 6, 4, 3], dtype=float)
    kind_weights /= kind_weights.sum()

    with open(path, "w", encoding="ascii", newline="\n") as out:
        for first in range(0, n_lines, block):
            size = min(block, n_lines - first)
            seconds = (np.arange(first, first + size) * 0.35).astype("int64")
            stamps = start + seconds.astype("timedelta64[s]")
            user_idx = rng.choice(len(users), size, p=user_weights)
            anonymous = rng.random(size) < 0.06
            kinds = rng.choice(len(kind_weights), size, p=kind_weights)
            page_idx = rng.zipf(1.3, size) % len(pages[0])
            values = rng.integers(0, 4000, (size, 2))
            statuses = rng.choice([200, 200, 200, 200, 304, 302, 404, 401, 500], size)
            durations = rng.lognormal(3.5, 1.2, size).astype("int64")
            sizes = rng.lognormal(8.5, 1.5, size).astype("int64")
            agent_idx = rng.choice(len(_USER_AGENTS), size)
            threads = rng.integers(1, 200, size)
            with_referer = rng.random(size) < 0.7
            lines = []
            for i in range(size):
                stamp = str(stamps[i])
                day, clock = stamp[8:10], stamp[11:19]
                month = months[int(stamp[5:7]) - 1]
                offset = "+0100" if stamp < "2025-03-30T01" else "+0200"
                user = "-" if anonymous[i] else users[user_idx[i]]
                method, uri = _request(kinds[i], page_idx[i], values[i], pages)
                status = statuses[i]
                size_text = "-" if status in (304, 302) else str(sizes[i])
                referer = "-"
                if with_referer[i]:
                    p = page_idx[i]
                    referer = f"https://wiki.example.com/display/{pages[2][p]}/{pages[0][p]}"
                lines.append(
                    f"[{day}/{month}/{stamp[:4]}:{clock} {offset}] {user} "
                    f"http-nio-8090-exec-{threads[i]} {user_ips[user_idx[i]]} "
                    f"{method} {uri} HTTP/1.1 {status} {durations[i]}ms {size_text} "
                    f"{referer} {_USER_AGENTS[agent_idx[i]]}\n"
                )
            out.write("".join(lines))


def _peak_rss_mb():
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(stage, log_path):
    """Run one stage in this process and return its timing as a dict."""
    if stage == "wc":
        started = time.perf_counter()
        subprocess.run(["wc", "-l", str(log_path)], check=True, capture_output=True)
        elapsed = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "seconds": elapsed,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024,
        }

    import uba.io

    started = time.perf_counter()
    cpu_started = time.process_time()
    events = uba.io.read_events(log_path)
    if stage == "profiles":
        import uba

        uba.build_profiles(events)
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "cpu_seconds": time.process_time() - cpu_started,
        "peak_rss_mb": _peak_rss_mb(),
        "events": len(events),
    }


def _run_child(stage, log_path):
    command = [sys.executable, __file__, "--measure", stage, "--out", str(log_path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _profiles_available():
    try:
        import uba
    except ImportError:
        return False
    return hasattr(uba, "build_profiles")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000,
                        help="number of log lines to generate (default: 1,000,000)")
    parser.add_argument("--out", type=Path, default=None,
                        help="log file to write; default: a file in a temporary folder")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--reuse", action="store_true",
                        help="time an existing --out file instead of writing it")
    parser.add_argument("--measure", choices=["wc", "read", "profiles"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(_measure(args.measure, args.out)))
        return 0

    with tempfile.TemporaryDirectory() as folder:
        log_path = args.out or Path(folder) / "conf_access_log.2025-03-20.log"
        if not args.reuse:
            started = time.perf_counter()
            generate_log(log_path, args.lines, seed=args.seed)
            print(f"generated {args.lines:,} lines in "
                  f"{time.perf_counter() - started:.1f} s: {log_path} "
                  f"({os.path.getsize(log_path) / 2**20:.0f} MiB)")

        stages = ["wc", "read"] + (["profiles"] if _profiles_available() else [])
        for stage in stages:
            result = _run_child(stage, log_path)
            rate = args.lines / result["seconds"]
            print(f"{stage:9s} {result['seconds']:7.2f} s  {rate:12,.0f} lines/s  "
                  f"CPU {result['cpu_seconds']:7.2f} s  "
                  f"peak RSS {result['peak_rss_mb']:7.0f} MiB")
        if "profiles" not in stages:
            print("profiles  skipped: uba.build_profiles is not available")
    return 0


if __name__ == "__main__":
    sys.exit(main())
