# The bot in a container: python -m bot run as an unprivileged user, the database in a volume.
#   docker build -t editorial-bot .
#   docker run -d --name editorial-bot --env-file .env -v editorial-data:/data editorial-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .
COPY prompts ./prompts

# A user of its own; the database lives in the volume, the code stays read-only for it.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data && chmod 0700 /data
USER bot
VOLUME ["/data"]

ENV BOT_DB_PATH=/data/bot.sqlite3 \
    BOT_PROMPTS_DIR=/app/prompts \
    BOT_LISTEN=0.0.0.0:8080
EXPOSE 8080

# /healthz answers in both modes here (BOT_LISTEN is set): 503 names what is wrong.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:8080/healthz', timeout=8).status == 200 else 1)"]

ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
