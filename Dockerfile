# Loupe as one image: `loupe serve` (the default command), `loupe worker`, `loupe migrate`.
# See docs/deployment.md. Keep .dockerignore beside this file: it stops host builds
# (node_modules, app/static, .venv) from entering the image.

# Stage 1: build the web UI with Node.
FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
# Writes the built files to /src/app/static (vite's outDir is ../app/static).
RUN npm run build

# Stage 2: run Loupe on a slim Python image as a non-root user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOUPE_DATA_DIR=/data \
    LOUPE_ENV=production \
    LOUPE_LOG_FORMAT=json
RUN useradd --create-home --uid 10001 loupe \
    && mkdir -p /data && chown loupe:loupe /data
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
# The wheel picks the built UI up as an artifact (pyproject.toml); check that it did, from
# outside /src so that the installed package is the one imported. Then drop the sources.
COPY --from=frontend /src/app/static ./app/static
RUN pip install . \
    && cd / && python -c "import app, pathlib; assert (pathlib.Path(app.__file__).parent / 'static/index.html').is_file()" \
    && rm -rf /src
WORKDIR /home/loupe
USER loupe
# SQLite database, generated secret key and backups when no PostgreSQL is configured.
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["loupe", "serve", "--host", "0.0.0.0", "--port", "8000"]
