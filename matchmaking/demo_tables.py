"""The demo catalogue's tables: where firms are (by share of Pakistan's IT sector), the
specialisations firms are built of, names, buyer countries and their currencies, and
the contacts' names. Data only; ``matchmaking.demo`` draws from them."""

from __future__ import annotations

from dataclasses import dataclass

CITIES = {
    "Lahore": 29, "Karachi": 24, "Islamabad": 19, "Rawalpindi": 7, "Peshawar": 5,
    "Faisalabad": 4, "Multan": 3, "Sialkot": 2, "Quetta": 1.5, "Hyderabad": 1.5,
    "Gujranwala": 1.2, "Abbottabad": 1, "Bahawalpur": 0.6, "Sukkur": 0.6, "Mirpur": 0.6,
}  # fmt: skip


@dataclass(frozen=True)
class Specialisation:
    services: tuple[str, ...]
    stack: tuple[str, ...]
    industries: tuple[str, ...]
    portfolio_nouns: tuple[str, ...]


SPECIALISATIONS = {
    "mobile": Specialisation(
        ("Mobile App Development", "UI/UX Design", "API & Systems Integration"),
        ("React Native", "Flutter", "Swift", "Kotlin", "Firebase", "Node.js", "TypeScript", "GraphQL"),
        ("Fintech", "Healthcare", "E-commerce & Retail", "Travel & Hospitality", "Education"),
        ("mobile wallet", "telehealth app", "food delivery app", "booking app", "fitness tracker"),
    ),
    "web": Specialisation(
        ("Web Development", "E-commerce Development", "UI/UX Design"),
        ("React", "Next.js", "Node.js", "TypeScript", "Vue.js", "PostgreSQL", "MongoDB", "AWS"),
        ("E-commerce & Retail", "SaaS", "Media & Entertainment", "Real Estate", "Education"),
        ("customer portal", "SaaS dashboard", "marketplace", "property listing site", "LMS"),
    ),
    "python_data": Specialisation(
        ("Data Engineering", "Data Analytics", "Machine Learning", "Artificial Intelligence"),
        ("Python", "Django", "FastAPI", "Apache Spark", "Airflow", "scikit-learn", "TensorFlow",
         "PyTorch", "Snowflake", "Power BI", "OpenAI API", "LangChain", "PostgreSQL"),
        ("Fintech", "Healthcare", "Logistics & Supply Chain", "Insurance", "Telecommunications"),
        ("demand forecasting model", "fraud detection pipeline", "analytics warehouse",
         "document AI assistant", "churn prediction"),
    ),
    "php": Specialisation(
        ("Web Development", "E-commerce Development", "Digital Marketing"),
        ("PHP", "Laravel", "WordPress", "Shopify", "Magento", "MySQL", "JavaScript"),
        ("E-commerce & Retail", "Marketing & Advertising", "Food & Beverage", "Non-profit"),
        ("online store", "WooCommerce shop", "CMS website", "membership site"),
    ),
    "dotnet": Specialisation(
        ("Custom Software Development", "ERP Implementation", "API & Systems Integration"),
        ("C#", ".NET", "Microsoft SQL Server", "Microsoft Azure", "Angular", "Power BI"),
        ("Manufacturing", "Government & Public Sector", "Logistics & Supply Chain", "Healthcare"),
        ("inventory system", "case management system", "ERP rollout", "claims platform"),
    ),
    "java": Specialisation(
        ("Custom Software Development", "API & Systems Integration", "Cloud Services"),
        ("Java", "Spring Boot", "Oracle Database", "Apache Kafka", "Kubernetes", "PostgreSQL"),
        ("Fintech", "Telecommunications", "Insurance", "Energy & Utilities"),
        ("core banking module", "billing platform", "payment switch", "policy admin system"),
    ),
    "cloud": Specialisation(
        ("Cloud Services", "DevOps", "Managed IT Services"),
        ("AWS", "Microsoft Azure", "Google Cloud", "Docker", "Kubernetes", "Terraform",
         "Jenkins", "GitHub Actions"),
        ("SaaS", "Fintech", "E-commerce & Retail", "Media & Entertainment"),
        ("cloud migration", "Kubernetes platform", "CI/CD overhaul", "cost optimisation"),
    ),
    "security": Specialisation(
        ("Cybersecurity", "IT Consulting", "Managed IT Services"),
        ("AWS", "Microsoft Azure", "Python", "Elasticsearch", "Kubernetes"),
        ("Fintech", "Government & Public Sector", "Healthcare", "Telecommunications"),
        ("penetration test", "SOC setup", "ISO 27001 readiness", "security audit"),
    ),
    "qa": Specialisation(
        ("Quality Assurance & Testing", "IT Staff Augmentation"),
        ("Selenium", "Cypress", "Playwright", "Appium", "Java", "Python", "Jenkins"),
        ("SaaS", "Fintech", "Healthcare", "E-commerce & Retail"),
        ("test automation suite", "regression testing", "performance testing"),
    ),
    "games": Specialisation(
        ("Game Development", "Graphic Design & Animation"),
        ("Unity", "Unreal Engine", "C#", "C++", "Adobe Creative Cloud", "Figma"),
        ("Gaming", "Media & Entertainment", "Education"),
        ("mobile puzzle game", "AR experience", "educational game", "animated series"),
    ),
    "bpo": Specialisation(
        ("Business Process Outsourcing", "Customer Support Outsourcing", "Medical Billing & Coding"),
        ("Salesforce", "HubSpot", "Microsoft Dynamics 365"),
        ("Healthcare", "E-commerce & Retail", "Telecommunications", "Insurance"),
        ("24/7 support desk", "medical billing operation", "back-office processing"),
    ),
    "creative": Specialisation(
        ("Digital Marketing", "Content Writing & Localization", "Graphic Design & Animation"),
        ("WordPress", "HubSpot", "Figma", "Adobe Creative Cloud", "Shopify"),
        ("Marketing & Advertising", "E-commerce & Retail", "Travel & Hospitality", "Education"),
        ("brand campaign", "SEO programme", "Arabic localisation", "explainer videos"),
    ),
    "erp": Specialisation(
        ("ERP Implementation", "CRM Implementation", "IT Consulting"),
        ("Odoo", "SAP", "Salesforce", "Microsoft Dynamics 365", "Python", "Power BI"),
        ("Manufacturing", "Logistics & Supply Chain", "E-commerce & Retail", "Construction"),
        ("Odoo rollout", "Salesforce CRM", "SAP integration", "Dynamics 365 migration"),
    ),
    "blockchain": Specialisation(
        ("Blockchain Development", "Web Development"),
        ("Solidity", "Ethereum", "Node.js", "React", "TypeScript", "Rust"),
        ("Fintech", "Gaming", "Real Estate"),
        ("token platform", "NFT marketplace", "DeFi dashboard"),
    ),
    "iot": Specialisation(
        ("Embedded Systems & IoT", "Custom Software Development"),
        ("Embedded C", "C++", "Arduino", "Raspberry Pi", "Python", "AWS"),
        ("Manufacturing", "Agriculture", "Energy & Utilities", "Automotive"),
        ("fleet telematics", "smart metering", "farm sensor network", "factory monitoring"),
    ),
}  # fmt: skip
SPECIALISATION_WEIGHTS = {
    "mobile": 14, "web": 18, "python_data": 9, "php": 10, "dotnet": 7, "java": 5, "cloud": 7,
    "security": 3, "qa": 5, "games": 4, "bpo": 7, "creative": 6, "erp": 4, "blockchain": 2, "iot": 2,
}  # fmt: skip

NAME_FIRST = (
    "Indus", "Ravi", "Margalla", "Karakoram", "Thar", "Chenab", "Jhelum", "Makran", "Hunza",
    "Saffron", "Crescent", "Falcon", "Zaitoon", "Noor", "Nexus", "Apex", "Orbit", "Pixel",
    "Quantum", "Vertex", "Cedar", "Shalimar", "Badshahi", "Kohsar", "Sarhad", "Mehran",
    "Deosai", "Nanga", "Rohtas", "Taxila", "Kirthar", "Swat", "Neelum", "Sapphire", "Emerald",
    "Tulip", "Lotus", "Silk Route", "Camel", "Peregrine", "Markhor", "Jasmine", "Crimson",
)  # fmt: skip
NAME_SECOND = (
    "Code", "Soft", "Tech", "Digital", "Data", "Cloud", "Logic", "Bits", "Apps", "Byte",
    "Stack", "Sys", "Net", "Vision", "Mind", "Wave", "Grid", "Forge", "Loop", "Sense",
)  # fmt: skip
NAME_SUFFIX = (
    "Labs",
    "Technologies",
    "Solutions",
    "Systems",
    "Studio",
    "Works",
    "(Pvt) Ltd",
    "Global",
)

BUYER_COUNTRIES = {
    "US": 27, "GB": 13, "AE": 12, "SA": 9, "DE": 8, "CA": 7, "AU": 6, "NL": 5, "QA": 3,
    "SE": 2, "IE": 2, "FR": 2, "NO": 1, "DK": 1, "BH": 1, "OM": 1,
}  # fmt: skip
COUNTRY_PROFILE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # currency, time zones, extra languages
    "US": ("USD", ("America/New_York", "America/Chicago", "America/Los_Angeles"), ()),
    "GB": ("GBP", ("Europe/London",), ()),
    "AE": ("AED", ("Asia/Dubai",), ("ar",)),
    "SA": ("SAR", ("Asia/Riyadh",), ("ar",)),
    "DE": ("EUR", ("Europe/Berlin",), ("de",)),
    "CA": ("CAD", ("America/Toronto", "America/Vancouver"), ("fr",)),
    "AU": ("AUD", ("Australia/Sydney", "Australia/Melbourne"), ()),
    "NL": ("EUR", ("Europe/Amsterdam",), ("nl",)),
    "QA": ("QAR", ("Asia/Qatar",), ("ar",)),
    "SE": ("SEK", ("Europe/Stockholm",), ("sv",)),
    "IE": ("EUR", ("Europe/Dublin",), ()),
    "FR": ("EUR", ("Europe/Paris",), ("fr",)),
    "NO": ("NOK", ("Europe/Oslo",), ("no",)),
    "DK": ("DKK", ("Europe/Copenhagen",), ("da",)),
    "BH": ("BHD", ("Asia/Bahrain",), ("ar",)),
    "OM": ("OMR", ("Asia/Muscat",), ("ar",)),
}
# Rough US dollars per unit, only to pick round local-currency budgets.
APPROX_USD = {"USD": 1, "GBP": 1.3, "AED": 0.27, "SAR": 0.27, "EUR": 1.1, "CAD": 0.72,
              "AUD": 0.65, "QAR": 0.27, "SEK": 0.1, "NOK": 0.095, "DKK": 0.15, "BHD": 2.65,
              "OMR": 2.6}  # fmt: skip
BUYER_WORDS = ("Northwind", "Blue Harbor", "Summit", "Meridian", "Atlas", "Evergreen", "Harbor",
               "Pioneer", "Keystone", "Silverline", "Oasis", "Falcon", "Lighthouse", "Granite",
               "Nimbus", "Riverstone", "Crown", "Beacon", "Sterling", "Horizon")  # fmt: skip
BUYER_SUFFIX = {"US": "Inc.", "GB": "Ltd", "AE": "LLC", "SA": "Co.", "DE": "GmbH", "CA": "Inc.",
                "AU": "Pty Ltd", "NL": "B.V.", "QA": "W.L.L.", "SE": "AB", "IE": "Ltd",
                "FR": "SAS", "NO": "AS", "DK": "ApS", "BH": "W.L.L.", "OM": "LLC"}  # fmt: skip
SHIFTS: tuple[tuple[tuple[int, int], float], ...] = (
    ((4, 13), 45),
    ((13, 22), 25),
    ((14, 23), 10),
    ((7, 16), 15),
    ((22, 7), 5),
)
EXPORT_MARKETS = ("US", "GB", "AE", "SA", "DE", "CA", "AU", "NL", "QA", "SE", "IE", "NO")
ENGAGEMENT = ("fixed_price", "time_and_materials", "dedicated_team")


# Contact people: from the record's number, not the random stream (which would change
# every firm generated after it).
CONTACT_NAMES = (
    "Ayesha Khan", "Bilal Ahmed", "Fatima Malik", "Hamza Qureshi", "Mahnoor Siddiqui",
    "Usman Tariq", "Zainab Raza", "Omar Farooq", "Sana Javed", "Ali Hassan", "Hira Shah",
)  # fmt: skip


ACRONYMS = {"ERP", "CRM", "IT", "API", "UI/UX", "QA", "AI", "SEO", "BPO", "IOT", "AR/VR"}
