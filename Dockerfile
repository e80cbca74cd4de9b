# A slim image: the installed package with compiled catalogs, run as a non-root user.
#   docker build -t cybervolunteer-bot .
#   docker run -v cvbot-data:/data -v "$PWD/config.toml:/config/config.toml:ro" cybervolunteer-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CVBOT_DATABASE__URL=sqlite+aiosqlite:////data/bot.db

WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY handlers ./handlers
COPY views ./views
COPY services ./services
COPY models ./models
# Compile the catalogs inside site-packages at build time: the runtime user cannot write there.
# constraints.txt: the exact versions the suite passed with (README, "Reproducible installs").
RUN pip install -c constraints.txt . \
    && cd / && python -m bot.i18n \
    && rm -rf /src \
    && useradd --system --create-home --home-dir /home/bot bot \
    && mkdir -p /data /config \
    && chown bot:bot /data

USER bot
WORKDIR /home/bot
VOLUME ["/data"]
# Used only in webhook mode ([webhook] url set; listen = "0.0.0.0" inside the container).
EXPOSE 8080
CMD ["python", "-m", "bot", "--config", "/config/config.toml"]
