"""The entry grid of a large delaftale: more form fields than Django lets a page post."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from benchmarks.delaftale import _stor_udgave
from delaftaler.indlaesning import indlaes_delaftale
from delaftaler.models import Delaftale
from delaftaler.opfoelgning.services import opfoelgning_opret
from indikatorer.models import Maaling
from tests.opfoelgning.test_opfoelgning_flow import formular

pytestmark = pytest.mark.django_db

VEJLE = Path(settings.BASE_DIR) / "fixtures" / "vejle_21_25_beskaeftigelse.json"


@pytest.fixture
def stor() -> Delaftale:
    """Vejle's delaftale ten times over (benchmarks/delaftale.py): 170 rows in the grid."""
    return indlaes_delaftale(data=_stor_udgave(json.loads(VEJLE.read_text("utf-8")))).delaftale


def test_a_grid_with_more_than_a_thousand_fields_saves(stor, sekretariat_bruger, client):
    opfoelgning = opfoelgning_opret(delaftale=stor, aar=2024, bruger=sekretariat_bruger)
    client.force_login(sekretariat_bruger)
    url = reverse(
        "delaftaler:opfoelgning_indtast",
        args=[stor.helhedsplan.slug, stor.indsatsomraade.slug, 2024],
    )
    data = formular(client.get(url))
    assert sum(len(v) for v in data.values()) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    vaerdier = [navn for navn in data if navn.endswith("-vaerdi")]
    assert len(vaerdier) > 100
    for navn in vaerdier:
        data[navn] = ["12,5"]

    # As a browser posts the form (no enctype): urlencoded.
    svar = client.post(
        url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
    )

    assert svar.status_code == 302
    assert Maaling.objects.filter(opfoelgning=opfoelgning).count() == len(vaerdier)
