"""Reads for surveys: ``surveys`` (instruments, administrations, a person's invitations) and
``results`` (every result, suppressed)."""
