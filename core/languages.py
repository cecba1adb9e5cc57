"""Language names for ISO 639-1 codes, without Django: the ranking core
(``matchmaking.ranking``, plain Python) says them in its reasons and gaps."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def language_name(code: str) -> str:
    """``de`` -> "German" (the code itself when unknown)."""
    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found else code
