"""Pages for professional learning: ``catalog`` and ``plans`` each define their views and their
``urlpatterns``, which ``learning.urls`` joins."""
