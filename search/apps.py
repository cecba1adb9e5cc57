from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search backends and index sync (see docs/architecture.md); filled by the search work."""

    name = "search"
