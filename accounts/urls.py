from django.urls import path

from accounts.api import MeView, SignOutEverywhereView, SignOutView, SignUpView, TokenView

urlpatterns = [
    path("auth/signup/", SignUpView.as_view(), name="signup"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/me/", MeView.as_view(), name="me"),
    path("auth/signout/", SignOutView.as_view(), name="token-signout"),
    path("auth/signout-all/", SignOutEverywhereView.as_view(), name="token-signout-all"),
]
