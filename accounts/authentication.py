"""API token authentication: django-rest-knox's, checking only the token presented."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(auth.TokenAuthentication):
    """knox's token check without its sweep on every request: knox reads every token
    the user holds (up to ``TOKEN_LIMIT_PER_USER``) to delete the expired ones before
    it answers — a query and as many rows per request. Here the token presented is
    refused and deleted once expired, as in knox, and the user's other expired tokens
    wait for ``purge_expired_tokens`` (nightly, ``RAABTA_SCHEDULE``); an expired token
    is refused whether or not it has been deleted yet."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of knox's tokens (``knoxApiToken``), for this class."""

    target_class = "accounts.authentication.TokenAuthentication"


def purge_expired_tokens() -> int:
    """Delete every expired API token; returns how many."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
