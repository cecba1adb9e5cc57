from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from knox.views import LogoutAllView, LogoutView
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication
from accounts.models import User
from accounts.selectors import organisations_of
from accounts.services import token_issue, user_sign_up
from core.api.throttles import ScopedThrottle


class SignUpSerializer(serializers.Serializer[Any]):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, min_length=8)
    role = serializers.ChoiceField(choices=[User.Role.VENDOR, User.Role.BUYER])

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("this username is taken")
        return value


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    role = serializers.CharField()
    vendor = serializers.CharField(allow_null=True)
    buyer = serializers.CharField(allow_null=True)


def _me(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, **organisations_of(user)}


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class SignedUpSerializer(MeSerializer, TokenSerializer):
    pass


class SignUpView(APIView):
    """Anyone may sign up as a vendor or buyer member; officers are made by admins."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "signup"

    @extend_schema(tags=["auth"], request=SignUpSerializer, responses={201: SignedUpSerializer})
    def post(self, request: Request) -> Response:
        body = SignUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            user = user_sign_up(**body.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from None
        return Response({**_me(user), **token_issue(user=user)}, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Anyone: exchange username and password for an API token that expires
    (``expiry``) and is stored only as a hash. Wrong passwords count towards the
    sign-in lockout (django-axes) like the sign-in page's."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "token"

    @extend_schema(tags=["auth"], request=AuthTokenSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        # The Django request, so django-axes marks a locked-out attempt where its
        # middleware looks (and answers 429 instead of "wrong password").
        body = AuthTokenSerializer(data=request.data, context={"request": request._request})
        body.is_valid(raise_exception=True)
        return Response(token_issue(user=body.validated_data["user"]))


class SignOutView(LogoutView):
    """Signed in with a token: revoke the token this request was made with."""

    authentication_classes = (TokenAuthentication,)  # knox's views name knox's class

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        return super().post(request, format)


class SignOutEverywhereView(LogoutAllView):
    """Signed in with a token: revoke every API token of this user."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        return super().post(request, format)


class MeView(APIView):
    """Any signed-in user: who am I, which role, which organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(_me(request.user))  # type: ignore[arg-type]
