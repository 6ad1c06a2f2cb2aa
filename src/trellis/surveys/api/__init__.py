"""/api/v1 endpoints for surveys (tag ``surveys``)."""

from trellis.surveys.api.surveys import router

__all__ = ["router"]
