"""Hostile input: markup in every text field renders inert everywhere, and no odd, malformed
or oversized value sent to any page that takes input gives a 500."""

from __future__ import annotations

import datetime
import io
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.models import (
    Bestyrelsesmoede,
    Delaftale,
    Delmaal,
    DelmaalStatus,
    Kommentar,
    Opfoelgning,
    Part,
)
from delaftaler.opfoelgning.demo import opret_demo_opfoelgninger
from delaftaler.opfoelgning.rapport.context import frys_grundlag
from delaftaler.opfoelgning.rapport.pdf import render_rapport_pdf
from delaftaler.opfoelgning.services import kommentar_tilfoej, opfoelgning_opret
from delaftaler.publicering import services as publicering
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from indikatorer.models import Baseline, Indikator, Maaling
from tests.conftest import bruger_med_rolle

# Vejle and its payloads are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.delt_data, pytest.mark.django_db]

DELAFTALE = "/vejle-21-25/beskaeftigelse/"
OPF = DELAFTALE + "opfoelgning/"

# Fields whose format is checked elsewhere (choices, e-mail, periods) are left out.
SPRING_OVER = {"email", "periode"}


def _nyttelast(nr: int, rig: bool, maks: int | None) -> str:
    if rig:
        return (
            f"<p>XSS{nr}</p><script>alert({nr})</script><img src=x onerror=alert({nr})>"
            f'<a href="javascript:alert({nr})">lnk</a><p style="color:red" onclick="alert()">x</p>'
        )
    tekst = f"XSS{nr}<script>alert({nr})</script><img src=x onerror=alert({nr})>\"'"
    return tekst[:maks] if maks else tekst


class Eksekverbart(HTMLParser):
    """Finds markup that would run: event handlers, javascript: URLs, injected scripts."""

    def __init__(self):
        super().__init__()
        self.fund: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for navn, vaerdi in attrs:
            if navn.startswith("on"):
                self.fund.append(f"<{tag} {navn}={vaerdi!r}>")
            if navn in {"href", "src", "action", "formaction"} and (
                vaerdi or ""
            ).strip().lower().startswith("javascript:"):
                self.fund.append(f"<{tag} {navn}={vaerdi!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.fund.append("<img src=x>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.fund.append(f"<script>{data[:80]}</script>")


def eksekverbart(html: str) -> list[str]:
    parser = Eksekverbart()
    parser.feed(html)
    return parser.fund


def _publicer(delaftale, bruger, bestyrelse) -> None:
    """The public page shows the published version: publish the edits (issue #5's flow);
    a faglig change is approved by another person than the one who submitted it."""
    try:
        publicering.version_publicer(delaftale=delaftale, bruger=bruger)
    except ValidationError:
        indstilling = publicering.udkast_indstil(delaftale=delaftale, bruger=bruger)
        publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)


@pytest.fixture(scope="module")
def fjendtlig(modul_db, _vejle_i_modulet):
    """Vejle with every text field of one row of each model set to a payload, built once
    for the module; each test's requests are rolled back with its savepoint."""
    vejle = Delaftale.objects.get(pk=_vejle_i_modulet)
    sekretariat_bruger = bruger_med_rolle("sekretariat", SEKRETARIAT)
    bestyrelse_bruger = bruger_med_rolle("bestyrelse", BESTYRELSE)
    opret_demo_opfoelgninger(
        delaftale=vejle,
        sekretariat=sekretariat_bruger,
        bestyrelse=bestyrelse_bruger,
        render_pdf=lambda o: b"%PDF-1.7",
    )
    kommentar_tilfoej(
        opfoelgning=Opfoelgning.objects.get(delaftale=vejle, aar=2024),
        bruger=bestyrelse_bruger,
        tekst="pladsholder",
    )
    # A board meeting in the calendar (its inline's »one a day« rule).
    Bestyrelsesmoede.objects.get_or_create(
        helhedsplan=vejle.helhedsplan, dato=datetime.date(2024, 3, 12)
    )
    raekker = [
        vejle,
        Part.objects.filter(delaftale=vejle).first(),
        Delmaal.objects.filter(delaftale=vejle).first(),
        Indikator.objects.filter(delmaal__delaftale=vejle).first(),
        Baseline.objects.filter(indikator__delmaal__delaftale=vejle).first(),
        Aktivitet.objects.filter(delaftale=vejle).first(),
        Kommentar.objects.filter(opfoelgning__delaftale=vejle).first(),
        DelmaalStatus.objects.filter(opfoelgning__aar=2023).first(),
        AktivitetStatus.objects.filter(opfoelgning__aar=2023).first(),
        Maaling.objects.filter(opfoelgning__aar=2023).first(),
    ]
    felter = {}
    nr = 0
    for obj in raekker:
        assert obj is not None
        for felt in obj._meta.concrete_fields:
            if not isinstance(felt, models.CharField | models.TextField):
                continue
            if felt.choices or felt.name in SPRING_OVER or isinstance(felt, models.SlugField):
                continue
            if felt.name == "maalgruppe" and not getattr(obj, felt.attname):
                continue  # a row is for a boligområde or a målgruppe, never both
            nr += 1
            rig = type(felt).__name__ == "RigTekstField"
            setattr(obj, felt.attname, _nyttelast(nr, rig, felt.max_length))
            felter[f"{obj._meta.label}.{felt.name}"] = nr
        obj.save()
    # Years with the board show what was frozen when sent: freeze again, with the payloads.
    for o in Opfoelgning.objects.filter(delaftale=vejle).exclude(grundlag=None):
        o.grundlag = frys_grundlag(o)
        o.save(update_fields=["grundlag"])
    admin_bruger = get_user_model().objects.create_superuser("admin", password="x-kode-123456")
    _publicer(vejle, admin_bruger, bestyrelse_bruger)
    return {"raekker": raekker, "felter": felter, "admin": admin_bruger}


def test_markup_in_every_text_field_is_inert_on_pages_in_the_admin_and_in_pdfs(client, fjendtlig):
    sider = {}
    for sti in ["/", "/vejle-21-25/", DELAFTALE, OPF + "2023/"]:
        svar = client.get(sti)
        assert svar.status_code == 200, sti
        sider[sti] = svar.content.decode()
    client.force_login(fjendtlig["admin"])
    for sti in [OPF + "2024/", OPF + "2023/indtast/"]:
        svar = client.get(sti)
        assert svar.status_code == 200, sti
        sider[sti] = svar.content.decode()
    for obj in fjendtlig["raekker"]:
        navn = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change"
        try:
            sti = reverse(navn, args=[obj.pk])
        except Exception:  # not in the admin itself: edited through its parent's page
            continue
        svar = client.get(sti)
        assert svar.status_code == 200, sti
        sider[sti] = svar.content.decode()

    for sti, html in sider.items():
        assert eksekverbart(html) == [], sti
        assert "<script>alert(" not in html and "javascript:alert" not in html, sti

    alt_html = "\n".join(sider.values())
    offentligt = "\n".join(sider[s] for s in ["/", "/vejle-21-25/", DELAFTALE, OPF + "2023/"])
    for felt, nr in fjendtlig["felter"].items():
        assert f"XSS{nr}" in alt_html, f"{felt} vises ingen steder; testen beviser intet for det"
    # The public page shows these, escaped as text.
    for felt in [
        "delaftaler.Delmaal.tekst",
        "indikatorer.Indikator.navn",
        "aktiviteter.Aktivitet.navn",
    ]:
        nr = fjendtlig["felter"][felt]
        assert f"XSS{nr}&lt;script&gt;alert({nr})&lt;/script&gt;" in offentligt, felt

    # PDFs: the markup is printed as the text it is, never interpreted. The approved
    # report's frozen PDF is a stub here, so the report is rendered afresh.
    client.logout()
    svar = client.get(DELAFTALE.rstrip("/") + ".pdf")
    assert svar.status_code == 200
    pdfer = {
        "delaftale": b"".join(svar.streaming_content) if svar.streaming else svar.content,
        "rapport": render_rapport_pdf(Opfoelgning.objects.get(aar=2023)),
    }
    nr = fjendtlig["felter"]["delaftaler.Delmaal.tekst"]
    for hvad, pdf in pdfer.items():
        assert _i_pdfens_tekst(pdf, f"XSS{nr}<script>alert({nr})</script>"), hvad


def _i_pdfens_tekst(pdf: bytes, soeg: str) -> bool:
    """Whether ``soeg`` is in the PDF's text, whitespace left out. Page by page, stopping
    once found: extracting a page's text takes a quarter of a second, and the payload is
    on the first pages."""
    tekst = ""
    for side in PdfReader(io.BytesIO(pdf)).pages:
        tekst += re.sub(r"\s+", "", side.extract_text())
        if soeg in tekst:
            return True
    return False


# --- Odd, malformed and oversized values: never a 500 --------------------------------

STOR = "x" * (10 * 1024 * 1024)
ODDE = [
    "\x00",
    "før\x00efter",
    "\ud800",  # a lone surrogate, as %ED%A0%80 decodes
    "\u202eRTL-overstyring\u202c",
    "\ufeff\u200b\u2028",
    "💥" * 50,
    "-1",
    "-99999999999999999999999999999",
    "1e309",
    "NaN",
    "9" * 400,
    "2024-02-30",
    "31.02.2024",
    "0000-00-00",
    "'; DROP TABLE auth_user; --",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "a" * 5000,
]


def _kodet(data: dict[str, str]) -> str:
    """A query string as a browser would send it: a lone surrogate as its raw, invalid
    UTF-8 bytes (%ED%A0%80), everything else as UTF-8."""
    return urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in data.items()})


def _post(client, sti: str, data: dict[str, str]):
    return client.post(sti, _kodet(data), content_type="application/x-www-form-urlencoded")


def _get(client, sti: str, data: dict[str, str]):
    return client.get(f"{sti}?{_kodet(data)}")


class Formularer(HTMLParser):
    """The fields of every <form method=post> on a page: name → default value."""

    def __init__(self):
        super().__init__()
        self.felter: dict[str, str] = {}
        self.skjulte: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"input", "textarea", "select"} and a.get("name"):
            if a.get("type") in {"submit", "button", "file", "image", "reset"}:
                return
            self.felter.setdefault(a["name"], a.get("value") or "")
            if a.get("type") == "hidden":
                self.skjulte.add(a["name"])


def _formfelter(html: str) -> Formularer:
    parser = Formularer()
    parser.feed(html)
    return parser


BEVAR = ("csrfmiddlewaretoken", "TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def _fejl500(client, sti: str, *, post: bool = True) -> list[str]:
    """Sends every odd value to every field of the page's forms; returns the 500s."""
    client.raise_request_exception = False
    svar = client.get(sti)
    assert svar.status_code == 200, (sti, svar.status_code)
    formular = _formfelter(svar.content.decode())
    fund = []
    for vaerdi in ODDE:
        data = {
            navn: standard if navn.endswith(BEVAR) else vaerdi
            for navn, standard in formular.felter.items()
        }
        svar = _post(client, sti, data) if post else _get(client, sti, data)
        if svar.status_code >= 500:
            fund.append(f"{sti} {vaerdi[:30]!r}: {svar.status_code}")
    # 10 MB in one field (the whole body is then over Django's 2.5 MB limit: a 400).
    if post:
        felt = next((n for n in formular.felter if not n.endswith(BEVAR)), "ekstra")
        stor = {n: v for n, v in formular.felter.items() if n != felt}
        krop = f"{_kodet(stor)}&{urlencode({felt: ''})}{STOR}"
        svar = client.post(sti, krop, content_type="application/x-www-form-urlencoded")
    else:
        svar = _get(client, sti, {"boligomraade": STOR[:5000]})
    if svar.status_code >= 500:
        fund.append(f"{sti} 10 MB: {svar.status_code}")
    return fund


def test_odd_values_in_public_filters_and_addresses_give_no_500(client, fjendtlig):
    client.raise_request_exception = False
    fund = []
    for sti in [DELAFTALE, DELAFTALE + "indikatorer.csv", DELAFTALE + "indikatorer.xlsx"]:
        for vaerdi in ODDE:
            svar = _get(client, sti, {"boligomraade": vaerdi})
            if svar.status_code >= 500:
                fund.append(f"{sti}?boligomraade={vaerdi[:30]!r}: {svar.status_code}")
    for sti in [
        "/vejle-21-25/%ED%A0%80/",
        "/%00/",
        "/vejle-21-25/beskaeftigelse/opfoelgning/99999999999999999999/",
        "/vejle-21-25/beskaeftigelse/opfoelgning/-1/",
        "/vejle-21-25/beskaeftigelse/opfoelgning/2023.pdf/../../",
        "/" + "a" * 5000 + "/",
        "/\u202e/",
    ]:
        svar = client.get(sti)
        if svar.status_code >= 500:
            fund.append(f"{sti[:60]}: {svar.status_code}")
    assert fund == []


def test_odd_values_in_follow_up_forms_give_no_500(client, fjendtlig, settings, tmp_path):
    settings.MAALINGER_UPLOAD_DIR = tmp_path
    client.force_login(fjendtlig["admin"])
    opfoelgning_opret(
        delaftale=fjendtlig["raekker"][0],
        aar=2025,
        bruger=get_user_model().objects.get(username="sekretariat"),
    )
    fund = []
    fund += _fejl500(client, OPF + "2025/indtast/")
    fund += _fejl500(client, OPF)
    # Each step gets each odd value once, in every field its forms have, the years taking
    # turns: an approved, a sent and a draft year.
    felter = ("begrundelse", "tekst", "delmaal", "moede", "kommentar")
    for handling in ["send", "kommentar", "godkend", "genaaben"]:
        for nr, vaerdi in enumerate(ODDE):
            aar = (2023, 2024, 2025)[nr % 3]
            svar = _post(client, f"{OPF}{aar}/{handling}/", dict.fromkeys(felter, vaerdi))
            if svar.status_code >= 500:
                fund.append(f"{handling} {aar} {vaerdi[:30]!r}: {svar.status_code}")
    # Uploads: not Excel, empty, odd names, too big.
    sti = OPF + "2025/indlaes/"
    for navn, indhold in [
        ("maalinger.xlsx", b"ikke en zip"),
        ("tom.xlsx", b""),
        ("\u202exslx.exe", b"MZ\x00\x00"),
        ("../../etc/passwd.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        ("stor.xlsx", b"PK\x03\x04" + b"\x00" * (11 * 1024 * 1024)),
    ]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        fil = SimpleUploadedFile(navn, indhold, content_type="application/octet-stream")
        svar = client.post(sti, {"fil": fil, "handling": "forhaandsvis"})
        if svar.status_code >= 500:
            fund.append(f"upload {navn!r}: {svar.status_code}")
        for handling in ["bekraeft", "\ud800", "x" * 1000]:
            svar = _post(client, sti, {"handling": handling, "noegle": "../../etc/passwd"})
            if svar.status_code >= 500:
                fund.append(f"upload {handling[:20]!r}: {svar.status_code}")
    assert fund == []


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_odd_values_in_every_admin_form_give_no_500(client, fjendtlig, monkeypatch, model):
    client.force_login(fjendtlig["admin"])
    fund = []
    model_admin = admin.site._registry[model]
    navn = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    sider = [reverse(f"{navn}_changelist")]
    if model_admin.has_add_permission(type("R", (), {"user": fjendtlig["admin"]})()):
        sider.append(reverse(f"{navn}_add"))
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        sider.append(reverse(f"{navn}_change", args=[obj.pk]))
    for sti in sider:
        if sti.endswith("/add/") or sti.endswith("/change/"):
            fund += _fejl500(client, sti)
        else:
            for vaerdi in ODDE:
                svar = _get(client, sti, {"q": vaerdi, "o": vaerdi, "p": vaerdi})
                if svar.status_code >= 500:
                    fund.append(f"{sti}?q={vaerdi[:30]!r}: {svar.status_code}")
    assert fund == []


def test_an_id_beyond_any_integer_column_matches_nothing_on_every_database(vejle):
    from delaftaler.models import Delmaal

    eksisterende = Delmaal.objects.filter(delaftale=vejle).first().pk
    assert list(Delmaal.objects.filter(pk__in=[10**30]).values_list("pk", flat=True)) == []
    fundet = Delmaal.objects.filter(pk__in=[10**30, -(10**30), eksisterende])
    assert list(fundet.values_list("pk", flat=True)) == [eksisterende]


# --- Every unique rule reachable from an admin form: a Danish error, never the database's ---


def _unikke_regler():
    """Each model an admin form or inline edits, with each of its unique rules (django-axes
    writes its own records; its admin only shows and deletes them)."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "axes":
            continue
        for rediger, inline in [(model, None), *((i.model, i) for i in model_admin.inlines)]:
            regler = [
                r for r in rediger._meta.constraints if isinstance(r, models.UniqueConstraint)
            ]
            regler += [
                models.UniqueConstraint(fields=[f.name], name=f"{f.name}_unik")
                for f in rediger._meta.local_fields
                if f.unique and not f.primary_key
            ]
            regler += [
                models.UniqueConstraint(fields=list(felter), name="_".join(felter))
                for felter in rediger._meta.unique_together
            ]
            for regel in regler:
                sted = inline.__name__ if inline else "formular"
                yield pytest.param(
                    model, inline, regel, id=f"{model._meta.label}-{sted}-{regel.name}"
                )


def _raekkedata(form, prefix: str | None, udelad: set[str]) -> dict[str, list[str]]:
    """What a browser sends for ``form`` as shown: its fields' current values."""
    data: dict[str, list[str]] = {}
    for bf in form:
        if bf.name in udelad:
            continue
        vaerdi = bf.value()
        navn = f"{prefix}-{bf.name}" if prefix else bf.name
        if isinstance(vaerdi, bool):
            if vaerdi:
                data[navn] = ["on"]
            continue
        vist = bf.field.widget.format_value(vaerdi)
        if isinstance(vaerdi, list | tuple):
            data[navn] = [str(v.pk if hasattr(v, "pk") else v) for v in vaerdi]
        elif isinstance(vist, list):
            data[navn] = vist
        elif vist is not None:
            data[navn] = [str(vist)]
    return data


def _querydict(data: dict[str, list[str]]):
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    for navn, vaerdier in data.items():
        qd.setlist(navn, vaerdier)
    return qd


@pytest.mark.parametrize(("model", "inline", "regel"), list(_unikke_regler()))
def test_every_unique_rule_reachable_from_an_admin_form_gives_a_danish_error(
    fjendtlig, rf, model, inline, regel
):
    """A copy of an existing row (or two equal new rows in a grid) is refused by the form
    with a Danish message; the database is never the one that says no (a 500)."""
    from django.forms.models import _get_foreign_key
    from django.utils import translation

    rediger = inline.model if inline else model
    anmodning = rf.get("/")
    anmodning.user = fjendtlig["admin"]
    model_admin = admin.site._registry[model]
    if not (
        model_admin.has_add_permission(anmodning) or model_admin.has_change_permission(anmodning)
    ):
        return  # no form saves this model: the rule cannot be broken from the admin
    betingelse = regel.condition or models.Q()
    eksempel = rediger._default_manager.filter(betingelse).order_by("pk").first()
    if eksempel is None and rediger is Baseline:
        eksempel = Baseline.objects.filter(indikator__delmaal__delaftale=fjendtlig["raekker"][0])
        eksempel = eksempel.filter(boligomraade__isnull=False).first()
        eksempel.pk, eksempel.boligomraade, eksempel.maalgruppe = None, None, "Unge 18-29 år"
        eksempel.save()
    assert eksempel is not None, f"intet eksempel på {regel.name} i testdata"

    with translation.override("da"):
        if inline is None:
            formular = model_admin.get_form(anmodning, None)
            if not set(regel.fields) <= set(formular.base_fields):
                return  # the form does not offer the rule's fields: nothing to break it with
            data = _raekkedata(formular(instance=eksempel), None, set())
            bundet = formular(data=_querydict(data))
            gyldig = bundet.is_valid()
            beskeder = [b for fejl in bundet.errors.values() for b in fejl]
            forventet = {
                str(regel.violation_error_message),
                eksempel.unique_error_message(rediger, tuple(regel.fields)).messages[0],
            }
        else:
            fk = _get_foreign_key(model, rediger, fk_name=inline.fk_name)
            forælder = getattr(eksempel, fk.name)
            instans = next(
                i
                for i in model_admin.get_inline_instances(anmodning, forælder)
                if isinstance(i, inline)
            )
            formset = instans.get_formset(anmodning, forælder)
            if not set(regel.fields) - {fk.name} <= set(formset.form.base_fields):
                return  # the rows do not offer the rule's fields: nothing to break it with
            # A new parent: the two rows can only collide with each other.
            ny = model._default_manager.get(pk=forælder.pk)
            ny.pk = None
            ny._state.adding = True
            prefix = formset.get_default_prefix()
            raekke = _raekkedata(formset.form(instance=eksempel), None, {fk.name, "id", "DELETE"})
            data = {
                f"{prefix}-TOTAL_FORMS": ["2"],
                f"{prefix}-INITIAL_FORMS": ["0"],
                **{f"{prefix}-{nr}-{n}": v for nr in (0, 1) for n, v in raekke.items()},
            }
            bundet = formset(data=_querydict(data), instance=ny, prefix=prefix)
            gyldig = bundet.is_valid()
            beskeder = list(bundet.non_form_errors()) + [
                b for form in bundet.forms for fejl in form.errors.values() for b in fejl
            ]
            forventet = {
                str(regel.violation_error_message),
                bundet.get_unique_error_message(list(regel.fields)),
            }

    assert not gyldig, f"{regel.name}: to ens rækker blev godkendt (databasen ville sige nej)"
    assert forventet & set(beskeder), beskeder


def test_odd_values_in_the_admin_autocomplete_give_no_500(client, fjendtlig):
    """The autocomplete searches the text it is sent; PostgreSQL refuses a NUL byte in text."""
    client.force_login(fjendtlig["admin"])
    client.raise_request_exception = False
    kilde = {"app_label": "indikatorer", "model_name": "maaling", "field_name": "indikator"}
    fund = []
    for vaerdi in ODDE:
        for data in [{**kilde, "term": vaerdi}, {**kilde, "term": "a", "page": vaerdi}]:
            svar = _get(client, "/admin/autocomplete/", data)
            if svar.status_code >= 500:
                fund.append(f"{data} : {svar.status_code}")
    assert fund == []


def test_a_nul_byte_in_any_query_parameter_is_refused_with_the_danish_400_page(client, fjendtlig):
    client.force_login(fjendtlig["admin"])
    client.raise_request_exception = False
    for sti in ["/admin/autocomplete/", "/admin/indikatorer/indikator/", DELAFTALE]:
        for data in [{"term": "a\x00b"}, {"q\x00": "x"}]:
            svar = _get(client, sti, data)
            assert svar.status_code == 400, (sti, data)
            assert "<html" in svar.content.decode() and 'lang="da"' in svar.content.decode()
