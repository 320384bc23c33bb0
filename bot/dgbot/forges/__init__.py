"""Forge adapters: the Forge protocol and one adapter per forge, each the only importer of its SDK."""
