"""Reads for career pathways: ``ladders`` (steps, readiness, succession) and ``history`` (moves,
turnover, retention, the leadership pipeline and flows, all from assignment history)."""
