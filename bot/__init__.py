"""Editorial Discussion Bot: editorials read and discussed in Telegram."""
