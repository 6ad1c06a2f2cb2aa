"""Writes for professional learning: ``catalog`` (activities, sessions, enrolment, attendance,
certifications) and ``plans`` (learning plans, PLCs, onboarding tracks)."""
