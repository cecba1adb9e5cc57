from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    """Candidate retrieval, ranking, curation, introductions and the pipeline, analytics
    (see docs/architecture.md)."""

    name = "matchmaking"

    def ready(self) -> None:
        from buyers.services import BRIEF_TOPIC
        from core.jobs import register_job
        from core.outbox import register_consumer
        from core.runtime import register_warmer
        from core.tasks import enqueue
        from matchmaking.training.jobs import train_job

        register_job("train_ranker", "Train and evaluate the ranker", train_job)
        register_warmer("firms", prewarm_firms)
        # A created or changed brief gets suggestions for the officers' queue.
        register_consumer(
            BRIEF_TOPIC,
            lambda: enqueue("matchmaking.curation.suggestions.suggest_for_changed_briefs"),
        )


def prewarm_firms() -> str:
    """``RAABTA_PREWARM_FIRMS`` firms read and analysed (none when it is 0)."""
    from django.conf import settings

    from matchmaking.matching.selectors import prewarm

    if not settings.RAABTA_PREWARM_FIRMS:
        return ""
    return f"{prewarm(settings.RAABTA_PREWARM_FIRMS):,} firms"
