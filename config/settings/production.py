"""Production profile: the embedded settings plus what a public deployment needs.

Use with ``DJANGO_SETTINGS_MODULE=config.settings.production``. It refuses to start
without ``DJANGO_SECRET_KEY``; everything else still comes from the environment.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import env, env_bool, logging_config

DEBUG = False
RAABTA_LOG_FORMAT = env("RAABTA_LOG_FORMAT", "json")
LOGGING = logging_config(RAABTA_LOG_FORMAT)
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
WHITENOISE_USE_FINDERS = False
# Demo accounts have a published password: load_demo refuses them here.
RAABTA_DEMO_ACCOUNTS = False
