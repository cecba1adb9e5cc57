"""A labelled query set for directory search: a catalogue the tests build, queries as
buyers type them, and graded relevance (0-3) judged from each firm's *profile* (what it
offers, where it is, which languages it works in), never from how the search scores.

The catalogue is the demo generator's firms plus hand-written ones that the demo would
never produce: keyword stuffers, firms that describe a service in their own words
instead of listing it, firms whose specialism only their text names. ``ndcg_at_10``
scores a backend on it; tests/search/test_relevance.py holds each backend to a floor and
bench/search_quality.py prints the figures in docs/search.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from matchmaking.demo import DemoCatalogue

DEMO_FIRMS = 1500
DEMO_SEED = 23

Firm = dict[str, Any]
Grade = Callable[[Firm], int]


def _services(firm: Firm) -> set[str]:
    return {s if isinstance(s, str) else s["name"] for s in firm.get("services", [])}


def offers(*labels: str) -> Callable[[Firm], bool]:
    """The firm lists every label (services, technologies, industries, certifications)."""

    def test(firm: Firm) -> bool:
        listed = (
            _services(firm)
            | set(firm.get("technologies", []))
            | set(firm.get("industries", []))
            | set(firm.get("certifications", []))
        )
        return all(label in listed for label in labels)

    return test


def any_of(*labels: str) -> Callable[[Firm], bool]:
    def test(firm: Firm) -> bool:
        return any(offers(label)(firm) for label in labels)

    return test


def in_city(*cities: str) -> Callable[[Firm], bool]:
    return lambda firm: firm.get("city") in cities


def speaks(code: str) -> Callable[[Firm], bool]:
    return lambda firm: code in firm.get("languages", [])


def serves(code: str) -> Callable[[Firm], bool]:
    return lambda firm: code in firm.get("export_markets", [])


def delivered(word: str) -> Callable[[Firm], bool]:
    return lambda firm: any(word in item["title"].lower() for item in firm.get("portfolio", []))


def both(*tests: Callable[[Firm], bool]) -> Callable[[Firm], bool]:
    return lambda firm: all(test(firm) for test in tests)


def graded(*levels: tuple[int, Callable[[Firm], bool]]) -> Grade:
    """The first level whose test the firm passes (0 when none)."""

    def grade(firm: Firm) -> int:
        return next((level for level, test in levels if test(firm)), 0)

    return grade


PUNJAB = ("Lahore", "Faisalabad", "Rawalpindi", "Gujranwala", "Multan", "Sialkot", "Bahawalpur")
KP = ("Peshawar", "Abbottabad", "Mardan")


@dataclass(frozen=True)
class Case:
    query: str
    grade: Grade
    about: str  # what it exercises


CASES = [
    Case(
        "Shopify developers Lahore",
        graded(
            (3, both(offers("Shopify"), in_city("Lahore"))),
            (2, offers("Shopify")),
            (1, both(offers("E-commerce Development"), in_city("Lahore"))),
        ),
        "technology + city boost",
    ),
    Case(
        "ISO 27001 fintech Karachi",
        graded(
            (3, both(offers("ISO 27001", "Fintech"), in_city("Karachi"))),
            (2, offers("ISO 27001", "Fintech")),
            (1, both(any_of("ISO 27001", "Fintech"), in_city("Karachi"))),
        ),
        "certification + industry + city",
    ),
    Case("German speaking", graded((3, speaks("de"))), "language alone"),
    Case(
        "German speaking web developers",
        graded(
            (3, both(speaks("de"), offers("Web Development"))),
            (1, offers("Web Development")),
        ),
        "language boost + service",
    ),
    Case(
        "Arabic speaking mobile app developers",
        graded(
            (3, both(speaks("ar"), offers("Mobile App Development"))),
            (1, offers("Mobile App Development")),
        ),
        "language boost + service synonym",
    ),
    Case("penetration testing", graded((3, offers("Cybersecurity"))), "synonym vs QA, stuffers"),
    Case(
        "pentest fintech",
        graded((3, offers("Cybersecurity", "Fintech")), (1, offers("Cybersecurity"))),
        "synonym + industry",
    ),
    Case(
        "pyhton django",
        graded((3, offers("Python", "Django")), (1, any_of("Python", "Django"))),
        "typo in a technology",
    ),
    Case("wordpres", graded((3, offers("WordPress"))), "typo"),
    Case("kubernets", graded((3, offers("Kubernetes"))), "typo"),
    Case(
        "fintec mobile wallet",
        graded(
            (3, both(offers("Fintech", "Mobile App Development"), delivered("wallet"))),
            (2, offers("Fintech", "Mobile App Development")),
            (1, offers("Fintech")),
        ),
        "typo + portfolio words",
    ),
    Case(
        "laravel php Karachi",
        graded(
            (3, both(offers("Laravel", "PHP"), in_city("Karachi"))),
            (2, offers("Laravel", "PHP")),
            (1, offers("Laravel")),
        ),
        "two technologies + city",
    ),
    Case(
        "react native fintech",
        graded((3, offers("React Native", "Fintech")), (1, offers("React Native"))),
        "technology + industry",
    ),
    Case("RN", graded((3, offers("React Native"))), "abbreviation"),
    Case(
        "ML healthcare",
        graded((3, offers("Machine Learning", "Healthcare")), (1, offers("Machine Learning"))),
        "abbreviation + industry",
    ),
    Case(
        "k8s devops",
        graded((3, offers("Kubernetes", "DevOps")), (1, any_of("Kubernetes", "DevOps"))),
        "abbreviation + service",
    ),
    Case(
        "cloud migration aws",
        graded(
            (3, both(offers("Cloud Services", "AWS"), delivered("cloud migration"))),
            (2, offers("Cloud Services", "AWS")),
            (1, offers("Cloud Services")),
        ),
        "service + technology + portfolio words",
    ),
    Case(
        "flutter apps Islamabad",
        graded(
            (3, both(offers("Flutter"), in_city("Islamabad"))),
            (2, offers("Flutter")),
        ),
        "technology + general word + city",
    ),
    Case(
        "data engineering spark",
        graded((3, offers("Data Engineering", "Apache Spark")), (1, offers("Data Engineering"))),
        "service + technology",
    ),
    Case(
        "clients in UAE web development",
        graded((3, both(serves("AE"), offers("Web Development"))), (1, offers("Web Development"))),
        "export market boost",
    ),
    Case(
        "Dubai fintech",
        graded((3, both(serves("AE"), offers("Fintech"))), (1, offers("Fintech"))),
        "a buyer's city as its country",
    ),
    Case(
        "Punjab ecommerce",
        graded(
            (3, both(any_of("E-commerce Development", "E-commerce & Retail"), in_city(*PUNJAB))),
            (1, any_of("E-commerce Development", "E-commerce & Retail")),
        ),
        "region + ambiguous synonym",
    ),
    Case("KPK", graded((3, in_city(*KP))), "region alone"),
    Case(
        "Twin Cities devops",
        graded(
            (3, both(offers("DevOps"), in_city("Islamabad", "Rawalpindi"))), (1, offers("DevOps"))
        ),
        "city group",
    ),
    Case(
        "devops engineers Peshawar",
        graded((3, both(offers("DevOps"), in_city("Peshawar"))), (1, offers("DevOps"))),
        "service + filler + city",
    ),
    Case(
        "HIPAA healthcare software",
        graded((3, offers("HIPAA", "Healthcare")), (1, offers("Healthcare"))),
        "certification + industry",
    ),
    Case(
        "PCI DSS payments",
        graded((3, offers("PCI DSS", "Fintech")), (1, offers("PCI DSS"))),
        "certification + industry synonym",
    ),
    Case("medical billing", graded((3, offers("Medical Billing & Coding"))), "service phrase"),
    Case(
        "customer support outsourcing",
        graded(
            (3, offers("Customer Support Outsourcing")),
            (1, offers("Business Process Outsourcing")),
        ),
        "service phrase",
    ),
    Case(
        "game development unity",
        graded((3, offers("Game Development", "Unity")), (1, offers("Game Development"))),
        "service + technology",
    ),
    Case(
        "salesforce crm",
        graded(
            (3, offers("Salesforce", "CRM Implementation")),
            (1, any_of("Salesforce", "CRM Implementation")),
        ),
        "technology + service",
    ),
    Case(
        "ERP odoo",
        graded((3, offers("ERP Implementation", "Odoo")), (1, offers("ERP Implementation"))),
        "service + technology",
    ),
    Case("Lahore", graded((3, in_city("Lahore"))), "city alone"),
    Case(
        "Karachi data analytics",
        graded(
            (3, both(offers("Data Analytics"), in_city("Karachi"))), (1, offers("Data Analytics"))
        ),
        "city + service",
    ),
    Case("blockchain", graded((3, offers("Blockchain Development"))), "service word"),
    Case("iot embedded", graded((3, offers("Embedded Systems & IoT"))), "service synonyms"),
    Case("ui ux design", graded((3, offers("UI/UX Design"))), "service phrase"),
    Case("seo", graded((3, offers("Digital Marketing"))), "service synonym"),
    Case(
        "Next.js typescript",
        graded((3, offers("Next.js", "TypeScript")), (1, any_of("Next.js", "TypeScript"))),
        "dotted technology",
    ),
    Case(
        "cybersecurity ISO 27001",
        graded((3, offers("Cybersecurity", "ISO 27001")), (1, offers("Cybersecurity"))),
        "service + certification",
    ),
    Case("power bi", graded((3, offers("Power BI"))), "two-word technology"),
    Case(
        "qa automation selenium",
        graded(
            (3, offers("Quality Assurance & Testing", "Selenium")),
            (1, offers("Quality Assurance & Testing")),
        ),
        "service abbreviation + technology",
    ),
    Case(
        "telehealth app",
        graded(
            (3, delivered("telehealth")),
            (1, offers("Mobile App Development", "Healthcare")),
        ),
        "portfolio words",
    ),
    Case(
        "mobile app development Sialkot",
        graded(
            (3, both(offers("Mobile App Development"), in_city("Sialkot"))),
            (1, offers("Mobile App Development")),
        ),
        "service + small city",
    ),
    Case(
        "shopify store",
        graded((3, offers("Shopify")), (1, offers("E-commerce Development"))),
        "technology + general word",
    ),
]


def _firm(number: int, name: str, **fields: Any) -> Firm:
    return {
        "external_id": f"hand-{number:02d}",
        "name": name,
        "country": "PK",
        "city": "Lahore",
        "team_size": 25,
        "hourly_rate_usd": {"min": 25, "max": 40},
        "languages": ["en", "ur"],
        "services": [],
        "technologies": [],
        "industries": [],
        "certifications": [],
        "export_markets": ["US"],
        "portfolio": [],
        **fields,
    }


# Firms no generator would write: each tests one way text can mislead.
HANDWRITTEN = [
    _firm(
        1,
        "Spectrum Growth Marketing",
        services=["Digital Marketing"],
        technologies=["WordPress", "HubSpot"],
        industries=["Marketing & Advertising"],
        description=(
            "Penetration test marketing! We market penetration test firms: penetration test "
            "landing pages, penetration test ads, penetration test SEO, penetration test "
            "leads. Shopify Shopify Shopify Lahore Lahore Lahore. Django Python Django Python."
        ),
    ),
    _firm(
        2,
        "Clicks & Carts Agency",
        city="Karachi",
        services=["Digital Marketing", "Content Writing & Localization"],
        technologies=["WordPress"],
        industries=["E-commerce & Retail"],
        certifications=[],
        description=(
            "ISO 27001 ISO 27001 fintech fintech fintech Karachi. Kubernetes devops cloud "
            "migration AWS AWS AWS. We write about everything buyers search for."
        ),
    ),
    _firm(
        3,
        "Indus Cyber Shield",
        city="Islamabad",
        services=["Cybersecurity", "IT Consulting"],
        technologies=["Python", "Kubernetes"],
        industries=["Fintech", "Government & Public Sector"],
        certifications=["ISO 27001"],
        description="Red-team exercises and pentesting for banks and ministries.",
        portfolio=[
            {
                "title": "Penetration test for a payments processor",
                "client": "Gulf Pay",
                "year": 2025,
                "industry": "Fintech",
            }
        ],
    ),
    _firm(
        4,
        "Karachi Test Labs",
        city="Karachi",
        services=["Quality Assurance & Testing"],
        technologies=["Selenium", "Playwright"],
        industries=["SaaS"],
        description=(
            "Manual testing, automated testing, load testing and regression testing for "
            "SaaS products; testing is all we do."
        ),
    ),
    _firm(
        5,
        "Hamburg Bridge Software",
        city="Lahore",
        services=["Web Development", "Custom Software Development"],
        technologies=["React", "TypeScript", "Next.js"],
        industries=["SaaS"],
        languages=["en", "ur", "de"],
        export_markets=["DE", "AT", "CH"],
        description="A team that works in German with Mittelstand clients.",
    ),
    _firm(
        6,
        "Lyallpur Stores Co",
        city="Faisalabad",
        services=["E-commerce Development"],
        technologies=["Shopify", "Liquid"],
        industries=["E-commerce & Retail"],
        description="We set up online shops for textile exporters.",
    ),
    _firm(
        7,
        "Gulf Mobile Works",
        city="Karachi",
        services=["Mobile App Development"],
        technologies=["Flutter", "Firebase"],
        industries=["Fintech"],
        languages=["en", "ur", "ar"],
        export_markets=["AE", "SA"],
        description="Arabic-first mobile wallets for Gulf banks.",
        portfolio=[
            {
                "title": "Mobile wallet for a Dubai exchange house",
                "client": "Al Noor Exchange",
                "year": 2024,
                "industry": "Fintech",
            }
        ],
    ),
    _firm(
        8,
        "Peshawar Cloud Ops",
        city="Peshawar",
        services=["DevOps", "Cloud Services"],
        technologies=["Kubernetes", "AWS", "Terraform"],
        industries=["SaaS"],
        description="Platform engineering for startups.",
    ),
]


def catalogue() -> list[Firm]:
    """Every firm of the labelled set, as interchange records."""
    return [*DemoCatalogue(vendors=DEMO_FIRMS, seed=DEMO_SEED).vendors(), *HANDWRITTEN]


def dcg(grades: Iterable[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at_10(found: list[str], grades: dict[str, int]) -> float:
    """NDCG@10 of one result list against every firm's grade."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:10])
    return dcg(grades.get(firm, 0) for firm in found[:10]) / ideal if ideal else 0.0


def grades_of(case: Case, firms: list[Firm]) -> dict[str, int]:
    return {firm["external_id"]: grade for firm in firms if (grade := case.grade(firm))}
