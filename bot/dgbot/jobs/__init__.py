"""The durable job queue (huey on SQLite or Redis) and the worker that runs jobs."""
