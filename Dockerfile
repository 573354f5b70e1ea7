# The server image used by compose.yaml: the web UI built with Node, then the Python package with it inside.
FROM node:20-bookworm-slim AS ui
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
# vite writes the build to ../src/sora2/web/dist
RUN npm run build

FROM python:3.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY --from=ui /src/src/sora2/web/dist ./src/sora2/web/dist
RUN pip install --no-cache-dir . && useradd --system --home /data sora2 && mkdir -p /data && chown sora2 /data
USER sora2
ENV SORA2_HOST=0.0.0.0 SORA2_PORT=3000 SORA2_DATA_DIR=/data
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/readyz', timeout=2)"
CMD ["sora2", "serve"]
