"""Seeded simulator of an organisation's Confluence access logs, with labelled attacks.

:func:`simulate_organisation` writes one Tomcat access log per server-local day in
Confluence's stock layout (``%t %{X-AUSERNAME}o %I %h %r %s %Dms %b %{Referer}i
%{User-Agent}i``), a ``labels.csv`` with one row per attacked user-day and a
``users.csv``. The benign baseline covers departments with their own spaces, working
hours, sessions of page views with their background requests, searches, edits,
downloads, exports, administrators, and service accounts that run scripts every day.

Injections are :class:`Scenario` subclasses kept in the :data:`SCENARIOS` registry.
Each one adds requests for one user on one day and returns a :class:`Label`, or
``None`` for a benign look-alike. A label names the user, the server-local date of the
attacked user-day and the scenario. ``labels.csv`` has one row per attacked user-day,
and scenarios that share a user-day are joined with ``+`` in its ``scenario`` column.
Every run is deterministic for its seed and ignores the global random state.
"""

from uba.simulate._organisation import Attachment, Organisation, Page, Space, User
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
    "Attachment",
    "BulkBrowserRead",
    "Label",
    "Organisation",
    "Page",
    "RestCrawl",
    "Scenario",
    "ScenarioContext",
    "SimulationResult",
    "Space",
    "User",
    "default_scenarios",
    "register_scenario",
    "simulate_organisation",
    "tiny_link_code",
]
