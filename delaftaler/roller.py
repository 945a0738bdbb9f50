"""The groups people work in, and what each may do in the admin.

Kept in code so every installation, and every test database, has the same roles.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

SEKRETARIAT = "Sekretariat"
BESTYRELSE = "Bestyrelse"

DOMAENE_APPS = ("delaftaler", "indikatorer", "aktiviteter")
KUN_ADMINISTRATOR = {("delaftaler", "indsatsomraade")}


# Beyond reading everything, the board comments on and approves yearly follow-ups.
BESTYRELSE_EKSTRA = {"godkend_opfoelgning", "add_kommentar"}
# Only the board approves; the board's comments are theirs;
# and the record of who did what (hændelser, approved PDFs) is written by the workflow only.
IKKE_SEKRETARIAT = {
    "godkend_opfoelgning",
    "add_kommentar",
    "change_kommentar",
    "delete_kommentar",
    *(
        f"{handling}_{model}"
        for handling in ("add", "change", "delete")
        for model in ("godkendtrapport", "opfoelgninghaendelse")
    ),
}


def opret_grupper() -> None:
    """Sekretariat edits content and enters follow-ups; Bestyrelse reads, comments, approves."""
    for label in DOMAENE_APPS:
        create_permissions(apps.get_app_config(label), verbosity=0)
    perms = Permission.objects.filter(content_type__app_label__in=DOMAENE_APPS).select_related(
        "content_type"
    )
    sekretariat, _ = Group.objects.get_or_create(name=SEKRETARIAT)
    bestyrelse, _ = Group.objects.get_or_create(name=BESTYRELSE)
    sekretariat.permissions.set(
        [
            p
            for p in perms
            if p.codename not in IKKE_SEKRETARIAT
            and (
                (p.content_type.app_label, p.content_type.model) not in KUN_ADMINISTRATOR
                or p.codename.startswith("view_")
            )
        ]
    )
    bestyrelse.permissions.set(
        [p for p in perms if p.codename.startswith("view_") or p.codename in BESTYRELSE_EKSTRA]
    )


def opret_grupper_efter_migrering(sender, **kwargs) -> None:
    if sender.label == DOMAENE_APPS[-1]:
        opret_grupper()
