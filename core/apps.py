from pathlib import Path

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Raabta core"

    def ready(self) -> None:
        from django.conf import settings

        # WhiteNoise serves STATIC_ROOT and warns at every start when it is missing
        # (before the first collectstatic); made here, not when settings are imported.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
