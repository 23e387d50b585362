# The application image. Installs exactly as the README does (a venv and an editable
# install from this folder), so what runs here is what the tests ran.
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin obligations \
 && mkdir -p /var/lib/obligations && chown obligations /var/lib/obligations

WORKDIR /app
COPY --chown=obligations:obligations . /app
USER obligations
RUN python3 -m venv .venv && .venv/bin/pip install -q -e .

ENV PATH=/app/.venv/bin:$PATH \
    XDG_DATA_HOME=/var/lib \
    OBLIGATIONS_HTTP_HOST=0.0.0.0 \
    OBLIGATIONS_HTTP_PORT=8080 \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/obligations"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"
STOPSIGNAL SIGTERM
CMD ["obligations", "serve"]
