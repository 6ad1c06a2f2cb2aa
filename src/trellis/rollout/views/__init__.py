"""Pages for the initiative and its rollout. Each module defines its views and its
``urlpatterns``, which ``rollout.urls`` joins: ``initiative`` (overview, vision, board summary),
``plan`` (phases, cohorts, volunteers, the pilot suggestion, amnesty, progress), ``taskforce``,
``checklist``, ``comms`` and ``providers``."""
