"""Render: every word and keyboard the bot shows, built from lessons and stored answers.

``markup`` holds the building blocks (a reply, HTML escaping, buttons); ``fit`` is the one
way to fit text into Telegram's limits; ``words`` the small wording helpers; ``private``,
``group`` and ``reports`` render what a student, a group and a moderator see. The words
themselves live in ``bot.texts``.
"""
