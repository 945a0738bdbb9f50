"""Creating a new delaftale: from LBF's standard texts, or as a copy of an earlier one.

A copy takes over what a secretariat starting a new period builds on: the texts, the
parties, the delmål with their indikatorer (name, unit, target group, data source,
direction), and the aktiviteter with their schemas and the delmål they serve. It does not
take the baselines (they are per boligområde and belong to the old period: the new ones
are filled in, and the draft page's checklist says where), nor anything of the old
delaftale's life: published versions, submissions to the board, follow-ups, measurements
or history. The copy is a new, independent draft; the earlier delaftale is untouched.

Every row is saved through ``full_clean()``, with the person and the reason (»Oprettet
fra standardtekster« / »Kopieret fra …«) in the history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from aktiviteter.models import Aktivitet
from delaftaler import standardtekster
from delaftaler.lib import security_log
from delaftaler.models import Delaftale, Delmaal, Helhedsplan, Indsatsomraade, Part
from indikatorer.models import Indikator

AARSAG_STANDARD = "Oprettet fra standardtekster"
AARSAG_KOPI = "Kopieret fra {kilde}"
AARSAG_MAKS = 100  # django-simple-history's history_change_reason

PART_FELTER = [
    "type",
    "gruppe",
    "navn",
    "titel",
    "organisation",
    "email",
    "telefon",
    "beskrivelse",
    "raekkefoelge",
]
INDIKATOR_FELTER = [
    "navn",
    "enhed",
    "enhed_tekst",
    "maalgruppe",
    "datakilde",
    "retning",
    "lbf_standard",
    "raekkefoelge",
]
AKTIVITET_FELTER = [
    "navn",
    "formaal",
    "maalgrupper",
    "indhold_og_praksis",
    "ansvar_og_roller",
    "ressourceestimat",
    "raekkefoelge",
]


def aarsag_for(kilde: Delaftale | None) -> str:
    if kilde is None:
        return AARSAG_STANDARD
    aarsag = AARSAG_KOPI.format(kilde=f"{kilde} ({kilde.periode_tekst})")
    return aarsag if len(aarsag) <= AARSAG_MAKS else aarsag[: AARSAG_MAKS - 1] + "…"


def _kraev_adgang(bruger, helhedsplan: Helhedsplan, kilde: Delaftale | None) -> None:
    """May add delaftaler, works on the helhedsplan, and may see the delaftale copied."""
    if not (bruger.is_active and bruger.has_perm("delaftaler.add_delaftale")):
        raise PermissionDenied
    if not Helhedsplan.objects.for_bruger(bruger).filter(pk=helhedsplan.pk).exists():
        raise PermissionDenied
    if kilde is not None and not Delaftale.objects.for_bruger(bruger).filter(pk=kilde.pk).exists():
        raise PermissionDenied


def _gem(obj: models.Model, *, aarsag: str, bruger) -> None:
    obj._change_reason = aarsag
    obj._history_user = bruger
    obj.full_clean()
    obj.save()


def _kopier(kilde: Delaftale, ny: Delaftale, *, aarsag: str, bruger) -> None:
    for part in kilde.parter.all():
        _gem(
            Part(delaftale=ny, **{f: getattr(part, f) for f in PART_FELTER}),
            aarsag=aarsag,
            bruger=bruger,
        )
    nye_delmaal: dict[int, Delmaal] = {}
    for delmaal in kilde.delmaal.all():
        nyt = Delmaal(delaftale=ny, tekst=delmaal.tekst, raekkefoelge=delmaal.raekkefoelge)
        _gem(nyt, aarsag=aarsag, bruger=bruger)
        nye_delmaal[delmaal.pk] = nyt
    for indikator in Indikator.objects.filter(delmaal__delaftale=kilde).order_by(
        "delmaal_id", "raekkefoelge", "pk"
    ):
        _gem(
            Indikator(
                delmaal=nye_delmaal[indikator.delmaal_id],
                **{f: getattr(indikator, f) for f in INDIKATOR_FELTER},
            ),
            aarsag=aarsag,
            bruger=bruger,
        )
    for aktivitet in kilde.aktiviteter.prefetch_related("delmaal"):
        ny_aktivitet = Aktivitet(
            delaftale=ny, **{f: getattr(aktivitet, f) for f in AKTIVITET_FELTER}
        )
        _gem(ny_aktivitet, aarsag=aarsag, bruger=bruger)
        delmaal = [nye_delmaal[d.pk] for d in aktivitet.delmaal.all() if d.pk in nye_delmaal]
        if delmaal:
            ny_aktivitet.delmaal.set(delmaal)


@transaction.atomic
def delaftale_opret(
    *,
    helhedsplan: Helhedsplan,
    indsatsomraade: Indsatsomraade,
    bruger,
    kilde: Delaftale | None = None,
    gyldig_fra: datetime.date | None = None,
    gyldig_til: datetime.date | None = None,
) -> Delaftale:
    """A new draft delaftale for ``indsatsomraade`` in ``helhedsplan``, for the plan's
    period unless another is given: LBF's standard texts, or a copy of ``kilde``.

    Raises PermissionDenied unless ``bruger`` may add delaftaler, works on the helhedsplan
    and may see ``kilde``; ValidationError (in Danish, keyed by field) for an indsatsområde
    the plan already has a delaftale for, or a period outside the plan's.
    """
    _kraev_adgang(bruger, helhedsplan, kilde)
    # One at a time per helhedsplan: two people creating the same delaftale at once get
    # the Danish refusal, not a database error.
    plan = Helhedsplan.objects.select_for_update().get(pk=helhedsplan.pk)
    findes = ValidationError(
        {
            "indsatsomraade": f"{plan.navn} har allerede en delaftale for "
            f"{indsatsomraade.navn}. Ret den i stedet, eller vælg et andet indsatsområde."
        }
    )
    if Delaftale.objects.filter(helhedsplan=plan, indsatsomraade=indsatsomraade).exists():
        raise findes
    tekster = (
        {f: getattr(kilde, f) for f in Delaftale.TEKSTFELTER}
        if kilde
        else dict(standardtekster.FELTER)
    )
    aarsag = aarsag_for(kilde)
    delaftale = Delaftale(
        helhedsplan=plan,
        indsatsomraade=indsatsomraade,
        gyldig_fra=gyldig_fra or plan.gyldig_fra,
        gyldig_til=gyldig_til or plan.gyldig_til,
        **tekster,
    )
    try:
        with transaction.atomic():
            _gem(delaftale, aarsag=aarsag, bruger=bruger)
    except IntegrityError:  # created by someone else meanwhile (SQLite has no row lock)
        raise findes from None
    if kilde is not None:
        _kopier(kilde, delaftale, aarsag=aarsag, bruger=bruger)
    transaction.on_commit(
        lambda: security_log.delaftale_haendelse(
            "oprettet", delaftale, bruger, kilde=kilde.pk if kilde else "standardtekster"
        )
    )
    return delaftale
