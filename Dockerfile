# One image for every process of the full stack (docker-compose.yml): web
# (gunicorn), Celery worker, Celery beat and the one-shot migrate/seed jobs.
# Configuration comes only from environment variables at run time; see
# .env.example. Nothing secret is baked into the image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=collections_crm.settings.base

# WeasyPrint's runtime (Pango, HarfBuzz subsetting), CJK fonts for zh-Hans PDFs,
# and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. pyproject.toml
# declares no packages ([tool.setuptools] packages = []): this installs only the
# dependencies; the code runs from the working directory.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# The build-only SECRET_KEY exists for these two commands alone; it is not in
# the image's environment.
RUN SECRET_KEY=build-only python manage.py compilemessages \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn collections_crm.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3}"]
