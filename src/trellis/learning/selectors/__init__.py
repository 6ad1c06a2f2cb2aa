"""Reads for professional learning, always scoped by district: ``catalog`` and ``plans``."""
