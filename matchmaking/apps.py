from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    """Candidate retrieval, ranking, curation (see docs/architecture.md); filled later."""

    name = "matchmaking"
