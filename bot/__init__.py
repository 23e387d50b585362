"""Telegram adapter: translates chat to calls on the core in `obligations`."""
