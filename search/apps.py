from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search backends, the vendor and demand (buyers and briefs) indexes, and their sync
    from the outbox."""

    name = "search"

    def ready(self) -> None:
        from buyers.models import BRIEF_INDEX_TOPIC, BUYER_INDEX_TOPIC
        from core.outbox import register_consumer
        from core.tasks import enqueue
        from search import checks  # noqa: F401 - registers the system checks
        from vendors.services import VENDOR_TOPIC

        register_consumer(VENDOR_TOPIC, lambda: enqueue("search.sync.sync_search_index"))
        for topic in (BUYER_INDEX_TOPIC, BRIEF_INDEX_TOPIC):
            register_consumer(topic, lambda: enqueue("search.sync.sync_demand_index"))

        from core.jobs import register_job
        from search.sync import rebuild_job

        register_job("rebuild_search_index", "Rebuild the search index", rebuild_job)
