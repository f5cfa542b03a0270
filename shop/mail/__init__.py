"""Outgoing email: an outbox written in the sender's transaction, delivered after it commits."""
