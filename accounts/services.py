from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from knox.models import AuthToken

from accounts.models import User
from core.errors import Refused


def token_issue(*, user: User) -> dict[str, Any]:
    """A new API token for ``user``: the secret is shown once and stored hashed; it
    expires after ``REST_KNOX["TOKEN_TTL"]``."""
    instance, secret = AuthToken.objects.create(user=user)
    return {"token": secret, "expiry": instance.expiry}


@transaction.atomic
def user_sign_up(*, username: str, password: str, email: str, role: str) -> User:
    """Self sign-up for vendor and buyer members (officers are created by admins).
    Raises Django ``ValidationError`` on a weak password and ``Refused`` (``username``)
    when the name is taken in any case."""
    if role not in {User.Role.VENDOR, User.Role.BUYER}:
        raise ValueError("only vendor and buyer members sign up themselves")
    user = User(username=username, email=email, role=role)
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():  # a savepoint: the lost race is a refusal, not a 500
            user.save()
    except IntegrityError:
        # Taken a moment ago, maybe in another case (the database's unique constraint
        # on lower(username) decides between simultaneous sign-ups).
        raise Refused("username", "this username is taken") from None
    return user


def user_create(*, username: str, password: str, role: str, email: str = "") -> User:
    """Create any user (admins, officers, demo accounts); no password policy."""
    user = User(username=username, email=email, role=role)
    user.is_staff = user.is_superuser = role == User.Role.ADMIN
    user.set_password(password)
    user.save()
    return user
