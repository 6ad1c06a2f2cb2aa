"""Reads for the initiative and its rollout, always scoped by district."""
