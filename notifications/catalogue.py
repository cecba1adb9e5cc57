"""Every notice the product sends, named, in one place: its kind, its once-only key, the
line in the in-app list and the e-mail (none when it has no subject).

A caller picks a notice by name and gives its fields::

    notify(firm_members(match), notice("review.new", url=page, review=7, title=...))

Each text is a ``str.format`` template over those fields. The body is a sequence of
parts joined together; a part after the first is left out when a field it names is
empty (``""`` or ``None``), so "Their note: …" appears only when there is a note.
What a firm reads of a buyer is redacted before it becomes a field here
(``buyers.redaction.redact``): this module only words what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from string import Formatter
from typing import Any

from notifications.models import Notification
from notifications.services import Notice

Kind = Notification.Kind


@dataclass(frozen=True)
class Template:
    kind: str
    key: str
    text: str
    subject: str = ""
    body: tuple[str, ...] = ()


NOTICES: dict[str, Template] = {
    # Curation and requests ------------------------------------------------------------
    "match.requested": Template(
        Kind.REQUESTED,
        key="match-{match}-requested",
        text="{asker} asked to meet {other} for {title}",
        subject="Raabta: {asker} asked to meet {other}",
        body=(
            '{asker} asked for an introduction to {other} for the brief "{title}". '
            "Approve or reject it on the brief's review.",
            "\n\nTheir pitch: {pitch}",
        ),
    ),
    "brief.suggested": Template(
        Kind.MATCHES,
        key="brief-{brief}-suggested-{last}",
        text="{firms} suggested for {title}",
    ),
    # Introductions -------------------------------------------------------------------
    "introduction.invited": Template(
        Kind.INVITED,
        key="introduction-{introduction}-invited",
        text="A buyer in {country} would like to meet {firm}: {title}",
        subject="Raabta: a buyer in {country} is looking for {title}",
        body=(
            "A buyer in {country} has posted a brief that trade officers matched to "
            "{firm}:\n\n{title}\n{description}\n\n"
            "Accept or decline the introduction in Raabta. The buyer's name is shared "
            "once you accept and the buyer confirms.",
        ),
    ),
    "introduction.request_approved": Template(
        Kind.INVITED,
        key="introduction-{introduction}-request-approved",
        text="Your request to meet {firm} was approved; the firm is asked",
        subject="Raabta: your request to meet {firm} was approved",
        body=("Trade officers approved your request for {title}; {firm} is now asked to accept.",),
    ),
    "introduction.firm_asked": Template(
        Kind.INVITED,
        key="introduction-{introduction}-firm-asked",
        text="{firm} would like to meet you about {title}",
        subject="Raabta: {firm} would like to meet you about {title}",
        body=(
            '{firm} ({city}) saw your brief "{title}" among Raabta\'s open briefs and '
            "asked to be introduced; trade officers approved it.",
            "\n\nIn their words: {pitch}",
            "\n\nConfirm or decline in Raabta: your contact details are shared only once "
            "you confirm.",
        ),
    ),
    "introduction.hand_approved": Template(
        Kind.INVITED,
        key="introduction-{introduction}-hand-approved",
        text="Officers approved your request for {title}; the buyer is asked to confirm",
        subject="Raabta: your request for {title} was approved",
        body=(
            'Trade officers approved your request to meet the buyer of "{title}". '
            "The buyer is now asked to confirm; you will hear when they answer.",
        ),
    ),
    "introduction.vendor_accepted": Template(
        Kind.ANSWERED,
        key="introduction-{introduction}-vendor-accepted",
        text="{firm} accepted the introduction for {title}",
        subject="Raabta: {firm} would like to meet about {title}",
        body=(
            '{firm} ({city}) accepted an introduction for the brief "{title}". The buyer '
            "confirms in Raabta to share contact details.",
        ),
    ),
    "introduction.vendor_declined": Template(
        Kind.ANSWERED,
        key="introduction-{introduction}-vendor-declined",
        text="{firm} declined the introduction for {title}",
        subject="Raabta: {firm} declined an introduction",
        body=("{firm} declined the introduction for {title}.",),
    ),
    "introduction.buyer_declined": Template(
        Kind.ANSWERED,
        key="introduction-{introduction}-buyer-declined",
        text="The buyer declined the introduction for {title}",
        subject="Raabta: the buyer declined an introduction",
        body=("The buyer of {title} declined the introduction to {firm}.",),
    ),
    "introduction.introduced_vendor": Template(
        Kind.ANSWERED,
        key="introduction-{introduction}-introduced-vendor",
        text="Introduced to {buyer} for {title}",
        subject="Raabta: introduced to {buyer}",
        body=(
            "The buyer confirmed. Brief: {title}\nBuyer: {buyer} ({country})\nContact: {contact}",
        ),
    ),
    "introduction.introduced_buyer": Template(
        Kind.ANSWERED,
        key="introduction-{introduction}-introduced-buyer",
        text="Introduced to {firm} for {title}",
        subject="Raabta: introduced to {firm}",
        body=("You are introduced to {firm} ({city}).\nContact: {contact}",),
    ),
    "introduction.moved": Template(
        Kind.MOVED,
        key="introduction-{introduction}-{stage}",
        text="{firm} × {title}: now {label}",
        subject="Raabta: {title} — {label}",
        body=("The introduction of {firm} for {title} moved to {label}.",),
    ),
    "introduction.from_meeting": Template(
        Kind.MOVED,
        key="introduction-{introduction}-from-meeting",
        text="Your meeting at {event} is now in the pipeline: {title}",
    ),
    # Conversations and reviews --------------------------------------------------------
    "message.new": Template(
        Kind.MESSAGE,
        key="{thread}after-{mark}",  # thread: the reader's prefix (pipeline.conversations)
        text="{author} wrote about {title}",
        subject="Raabta: new message about {title}",
        body=("{author} wrote:\n\n{message}",),
    ),
    "review.new": Template(
        Kind.REVIEWED,
        key="review-{review}",
        text="The buyer of {title} reviewed {firm}",
        subject="Raabta: a review of {firm}",
        body=(
            "The buyer of {title} reviewed {firm}: {average:.1f} / 5. You may reply once; "
            "the reply is shown with it.",
        ),
    ),
    "review.reply": Template(
        Kind.REVIEWED, key="review-{review}-reply", text="{firm} replied to your review"
    ),
    # Trade events --------------------------------------------------------------------
    "event.registered": Template(
        Kind.EVENT,
        key="participant-{participant}-registered",
        text="{name} registered for {event}",
    ),
    "event.registration_approved": Template(
        Kind.EVENT,
        key="participant-{participant}-{state}",
        text="Your registration for {event} was approved",
        subject="Raabta: your registration for {event} was approved",
        body=(
            "Trade officers approved {name}'s registration for {event} ({city}, "
            "{first_day:%d %b %Y}). You can now ask for meetings.",
        ),
    ),
    "event.registration_not_approved": Template(
        Kind.EVENT,
        key="participant-{participant}-{state}",
        text="Your registration for {event} was not approved",
        subject="Raabta: your registration for {event} was not approved",
        body=(
            "Trade officers did not approve {name}'s registration for {event} ({city}, "
            "{first_day:%d %b %Y}).",
        ),
    ),
    "meeting.requested": Template(
        Kind.EVENT,
        key="meeting-{meeting}-requested",
        text="{requester} asks to meet you at {event}",
        subject="Raabta: {requester} asks to meet you at {event}",
        body=(
            "{requester} would like a meeting at {event}.",
            "\n\nTheir note: {note}",
            "\n\nAccept or decline in Raabta.",
        ),
    ),
    "meeting.accepted": Template(
        Kind.EVENT,
        key="meeting-{meeting}-accepted",
        text="{answerer} accepted your meeting request at {event}",
        subject="Raabta: {answerer} accepted your meeting request",
        body=(
            "{answerer} accepted your request to meet at {event}. The meeting gets a time "
            "and a table when the schedule is made.",
        ),
    ),
    "meeting.declined": Template(
        Kind.EVENT,
        key="meeting-{meeting}-declined",
        text="{answerer} declined your meeting request at {event}",
        subject="Raabta: {answerer} declined your meeting request",
        body=("{answerer} declined your request to meet at {event}.",),
    ),
    "meeting.cancelled": Template(
        Kind.EVENT,
        key="meeting-{meeting}-cancelled-{side}",
        text="Your meeting with {other} at {event} is cancelled",
        subject="Raabta: your meeting with {other} is cancelled",
        body=("The meeting with {other} at {event} will not take place; its time is free again.",),
    ),
    "agenda.changed": Template(
        Kind.EVENT,
        key="agenda-{person}-{fingerprint}",
        text="Your agenda for {event} has changed",
        subject="Raabta: your agenda for {event} has changed",
        body=(
            "Your meetings at {event} have new times or tables. The agenda page has them "
            "in your time zone and the venue's, and a calendar file to import.",
        ),
    ),
}


@cache
def fields_of(text: str) -> frozenset[str]:
    """The fields a template names (``{average:.1f}`` names ``average``); parsed once
    per template."""
    return frozenset(field for _, field, _, _ in Formatter().parse(text) if field)


def notice(name: str, /, *, url: str, **fields: Any) -> Notice:
    """The notice ``name`` worded with ``fields``; ``url`` is the page it opens. A field
    the template names and the caller left out is a programming error, said as such."""
    template = NOTICES[name]
    missing = set().union(
        *(fields_of(text) for text in (template.key, template.text, template.subject)),
        *(fields_of(part) for part in template.body),
    ) - set(fields)
    if missing:
        raise TypeError(f"notice {name!r} needs {', '.join(sorted(missing))}")
    kept = [
        part
        for n, part in enumerate(template.body)
        if n == 0 or all(fields[field] not in ("", None) for field in fields_of(part))
    ]
    return Notice(
        kind=template.kind,
        key=template.key.format(**fields),
        text=template.text.format(**fields),
        url=url,
        subject=template.subject.format(**fields),
        body="".join(kept).format(**fields),
    )
