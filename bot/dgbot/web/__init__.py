"""The bot's web side: the Flask app (webhooks, health, metrics) and the commands that serve it."""
