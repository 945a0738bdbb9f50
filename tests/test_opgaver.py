import pytest
from django.core import mail
from django.db import transaction
from django_tasks import task

from tests.opgaver import fejlede_opgaver, koer_opgaver


@task()
def send_hilsen(til: str) -> None:
    from django.core.mail import send_mail

    send_mail("Hilsen", "Tekst", None, [til])


@pytest.mark.django_db
def test_a_task_enqueued_after_commit_waits_for_the_worker_and_runs_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(lambda: send_hilsen.enqueue("a@example.dk"))
    assert mail.outbox == []
    assert koer_opgaver() == 1
    assert [m.to for m in mail.outbox] == [["a@example.dk"]]
    assert koer_opgaver() == 0
    assert fejlede_opgaver() == []


@pytest.mark.django_db
def test_a_failure_to_queue_after_commit_keeps_the_saved_work_and_is_logged(
    django_capture_on_commit_callbacks, caplog
):
    """The work is committed by then: a database that refuses the task's row must not
    turn it into an error page (the person would think nothing was saved)."""
    from unittest import mock

    from django.contrib.auth.models import Group

    from delaftaler.lib.opgaver import koe_efter_commit

    with (
        mock.patch.object(
            type(send_hilsen.get_backend()), "enqueue", side_effect=RuntimeError("låst")
        ),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        Group.objects.create(name="Gemt")
        koe_efter_commit(send_hilsen, "a@example.dk")
    assert Group.objects.filter(name="Gemt").exists()
    assert "låst" in caplog.text
