"""Sharing a build: a local read-only endpoint, and pushing to any Graph Store Protocol store."""
