"""Sign-up, sign-in and sign-out pages (officers are created by admins)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from accounts.models import User
from accounts.services import user_sign_up
from core.errors import Refused


class SignUpForm(forms.Form):
    role = forms.ChoiceField(
        label="I am joining as",
        choices=[
            (User.Role.VENDOR, "An IT firm (vendor)"),
            (User.Role.BUYER, "A buyer looking for a firm"),
        ],
        widget=forms.RadioSelect,
    )
    username = forms.RegexField(
        regex=r"^[\w.@+-]{3,150}$",
        help_text="3–150 letters, digits or . @ + - _",
        error_messages={"invalid": "Use 3–150 letters, digits or . @ + - _"},
    )
    email = forms.EmailField(help_text="Introductions and updates are sent here.")
    password = forms.CharField(
        widget=forms.PasswordInput,
        min_length=8,
        help_text="At least 8 characters, not a common one.",
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("This username is taken.")
        return username


def sign_up(request: HttpRequest) -> HttpResponse:
    """Anyone: become a vendor or buyer member, signed in at once."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            user = user_sign_up(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                role=data["role"],
            )
        except ValidationError as error:
            form.add_error("password", error)
        except Refused as refused:
            form.add_error(refused.field, refused.message.capitalize() + ".")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Raabta, {user.username}.")
            return redirect("firm-workspace" if user.role == User.Role.VENDOR else "briefs")
    return render(request, "accounts/signup.html", {"form": form})


class SignInView(LoginView):
    """Anyone: sign in with a username and password."""

    template_name = "accounts/signin.html"
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    """Signed-in users: sign out (POST only)."""


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): 429, as JSON
    on the API and as a page elsewhere."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = f"Too many wrong passwords; try again in {minutes} minutes."
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=429, headers={"Retry-After": str(minutes * 60)}
        )
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
