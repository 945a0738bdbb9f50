"""The admin pages the sekretariat works in pass axe-core in Chromium.

The changelists, add and change pages of every domain model, walked as a
sekretariatsmedarbejder of Vejle's helhedsplan: the tabular inlines (the baseline grid,
boligområder, delmål, indikatorer, aktiviteter) and the rich-text editors included.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from delaftaler.indlaesning import indlaes_fil
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
from indikatorer.maalinger import MaalingInput, maalinger_gem
from tests.chromium import axe_violations, format_violations, new_context
from tests.conftest import VEJLE, bruger_med_rolle, data_migrationernes_raekker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPS = {"delaftaler", "indikatorer", "aktiviteter"}
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
    """The list and first object's page of each key model (ids differ between databases),
    and the key add pages."""
    sider = set()
    for app, model in NOEGLESIDER:
        foerste = apps.get_model(app, model)._default_manager.order_by("pk").first()
        assert foerste is not None, f"{app}.{model}: ingen data at besøge"
        sider |= {f"/admin/{app}/{model}/", f"/admin/{app}/{model}/{foerste.pk}/change/"}
    return sider | {f"/admin/{app}/{model}/add/" for app, model in TILFOEJ}


def _sider() -> list[str]:
    sider = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in APPS:
            continue
        navn = f"admin:{meta.app_label}_{meta.model_name}"
        sider += [reverse(f"{navn}_changelist"), reverse(f"{navn}_add")]
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
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Brugernavn").fill("sekretariat")
    page.get_by_label("Adgangskode").fill("hemmelig-kode-123")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state("load")

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
