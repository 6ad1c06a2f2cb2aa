"""Background work of data exchange, through the django.tasks API (the django-tasks backport):
a worker started beside the web server (``trellis serve``) runs it; tests and the command line
run it at once."""

from __future__ import annotations

from django_tasks import task

from trellis.interop import services


@task()
def run_import_task(run_id: int) -> None:
    services.run_import(run_id)
