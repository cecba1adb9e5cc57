"""The real award history the tests judge matching on, and ``evaluate_ranker`` run on
interchange files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

# UK Digital Marketplace awards 2016-2017 (a copy of the shared data, Open Government
# Licence v3.0).
UK_DEV = Path(__file__).resolve().parent / "data" / "uk-dos-2016-2017"


def evaluate(directory: Path, out: Path, *options: str) -> dict[str, Any]:
    """``evaluate_ranker`` on the files in ``directory``; its JSON summary."""
    call_command(
        "evaluate_ranker",
        "--vendors",
        str(directory / "vendors.jsonl"),
        "--briefs",
        str(directory / "briefs.jsonl"),
        "--outcomes",
        str(directory / "outcomes.jsonl"),
        "--json",
        str(out),
        *options,
    )
    return json.loads(out.read_text())
