"""Production profile: the embedded settings plus what a public deployment needs.

Use with ``DJANGO_SETTINGS_MODULE=config.settings.production``. It refuses to start
without ``DJANGO_SECRET_KEY``; everything else still comes from the environment.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import env
from config.settings.parts import logging_config

DEBUG = False
RAABTA_LOG_FORMAT = env.str("RAABTA_LOG_FORMAT", default="json")
LOGGING = logging_config(RAABTA_LOG_FORMAT, level=env.str("DJANGO_LOG_LEVEL", default="INFO"))
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

# X-Forwarded-Proto is written by whoever sends the request: believed only when the
# deployment says proxies stand in front (RAABTA_NUM_PROXIES, as for X-Forwarded-For).
# The proxy must set the header itself, replacing any a client sent.
if RAABTA_NUM_PROXIES > 0:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies only over HTTPS. bin/stack turns this off when it serves plain HTTP on this
# machine (127.0.0.1); a public deployment keeps it on behind its TLS proxy.
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
WHITENOISE_USE_FINDERS = False
# Demo accounts have a published password: load_demo refuses them here.
RAABTA_DEMO_ACCOUNTS = False
