"""Forms for the survey pages."""
