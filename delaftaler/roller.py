"""The groups people work in, and what each may do.

Kept in code so every installation, and every test database, has the same roles:

- Sekretariatsmedarbejder: edits the drafts and enters the yearly follow-up.
- Sekretariatsleder: also publishes administrative changes and submits faglige ones.
- Bestyrelsesmedlem: reads drafts, comments, approves faglige changes and follow-ups.
- Administrator: everything, in every helhedsplan, including users and their access.

Which helhedsplaner a person works on is their membership (Helhedsplan.medlemmer), not
their group; administrators work on all of them.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

MEDARBEJDER = "Sekretariatsmedarbejder"
LEDER = "Sekretariatsleder"
BESTYRELSE = "Bestyrelsesmedlem"
ADMINISTRATOR = "Administrator"
SEKRETARIAT = MEDARBEJDER
# Names used before the four roles; renamed in place so memberships survive.
TIDLIGERE_NAVNE = {"Sekretariat": MEDARBEJDER, "Bestyrelse": BESTYRELSE}

DOMAENE_APPS = settings.DOMAENE_APPS
KUN_ADMINISTRATOR = {("delaftaler", "indsatsomraade")}
# Helhedsplaner are created and removed by administrators, who also choose their members;
# the secretariat edits the helhedsplaner it is a member of.
KUN_ADMINISTRATOR_RETTIGHEDER = {"add_helhedsplan", "delete_helhedsplan"}
# Written only by the workflows (publishing, approving, the follow-up's steps) and by the
# notifications (a person's own settings page, the reminder run).
KUN_ARBEJDSGANG = {
    "version",
    "indstilling",
    "godkendtrapport",
    "opfoelgninghaendelse",
    "notifikationsfravalg",
    "paamindelse",
    "paamindelseskoersel",
}

BESTYRELSE_EKSTRA = {"godkend_opfoelgning", "add_kommentar", "godkend_delaftale"}
LEDER_EKSTRA = {"publicer_delaftale"}
GODKENDELSER = {"godkend_opfoelgning", "godkend_delaftale"}
# Only the board approves; the board's comments are theirs.
IKKE_SEKRETARIAT = {
    "godkend_opfoelgning",
    "godkend_delaftale",
    "publicer_delaftale",
    "alle_helhedsplaner",
    "add_kommentar",
    "change_kommentar",
    "delete_kommentar",
}
ADMINISTRATOR_AUTH = {
    f"{handling}_{model}"
    for handling in ("add", "change", "delete", "view")
    for model in ("user", "group")
}


def _sekretariat(p: Permission) -> bool:
    model = p.content_type.model
    if p.codename in IKKE_SEKRETARIAT or p.codename in KUN_ADMINISTRATOR_RETTIGHEDER:
        return False
    if p.codename.startswith("view_"):
        return True
    if (p.content_type.app_label, model) in KUN_ADMINISTRATOR:
        return False
    return not (model in KUN_ARBEJDSGANG or model.startswith("historical"))


def opret_grupper() -> None:
    for label in (*DOMAENE_APPS, "auth"):
        create_permissions(apps.get_app_config(label), verbosity=0)
    for gammel, ny in TIDLIGERE_NAVNE.items():
        if not Group.objects.filter(name=ny).exists():
            Group.objects.filter(name=gammel).update(name=ny)
    perms = list(
        Permission.objects.filter(content_type__app_label__in=DOMAENE_APPS).select_related(
            "content_type"
        )
    )
    sekretariat = [p for p in perms if _sekretariat(p)]
    laesning = [p for p in perms if p.codename.startswith("view_")]
    grupper = {
        MEDARBEJDER: sekretariat,
        LEDER: sekretariat + [p for p in perms if p.codename in LEDER_EKSTRA],
        BESTYRELSE: laesning + [p for p in perms if p.codename in BESTYRELSE_EKSTRA],
        # Everything but the board's approvals, which stay the board's.
        ADMINISTRATOR: [
            p
            for p in perms
            if p.codename not in GODKENDELSER
            and (p.codename.startswith("view_") or p.content_type.model not in KUN_ARBEJDSGANG)
        ]
        + list(
            Permission.objects.filter(
                content_type__app_label="auth", codename__in=ADMINISTRATOR_AUTH
            )
        ),
    }
    for navn, tilladelser in grupper.items():
        gruppe, _ = Group.objects.get_or_create(name=navn)
        gruppe.permissions.set(tilladelser)


def opret_grupper_efter_migrering(sender, **kwargs) -> None:
    if sender.label == DOMAENE_APPS[-1]:
        opret_grupper()
