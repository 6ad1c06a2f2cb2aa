# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from ninja import Router

router = Router(tags=["coaching"])
