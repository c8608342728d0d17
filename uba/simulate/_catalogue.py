"""Fixed tables of the simulated organisation: departments, spaces, names and words.

Everything here is invented for the simulator. Host names use ``example.com`` and client
addresses come from the documentation ranges of RFC 5737 (IPv4) and RFC 3849 (IPv6).
"""

from dataclasses import dataclass

BASE_URL = "https://wiki.example.com"

# Confluence's stock server.xml runs the HTTP connector on port 8090 with 48 threads,
# which gives thread names such as "http-nio-8090-exec-17".
THREAD_PREFIX = "http-nio-8090-exec-"
MAX_THREADS = 48


@dataclass(frozen=True)
class DepartmentSpec:
    """A department: its share of the staff, its spaces, roles and reading topics."""

    name: str
    share: float
    spaces: tuple[tuple[str, str], ...]
    roles: tuple[tuple[str, float], ...]
    topics: tuple[str, ...]
    remote_timezones: tuple[tuple[str, float], ...] = ()


DEPARTMENTS = (
    DepartmentSpec(
        "Engineering",
        0.32,
        (
            ("ENG", "Engineering"),
            ("DEVOPS", "Platform and Operations"),
            ("ARCH", "Architecture"),
        ),
        (
            ("software engineer", 0.70),
            ("QA engineer", 0.12),
            ("engineering manager", 0.10),
            ("product manager", 0.08),
        ),
        (
            "Release",
            "Deployment",
            "API",
            "Service",
            "Database",
            "Build Pipeline",
            "Code Review",
            "Incident",
            "Kubernetes",
            "Monitoring",
            "Feature Flag",
            "Authentication",
            "Billing Service",
            "Search Index",
            "Mobile App",
            "Integration Tests",
            "Data Model",
            "Caching",
            "Message Queue",
            "Sprint",
            "Secrets Management",
            "API Token",
            "SSH Access",
        ),
        (("America/Chicago", 0.10), ("America/Los_Angeles", 0.08)),
    ),
    DepartmentSpec(
        "Sales",
        0.14,
        (("SALES", "Sales"), ("ACCT", "Key Accounts")),
        (
            ("account executive", 0.60),
            ("sales engineer", 0.25),
            ("sales manager", 0.15),
        ),
        (
            "Pipeline",
            "Pricing",
            "Territory",
            "Quota",
            "Renewal",
            "Discount Approval",
            "Proposal",
            "Competitor",
            "Partner Program",
            "Deal Desk",
            "Forecast",
            "Customer Reference",
        ),
        (("Europe/London", 0.25), ("America/Chicago", 0.10)),
    ),
    DepartmentSpec(
        "HR",
        0.06,
        (("HR", "People Team"),),
        (("HR partner", 0.50), ("recruiter", 0.35), ("HR manager", 0.15)),
        (
            "Hiring",
            "Onboarding",
            "Benefits",
            "Leave",
            "Performance Review",
            "Compensation",
            "Interview",
            "Relocation",
            "Training",
            "Offboarding",
        ),
    ),
    DepartmentSpec(
        "Finance",
        0.07,
        (("FIN", "Finance"), ("PROC", "Procurement")),
        (("accountant", 0.45), ("financial analyst", 0.40), ("finance manager", 0.15)),
        (
            "Budget",
            "Invoice",
            "Expense",
            "Audit",
            "Month-End Close",
            "Payroll",
            "Vendor",
            "Purchase Order",
            "Tax",
            "Revenue Recognition",
        ),
    ),
    DepartmentSpec(
        "Legal",
        0.04,
        (("LEGAL", "Legal"), ("CONTRACT", "Contracts")),
        (("counsel", 0.60), ("paralegal", 0.40)),
        (
            "Contract",
            "NDA",
            "Privacy",
            "Compliance",
            "Trademark",
            "Litigation Hold",
            "Data Processing Agreement",
            "Policy",
            "Export Control",
            "Licensing",
        ),
    ),
    DepartmentSpec(
        "Marketing",
        0.10,
        (("MKT", "Marketing"), ("BRAND", "Brand and Web")),
        (
            ("marketing specialist", 0.55),
            ("content writer", 0.25),
            ("marketing manager", 0.20),
        ),
        (
            "Campaign",
            "Webinar",
            "Brand Guidelines",
            "Press Release",
            "Website",
            "Newsletter",
            "Event",
            "Social Media",
            "Product Launch",
            "SEO",
        ),
    ),
    DepartmentSpec(
        "Support",
        0.17,
        (("SUP", "Customer Support"), ("KB", "Support Knowledge Base")),
        (("support engineer", 0.75), ("support lead", 0.25)),
        (
            "Troubleshooting",
            "Escalation",
            "Known Issue",
            "Customer Ticket",
            "Upgrade",
            "Installation",
            "Error Message",
            "Workaround",
            "SLA",
            "Support Rota",
        ),
        (("Europe/London", 0.20),),
    ),
    DepartmentSpec(
        "IT",
        0.10,
        (("IT", "IT Operations"), ("SEC", "Security")),
        (("IT engineer", 0.70), ("security analyst", 0.30)),
        (
            "Laptop",
            "VPN",
            "Network",
            "Backup",
            "Patch",
            "Firewall",
            "Access Request",
            "Identity",
            "Asset",
            "Vulnerability Scan",
            "Password Vault",
            "Service Account Credentials",
            "Certificate",
        ),
    ),
)

# Spaces that every department reads.
COMPANY_SPACES = (
    (
        "COMPANY",
        "Company Home",
        (
            "Holiday Calendar",
            "Office",
            "Travel Policy",
            "Company Goals",
            "All-Hands",
            "Org Chart",
            "Expense Policy",
            "Code of Conduct",
            "Benefits Overview",
        ),
    ),
    (
        "ITHELP",
        "IT Help",
        (
            "VPN",
            "Password Reset",
            "Laptop",
            "Printer",
            "Wi-Fi",
            "Email",
            "Software Request",
            "Multi-Factor Authentication",
            "Video Conferencing",
        ),
    ),
    (
        "ONBOARD",
        "Onboarding",
        (
            "First Week",
            "Accounts",
            "Tools",
            "Security Training",
            "Team Contacts",
            "Buddy Programme",
        ),
    ),
)

# The department that moves into a new space on the reorganisation day, and the space.
REORGANISED_DEPARTMENT = "Support"
REORGANISATION_SPACE = (
    "CS",
    "Customer Success",
    (
        "Customer Health",
        "Onboarding Playbook",
        "Account Review",
        "Renewal Risk",
        "Customer Journey",
        "Escalation",
        "Success Plan",
        "Adoption",
    ),
)

# The remote team: engineers in a time zone whose working day is night on a server in
# the Americas. India Standard Time is UTC+05:30 all year, with no DST.
REMOTE_TEAM_DEPARTMENT = "Engineering"
REMOTE_TEAM_TIMEZONE = "Asia/Kolkata"

# Words that a person hunting for credentials types into the search box.
CREDENTIAL_TERMS = (
    "password",
    "credentials",
    "secret",
    "token",
    "vpn",
    "ssh key",
    "api key",
    "admin password",
    "service account",
    "private key",
)

# Kinds of page, paired with how they are written into a title.
DOC_TYPES = (
    "Overview",
    "How-to",
    "Runbook",
    "Checklist",
    "Guide",
    "FAQ",
    "Policy",
    "Process",
    "Requirements",
    "Design",
    "Template",
    "Retrospective",
    "Plan",
    "Report",
    "Troubleshooting",
    "Decision Log",
    "Roadmap",
    "Best Practices",
    "Glossary",
    "Onboarding Notes",
)

# Titles with these shapes contain ":" or "&", so Confluence links them by page id only.
UNSAFE_TITLE_FORMATS = (
    "Meeting notes: {topic} {date}",
    "Q&A: {topic}",
    "How-to: {topic} {doc}",
    "{topic} & {doc}",
)

BLOG_TITLE_FORMATS = (
    "{topic} update for {month}",
    "Welcome to our new {topic} team members",
    "{topic} changes this quarter",
    "Recap of the {topic} review",
    "What is new in {topic}",
    "Reminder about {topic}",
)

ATTACHMENT_KINDS = (
    ("pdf", 80_000, 4_000_000),
    ("docx", 30_000, 900_000),
    ("xlsx", 20_000, 2_500_000),
    ("pptx", 400_000, 9_000_000),
    ("png", 15_000, 600_000),
    ("zip", 200_000, 20_000_000),
)
# Attachments that are documents rather than pictures.
DOCUMENT_EXTENSIONS = frozenset({"pdf", "docx", "xlsx", "pptx", "zip"})

FIRST_NAMES = tuple(
    """
    james mary robert patricia john jennifer michael linda david elizabeth william
    barbara richard susan joseph jessica thomas sarah charles karen daniel lisa
    matthew nancy anthony betty mark sandra donald ashley steven emily paul
    kimberly andrew donna joshua michelle kevin carol brian amanda george melissa
    timothy deborah ronald laura jason rebecca ryan sharon jacob cynthia gary
    kathleen nicholas amy eric angela priya wei fatima diego yuki olga ahmed ines
    kofi mei arjun sofia omar lucia
    """.split()
)

LAST_NAMES = tuple(
    """
    smith johnson williams brown jones garcia miller davis rodriguez martinez
    hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee
    perez thompson white harris sanchez clark ramirez lewis robinson walker young
    allen king wright scott torres nguyen hill flores green adams nelson baker hall
    rivera campbell mitchell carter roberts patel chen kim singh okafor novak silva
    kowalski ivanova haddad tanaka muller rossi dubois
    """.split()
)

# Browser families with their share of the staff and a user agent template per
# platform; "{v}" is the major version.
BROWSERS = (
    (
        "chrome-windows",
        0.36,
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36"
        ),
        (132, 133, 134),
    ),
    (
        "edge-windows",
        0.20,
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.0.0"
        ),
        (132, 133, 134),
    ),
    (
        "firefox-windows",
        0.08,
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 "
            "Firefox/{v}.0"
        ),
        (134, 135, 136),
    ),
    (
        "chrome-mac",
        0.18,
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36"
        ),
        (132, 133, 134),
    ),
    (
        "safari-mac",
        0.10,
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/{v} Safari/605.1.15"
        ),
        ("18.2", "18.3", "18.3.1"),
    ),
    (
        "firefox-linux",
        0.08,
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{v}.0) Gecko/20100101 "
            "Firefox/{v}.0"
        ),
        (134, 135, 136),
    ),
)

# Static web resources a page view asks for. Browsers cache them, so they come back
# as 304 with no body on most views.
RESOURCE_BUILD = "9102"
PAGE_RESOURCES = (
    ("/_/download/contextbatch/css/_super/batch.css", 185_000),
    ("/_/download/contextbatch/js/_super/batch.js?locale=en-GB", 1_450_000),
    (
        "/_/download/contextbatch/css/main,viewcontent,page,atl.general,-_super/batch.css",
        96_000,
    ),
    (
        (
            "/_/download/contextbatch/js/main,viewcontent,page,atl.general,-_super/batch.js"
            "?locale=en-GB"
        ),
        820_000,
    ),
    (
        (
            "/_/download/batch/com.atlassian.confluence.plugins.quickreload:"
            "quickreload-resources/com.atlassian.confluence.plugins.quickreload:"
            "quickreload-resources.js?locale=en-GB"
        ),
        21_000,
    ),
)
EDITOR_RESOURCES = (
    ("/_/download/contextbatch/css/editor,-_super/batch.css", 140_000),
    ("/_/download/contextbatch/js/editor,-_super/batch.js?locale=en-GB", 2_300_000),
)
LOGIN_RESOURCES = (
    ("/_/download/contextbatch/css/_super/batch.css", 185_000),
    ("/_/download/contextbatch/js/_super/batch.js?locale=en-GB", 1_450_000),
    (
        (
            "/_/download/batch/confluence.web.resources:login/confluence.web.resources:"
            "login.js?locale=en-GB"
        ),
        6_000,
    ),
)

ADMIN_PAGES = (
    "/admin/console.action",
    "/admin/viewgeneralconfig.action",
    "/admin/users/browseusers.action",
    "/admin/users/viewuser.action?username={user}",
    "/admin/permissions/globalpermissions.action",
    "/admin/viewspaces.action",
    "/admin/systeminfo.action",
    "/admin/license.action",
    "/admin/viewmailservers.action",
    "/plugins/servlet/upm",
    "/admin/users/editusergroups-start.action?username={user}",
    "/admin/scheduledjobs/viewscheduledjobs.action",
    "/admin/users/browsegroups.action",
    "/spaces/spacepermissions.action?key={space}",
)

MONITOR_USER_AGENT = "curl/8.5.0"
INDEXER_USER_AGENT = "python-requests/2.28.2"
CRAWLER_USER_AGENT = "python-requests/2.31.0"
