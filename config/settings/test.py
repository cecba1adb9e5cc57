"""The test suite's settings: the embedded default, with what only tests want.

pytest uses it (``[tool.pytest.ini_options]``); per-test state (an own search index, an
empty cache, the currency rates) stays in tests/conftest.py's fixtures.
"""

from config.settings import *  # noqa: F403

# Hashing passwords the slow, safe way costs ~0.2 s per user; tests make thousands.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files from the apps' own folders, as the development profile serves them (no
# collectstatic before a test run).
WHITENOISE_USE_FINDERS = True
