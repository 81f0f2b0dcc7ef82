"""The bot's one web server (aiohttp, in the bot's process): Telegram's pushes in webhook
mode (``webhook``), ``GET /healthz`` (``health``) and ``GET /metrics``; see ``server``."""
