"""Publishing with real transactions: two people deciding at the same moment, and the
import command marking a loaded delaftale as approved.

Apart from tests/publicering/test_publicering.py because these commit or load the real
delaftale themselves, which that module's shared data (``delt_data``) rules out.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Indstilling, Version
from delaftaler.publicering import services as publicering
from delaftaler.publicering.services import ER_AFGJORT, INGEN_AENDRINGER
from delaftaler.roller import BESTYRELSE, LEDER
from tests.conftest import VEJLE, data_migrationernes_raekker
from tests.publicering.test_publicering import _administrativ, _faglig


def test_the_import_command_can_mark_the_loaded_delaftale_as_approved_by_the_board(db, tmp_path):
    import datetime
    import json

    from django.core.management import call_command

    from delaftaler.models import Delaftale
    from tests.conftest import VIBORG

    sti = tmp_path / "viborg.json"
    sti.write_text(VIBORG.read_text(encoding="utf-8"), encoding="utf-8")
    navn = json.loads(sti.read_text(encoding="utf-8"))["helhedsplan"]["navn"]
    call_command("indlaes_delaftale", str(sti), godkendt="01.12.2025")
    version = Version.objects.get(delaftale=Delaftale.objects.get(helhedsplan__navn=navn))
    assert version.art == Version.Art.FOERSTE
    assert version.godkendt.date() == datetime.date(2025, 12, 1)
    assert version.godkendt_tekst == "01.12.2025"
    # The board approved it at its meeting that day, which is recorded.
    assert version.fagligt_godkendt_moede.dato == datetime.date(2025, 12, 1)
    assert version.fagligt_godkendt_tekst == "på mødet 01.12.2025"


# --- At the same moment (real transactions) ---------------------------------------------------
# On PostgreSQL the delaftale's row lock makes the later request wait and then refuses it
# with a Danish message. SQLite (local use only) has no row locks: its database lock
# refuses the later writer outright. Either way exactly one version or submission is made.

PG = connection.vendor == "postgresql"


def _afvisninger(resultater: list) -> list:
    tilladt = (ValidationError,) if PG else (ValidationError, OperationalError)
    return [r for r in resultater if isinstance(r, tilladt)]


def _samtidigt(*opgaver):
    """Run the callables in threads released at the same moment; their results or errors.

    SQLite's shared-cache test database detects the two writers' table locks at once and
    may refuse both (nothing is written, each person is told to try again); the race is
    then run again, as the two people would, until one of them gets through."""
    for _ in range(5):
        resultater = _en_gang_samtidigt(*opgaver)
        if PG or not all(isinstance(r, OperationalError) for r in resultater):
            return resultater
    return resultater


def _en_gang_samtidigt(*opgaver):
    start = threading.Barrier(len(opgaver))
    resultater: list = [None] * len(opgaver)

    def koer(nr, opgave):
        try:
            start.wait()
            resultater[nr] = opgave()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            resultater[nr] = exc
        finally:
            connection.close()

    traade = [threading.Thread(target=koer, args=(n, o)) for n, o in enumerate(opgaver)]
    for t in traade:
        t.start()
    for t in traade:
        t.join(30)
    return resultater


@pytest.fixture
def vejle_commit(transactional_db):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    brugere = {}
    for navn, gruppe in (("leder", LEDER), ("b1", BESTYRELSE), ("b2", BESTYRELSE)):
        bruger = get_user_model().objects.create_user(navn, password="x", is_staff=True)
        bruger.groups.add(Group.objects.get(name=gruppe))
        brugere[navn] = bruger
    return delaftale, brugere


def test_two_approvals_at_the_same_moment_publish_one_version(vejle_commit):
    vejle, brugere = vejle_commit
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=brugere["leder"])
    resultater = _samtidigt(
        *(
            lambda b=brugere[navn]: publicering.indstilling_godkend(
                indstilling=Indstilling.objects.get(pk=indstilling.pk), bruger=b
            )
            for navn in ("b1", "b2")
        )
    )
    versioner = [r for r in resultater if isinstance(r, Version)]
    fejl = _afvisninger(resultater)
    assert len(versioner) == 1 and len(fejl) == 1, resultater
    if isinstance(fejl[0], ValidationError):
        assert fejl[0].messages == [ER_AFGJORT]
    assert list(vejle.versioner.values_list("nummer", flat=True).order_by("nummer")) == [1, 2]


def test_two_submissions_or_publications_at_the_same_moment_make_one(vejle_commit):
    vejle, brugere = vejle_commit
    original = vejle.aktiviteter.first().maalgrupper
    _faglig(vejle)
    leder = brugere["leder"]
    resultater = _samtidigt(
        lambda: publicering.udkast_indstil(delaftale=vejle, bruger=leder),
        lambda: publicering.udkast_indstil(delaftale=vejle, bruger=leder),
    )
    assert len(_afvisninger(resultater)) == 1, resultater
    assert any(isinstance(r, Indstilling) for r in resultater)
    assert Indstilling.objects.count() == 1
    publicering.indstilling_traek_tilbage(indstilling=Indstilling.objects.get(), bruger=leder)

    _faglig(vejle, original)
    _administrativ(vejle)
    resultater = _samtidigt(
        lambda: publicering.version_publicer(delaftale=vejle, bruger=leder),
        lambda: publicering.version_publicer(delaftale=vejle, bruger=leder),
    )
    fejl = _afvisninger(resultater)
    assert len(fejl) == 1 and any(isinstance(r, Version) for r in resultater), resultater
    if isinstance(fejl[0], ValidationError):
        assert fejl[0].messages == [INGEN_AENDRINGER]
    assert vejle.versioner.count() == 2
