import os

from django.core.wsgi import get_wsgi_application

# A server entry point runs the production profile unless told otherwise: it refuses
# to start without DJANGO_SECRET_KEY instead of serving with DEBUG and a public key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from core.runtime import prepare_process  # noqa: E402 — needs the apps loaded

prepare_process()
