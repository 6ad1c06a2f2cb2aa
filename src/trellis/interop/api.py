"""The JSON API of data exchange: roster imports and the Ed-Fi export (tag ``interop``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["interop"])
