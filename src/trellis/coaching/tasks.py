"""Background work of coaching, through the django.tasks API: the worker started beside the web
server runs it; tests and the command line run it at once."""

from __future__ import annotations

from django_tasks import task

from trellis.coaching import assignment


@task()
def run_proposal_task(proposal_id: int) -> None:
    assignment.run_proposal(proposal_id)
