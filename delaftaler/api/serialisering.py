"""Published versions and approved follow-ups as the API's plain dicts.

Everything comes from what the public pages show: a version's content from its frozen
snapshot (``version_visning``), a year's values from its report (``hent_rapport``), both
with disclosure control applied — a hidden number is left out (``None``) and only its
marking (»<5«, »Skjult«) is given, never the number or the counts behind it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from delaftaler.models import Delaftale, Helhedsplan, Opfoelgning, Version
from delaftaler.opfoelgning.rapport.context import RapportVisning
from delaftaler.visning.context import DelaftaleVisning


def tal_tekst(tal: Decimal | None, decimaler: int) -> str | None:
    """A stored number with the decimals it was stored with: Decimal("11.3000"), 1 → "11.3"."""
    if tal is None:
        return None
    return str(tal.quantize(Decimal(1).scaleb(-decimaler)))


def helhedsplan_data(plan: Helhedsplan) -> dict[str, Any]:
    """Expects ``boligomraader`` prefetched."""
    return {
        "id": plan.pk,
        "slug": plan.slug,
        "navn": plan.navn,
        "kommune": plan.kommune,
        "gyldig_fra": plan.gyldig_fra,
        "gyldig_til": plan.gyldig_til,
        "mindste_antal": plan.mindste_antal,
        "boligomraader": [
            {"id": o.pk, "navn": o.navn, "afdelinger": o.afdelinger}
            for o in plan.boligomraader.all()
        ],
    }


def version_data(v: Version) -> dict[str, Any]:
    moede = v.fagligt_godkendt_moede
    return {
        "nummer": v.nummer,
        "publiceret": v.publiceret,
        "art": v.art,
        "art_tekst": v.get_art_display(),
        "godkendt": v.godkendt,
        "fagligt_godkendt": v.fagligt_godkendt,
        "fagligt_godkendt_moede": moede.dato if moede else None,
        "administrativt_aendret": v.administrativt_aendret,
    }


def delaftale_data(d: Delaftale, gaeldende: Version) -> dict[str, Any]:
    return {
        "id": d.pk,
        "helhedsplan": d.helhedsplan.slug,
        "indsatsomraade": d.indsatsomraade.navn,
        "indsatsomraade_slug": d.indsatsomraade.slug,
        "gaeldende_version": version_data(gaeldende),
    }


def indhold_data(visning: DelaftaleVisning) -> dict[str, Any]:
    """A published version's content (``version_visning``), hidden numbers left out."""
    d = visning.delaftale
    assert visning.udgivelse is not None
    skjulte = visning.skjulte if visning.diskretion.offentlig else {}

    def baseline(b) -> dict[str, Any]:
        skjult = skjulte.get(id(b), "")
        return {
            "id": b.pk,
            "boligomraade": (
                {"id": b.boligomraade.pk, "navn": b.boligomraade.navn} if b.boligomraade else None
            ),
            "maalgruppe": b.maalgruppe,
            "samlet_for": [o.pk for o in b.samlet_liste],
            "vaerdi": None if skjult else tal_tekst(b.vaerdi, b.vaerdi_decimaler),
            "skjult": skjult,
            "afventer": b.afventer,
            "periode": b.periode,
            "datakilde": b.datakilde,
            "sammenligning": (
                None if skjult else tal_tekst(b.sammenligning, b.sammenligning_decimaler)
            ),
            "sammenligning_label": b.sammenligning_label,
        }

    return {
        "id": d.pk,
        "helhedsplan": d.helhedsplan.slug,
        "indsatsomraade": d.indsatsomraade.navn,
        "indsatsomraade_slug": d.indsatsomraade.slug,
        "version": version_data(visning.udgivelse),
        "gyldig_fra": d.gyldig_fra,
        "gyldig_til": d.gyldig_til,
        "boligomraader": [
            {"id": o.pk, "navn": o.navn, "afdelinger": o.afdelinger} for o in visning.boligomraader
        ],
        "delmaal": [
            {
                "id": dm.pk,
                "tekst": dm.tekst,
                "indikatorer": [
                    {
                        "id": i.pk,
                        "navn": i.navn,
                        "enhed": i.enhed,
                        "enhed_tekst": i.enhed_tekst,
                        "retning": i.retning,
                        "lbf_standard": i.lbf_standard,
                        "ikke_personer": i.ikke_personer,
                        "maalgruppe": i.maalgruppe,
                        "datakilde": i.datakilde,
                        "baselines": [baseline(b) for b in i.baseline_liste],
                    }
                    for i in dm.indikator_liste
                ],
            }
            for dm in visning.delmaal
        ],
        "aktiviteter": [
            {
                "id": a.pk,
                "navn": a.navn,
                "formaal": a.formaal,
                "maalgrupper": a.maalgrupper,
                "indhold_og_praksis": a.indhold_og_praksis,
                "ansvar_og_roller": a.ansvar_og_roller,
                "ressourceestimat": a.ressourceestimat,
                "delmaal": [m.pk for m in a.delmaal_liste],
            }
            for a in visning.aktiviteter
        ],
    }


def opfoelgning_data(
    rapport: RapportVisning, *, godkendte_aar: set[int], godkendt
) -> dict[str, Any]:
    """An approved year's report (``hent_rapport``, public): values only for years that are
    approved now, hidden ones left out."""
    o: Opfoelgning = rapport.opfoelgning
    vist = [a for a in rapport.aar if a in godkendte_aar]

    def sted(r) -> dict[str, Any]:
        b = r.baseline
        baseline = None
        if b is not None and not r.baseline_er_skjult and not b.afventer:
            baseline = tal_tekst(b.vaerdi, b.vaerdi_decimaler)
        vaerdier = []
        for v in r.vaerdier:
            if v.aar not in godkendte_aar:
                continue
            m = v.maaling
            vaerdier.append(
                {
                    "aar": v.aar,
                    "vaerdi": tal_tekst(v.tal, m.vaerdi_decimaler) if v.tal is not None else None,
                    "skjult": v.skjult if v.er_skjult else "",
                    "ikke_tilgaengelig": v.ikke_tilgaengelig,
                    "periode": m.periode if m is not None else None,
                }
            )
        aendring = None
        if r.aendring is not None and not r.aendring_er_skjult:
            aendring = {"forskel": str(r.aendring.forskel), "vurdering": r.aendring.vurdering}
        return {
            "sted": r.sted,
            "boligomraade_id": b.boligomraade_id if b is not None else None,
            "baseline": baseline,
            "baseline_skjult": r.baseline_skjult if r.baseline_er_skjult else "",
            "vaerdier": vaerdier,
            "aendring": aendring,
            "aendring_skjult": r.aendring_skjult if r.aendring_er_skjult else "",
        }

    return {
        "delaftale": o.delaftale_id,
        "aar": o.aar,
        "godkendt": godkendt,
        "aarene": vist,
        "delmaal": [
            {
                "id": dr.delmaal.pk,
                "tekst": dr.delmaal.tekst,
                "status": dr.status_kode,
                "status_tekst": dr.status_tekst,
                "vurdering": dr.status.vurdering if dr.status else "",
                "indikatorer": [
                    {
                        "id": ir.indikator.pk,
                        "navn": ir.indikator.navn,
                        "enhed": ir.indikator.enhed,
                        "retning": ir.indikator.retning,
                        "steder": [sted(r) for r in ir.raekker],
                    }
                    for ir in dr.indikatorer
                ],
            }
            for dr in rapport.delmaal
        ],
        "aktiviteter": [
            {
                "id": ar.aktivitet.pk,
                "navn": ar.aktivitet.navn,
                "udfoert": ar.status.udfoert if ar.status else "",
                "antal_naaet": ar.status.antal_naaet if ar.status else None,
                "justeringer": ar.status.justeringer if ar.status else "",
                "fokus_naeste_aar": ar.status.fokus_naeste_aar if ar.status else "",
            }
            for ar in rapport.aktiviteter
        ],
    }
