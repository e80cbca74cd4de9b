# A slim image: the installed package with compiled catalogs, run as a non-root user.
#   docker build -t cybervolunteer-bot .
#   docker run -v cvbot-data:/data -v "$PWD/config.toml:/config/config.toml:ro" cybervolunteer-bot
# Works with --read-only too: the bot writes only to /data (the database, and matplotlib's
# cache), which is a volume.
#
# Built in two stages: the builder installs into a virtual environment, the runtime copies only
# that environment (no build files, no source tree).
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY handlers ./handlers
COPY views ./views
COPY services ./services
COPY models ./models
# constraints.txt: the exact versions the suite passed with (README, "Reproducible installs").
# The catalogs are compiled inside site-packages here: the runtime user cannot write there.
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -c constraints.txt . \
    && cd / && /opt/venv/bin/python -m bot.i18n

FROM python:3.11-slim

# MPLCONFIGDIR: matplotlib (the digest's chart) needs a writable cache folder: the volume.
# CVBOT_OPS__*: /healthz and /metrics for the HEALTHCHECK below and for Prometheus on the
# container network (README, "Operations").
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    CVBOT_DATABASE__URL=sqlite+aiosqlite:////data/bot.db \
    MPLCONFIGDIR=/data/.matplotlib \
    CVBOT_OPS__LISTEN=0.0.0.0 \
    CVBOT_OPS__PORT=9090

COPY --from=build /opt/venv /opt/venv
# A fixed user id, so a bind-mounted /data can be given to it: chown -R 10001 ./data
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/bot bot \
    && mkdir -p /data /config \
    && chown 10001:10001 /data

USER 10001:10001
WORKDIR /home/bot
VOLUME ["/data"]
# 8080: the webhook ([webhook] url set; listen = "0.0.0.0" inside the container). 9090: ops.
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:9090/healthz', timeout=4).status != 200)"]
CMD ["python", "-m", "bot", "--config", "/config/config.toml"]
