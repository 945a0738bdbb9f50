import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks import task


@task()
def send_hej(til: str) -> None:
    from django.core.mail import send_mail
    send_mail("Hej", "tekst", None, [til])


@pytest.mark.django_db
def test_worker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(lambda: send_hej.enqueue("a@b.dk"))
    assert len(mail.outbox) == 0
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1
