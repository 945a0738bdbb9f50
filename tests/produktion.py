"""The ground the real servers stand on (tests/test_drift.py, tests/test_delt_cache.py):
what `make serve` does before gunicorn starts, done once per test run by the session
fixture ``produktionsgrundlag`` (tests/conftest.py), and gunicorn started and stopped.

One subprocess with DEBUG=0 collects the static files and, meanwhile, migrates a
throwaway SQLite database: starting Django and migrating cost seconds of CPU each, the
same for every module. Each module then starts its servers on its own copy of the
database, so what one module's servers write never reaches the other's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")

# tests/test_drift.py logs in as the superuser, tests/test_delt_cache.py as a leder of Vejle.
ADMIN = "driftsadmin"
ADMIN_KODE = "Produktions-kode-9876"
LEDER = "leder"
LEDER_KODE = "Delt-cache-kode-2026"
# Vejle's first part's new number: in the draft, not yet published.
NYT_NUMMER = "70 70 12 34"


class Produktionsgrundlag(NamedTuple):
    static: Path  # STATIC_ROOT after collectstatic
    database: Path  # migrated, with the superuser ADMIN
    database_med_vejle: Path  # the same with Vejle published, a draft change and LEDER


def _opsaetning(database: Path, database_med_vejle: Path) -> str:
    return f"""
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from delaftaler.indlaesning import indlaes_delaftale
from delaftaler.roller import LEDER, opret_grupper

# Compressing the static files runs mostly outside the GIL: migrations run beside it.
with ThreadPoolExecutor(1) as baggrund:
    statisk = baggrund.submit(call_command, "collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    get_user_model().objects.create_superuser(
        "{ADMIN}", email="drift@example.dk", password="{ADMIN_KODE}"
    )
    connection.close()
    shutil.copy({str(database_med_vejle)!r}, {str(database)!r})
    data = json.loads(Path("fixtures/vejle_21_25_beskaeftigelse.json").read_text("utf-8"))
    delaftale = indlaes_delaftale(data=data).delaftale
    opret_grupper()
    leder = get_user_model().objects.create_user(
        "{LEDER}", password="{LEDER_KODE}", is_staff=True
    )
    leder.groups.add(Group.objects.get(name=LEDER))
    leder.helhedsplaner.add(delaftale.helhedsplan)
    # A change in the draft, not yet published: readers must not see it before.
    part = delaftale.parter.order_by("pk").first()
    part.telefon = "{NYT_NUMMER}"
    part.save()
    connection.close()
    statisk.result()
"""


def miljoe() -> dict[str, str]:
    """The test run's environment without its Django and pytest settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    for navn in ("PDF_CACHE", "PDF_CACHE_DIR", "DATABASE_URL", "REDIS_URL"):
        env.pop(navn, None)
    return env | {"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}


def opsaet(mappe: Path, secret_key: str) -> Produktionsgrundlag:
    grundlag = Produktionsgrundlag(mappe / "static", mappe / "tom.sqlite3", mappe / "vejle.sqlite3")
    env = miljoe() | {
        "SECRET_KEY": secret_key,
        "STATIC_ROOT": str(grundlag.static),
        "DATABASE_URL": f"sqlite:///{grundlag.database_med_vejle}",
    }
    resultat = manage(env, "shell", "-c", _opsaetning(*grundlag[1:]))
    assert resultat.returncode == 0, resultat.stderr[-3000:]
    return grundlag


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    """``manage.py`` in a process of its own, with ``env`` as its whole environment."""
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **kwargs,
    )


def fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    """gunicorn as `make serve` starts it, in a process group of its own (see ``stop``)."""
    with log.open("w") as ud:
        return subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=ud,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(*processer: subprocess.Popen) -> None:
    """Kill the servers, workers and all: a worker that exits itself spends over a second
    of CPU tearing its interpreter down, and nothing is tested after the tests."""
    for proc in processer:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    for proc in processer:
        proc.wait(timeout=30)
