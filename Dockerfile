# Stage 1: build the web UI with Node.
FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
# Writes the built files to /src/app/static.
RUN npm run build

# Stage 2: run Loupe on a slim Python image as a non-root user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOUPE_DATA_DIR=/data \
    LOUPE_ENV=production
RUN useradd --create-home --uid 10001 loupe \
    && mkdir -p /data && chown loupe:loupe /data
WORKDIR /opt/loupe
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY --from=frontend /src/app/static ./app/static
RUN pip install --no-cache-dir . && rm -rf /root/.cache
USER loupe
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["loupe", "serve", "--host", "0.0.0.0", "--port", "8000"]
