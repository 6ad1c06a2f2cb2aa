"""Pages for career pathways: ``ladders`` (ladders and their steps, a person's career and
readiness, succession, HR's standing record) and ``reports`` (moves, turnover, retention, the
leadership pipeline, flows between levels). Each module defines its ``urlpatterns``."""
