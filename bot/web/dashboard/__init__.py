"""The moderators' dashboard (issue 17): a group's results as web pages, served by the bot's
web server under ``/dashboard/`` when ``BOT_DASHBOARD_URL`` is set, or alone by
``python -m bot dashboard``.

    auth      sign-in links, Telegram Mini App initData, sessions, the per-IP limiter
    pages     the routes, the rights check on every page, the security headers
    views     what each page shows, read through the read-only connection
    rights    who moderates what: /report's check (``bot.moderation``), or the file's holder
    templates/, static/   Jinja2 templates, the stylesheet and the sign-in script
"""
