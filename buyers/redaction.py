"""What a firm may read of a buyer: the one redaction every surface uses (the demand
index and its highlights, opportunities, introductions in the API and the pages,
notifications and e-mails) until both sides have opted in.

Text is matched as ``core.text`` folds it (Unicode NFKC, case folding, look-alike
letters read as the ASCII ones, whitespace and punctuation dropped), so "Sterling
Summit", "STERLING SUMMIT", "Sterling\u00a0Summit", "Sterling-Summit", "SterlingSummit",
full-width letters and a Cyrillic "e" (U+0435) are all the same name; what is shown is the
original text with the matched spans replaced by ``HIDDEN``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from core.text import fold_char, name_key, skeleton

if TYPE_CHECKING:
    from buyers.models import Buyer

# What stands in for a buyer's name or contact details in what firms see of a brief.
HIDDEN = "[the buyer]"
# Names shorter than this (after folding) would hide ordinary words.
MIN_NAME = 3
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Applied to the folded text (NFKC, case folded), so full-width digits and letters, and
# every kind of space, are plain ones here.
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"  # e-mail
    # e-mail written out: "sana at acme dot example dot com", "sana [at] acme [dot] com"
    r"|[\w.+-]+\s*(\[\s*at\s*\]|\(\s*at\s*\)|\sat\s)\s*[\w-]+"
    r"(\s*(\[\s*dot\s*\]|\(\s*dot\s*\)|\sdot\s|\.)\s*[\w-]+)+"
    r"|(https?://|www\.)\S+"  # web address
    rf"|\+?\d[\d\s().{_DASHES}/-]{{7,}}\d",  # telephone number, in any spacing
    re.IGNORECASE,
)


class _Folded:
    """A text folded character by character, remembering where each folded character
    came from, so spans found in the folded text map back onto the original."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        self.origin: list[int] = []
        for i, char in enumerate(text):
            for folded in fold_char(char):
                chars.append(folded)
                self.origin.append(i)
        self.text = "".join(chars)
        # Letters and digits only, for names: spacing and punctuation do not count.
        self.skeleton_at = [i for i, c in enumerate(self.text) if c.isalnum()]
        self.skeleton = "".join(self.text[i] for i in self.skeleton_at)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded characters ``start:end``."""
        return self.origin[start], self.origin[end - 1] + 1

    def word_edge(self, folded_index: int) -> bool:
        """Whether the folded character at ``folded_index`` is outside a word."""
        return not (0 <= folded_index < len(self.text) and self.text[folded_index].isalnum())


def _name_spans(folded: _Folded, names: Iterable[str]) -> Iterator[tuple[int, int]]:
    for name in names:
        start = folded.skeleton.find(name)
        while start != -1:
            first = folded.skeleton_at[start]
            last = folded.skeleton_at[start + len(name) - 1]
            if folded.word_edge(first - 1) and folded.word_edge(last + 1):
                yield folded.span(first, last + 1)
            start = folded.skeleton.find(name, start + 1)


def _replace(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with every span (merged where they overlap) replaced by ``HIDDEN``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, at = [], 0
    for start, end in merged:
        pieces += [text[at:start], HIDDEN]
        at = end
    return "".join([*pieces, text[at:]])


def _domain(address: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", address.strip(), flags=re.I).split("/")[0]


def identifying_names(buyer: Buyer) -> set[str]:
    """The skeletons of what names a buyer: its name (also without its legal form, as
    ``core.text.name_key`` reads it), its web and e-mail domains, then everything in
    ``contact_names``."""
    raw = {buyer.name}
    email = str((buyer.contact or {}).get("email") or "")
    for domain in (_domain(buyer.website or ""), email.partition("@")[2]):
        if domain:
            raw.update((domain, domain.split(".")[0]))
    names = {*map(skeleton, raw), name_key(buyer.name)}
    return {name for name in names if len(name) >= MIN_NAME} | contact_names(buyer)


def contact_names(buyer: Buyer) -> set[str]:
    """The skeletons of a buyer's contact person and e-mail address (and its local part):
    hidden even from firms the buyer is named to, until both sides opted in."""
    contact: dict[str, Any] = buyer.contact or {}
    email = str(contact.get("email") or "")
    raw = {str(contact.get("name") or "")}
    if email:
        raw.update((email, email.partition("@")[0]))
    return {name for name in map(skeleton, raw) if len(name) >= MIN_NAME}


def redact(text: str, buyer: Buyer | None) -> str:
    """``text`` without contact details (``contact_names`` and anything that reads as an
    e-mail, web address or telephone number) and, unless the buyer opted in to being
    named (``named_to_firms``), without ``identifying_names``: what firms may read of a
    brief before an introduction is made."""
    if not text:
        return text
    folded = _Folded(text)
    spans = [folded.span(*m.span()) for m in _CONTACT.finditer(folded.text)]
    if buyer is not None:
        names = contact_names(buyer) if buyer.named_to_firms else identifying_names(buyer)
        spans += _name_spans(folded, names)
    return _replace(text, spans) if spans else text
