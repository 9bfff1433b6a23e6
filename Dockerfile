# The same steps as the README: system packages, the project, `docgen serve`.
FROM python:3.11-slim-bookworm

COPY .ci/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update \
 && xargs -a /tmp/apt-packages.txt apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 docgen
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir /app

USER docgen
ENV DOCGEN_INSTANCE_PATH=/home/docgen/instance
# Keys (created with `docgen keys create`) or DOCGEN_BEHIND_AUTH_PROXY=true are required to listen on 0.0.0.0.
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["docgen", "serve", "--host", "0.0.0.0", "--port", "8000"]
