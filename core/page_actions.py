"""What the pages of every app share: who may open the officers' console, a service
call whose refusal or conflict becomes a message on the page, the version a form
showed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.errors import Conflict, Refused
from core.forms import whole_number

T = TypeVar("T")


def officers_only(view: Any) -> Any:
    """Officers and admins; anyone else signed in gets 403, others sign in first."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_officer:  # type: ignore[union-attr]
            raise PermissionDenied("Only trade officers may open the console.")
        return view(request, *args, **kwargs)

    return guarded


def decided(request: HttpRequest, action: Any) -> bool:
    """Run a service call; a refusal or a conflict becomes a message, not an error page."""
    try:
        action()
    except Refused as error:
        messages.error(request, f"{error.field}: {error.message}")
    except Conflict as error:
        messages.error(
            request,
            f"Someone else got there first — {error.message}. The page shows the current state.",
        )
    else:
        return True
    return False


def posted_version(request: HttpRequest) -> int:
    """The version the page showed (0 if missing or garbled: the service then answers
    with a conflict and the current state)."""
    value = request.POST.get("version", "")
    return whole_number(value) or 0


def posted_number(value: Any) -> int:
    """A row number a page posted or linked (a participant, a priority): 0 if missing,
    garbled or beyond any row (not ASCII digits: "³" is a digit ``int`` cannot read)."""
    number = whole_number(value) if isinstance(value, str) and len(value) < 10 else None
    return number or 0


def version_shown(request: HttpRequest, obj: Any) -> int | None:
    """The version of ``obj`` (a firm, a brief) the edit form showed; ``None`` for a new
    record, or an older form without the field (saved as before: merged)."""
    if obj is None:
        return None
    return whole_number(request.POST.get("version", "")) or None


STALE_FORM = (
    "Someone else saved this {what} while you were editing it. Your changes are below, "
    "not saved; check them against the current {what} and save again."
)


def saved_unless_stale(
    request: HttpRequest, save: Callable[[], T], *, what: str, shown: Any
) -> T | None:
    """Run an edit form's ``save``; if the record moved on since the form showed it
    (``Conflict``), say so on the page, refresh ``shown`` (so the form carries the new
    version) and return ``None``: the typed values are shown again, nothing is lost."""
    try:
        return save()
    except Conflict:
        messages.error(request, STALE_FORM.format(what=what))
        shown.refresh_from_db()
        return None
