"""Telling a commenter what became of their opinion: one `comment.outcome` notice per comment,
written in the transaction that publishes its disposition, sent by a pluggable notifier (ADR 0020)."""
