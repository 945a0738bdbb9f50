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
