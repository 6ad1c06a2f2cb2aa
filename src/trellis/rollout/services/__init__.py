"""Writes for the initiative and its rollout: each a keyword-only function that validates, writes
in one transaction and records an audit event."""
