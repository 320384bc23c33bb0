"""Workflow notebooks: generation from the plan (nbformat + papermill parameterize) and execution."""
