"""Stub: replaced by this section's endpoints."""

from ninja import Router

router = Router()
