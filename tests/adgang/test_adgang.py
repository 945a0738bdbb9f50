"""Scoping by helhedsplan: a person sees and edits only their own helhedsplaner's drafts
and follow-ups, in the admin and in the follow-up pages. Published versions and approved
follow-ups stay public. (Every URL × role is in test_rollematrix.py.)"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.forms import HiddenInput, ModelChoiceField
from django.test import Client
from django.urls import reverse

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.adgang import HelhedsplanAdgangMixin, afgraens, sti_til_helhedsplan
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    DelmaalStatus,
    Helhedsplan,
    Opfoelgning,
)
from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, SEKRETARIAT
from indikatorer.models import Baseline, Indikator, Maaling
from tests.adminformular import Formular, admin_url
from tests.factories import DelaftaleFactory, indsatsomraade
from tests.planer import Plan, ny_bruger, plan_med_aar, uden_pdf, uden_pdf_imens

# The tests read the two plans built once for the module (``d``).
pytestmark = pytest.mark.django_db

# The way from each scoped model to its helhedsplan, written out for the tests.
TIL_PLAN = {
    Helhedsplan: "pk",
    Boligomraade: "helhedsplan",
    Delaftale: "helhedsplan",
    Delmaal: "delaftale__helhedsplan",
    Indikator: "delmaal__delaftale__helhedsplan",
    Baseline: "indikator__delmaal__delaftale__helhedsplan",
    Opfoelgning: "delaftale__helhedsplan",
    DelmaalStatus: "opfoelgning__delaftale__helhedsplan",
    Maaling: "opfoelgning__delaftale__helhedsplan",
    Aktivitet: "delaftale__helhedsplan",
    AktivitetStatus: "opfoelgning__delaftale__helhedsplan",
}


@pytest.fixture(autouse=True)
def _uden_pdf(settings, monkeypatch):
    uden_pdf(settings, monkeypatch)


@pytest.fixture(scope="module")
def d(modul_db):
    """Two plans with their users, built once for the module; each test's changes are
    rolled back with its savepoint."""
    with uden_pdf_imens():
        return _d()


def _d():
    b = {
        "sekretariat": ny_bruger("egen-sekretariat", SEKRETARIAT),
        "bestyrelse": ny_bruger("egen-bestyrelse", BESTYRELSE),
        "fremmed": ny_bruger("anden-sekretariat", SEKRETARIAT),
        "fremmed_bestyrelse": ny_bruger("anden-bestyrelse", BESTYRELSE),
        "administrator": ny_bruger("administrator", ADMINISTRATOR),
    }
    egen = plan_med_aar(
        "Egen_21_25", [b["sekretariat"], b["bestyrelse"]], b["sekretariat"], b["bestyrelse"]
    )
    anden = plan_med_aar(
        "Anden_21_25", [b["fremmed"], b["fremmed_bestyrelse"]], b["sekretariat"], b["bestyrelse"]
    )
    return {"egen": egen, "anden": anden, **b}


def _som(klient: Client, bruger) -> Client:
    klient.force_login(bruger)
    return klient


# --- Which follow-ups a person sees ----------------------------------------------------------


def _synlige(bruger) -> set[tuple[str, str]]:
    return {
        (o.delaftale.helhedsplan.navn, o.status)
        for o in Opfoelgning.objects.synlige_for(bruger).select_related("delaftale__helhedsplan")
    }


def test_approved_follow_ups_are_public_and_the_rest_only_for_members(d):
    from django.contrib.auth.models import AnonymousUser

    alle_godkendte = {("Egen_21_25", "godkendt"), ("Anden_21_25", "godkendt")}
    assert _synlige(AnonymousUser()) == alle_godkendte
    assert _synlige(d["sekretariat"]) == alle_godkendte | {
        ("Egen_21_25", "sendt"),
        ("Egen_21_25", "kladde"),
    }
    assert _synlige(d["bestyrelse"]) == alle_godkendte | {("Egen_21_25", "sendt")}
    assert _synlige(d["fremmed"]) == alle_godkendte | {
        ("Anden_21_25", "sendt"),
        ("Anden_21_25", "kladde"),
    }
    assert len(_synlige(d["administrator"])) == 6


def test_a_member_who_leaves_the_plan_no_longer_sees_its_drafts(d):
    d["egen"].plan.medlemmer.remove(d["sekretariat"])
    sekretariat = get_user_model().objects.get(pk=d["sekretariat"].pk)  # fresh perm cache
    assert ("Egen_21_25", "kladde") not in _synlige(sekretariat)


# --- The follow-up pages ---------------------------------------------------------------------


def _opf_url(plan: Plan, side: str, status: str) -> str:
    return reverse(f"delaftaler:{side}", args=[*plan.args(), plan.aar[status].aar])


def test_the_overview_lists_only_the_persons_own_plans(klient, d):
    html = _som(klient, d["fremmed"]).get(reverse("delaftaler:opfoelgninger")).content.decode()
    assert "Anden_21_25" in html
    assert "Egen_21_25" not in html  # not even its approved, public year


@pytest.mark.parametrize(
    ("side", "status"),
    [
        ("opfoelgning_indtast", "kladde"),
        ("opfoelgning_send", "kladde"),
        ("opfoelgning_genaaben", "sendt"),
        ("rapport", "kladde"),
        ("rapport_pdf", "sendt"),
        ("maalinger_skabelon", "kladde"),
        ("maalinger_eksport", "sendt"),
        ("maalinger_indlaes", "kladde"),
    ],
)
def test_another_plans_unapproved_year_is_a_404_for_the_secretariat(klient, d, side, status):
    _som(klient, d["fremmed"])
    assert klient.get(_opf_url(d["egen"], side, status)).status_code == 404
    # … and their own plan's year answers as usual.
    assert klient.get(_opf_url(d["anden"], side, status)).status_code == 200


@pytest.mark.parametrize("side", ["opfoelgning_godkend", "opfoelgning_kommentar", "rapport"])
def test_another_plans_sent_year_is_a_404_for_the_board(klient, d, side):
    _som(klient, d["fremmed_bestyrelse"])
    assert klient.get(_opf_url(d["egen"], side, "sendt")).status_code == 404
    # (The old comment page's address now leads to the report.)
    egen = 302 if side == "opfoelgning_kommentar" else 200
    assert klient.get(_opf_url(d["anden"], side, "sendt")).status_code == egen


@pytest.mark.parametrize(
    ("rolle", "side"),
    [
        ("fremmed", "opfoelgning_indtast"),
        ("fremmed", "opfoelgning_genaaben"),
        ("fremmed", "maalinger_skabelon"),
        ("fremmed", "maalinger_eksport"),
        ("fremmed", "maalinger_indlaes"),
        ("fremmed_bestyrelse", "opfoelgning_kommentar"),
    ],
)
def test_working_on_another_plans_approved_year_is_a_403(klient, d, rolle, side):
    """The year is public (its report is there for everyone), the work on it is not."""
    _som(klient, d[rolle])
    assert klient.get(_opf_url(d["egen"], "rapport", "godkendt")).status_code == 200
    assert klient.get(_opf_url(d["egen"], side, "godkendt")).status_code == 403


def test_posting_to_another_plans_approved_year_changes_nothing(klient, d):
    _som(klient, d["fremmed"])
    godkendt = d["egen"].aar["godkendt"]
    svar = klient.post(
        _opf_url(d["egen"], "opfoelgning_genaaben", "godkendt"), {"begrundelse": "x"}
    )
    assert svar.status_code == 403
    godkendt.refresh_from_db()
    assert godkendt.status == Opfoelgning.Status.GODKENDT


def test_another_plans_list_of_years_is_a_403_and_creating_a_year_too(klient, d):
    _som(klient, d["fremmed"])
    url = reverse("delaftaler:opfoelgning_liste", args=d["egen"].args())
    assert klient.get(url).status_code == 403
    assert klient.post(url, {"aar": "2025"}).status_code == 403
    assert not Opfoelgning.objects.filter(aar=2025).exists()


def test_an_unpublished_delaftale_of_another_plan_is_a_404(klient, d):
    upubliceret = DelaftaleFactory(
        helhedsplan=d["egen"].plan,
        indsatsomraade=indsatsomraade("Uddannelse og livschancer"),
    )
    url = reverse(
        "delaftaler:opfoelgning_liste",
        args=[d["egen"].plan.slug, upubliceret.indsatsomraade.slug],
    )
    assert _som(klient, d["fremmed"]).get(url).status_code == 404
    assert _som(klient, d["sekretariat"]).get(url).status_code == 200


def test_view_on_site_of_another_plans_unpublished_delaftale_is_a_404(klient, d):
    """The admin's »Vis på siden« redirected anyone to it, giving its name away."""
    upubliceret = DelaftaleFactory(
        helhedsplan=d["egen"].plan,
        indsatsomraade=indsatsomraade("Uddannelse og livschancer"),
    )
    url = reverse(
        "admin:view_on_site",
        args=[ContentType.objects.get_for_model(Delaftale).pk, upubliceret.pk],
    )
    svar = _som(klient, d["fremmed"]).get(url)
    assert svar.status_code == 404
    assert upubliceret.indsatsomraade.slug not in svar.get("Location", "")
    egen = _som(klient, d["sekretariat"]).get(url)
    assert egen.status_code == 302
    assert egen["Location"].endswith(upubliceret.get_absolute_url())


# --- The admin: lists, pages, choices ------------------------------------------------------


SCOPED = [
    Helhedsplan,
    Delaftale,
    Delmaal,
    Opfoelgning,
    Indikator,
    Maaling,
    Aktivitet,
    AktivitetStatus,
]


def _egne(model, plan: Helhedsplan):
    return model.objects.filter(**{TIL_PLAN[model]: plan.pk})


@pytest.mark.parametrize("model", SCOPED, ids=[m.__name__ for m in SCOPED])
def test_admin_lists_only_the_persons_helhedsplaner(klient, d, model):
    for rolle, plan in (("sekretariat", "egen"), ("fremmed", "anden")):
        svar = _som(klient, d[rolle]).get(admin_url(model))
        assert svar.status_code == 200
        vist = {o.pk for o in svar.context["cl"].result_list}
        assert vist == set(_egne(model, d[plan].plan).values_list("pk", flat=True))
        assert vist


@pytest.mark.parametrize("model", SCOPED, ids=[m.__name__ for m in SCOPED])
def test_administrators_see_every_helhedsplan_in_the_admin(klient, d, model):
    svar = _som(klient, d["administrator"]).get(admin_url(model))
    assert len(svar.context["cl"].result_list) == model.objects.count()


@pytest.mark.parametrize("model", SCOPED, ids=[m.__name__ for m in SCOPED])
def test_another_plans_object_does_not_exist_in_the_admin(klient, d, model):
    obj = _egne(model, d["egen"].plan).first()
    _som(klient, d["fremmed"])
    for handling in ("change", "history"):
        svar = klient.get(admin_url(model, handling, obj.pk))
        assert svar.status_code == 302 and svar["Location"] == reverse("admin:index")
        beskeder = [str(b) for b in get_messages(svar.wsgi_request)]
        assert any("findes ikke" in b for b in beskeder), beskeder
    # Posting to it changes nothing either.
    svar = klient.post(admin_url(model, "change", obj.pk), {})
    assert svar.status_code == 302 and svar["Location"] == reverse("admin:index")


def test_deleting_another_plans_object_is_refused(klient, d):
    aktivitet = d["egen"].aktivitet
    svar = _som(klient, d["fremmed"]).post(
        admin_url(Aktivitet, "delete", aktivitet.pk), {"post": "yes"}
    )
    assert svar.status_code == 302 and svar["Location"] == reverse("admin:index")
    assert Aktivitet.objects.filter(pk=aktivitet.pk).exists()


def _valgfelter(svar):
    """Every model choice field on an admin page, with its inlines' empty rows."""
    felter = list(svar.context["adminform"].form.fields.items())
    for formset in svar.context.get("inline_admin_formsets", []):
        felter += [
            (f"{formset.formset.prefix}.{n}", f)
            for n, f in formset.formset.empty_form.fields.items()
        ]
    # A formset's hidden row id is not a choice: Django finds the row among the inline's own.
    return [
        (n, f)
        for n, f in felter
        if isinstance(f, ModelChoiceField) and not isinstance(f.widget, HiddenInput)
    ]


def _tilladte(model, plan: Helhedsplan) -> set:
    return set(_egne(model, plan).values_list("pk", flat=True)) if model in TIL_PLAN else None


ADD_SIDER = [Delaftale, Delmaal, Indikator, Opfoelgning, Maaling, Aktivitet, AktivitetStatus]


@pytest.mark.parametrize("model", ADD_SIDER, ids=[m.__name__ for m in ADD_SIDER])
def test_admin_choices_offer_only_the_persons_helhedsplaner(klient, d, model):
    svar = _som(klient, d["sekretariat"]).get(admin_url(model, "add"))
    assert svar.status_code == 200
    felter = _valgfelter(svar)
    afgraensede = 0
    for navn, felt in felter:
        tilladte = _tilladte(felt.queryset.model, d["egen"].plan)
        if tilladte is None:
            continue
        afgraensede += 1
        tilbudt = {v.value for v, _ in felt.choices if v}
        assert tilbudt <= tilladte, navn
        assert set(felt.queryset.values_list("pk", flat=True)) <= tilladte, navn
    assert afgraensede


def test_the_delaftale_form_offers_only_own_helhedsplaner_and_refuses_another(klient, d):
    url = admin_url(Delaftale, "add")
    svar = _som(klient, d["sekretariat"]).get(url)
    valg = svar.context["adminform"].form.fields["helhedsplan"].queryset
    assert list(valg) == [d["egen"].plan]
    assert "Anden_21_25" not in svar.content.decode()
    formular = Formular(svar)
    formular.saet(
        helhedsplan=d["anden"].plan.pk,
        indsatsomraade=indsatsomraade("Uddannelse og livschancer").pk,
        gyldig_fra="01.12.2021",
        gyldig_til="30.11.2025",
        medarbejderressourcer="<p>x</p>",
        kommunal_sammenhaeng="<p>x</p>",
        revision="<p>x</p>",
    )
    svar = klient.post(url, formular.data)
    assert svar.status_code == 200
    assert "helhedsplan" in svar.context["adminform"].form.errors
    assert d["anden"].plan.delaftaler.count() == 1


def test_the_baseline_grid_offers_only_the_plans_boligomraader(klient, d):
    svar = _som(klient, d["sekretariat"]).get(admin_url(Indikator, "add"))
    (baselines,) = [f for f in svar.context["inline_admin_formsets"] if f.formset.model is Baseline]
    felt = baselines.formset.empty_form.fields["boligomraade"]
    assert {v.value for v, _ in felt.choices if v} == {d["egen"].omraade.pk}
    assert set(felt.queryset) == {d["egen"].omraade}


def test_an_activity_form_for_another_plans_delaftale_offers_none_of_its_delmaal(klient, d):
    url = admin_url(Aktivitet, "add") + f"?delaftale={d['anden'].delaftale.pk}"
    svar = _som(klient, d["sekretariat"]).get(url)
    form = svar.context["adminform"].form
    assert list(form.fields["delmaal"].queryset) == []
    assert d["anden"].delmaal.tekst not in svar.content.decode()


def test_the_status_rows_of_a_follow_up_offer_only_its_plans_delmaal(klient, d):
    kladde = d["egen"].aar["kladde"]
    svar = _som(klient, d["sekretariat"]).get(admin_url(Opfoelgning, "change", kladde.pk))
    for navn, felt in _valgfelter(svar):
        if felt.queryset.model is Delmaal:
            assert set(felt.queryset) <= set(_egne(Delmaal, d["egen"].plan)), navn


def test_admin_autocomplete_answers_only_with_own_helhedsplaner(klient, d):
    svar = _som(klient, d["sekretariat"]).get(
        reverse("admin:autocomplete"),
        {"app_label": "delaftaler", "model_name": "delaftale", "field_name": "helhedsplan"},
    )
    assert [r["text"] for r in svar.json()["results"]] == ["Egen_21_25"]


def test_list_filters_name_only_own_helhedsplaner(klient, d):
    html = _som(klient, d["sekretariat"]).get(admin_url(Delaftale)).content.decode()
    assert "Egen_21_25" in html
    assert "Anden_21_25" not in html


# --- Helhedsplaner and their members ------------------------------------------------------


def test_only_administrators_add_or_delete_a_helhedsplan(klient, d):
    plan = d["egen"].plan
    _som(klient, d["sekretariat"])
    assert klient.get(admin_url(Helhedsplan, "add")).status_code == 403
    assert klient.get(admin_url(Helhedsplan, "delete", plan.pk)).status_code == 403
    _som(klient, d["administrator"])
    assert klient.get(admin_url(Helhedsplan, "add")).status_code == 200
    assert klient.get(admin_url(Helhedsplan, "delete", plan.pk)).status_code == 200


def test_members_see_who_the_members_are_but_cannot_change_them(klient, d):
    plan = d["egen"].plan
    url = admin_url(Helhedsplan, "change", plan.pk)
    svar = _som(klient, d["sekretariat"]).get(url)
    form = svar.context["adminform"].form
    assert "medlemmer" not in form.fields
    html = svar.content.decode()
    assert "egen-sekretariat" in html and "egen-bestyrelse" in html
    formular = Formular(svar)
    formular.saet(medlemmer=[str(d["fremmed"].pk)])
    svar = klient.post(url, formular.data)
    assert svar.status_code == 302
    assert d["fremmed"] not in plan.medlemmer.all()


def test_administrators_choose_a_helhedsplans_members(klient, d):
    plan = d["egen"].plan
    url = admin_url(Helhedsplan, "change", plan.pk)
    svar = _som(klient, d["administrator"]).get(url)
    assert "medlemmer" in svar.context["adminform"].form.fields
    assert 'class="selectfilter"' in svar.content.decode()  # filter_horizontal
    formular = Formular(svar)
    formular.saet(medlemmer=[str(d["sekretariat"].pk), str(d["fremmed"].pk)])
    svar = klient.post(url, formular.data)
    assert svar.status_code == 302, svar.content.decode()[:2000]
    assert set(plan.medlemmer.all()) == {d["sekretariat"], d["fremmed"]}
    # The new member now works on the plan's drafts.
    fremmed = get_user_model().objects.get(pk=d["fremmed"].pk)
    assert ("Egen_21_25", "kladde") in _synlige(fremmed)


# --- The parts --------------------------------------------------------------------------------


DOMAENE = ("delaftaler", "indikatorer", "aktiviteter")
FAELLES = {"delaftaler.indsatsomraade"}  # LBF's focus areas, shared by every helhedsplan


def test_every_domain_model_admin_and_inline_is_scoped():
    uden = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if model._meta.app_label not in DOMAENE or label in FAELLES:
            continue
        if not isinstance(model_admin, HelhedsplanAdgangMixin):
            uden.append(label)
        for inline in model_admin.inlines:
            if not issubclass(inline, HelhedsplanAdgangMixin):
                uden.append(f"{label}: {inline.__name__}")
            if sti_til_helhedsplan(inline.model) is None:
                uden.append(f"{label}: {inline.__name__} (ingen vej til helhedsplanen)")
        if sti_til_helhedsplan(model) is None:
            uden.append(f"{label} (ingen vej til helhedsplanen)")
    assert not uden, uden


def test_history_rows_are_scoped_like_their_models(d):
    Historisk = Delaftale.history.model
    assert sti_til_helhedsplan(Historisk) == "helhedsplan"
    assert sti_til_helhedsplan(Helhedsplan.history.model) == "id"
    egne = afgraens(Historisk.objects.all(), d["fremmed"])
    assert set(egne.values_list("id", flat=True)) == {d["anden"].delaftale.pk}
    planer = afgraens(Helhedsplan.history.model.objects.all(), d["fremmed"])
    assert set(planer.values_list("id", flat=True)) == {d["anden"].plan.pk}


def test_only_the_administrator_group_may_add_or_delete_helhedsplaner(db):
    def kan(gruppe, kode):
        return Group.objects.get(name=gruppe).permissions.filter(codename=kode).exists()

    for kode in ("add_helhedsplan", "delete_helhedsplan"):
        assert kan(ADMINISTRATOR, kode)
        assert not kan(SEKRETARIAT, kode)
        assert not kan(BESTYRELSE, kode)
    assert kan(SEKRETARIAT, "change_helhedsplan")
