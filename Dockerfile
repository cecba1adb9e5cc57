# The Raabta image for compose.yaml: web (gunicorn), worker and scheduler run from it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production RAABTA_DATA_DIR=/var/lib/raabta
WORKDIR /app
COPY pyproject.toml README.md ./
COPY accounts accounts
COPY buyers buyers
COPY config config
COPY core core
COPY events events
COPY matchmaking matchmaking
COPY search search
COPY vendors vendors
COPY manage.py Procfile ./
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir . \
    && mkdir -p /var/lib/raabta /tmp/metrics && useradd --system raabta \
    && chown raabta /var/lib/raabta /tmp/metrics
USER raabta
EXPOSE 8000
# One worker per core unless RAABTA_WEB_WORKERS says otherwise (matching is CPU-bound).
CMD ["sh", "-c", "exec .venv/bin/gunicorn config.wsgi:application --preload --workers ${RAABTA_WEB_WORKERS:-$(nproc)} --bind 0.0.0.0:8000 --access-logfile -"]
