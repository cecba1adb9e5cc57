"""An introduction's conversation over the API: ``GET``/``POST
/introductions/{id}/messages`` and ``POST /introductions/{id}/messages/read``.

Mixed into ``IntroductionViewSet``, so who may call is exactly who may see the
introduction: its firm's members, its buyer's members and officers; anyone else gets
404. Posting needs both sides to have opted in (400 on ``stage`` before)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matchmaking.api.serializers import MessageIn, MessageOut, ReadOut
from matchmaking.pipeline import conversations


class ConversationActions:
    """The conversation endpoints of an introduction (a mixin for its viewset)."""

    get_object: Any
    paginate_queryset: Any
    get_paginated_response: Any

    @extend_schema(
        methods=["GET"], responses=MessageOut(many=True), summary="The conversation, oldest first"
    )
    @extend_schema(methods=["POST"], request=MessageIn, responses={201: MessageOut})
    @action(detail=True, methods=["get", "post"], url_path="messages")
    def messages(self, request: Request, pk: str) -> Response:
        """Read the conversation (paged, oldest first) or post to it."""
        introduction = self.get_object()
        user: Any = request.user
        context = {"request": request}
        if request.method == "POST":
            data = MessageIn(data=request.data)
            data.is_valid(raise_exception=True)
            message = conversations.message_post(
                introduction=introduction, author=user, body=data.validated_data["body"]
            )
            return Response(MessageOut(message, context=context).data, status.HTTP_201_CREATED)
        page = self.paginate_queryset(conversations.messages_of(introduction))
        return self.get_paginated_response(MessageOut(page, many=True, context=context).data)

    @extend_schema(request=None, responses=ReadOut)
    @action(detail=True, methods=["post"], url_path="messages/read")
    def messages_read(self, request: Request, pk: str) -> Response:
        """Mark the conversation read up to its newest message."""
        user: Any = request.user
        mark = conversations.thread_read(introduction=self.get_object(), user=user)
        return Response({"last_read": mark})
