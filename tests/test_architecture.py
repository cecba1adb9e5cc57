"""The layer claims of docs/architecture.md, checked where import-linter cannot see:
what a module loads when it runs."""

import os
import subprocess
import sys
from pathlib import Path

RANKING = Path(__file__).resolve().parents[1] / "matchmaking" / "ranking"


def test_the_ranking_core_runs_without_loading_django():
    """Every module of ``matchmaking.ranking`` imported in a fresh interpreter with no
    settings: not one Django module is loaded (it can be trained and evaluated offline,
    and a mistake here is found by what runs, not only by the import graph)."""
    modules = sorted(f"matchmaking.ranking.{p.stem}" for p in RANKING.glob("*.py"))
    assert "matchmaking.ranking.features" in modules
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    found = subprocess.run(
        [sys.executable, "-c", program],
        cwd=RANKING.parents[1],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "[]", found.stdout


# The apps' own code, and the modules allowed past MAX_LINES with the reason.
APPS = (
    "config",
    "core",
    "accounts",
    "notifications",
    "vendors",
    "buyers",
    "search",
    "matchmaking",
    "events",
)
MAX_LINES = 400
LONGER = {
    # the table of ranking features: each feature's definition read in one place
    "matchmaking/ranking/features.py",
}


def test_no_module_of_the_apps_is_over_400_lines_but_the_named_data_table():
    """A module a newcomer opens is one subject; generated migrations do not count."""
    root = RANKING.parents[1]
    longer = {
        str(path.relative_to(root))
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and len(path.read_text().splitlines()) > MAX_LINES
    }
    assert longer == LONGER


def test_every_module_file_and_name_docs_architecture_md_points_to_exists():
    """The map names real places: each ``path/file.py`` is a file of the tree, and each
    dotted name (``matchmaking.curation.decisions.match_add``, ``core.AuditEntry``) a
    module, an attribute of one, or a model."""
    import importlib
    import re

    from django.apps import apps

    root = RANKING.parents[1]
    text = (root / "docs" / "architecture.md").read_text()
    paths = set(re.findall(r"`((?:[a-z_]+/)+[a-z_0-9]+\.(?:py|json|toml))`", text))
    missing = [p for p in paths if not (root / p).exists()]
    names = set(re.findall(rf"`((?:{'|'.join(APPS)})(?:\.[A-Za-z_]+)+)", text))
    for name in sorted(names):
        parts = name.split(".")
        if len(parts) == 2 and parts[1][:1].isupper() and parts[0] in apps.app_configs:
            apps.get_model(name)  # an app's model label
            continue
        depth = max(
            i
            for i in range(1, len(parts) + 1)
            if (root / "/".join(parts[:i])).with_suffix(".py").exists()
            or (root / "/".join(parts[:i]) / "__init__.py").exists()
        )
        found: object = importlib.import_module(".".join(parts[:depth]))
        for attribute in parts[depth:]:
            if not hasattr(found, attribute):
                missing.append(name)
                break
            found = getattr(found, attribute)
    assert paths and names
    assert missing == []
