"""The admin pages the sekretariat works in pass axe-core in Chromium.

The add and change pages of every domain model, walked as a sekretariatsmedarbejder of
Vejle's helhedsplan: the tabular inlines (the baseline grid, boligområder, delmål,
indikatorer, aktiviteter) and the rich-text editors included. Change lists differ only
in data: one of each kind is checked (tests/browser/admin_udsnit.py), and a guard test
proves every domain model's change list is of a checked kind.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from aktiviteter.models import Aktivitet
from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Delaftale, Indsatsomraade
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
from indikatorer.maalinger import MaalingInput, maalinger_gem
from tests.browser.admin_udsnit import html_kolonner, usete_slags
from tests.chromium import axe_violations, format_violations, log_ind, new_context
from tests.conftest import VEJLE, bruger_med_rolle, data_migrationernes_raekker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPS = {"delaftaler", "indikatorer", "aktiviteter"}
# One change list of each kind (the sortable one, one with sortable inlines' media, a plain).
LISTER = [Indsatsomraade, Delaftale, Aktivitet]
# What the sekretariat must reach; the walk may find more.
NOEGLESIDER = [
    ("delaftaler", "helhedsplan"),
    ("delaftaler", "delaftale"),
    ("delaftaler", "delmaal"),
    ("delaftaler", "opfoelgning"),
    ("indikatorer", "indikator"),
    ("indikatorer", "maaling"),
    ("aktiviteter", "aktivitet"),
]
TILFOEJ = [
    ("delaftaler", "delaftale"),
    ("delaftaler", "delmaal"),
    ("indikatorer", "indikator"),
    ("aktiviteter", "aktivitet"),
]


def _skal_besoeges() -> set[str]:
    """The first object's page of each key model (ids differ between databases), the key
    add pages and the sampled change lists."""
    sider = {reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in LISTER}
    for app, model in NOEGLESIDER:
        foerste = apps.get_model(app, model)._default_manager.order_by("pk").first()
        assert foerste is not None, f"{app}.{model}: ingen data at besøge"
        sider.add(f"/admin/{app}/{model}/{foerste.pk}/change/")
    return sider | {f"/admin/{app}/{model}/add/" for app, model in TILFOEJ}


def _sider() -> list[str]:
    sider = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in APPS:
            continue
        navn = f"admin:{meta.app_label}_{meta.model_name}"
        if model in LISTER:
            sider.append(reverse(f"{navn}_changelist"))
        sider.append(reverse(f"{navn}_add"))
        foerste = model._default_manager.order_by("pk").first()
        if foerste is not None:
            sider.append(reverse(f"{navn}_change", args=[foerste.pk]))
    return sider


def test_the_admin_pages_the_sekretariat_uses_pass_axe(browser, live_server):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    bruger = bruger_med_rolle("sekretariat", SEKRETARIAT)
    opf = opfoelgning_opret(delaftale=delaftale, aar=2024, bruger=bruger)
    baseline = delaftale.delmaal.first().indikatorer.first().baselines.first()
    maalinger_gem(
        opfoelgning=opf,
        raekker=[
            MaalingInput(
                indikator=baseline.indikator,
                periode="2024",
                boligomraade=baseline.boligomraade,
                maalgruppe=baseline.maalgruppe,
                vaerdi=Decimal("11.3"),
            )
        ],
        bruger=bruger,
    )

    context = new_context(browser)
    log_ind(context, live_server.url, bruger)
    page = context.new_page()
    page.set_default_timeout(20_000)

    fejl, besoegt = {}, set()
    for sti in _sider():
        if page.goto(live_server.url + sti).status != 200:
            continue  # not the sekretariat's (e.g. adding a helhedsplan)
        besoegt.add(sti)
        vold = axe_violations(page)
        if vold:
            fejl[sti] = format_violations(vold)
    context.close()
    mangler = _skal_besoeges() - besoegt
    assert not mangler, sorted(mangler)
    assert not fejl, "\n\n".join(f"{sti}\n{tekst}" for sti, tekst in fejl.items())


def test_the_checked_change_lists_cover_every_domain_model():
    """The walk checks three change lists; every other domain model's is drawn by the same
    view, template and media, and no column builds its own HTML."""
    assert usete_slags(LISTER, "changelist", APPS) == []
    for model in admin.site._registry:
        if model._meta.app_label in APPS:
            assert html_kolonner(admin.site._registry[model]) == [], model._meta.label
