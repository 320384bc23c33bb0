"""The governance store: deliveries, repositories, jobs, verdicts and volume samples (SQLAlchemy Core)."""
