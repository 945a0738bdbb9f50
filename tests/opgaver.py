"""Running the background worker's queue inside a test (django-tasks-db's own Worker)."""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def koer_opgaver() -> int:
    """Run every queued task as `manage.py db_worker --batch` would, in this test's
    transaction, and return how many ran. The worker's connection hygiene
    (close_old_connections) would close the test's connection inside its atomic block."""
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()
    return worker._run_tasks


def fejlede_opgaver() -> list[str]:
    """Tracebacks of tasks that failed, so a test can show why."""
    return list(DBTaskResult.objects.filter(status="FAILED").values_list("traceback", flat=True))
