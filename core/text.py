"""How names are compared whatever their spelling: one folding for the buyer redaction
(``buyers.redaction``) and for look-alike firm names (the officers' verification queue).

A character is folded by Unicode NFKC (full-width letters, ligatures and every kind of
space become the plain ones), case folding, and — for a letter outside ASCII that
Unicode lists as confusable with an ASCII letter or digit (Cyrillic "o" U+043E, Greek
"A" U+0391) — that ASCII character. The confusables come from Unicode's own table as the
``confusable-homoglyphs`` library ships it. A name's *skeleton* is its folded letters and
digits only, so spacing and punctuation do not count either.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# A legal form at the end of a name: "Acme Ltd" and "Acme" name the same organisation.
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(ltd|limited|llc|inc|plc|gmbh|ag|bv|sa|pty|co|corp|corporation|group"
    r"|pvt\.?\s*ltd|private\s+limited|smc-pvt\.?\s*ltd)\.?$",
    re.IGNORECASE,
)


@cache
def _as_ascii(char: str) -> str:
    """The ASCII letter or digit ``char`` is confusable with, else ``char``."""
    for glyph in confusables_data.get(char, ()):
        if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
            return str(glyph["c"]).casefold()
    return char


@cache
def fold_char(char: str) -> str:
    """``char`` as compared: NFKC, case folded, a look-alike of an ASCII letter read as
    it (may be several characters, or none)."""
    folded = unicodedata.normalize("NFKC", char).casefold()
    return folded if folded.isascii() else "".join(map(_as_ascii, folded))


def skeleton(text: str) -> str:
    """``text`` folded to its letters and digits: how names are compared."""
    return "".join(c for char in text for c in fold_char(char) if c.isalnum())


def name_key(name: str) -> str:
    """What two firm names must share to look the same to a reader: the skeleton of the
    name without its legal form ("Indus Code Labs (Pvt) Ltd" ~ "INDUS-CODE LABS")."""
    return skeleton(_LEGAL_SUFFIX.sub("", name.strip().replace("(", " ").replace(")", " ")))
