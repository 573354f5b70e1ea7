"""Providers configured at runtime: admins add, test, enable, disable and remove them (web UI, CLI)."""
