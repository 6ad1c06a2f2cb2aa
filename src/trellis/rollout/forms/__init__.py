"""Forms for the rollout pages, one module per section."""
