from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User


@transaction.atomic
def user_sign_up(*, username: str, password: str, email: str, role: str) -> tuple[User, str]:
    """Self sign-up for vendor and buyer members (officers are created by admins).
    Returns the user and an API token. Raises Django ``ValidationError`` on a weak password."""
    if role not in {User.Role.VENDOR, User.Role.BUYER}:
        raise ValueError("only vendor and buyer members sign up themselves")
    user = User(username=username, email=email, role=role)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user, Token.objects.create(user=user).key


def user_create(*, username: str, password: str, role: str, email: str = "") -> User:
    """Create any user (admins, officers, demo accounts); no password policy."""
    user = User(username=username, email=email, role=role)
    user.is_staff = user.is_superuser = role == User.Role.ADMIN
    user.set_password(password)
    user.save()
    return user
