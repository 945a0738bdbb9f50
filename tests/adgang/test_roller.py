"""The four roles exist in every database, and an installation from before them keeps
its people: the old groups are renamed in place."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, LEDER, MEDARBEJDER, opret_grupper


def _perms(navn: str) -> set[str]:
    return set(Group.objects.get(name=navn).permissions.values_list("codename", flat=True))


def test_the_old_groups_are_renamed_and_keep_their_members(db):
    Group.objects.filter(name__in=[MEDARBEJDER, BESTYRELSE]).delete()
    gammel = Group.objects.create(name="Sekretariat")
    bruger = get_user_model().objects.create_user("anne")
    bruger.groups.add(gammel)

    opret_grupper()

    assert not Group.objects.filter(name="Sekretariat").exists()
    assert list(bruger.groups.values_list("name", flat=True)) == [MEDARBEJDER]
    assert bruger.has_perm("delaftaler.change_delaftale")


def test_only_the_leder_publishes_and_only_the_board_approves(db):
    assert "publicer_delaftale" in _perms(LEDER)
    assert "publicer_delaftale" not in _perms(MEDARBEJDER)
    assert "godkend_delaftale" in _perms(BESTYRELSE)
    for rolle in (MEDARBEJDER, LEDER, ADMINISTRATOR):
        assert not {"godkend_delaftale", "godkend_opfoelgning"} & _perms(rolle), rolle
    assert "alle_helhedsplaner" in _perms(ADMINISTRATOR)
    assert not {p for p in _perms(BESTYRELSE) if p.startswith(("add_", "delete_"))} - {
        "add_kommentar"
    }
