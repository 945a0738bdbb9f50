"""Queuing background tasks for work that was committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def koe_efter_commit(opgave: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``opgave`` (a django-tasks task) once the current transaction has committed.

    Robustly: the work is saved by then, so a failure to queue (a locked or lost
    database) is logged by Django instead of turning the person's saved work into an
    error page."""
    transaction.on_commit(lambda: opgave.enqueue(*args, **kwargs), robust=True)
