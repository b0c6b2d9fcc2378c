"""Webhooks for partners: a subscription to kinds of public-record entries, POSTed to a URL,
signed, retried, replayable (ADR 0018)."""
