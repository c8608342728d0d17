"""Seeded simulator of an organisation's Confluence access logs, with labelled attacks.

:func:`simulate_organisation` writes one Tomcat access log per server-local day in
Confluence's stock layout (``%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i
%{User-Agent}i``), a ``labels.csv`` with one row per attacked user-day, a
``lookalikes.csv`` with one row per benign user-day that resembles an attack, and a
``users.csv``. The benign baseline covers departments with their own spaces, working
hours with a lunch dip, quiet weekends and a public holiday. People open sessions of
page views with their background requests, search, edit, download and export.
Administrators mostly use admin pages, and technical writers read hundreds of pages
a day. A remote team works while the server's clock shows night, a new joiner
starts, and a department moves into a new space. Service accounts run scripts every
day.

Injections are :class:`Scenario` subclasses kept in the :data:`SCENARIOS` registry.
Each one adds requests for one user on one day, or on several days, and returns its
:class:`Label` (a list of them over several days), or ``None`` for a benign
look-alike. A label names the user, the server-local date of the attacked user-day
and the scenario. ``labels.csv`` has one row per attacked user-day, and scenarios
that share a user-day are joined with ``+`` in its ``scenario`` column. No user-day
is both attacked and a look-alike. :func:`benchmark_scenarios` places one instance
of every built-in scenario in a test window, and :func:`simulate_benchmark` writes
the benchmark organisation. Every run is deterministic for its seed and ignores the
global random state.
"""

from uba.simulate._benchmark import benchmark_scenarios, simulate_benchmark
from uba.simulate._exfiltration_scenarios import (
    AttachmentHarvest,
    CredentialHunt,
    ExportBurst,
)
from uba.simulate._organisation import (
    Attachment,
    Organisation,
    Page,
    Reorganisation,
    Space,
    User,
)
from uba.simulate._reading_scenarios import (
    AdminContentRead,
    CompromisedAccount,
    OffHoursRead,
    SlowBrowserCrawl,
)
from uba.simulate._scenarios import (
    SCENARIOS,
    BulkBrowserRead,
    Label,
    RestCrawl,
    Scenario,
    ScenarioContext,
    default_scenarios,
    register_scenario,
)
from uba.simulate._simulate import SimulationResult, simulate_organisation
from uba.simulate._urls import tiny_link_code

__all__ = [
    "SCENARIOS",
    "AdminContentRead",
    "Attachment",
    "AttachmentHarvest",
    "BulkBrowserRead",
    "CompromisedAccount",
    "CredentialHunt",
    "ExportBurst",
    "Label",
    "OffHoursRead",
    "Organisation",
    "Page",
    "Reorganisation",
    "RestCrawl",
    "Scenario",
    "ScenarioContext",
    "SimulationResult",
    "SlowBrowserCrawl",
    "Space",
    "User",
    "benchmark_scenarios",
    "default_scenarios",
    "register_scenario",
    "simulate_benchmark",
    "simulate_organisation",
    "tiny_link_code",
]
