"""Every URL of the site × every role, with the answer each gets.

The roles: anonymous, a sekretariatsmedarbejder, a sekretariatsleder and a
bestyrelsesmedlem who are members of the helhedsplan the URLs point into (»egen«), an
administrator, and a sekretariatsmedarbejder of another helhedsplan (»fremmed«, a member
of »anden« only).

The table is keyed by URL name; a name may have several variants (a draft, sent and
approved year; the admin's change page of an own and of another plan's object). The
admin's rows are made per registered model from ``ADMIN`` below. A completeness test
walks the URL resolver and fails on any named URL that is not in the table, so a new URL
cannot escape the matrix.

Answers: a status code, or
- ``LOGIN``: 302 to the login page,
- ``FINDES_IKKE``: the admin's 302 to its front page with »findes ikke« (what the admin
  answers for an object outside the person's helhedsplaner, as for one that was deleted),
- ``VIDERE``: another 302 (the admin's login page for someone logged in, »Vis på
  siden«, logging out when not logged in).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from delaftaler.models import (
    Delaftale,
    Indsatsomraade,
    Indstilling,
)
from delaftaler.notifikationer.paamindelser import daglige_paamindelser
from delaftaler.publicering import services as publicering
from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, LEDER, SEKRETARIAT
from tests.conftest import bruger_med_rolle
from tests.planer import Plan, ny_bruger, plan_med_aar, uden_pdf, uden_pdf_imens

# Every case reads the data built once for the module (``data``).
pytestmark = pytest.mark.django_db

ROLLER = ("anonym", "medarbejder", "leder", "bestyrelse", "administrator", "fremmed")
LOGIN = "login"
FINDES_IKKE = "findes ikke"
VIDERE = "videre"


def svar(anonym, medarbejder, leder, bestyrelse, administrator, fremmed) -> dict:
    return dict(
        zip(ROLLER, (anonym, medarbejder, leder, bestyrelse, administrator, fremmed), strict=True)
    )


def alle(kode) -> dict:
    return svar(*[kode] * len(ROLLER))


# --- The data: two helhedsplaner, each with a published delaftale and three years -----------


@dataclass
class Data:
    egen: Plan
    anden: Plan
    brugere: dict
    indstilling: Indstilling  # a faglig draft of »egen«, awaiting the board


@pytest.fixture(autouse=True)
def _uden_pdf(settings, monkeypatch):
    """The matrix is about who gets which answer, not about PDFs."""
    uden_pdf(settings, monkeypatch)


@pytest.fixture(scope="module")
def data(modul_db) -> Data:
    """Built once for the module's ~1 000 requests: each runs in a savepoint that is
    rolled back, so no request sees another's changes."""
    with uden_pdf_imens():
        return _data()


def _data() -> Data:
    sekretariat_bruger = bruger_med_rolle("sekretariat", SEKRETARIAT)
    leder_bruger = bruger_med_rolle("leder", LEDER)
    bestyrelse_bruger = bruger_med_rolle("bestyrelse", BESTYRELSE)
    administrator_bruger = bruger_med_rolle("administrator", ADMINISTRATOR)
    fremmed = ny_bruger("fremmed", SEKRETARIAT)
    medlemmer = [sekretariat_bruger, leder_bruger, bestyrelse_bruger, administrator_bruger]
    egen = plan_med_aar("Egen_21_25", medlemmer, sekretariat_bruger, bestyrelse_bruger)
    anden = plan_med_aar("Anden_21_25", [fremmed], sekretariat_bruger, bestyrelse_bruger)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        felter = {"get_data": "", "post_data": "", "failures_since_start": 1}
        model.objects.create(
            username="nogen",
            ip_address="127.0.0.1",
            user_agent="test",
            http_accept="*/*",
            path_info="/admin/login/",
            **(felter if model is AccessAttempt else {}),
        )
    # A task in the background worker's queue (its admin is for superusers only).
    daglige_paamindelser.enqueue(dag="2026-01-01")
    # A faglig change of »egen«, submitted to the board by the sekretariatsleder.
    egen.delmaal.tekst = "Flere unge i uddannelse"
    egen.delmaal.save()
    indstilling = publicering.udkast_indstil(delaftale=egen.delaftale, bruger=leder_bruger)
    brugere = {
        "anonym": None,
        "medarbejder": sekretariat_bruger,
        "leder": leder_bruger,
        "bestyrelse": bestyrelse_bruger,
        "administrator": administrator_bruger,
        "fremmed": fremmed,
    }
    return Data(egen=egen, anden=anden, brugere=brugere, indstilling=indstilling)


# --- The site's own pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Raekke:
    navn: str  # the URL name, "namespace:name"
    variant: str
    url: Callable[[Data], str]
    forventet: dict
    metode: str = "get"  # "post" sends an empty form

    @property
    def id(self) -> str:
        return f"{self.navn}[{self.variant}]" if self.variant else self.navn

    def hent(self, klient: Client, url: str):
        return klient.post(url, {}) if self.metode == "post" else klient.get(url)


def _opf(navn: str, status: str) -> Callable[[Data], str]:
    return lambda d: reverse(navn, args=[*d.egen.args(), d.egen.aar[status].aar])


def _delaftale(navn: str, *ekstra) -> Callable[[Data], str]:
    return lambda d: reverse(navn, args=[*d.egen.args(), *ekstra])


def _api(navn: str, *ekstra) -> Callable[[Data], str]:
    return lambda d: reverse(navn, args=[d.egen.delaftale.pk, *ekstra])


def _indstilling(navn: str) -> Callable[[Data], str]:
    return lambda d: reverse(navn, args=[*d.egen.args(), d.indstilling.pk])


OFFENTLIG = alle(200)
# Staff pages of a follow-up: the secretariat works, the board reads; another plan's
# staff get 404 where the year is not public and 403 where it is (approved).
ARBEJDE_IKKE_OFFENTLIG = svar(LOGIN, 200, 200, 403, 200, 404)
ARBEJDE_OFFENTLIG = svar(LOGIN, 200, 200, 403, 200, 403)

SIDER = [
    Raekke("healthz", "", lambda d: reverse("healthz"), OFFENTLIG),
    # Each person's own e-mail settings (an empty POST turns every e-mail off and returns).
    Raekke(
        "delaftaler:notifikationsvalg",
        "GET",
        lambda d: reverse("delaftaler:notifikationsvalg"),
        svar(LOGIN, 200, 200, 200, 200, 200),
    ),
    Raekke(
        "delaftaler:notifikationsvalg",
        "POST",
        lambda d: reverse("delaftaler:notifikationsvalg"),
        svar(LOGIN, VIDERE, VIDERE, VIDERE, VIDERE, VIDERE),
        "post",
    ),
    Raekke("favicon", "", lambda d: reverse("favicon"), alle(VIDERE)),
    Raekke("delaftaler:oversigt", "", lambda d: reverse("delaftaler:oversigt"), OFFENTLIG),
    # The view across plans (/oversigt/) and its table as CSV and XLSX: public.
    Raekke("delaftaler:tvaers", "", lambda d: reverse("delaftaler:tvaers"), OFFENTLIG),
    Raekke(
        "delaftaler:tvaers_diagram", "", lambda d: reverse("delaftaler:tvaers_diagram"), OFFENTLIG
    ),
    Raekke("delaftaler:tvaers_csv", "", lambda d: reverse("delaftaler:tvaers_csv"), OFFENTLIG),
    Raekke("delaftaler:tvaers_xlsx", "", lambda d: reverse("delaftaler:tvaers_xlsx"), OFFENTLIG),
    Raekke(
        "delaftaler:helhedsplan",
        "",
        lambda d: reverse("delaftaler:helhedsplan", args=[d.egen.plan.slug]),
        OFFENTLIG,
    ),
    Raekke("delaftaler:delaftale", "", _delaftale("delaftaler:delaftale"), OFFENTLIG),
    Raekke("delaftaler:delaftale_pdf", "", _delaftale("delaftaler:delaftale_pdf"), OFFENTLIG),
    Raekke("delaftaler:versioner", "", _delaftale("delaftaler:versioner"), OFFENTLIG),
    Raekke("delaftaler:version", "", _delaftale("delaftaler:version", 1), OFFENTLIG),
    Raekke("delaftaler:version_pdf", "", _delaftale("delaftaler:version_pdf", 1), OFFENTLIG),
    # The same versions as Word, public like their PDFs.
    Raekke("delaftaler:delaftale_docx", "", _delaftale("delaftaler:delaftale_docx"), OFFENTLIG),
    Raekke("delaftaler:version_docx", "", _delaftale("delaftaler:version_docx", 1), OFFENTLIG),
    Raekke("delaftaler:indikatorer_csv", "", _delaftale("delaftaler:indikatorer_csv"), OFFENTLIG),
    Raekke("delaftaler:indikatorer_xlsx", "", _delaftale("delaftaler:indikatorer_xlsx"), OFFENTLIG),
    # The read-only JSON API (delaftaler/api/): public, published versions and approved
    # years only; a year not approved is not there for anyone.
    Raekke("api:api-root", "", lambda d: reverse("api:api-root"), alle(404)),
    Raekke("api:openapi-json", "", lambda d: reverse("api:openapi-json"), OFFENTLIG),
    Raekke("api:openapi-view", "", lambda d: reverse("api:openapi-view"), OFFENTLIG),
    Raekke("api:helhedsplaner", "", lambda d: reverse("api:helhedsplaner"), OFFENTLIG),
    Raekke(
        "api:helhedsplan",
        "",
        lambda d: reverse("api:helhedsplan", args=[d.egen.plan.slug]),
        OFFENTLIG,
    ),
    Raekke("api:delaftaler", "", lambda d: reverse("api:delaftaler"), OFFENTLIG),
    Raekke("api:delaftale", "", _api("api:delaftale"), OFFENTLIG),
    Raekke("api:versioner", "", _api("api:versioner"), OFFENTLIG),
    Raekke("api:version", "", _api("api:version", 1), OFFENTLIG),
    Raekke("api:opfoelgninger", "", _api("api:opfoelgninger"), OFFENTLIG),
    *(
        Raekke(
            "api:opfoelgning",
            status,
            lambda d, status=status: reverse(
                "api:opfoelgning", args=[d.egen.delaftale.pk, d.egen.aar[status].aar]
            ),
            alle(200 if status == "godkendt" else 404),
        )
        for status in ("godkendt", "sendt", "kladde")
    ),
    # Mit overblik, logging in (someone logged in goes on to Mit overblik) and out (POST).
    Raekke(
        "delaftaler:overblik",
        "",
        lambda d: reverse("delaftaler:overblik"),
        svar(LOGIN, 200, 200, 200, 200, 200),
    ),
    Raekke(
        "delaftaler:log_ind", "", lambda d: reverse("delaftaler:log_ind"), svar(200, *[VIDERE] * 5)
    ),
    Raekke("delaftaler:log_ud", "", lambda d: reverse("delaftaler:log_ud"), alle(405)),
    Raekke(
        "delaftaler:log_ud",
        "POST",
        lambda d: reverse("delaftaler:log_ud"),
        alle(VIDERE),
        "post",
    ),
    # The yearly follow-up.
    Raekke(
        "delaftaler:opfoelgninger",
        "",
        lambda d: reverse("delaftaler:opfoelgninger"),
        svar(LOGIN, 200, 200, 200, 200, 200),
    ),
    Raekke(
        "delaftaler:opfoelgning_liste",
        "",
        _delaftale("delaftaler:opfoelgning_liste"),
        svar(LOGIN, 200, 200, 200, 200, 403),
    ),
    *(
        Raekke(
            f"delaftaler:opfoelgning_{side}",
            status,
            _opf(f"delaftaler:opfoelgning_{side}", status),
            forventet,
        )
        for side, status, forventet in (
            ("indtast", "kladde", ARBEJDE_IKKE_OFFENTLIG),
            ("indtast", "sendt", ARBEJDE_IKKE_OFFENTLIG),
            ("indtast", "godkendt", ARBEJDE_OFFENTLIG),
            ("send", "kladde", ARBEJDE_IKKE_OFFENTLIG),
            ("send", "godkendt", ARBEJDE_OFFENTLIG),
            ("genaaben", "kladde", ARBEJDE_IKKE_OFFENTLIG),
            ("genaaben", "godkendt", ARBEJDE_OFFENTLIG),
            # The board approves and comments; the board cannot see drafts at all.
            ("godkend", "sendt", svar(LOGIN, 403, 403, 200, 403, 403)),
            ("godkend", "kladde", svar(LOGIN, 403, 403, 404, 403, 403)),
            # The old comment page's address: to the report, where the board comments.
            ("kommentar", "sendt", svar(LOGIN, 403, 403, VIDERE, VIDERE, 403)),
            ("kommentar", "kladde", svar(LOGIN, 403, 403, 404, VIDERE, 403)),
        )
    ),
    # The report: approved years are public, the rest a 404 for whoever may not see them.
    *(
        Raekke(navn, status, _opf(navn, status), forventet)
        for navn in ("delaftaler:rapport", "delaftaler:rapport_pdf")
        for status, forventet in (
            ("kladde", svar(404, 200, 200, 404, 200, 404)),
            ("sendt", svar(404, 200, 200, 200, 200, 404)),
            ("godkendt", OFFENTLIG),
        )
    ),
    # Drafts, publication and the board's decision: members only (another plan's staff get
    # 404, as for a draft that does not exist); then the permission (403). The actions are
    # POSTs (405 for a GET); an empty POST that passes the checks is refused as a bad form
    # (400: a decision needs its meeting), or carried out where the form needs nothing
    # (withdrawing: 302).
    Raekke(
        "delaftaler:udkast_oversigt",
        "",
        lambda d: reverse("delaftaler:udkast_oversigt"),
        svar(LOGIN, 200, 200, 200, 200, 200),
    ),
    *(
        Raekke(navn, "", _delaftale(navn), svar(LOGIN, 200, 200, 200, 200, 404))
        for navn in (
            "delaftaler:udkast",
            "delaftaler:udkast_vis",
            "delaftaler:udkast_pdf",
            "delaftaler:udkast_docx",
        )
    ),
    # »Ny delaftale«: those who may add delaftaler, in their own helhedsplaner (another
    # plan's staff see the page for theirs); the board may not. An empty form is a 400.
    Raekke(
        "delaftaler:ny_delaftale",
        "GET",
        lambda d: reverse("delaftaler:ny_delaftale"),
        svar(LOGIN, 200, 200, 403, 200, 200),
    ),
    Raekke(
        "delaftaler:ny_delaftale",
        "plan",
        lambda d: reverse("delaftaler:ny_delaftale") + f"?helhedsplan={d.egen.plan.slug}",
        svar(LOGIN, 200, 200, 403, 200, 200),
    ),
    Raekke(
        "delaftaler:ny_delaftale",
        "POST",
        lambda d: reverse("delaftaler:ny_delaftale"),
        svar(LOGIN, 400, 400, 403, 400, 400),
        "post",
    ),
    # »Indlæs delaftale fra Word«: as »Ny delaftale«. A POST without a file is a 400.
    Raekke(
        "delaftaler:indlaes_word",
        "GET",
        lambda d: reverse("delaftaler:indlaes_word"),
        svar(LOGIN, 200, 200, 403, 200, 200),
    ),
    Raekke(
        "delaftaler:indlaes_word",
        "POST",
        lambda d: reverse("delaftaler:indlaes_word"),
        svar(LOGIN, 400, 400, 403, 400, 400),
        "post",
    ),
    *(
        raekke
        for navn in ("delaftaler:udkast_publicer", "delaftaler:udkast_indstil")
        for raekke in (
            Raekke(navn, "GET", _delaftale(navn), alle(405)),
            Raekke(navn, "POST", _delaftale(navn), svar(LOGIN, 403, 400, 403, 400, 404), "post"),
        )
    ),
    Raekke(
        "delaftaler:indstilling",
        "",
        lambda d: reverse("delaftaler:indstilling", args=[*d.egen.args(), d.indstilling.pk]),
        svar(LOGIN, 200, 200, 200, 200, 404),
    ),
    *(
        raekke
        for navn, forventet in (
            ("delaftaler:indstilling_godkend", svar(LOGIN, 403, 403, 400, 403, 404)),
            ("delaftaler:indstilling_send_tilbage", svar(LOGIN, 403, 403, 400, 403, 404)),
            ("delaftaler:indstilling_traek_tilbage", svar(LOGIN, 403, VIDERE, 403, VIDERE, 404)),
        )
        for raekke in (
            Raekke(navn, "GET", _indstilling(navn), alle(405)),
            Raekke(navn, "POST", _indstilling(navn), forventet, "post"),
        )
    ),
    # History, comparison and restore: members only, like the drafts.
    Raekke(
        "delaftaler:historik",
        "",
        _delaftale("delaftaler:historik"),
        svar(LOGIN, 200, 200, 200, 200, 404),
    ),
    Raekke(
        "delaftaler:sammenlign",
        "",
        _delaftale("delaftaler:sammenlign"),
        svar(LOGIN, 200, 200, 200, 200, 404),
    ),
    Raekke("delaftaler:gendan", "GET", _delaftale("delaftaler:gendan", 1), alle(405)),
    # Restoring version 1 makes it the draft and sends the person on to it.
    Raekke(
        "delaftaler:gendan",
        "POST",
        _delaftale("delaftaler:gendan", 1),
        svar(LOGIN, VIDERE, VIDERE, 403, VIDERE, 404),
        "post",
    ),
    # The measurements' spreadsheets: the secretariat's.
    *(
        Raekke(navn, status, _opf(navn, status), forventet)
        for navn in (
            "delaftaler:maalinger_skabelon",
            "delaftaler:maalinger_eksport",
            "delaftaler:maalinger_indlaes",
        )
        for status, forventet in (
            ("kladde", ARBEJDE_IKKE_OFFENTLIG),
            ("sendt", ARBEJDE_IKKE_OFFENTLIG),
            ("godkendt", ARBEJDE_OFFENTLIG),
        )
    ),
]


# --- The admin ----------------------------------------------------------------------------

PERSONALE = svar(LOGIN, 200, 200, 200, 200, 200)
KUN_ADMINISTRATOR = svar(LOGIN, 403, 403, 403, 200, 403)
INGEN = svar(LOGIN, 403, 403, 403, 403, 403)

ADMIN_SIDER = [
    Raekke("admin:index", "", lambda d: reverse("admin:index"), PERSONALE),
    # A GET of the admin's login goes to the site's login page (delaftaler:log_ind).
    Raekke("admin:login", "", lambda d: reverse("admin:login"), alle(VIDERE)),
    # Logging out is a POST; the admin sends someone not logged in to its front page.
    Raekke("admin:logout", "", lambda d: reverse("admin:logout"), svar(VIDERE, *[405] * 5)),
    Raekke("admin:password_change", "", lambda d: reverse("admin:password_change"), PERSONALE),
    Raekke(
        "admin:password_change_done",
        "",
        lambda d: reverse("admin:password_change_done"),
        PERSONALE,
    ),
    Raekke(
        "admin:autocomplete",
        "",
        lambda d: (
            reverse("admin:autocomplete")
            + "?app_label=delaftaler&model_name=delaftale&field_name=helhedsplan&term="
        ),
        PERSONALE,
    ),
    Raekke("admin:jsi18n", "", lambda d: reverse("admin:jsi18n"), PERSONALE),
    # »Vis på siden« only for objects of the person's helhedsplaner (404 as in the admin).
    Raekke(
        "admin:view_on_site",
        "egen",
        lambda d: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(Delaftale).pk, d.egen.delaftale.pk],
        ),
        svar(LOGIN, VIDERE, VIDERE, VIDERE, VIDERE, 404),
    ),
    Raekke(
        "admin:view_on_site",
        "anden",
        lambda d: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(Delaftale).pk, d.anden.delaftale.pk],
        ),
        svar(LOGIN, 404, 404, 404, VIDERE, VIDERE),
    ),
    *(
        Raekke(
            "admin:app_list",
            app,
            lambda d, app=app: reverse("admin:app_list", args=[app]),
            forventet,
        )
        for app, forventet in (
            ("auth", svar(LOGIN, 404, 404, 404, 200, 404)),
            ("delaftaler", PERSONALE),
            ("indikatorer", PERSONALE),
            ("aktiviteter", PERSONALE),
            ("axes", svar(LOGIN, 404, 404, 404, 404, 404)),
            ("django_tasks_database", svar(LOGIN, 404, 404, 404, 404, 404)),
        )
    ),
    # Reordering LBF's indsatsområder is a POST from the change list.
    Raekke(
        "admin:delaftaler_indsatsomraade_sortable_update",
        "",
        lambda d: reverse("admin:delaftaler_indsatsomraade_sortable_update"),
        svar(LOGIN, *[405] * 5),
    ),
    Raekke(
        "admin:auth_user_password_change",
        "",
        lambda d: reverse("admin:auth_user_password_change", args=[d.brugere["medarbejder"].pk]),
        KUN_ADMINISTRATOR,
    ),
]


@dataclass(frozen=True)
class AdminModel:
    """A registered model's objects and the answers on its admin pages."""

    egen: Callable[[Data], object]
    anden: Callable[[Data], object] | None
    forventet: dict  # action → answers; actions: changelist, add, change, history, delete


# A domain model in the person's helhedsplaner: the secretariat edits, the board reads,
# another plan's staff are told the object does not exist.
REDIGERES = {
    "changelist": PERSONALE,
    "add": svar(LOGIN, 200, 200, 403, 200, 200),
    "change[egen]": svar(LOGIN, 200, 200, 200, 200, FINDES_IKKE),
    "change[anden]": svar(LOGIN, FINDES_IKKE, FINDES_IKKE, FINDES_IKKE, 200, 200),
    "history[egen]": svar(LOGIN, 200, 200, 200, 200, FINDES_IKKE),
    "delete[egen]": svar(LOGIN, 200, 200, 403, 200, FINDES_IKKE),
}
KUN_FOR_ADMINISTRATOR = {
    "changelist": KUN_ADMINISTRATOR,
    "add": KUN_ADMINISTRATOR,
    "change[egen]": KUN_ADMINISTRATOR,
    "history[egen]": KUN_ADMINISTRATOR,
    "delete[egen]": KUN_ADMINISTRATOR,
}
FOR_INGEN = dict.fromkeys(KUN_FOR_ADMINISTRATOR, INGEN)

ADMIN = {
    # Only administrators add and delete a helhedsplan.
    "delaftaler.helhedsplan": AdminModel(
        lambda d: d.egen.plan,
        lambda d: d.anden.plan,
        {**REDIGERES, "add": KUN_ADMINISTRATOR, "delete[egen]": KUN_ADMINISTRATOR},
    ),
    "delaftaler.delaftale": AdminModel(
        lambda d: d.egen.delaftale, lambda d: d.anden.delaftale, REDIGERES
    ),
    "delaftaler.delmaal": AdminModel(
        lambda d: d.egen.delmaal, lambda d: d.anden.delmaal, REDIGERES
    ),
    # A follow-up is never deleted.
    "delaftaler.opfoelgning": AdminModel(
        lambda d: d.egen.aar["kladde"],
        lambda d: d.anden.aar["kladde"],
        {**REDIGERES, "delete[egen]": INGEN},
    ),
    "indikatorer.indikator": AdminModel(
        lambda d: d.egen.indikator, lambda d: d.anden.indikator, REDIGERES
    ),
    "indikatorer.maaling": AdminModel(
        lambda d: d.egen.maaling, lambda d: d.anden.maaling, REDIGERES
    ),
    "aktiviteter.aktivitet": AdminModel(
        lambda d: d.egen.aktivitet, lambda d: d.anden.aktivitet, REDIGERES
    ),
    "aktiviteter.aktivitetstatus": AdminModel(
        lambda d: d.egen.aktivitet_status, lambda d: d.anden.aktivitet_status, REDIGERES
    ),
    # LBF's indsatsområder are shared by every helhedsplan: all read, administrators edit.
    "delaftaler.indsatsomraade": AdminModel(
        lambda d: Indsatsomraade.objects.get(slug="beskaeftigelse"),
        None,
        {
            "changelist": PERSONALE,
            "add": KUN_ADMINISTRATOR,
            "change[egen]": PERSONALE,
            "history[egen]": PERSONALE,
            "delete[egen]": KUN_ADMINISTRATOR,
        },
    ),
    "auth.user": AdminModel(lambda d: d.brugere["medarbejder"], None, KUN_FOR_ADMINISTRATOR),
    "auth.group": AdminModel(
        lambda d: Group.objects.get(name=SEKRETARIAT), None, KUN_FOR_ADMINISTRATOR
    ),
    # django-axes' records of logins: for superusers only.
    "axes.accessattempt": AdminModel(lambda d: AccessAttempt.objects.get(), None, FOR_INGEN),
    "axes.accessfailurelog": AdminModel(lambda d: AccessFailureLog.objects.get(), None, FOR_INGEN),
    "axes.accesslog": AdminModel(
        lambda d: AccessLog.objects.get(username="nogen"), None, FOR_INGEN
    ),
    # The background worker's queue and results (django-tasks-db): for superusers only.
    "django_tasks_database.dbtaskresult": AdminModel(
        lambda d: DBTaskResult.objects.get(), None, FOR_INGEN
    ),
}


def _admin_url(label: str, handling: str, hvis: str | None) -> Callable[[Data], str]:
    app, model = label.split(".")
    navn = f"admin:{app}_{model}_{handling}"
    if hvis is None:
        return lambda d: reverse(navn)
    return lambda d: reverse(navn, args=[getattr(ADMIN[label], hvis)(d).pk])


def _admin_raekker() -> list[Raekke]:
    raekker = []
    for label, spec in ADMIN.items():
        for noegle, forventet in spec.forventet.items():
            handling, _, hvis = noegle.partition("[")
            hvis = hvis.rstrip("]") or None
            navn = f"admin:{label.replace('.', '_')}_{handling}"
            raekker.append(Raekke(navn, hvis or "", _admin_url(label, handling, hvis), forventet))
    return raekker


TABEL = [*SIDER, *ADMIN_SIDER, *_admin_raekker()]


# --- The tests ----------------------------------------------------------------------------


def _kontroller(response, forventet, url: str) -> None:
    hvad = f"{url}: {response.status_code} {response.get('Location', '')}"
    if forventet == LOGIN:
        assert response.status_code == 302, hvad
        assert response["Location"].startswith(
            (reverse("delaftaler:log_ind") + "?next=", reverse("admin:login") + "?next=")
        ), hvad
    elif forventet == FINDES_IKKE:
        assert response.status_code == 302, hvad
        assert response["Location"] == reverse("admin:index"), hvad
    elif forventet == VIDERE:
        assert response.status_code == 302, hvad
        assert not response["Location"].startswith(
            (reverse("delaftaler:log_ind") + "?next=", reverse("admin:login") + "?next=")
        ), hvad
    else:
        assert response.status_code == forventet, hvad


@pytest.fixture(scope="module")
def sessioner(data, _delt_klient, django_db_blocker) -> dict[str, SimpleCookie]:
    """Each role's session cookie, logged in once for the module: a login writes a
    session, which per case was much of the matrix's time."""
    cookies = {}
    with django_db_blocker.unblock():
        for rolle, bruger in data.brugere.items():
            _delt_klient.cookies = SimpleCookie()
            if bruger is not None:
                _delt_klient.force_login(bruger)
            cookies[rolle] = copy.deepcopy(_delt_klient.cookies)
    return cookies


@pytest.mark.parametrize("raekke", TABEL, ids=[r.id for r in TABEL])
def test_every_url_answers_each_role_as_the_table_says(klient, data, sessioner, raekke):
    """Every role in turn, each request in a savepoint that is rolled back, so no role
    sees what another's request changed (a logout, a submission); every wrong answer is
    named, not only the first."""
    url = raekke.url(data)
    fejl = []
    for rolle in ROLLER:
        klient.cookies = copy.deepcopy(sessioner[rolle])
        with transaction.atomic():
            response = raekke.hent(klient, url)
            transaction.set_rollback(True)
        try:
            _kontroller(response, raekke.forventet[rolle], url)
        except AssertionError as e:
            fejl.append(f"{rolle}: {e}")
    assert not fejl, "\n".join(fejl)


def test_the_fixtures_are_what_the_table_assumes(data):
    """Membership as the table reads it, and the years in the states it names."""
    assert set(data.egen.plan.medlemmer.values_list("username", flat=True)) == {
        "sekretariat",
        "leder",
        "bestyrelse",
        "administrator",
    }
    assert list(data.anden.plan.medlemmer.values_list("username", flat=True)) == ["fremmed"]
    for plan in (data.egen, data.anden):
        assert {s: o.status for s, o in plan.aar.items()} == {
            "godkendt": "godkendt",
            "sendt": "sendt",
            "kladde": "kladde",
        }
    assert data.egen.delaftale.gyldig_fra == datetime.date(2021, 12, 1)


def _navngivne(resolver: URLResolver, namespace: str = "") -> set[str]:
    navne = set()
    for monster in resolver.url_patterns:
        if isinstance(monster, URLResolver):
            ns = monster.namespace
            under = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            navne |= _navngivne(monster, under)
        elif isinstance(monster, URLPattern) and monster.name:
            navne.add(f"{namespace}:{monster.name}" if namespace else monster.name)
    return navne


def test_every_named_url_of_the_site_is_in_the_table():
    i_tabellen = {r.navn for r in TABEL}
    mangler = sorted(_navngivne(get_resolver()) - i_tabellen)
    assert not mangler, (
        "Disse URL'er mangler i rollematricen (tests/adgang/test_rollematrix.py) – tilføj hvem "
        f"der får hvilket svar: {mangler}"
    )


def test_the_table_names_no_url_that_is_gone():
    forsvundne = sorted({r.navn for r in TABEL} - _navngivne(get_resolver()))
    assert not forsvundne, forsvundne


def test_every_registered_admin_model_is_in_the_table():
    registrerede = {m._meta.label_lower for m in admin.site._registry}
    assert registrerede == set(ADMIN)


def test_every_url_refuses_a_post_without_its_csrf_token(data):
    """No view is exempt from CSRF: a form sent from another site is refused before any
    view, login or permission check, with the Danish explanation. The table holds every
    URL of the site, so this covers every form there is. The read-only API takes no
    form at all: anything but GET is refused before its views with a JSON 405."""
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(data.brugere["administrator"])
    sete = set()
    for raekke in TABEL:
        url = raekke.url(data)
        if url in sete:
            continue
        sete.add(url)
        svar = klient.post(url, {})
        if url.startswith("/api/"):
            assert svar.status_code == 405, f"{url}: {svar.status_code}"
            assert svar.json()["fejl"].startswith("Metoden POST er ikke tilladt"), url
            continue
        assert svar.status_code == 403, f"{url}: {svar.status_code}"
        assert "Formularen kunne ikke sendes" in svar.content.decode(), url
