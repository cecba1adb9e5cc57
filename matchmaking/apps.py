from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    """Candidate retrieval, ranking, curation, introductions and the pipeline, analytics
    (see docs/architecture.md)."""

    name = "matchmaking"

    def ready(self) -> None:
        from buyers.services import BRIEF_TOPIC
        from core.jobs import register_job
        from core.outbox import register_consumer
        from core.tasks import enqueue
        from matchmaking.jobs import train_job

        register_job("train_ranker", "Train and evaluate the ranker", train_job)
        # A created or changed brief gets suggestions for the officers' queue.
        register_consumer(
            BRIEF_TOPIC, lambda: enqueue("matchmaking.curation.suggest_for_changed_briefs")
        )
