# The same steps as the README: system packages, the project, `docgen serve`.
FROM python:3.11-slim-bookworm

COPY .ci/install-system-packages .ci/apt-packages.txt /tmp/ci/
RUN /tmp/ci/install-system-packages && rm -rf /var/lib/apt/lists/* /tmp/ci

RUN useradd --create-home --uid 10001 docgen
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -c /app/requirements.lock '/app[postgresql,redis,s3]'

USER docgen
# The instance folder (SQLite file, documents, secret key) lives on a volume, owned by docgen.
ENV DOCGEN_INSTANCE_PATH=/home/docgen/instance
RUN mkdir -p "$DOCGEN_INSTANCE_PATH"
VOLUME /home/docgen/instance
# Keys (created with `docgen keys create`) or DOCGEN_BEHIND_AUTH_PROXY=true are required to listen on 0.0.0.0.
ENV DOCGEN_HOST=0.0.0.0 DOCGEN_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"DOCGEN_PORT\"]}/healthz')"
CMD ["docgen", "serve"]
