"""System checks for the search configuration (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register("search")
def check_search_backends(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    backends = getattr(settings, "SEARCH_BACKENDS", {})
    if "default" not in backends:
        return [Error("SEARCH_BACKENDS has no 'default' backend.", id="search.E001")]
    for alias, params in backends.items():
        try:
            import_string(params["BACKEND"])
        except (ImportError, KeyError) as error:
            errors.append(
                Error(f"Search backend '{alias}' cannot be loaded: {error}", id="search.E002")
            )
        if params.get("BACKEND", "").endswith("ElasticsearchBackend") and not params.get("URL"):
            errors.append(
                Error(
                    f"Search backend '{alias}' needs a URL.",
                    hint="Set ELASTICSEARCH_URL.",
                    id="search.E003",
                )
            )
        if params.get("BACKEND", "").endswith("EmbeddedBackend") and not params.get("PATH"):
            errors.append(Error(f"Search backend '{alias}' needs a PATH.", id="search.E004"))
    return errors
