"""Forge webhooks: authenticating deliveries and normalizing their payloads into `Event`s."""
