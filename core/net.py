"""Who is asking: the client's address, trusting proxy headers only as configured."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str:
    """The address throttles and sign-in lockout count against.

    ``X-Forwarded-For`` is written by whoever sends the request, so it is believed only
    for the ``RAABTA_NUM_PROXIES`` proxies that this deployment runs in front of the app:
    the address the nearest of them saw is the N-th from the right. With no proxies
    configured (the default) only the socket's ``REMOTE_ADDR`` counts."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = settings.RAABTA_NUM_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-min(proxies, len(hops))] if hops else remote
