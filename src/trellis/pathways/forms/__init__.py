"""Forms for the pathways pages."""
