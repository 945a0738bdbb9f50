"""Publishing a delaftale under its revision rule: the workflows that span the draft in the
ordinary tables, the published versions and the bestyrelse's submissions.

- An administrative draft is published directly by the sekretariatsleder.
- A faglig draft is submitted to the bestyrelse; its snapshot is frozen in the
  submission, and approving it publishes exactly that snapshot, together with the
  administrative changes published while it waited (which the revision rule lets the
  secretariat make at any time).
- Restoring an earlier version writes it back into the draft; nothing is deleted from
  the history, and the restored draft is published like any other.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from delaftaler import notifikationer
from delaftaler.lib import security_log
from delaftaler.models import Bestyrelsesmoede, Delaftale, Indstilling, Version
from delaftaler.publicering import changes as aendr
from delaftaler.publicering.mangler import kraev_fuldstaendig
from delaftaler.publicering.version_pdf import version_pdf_bestil
from delaftaler.snapshot import Snapshot, digest, snapshots, tag_snapshot
from delaftaler.visning.context import hent_udkast

INGEN_AENDRINGER = "Udkastet er magen til den gældende version; der er intet at publicere."
FAGLIG_SKAL_GODKENDES = (
    "Udkastet indeholder faglige ændringer og skal godkendes af bestyrelsen før publicering."
)
AFVENTER_ALLEREDE = (
    "Der ligger allerede en ændring hos bestyrelsen. Afvent svaret, eller træk den tilbage."
)
ER_AFGJORT = "Indstillingen er allerede afgjort."
UDKAST_AENDRET = (
    "Udkastet er ændret, efter at siden blev vist. Intet er publiceret eller sendt. "
    "Se de nye ændringer igennem, og prøv igen."
)
FOERSTE_SKAL_GODKENDES = (
    "En ny delaftale skal godkendes af bestyrelsen, før den publiceres som første version."
)
KUN_ADMINISTRATIVE = "Udkastet indeholder kun administrative ændringer; de publiceres direkte."
GRUNDLAG_AENDRET = (
    "Delaftalen er publiceret igen, siden ændringen blev sendt til bestyrelsen. "
    "Sekretariatet må trække indstillingen tilbage og sende udkastet på ny."
)
INGEN_ADMINISTRATIVE = (
    "Udkastet har ingen administrative ændringer at publicere. De faglige ændringer "
    "afventer bestyrelsen."
)
BEGGE_STEDER_AENDRET = (
    "Ændringen kan ikke godkendes, fordi det samme er ændret både i indstillingen og i en "
    "administrativ ændring, der er publiceret siden: {hvad}. Sekretariatet må trække "
    "indstillingen tilbage og sende udkastet på ny."
)


@dataclass
class Udkast:
    """The draft in the tables compared with the published version it would replace."""

    delaftale: Delaftale
    indhold: Snapshot
    grundlag: Version | None
    aendringer: list[aendr.Aendring] = field(default_factory=list)

    @cached_property
    def sha256(self) -> str:
        """The draft's digest, which its page hands back with »Publicér« or »Send til
        bestyrelsen«; computed when asked for (the lists of drafts do not)."""
        return digest(self.indhold)

    @property
    def art(self) -> str | None:
        """A delaftale never published is its first version as a whole; else by field."""
        if self.grundlag is None:
            return Version.Art.FOERSTE
        return aendr.klassificer(self.aendringer)

    @property
    def art_tekst(self) -> str:
        return Version.Art(self.art).label if self.art else "Ingen ændringer"

    @property
    def er_faglig(self) -> bool:
        """Goes to the bestyrelse: faglige changes, and a new delaftale as a whole."""
        return self.art in (Version.Art.FAGLIG, Version.Art.FOERSTE)

    @property
    def har_aendringer(self) -> bool:
        return self.grundlag is None or bool(self.aendringer)

    @property
    def aarsager(self) -> list[aendr.Aendring]:
        """The changes that make the draft what it is: the faglige ones when it is faglig."""
        return [a for a in self.aendringer if a.art == self.art]


def udkast_for(delaftale: Delaftale) -> Udkast:
    """The draft and its changes: the nine queries of the page plus one for the version."""
    udkast = hent_udkast(delaftale)
    grundlag = (
        delaftale.versioner.defer("pdf")
        .select_related("fagligt_godkendt_moede")
        .order_by("-nummer")
        .first()
    )
    return _udkast(udkast, grundlag)


def _udkast(udkast: Delaftale, grundlag: Version | None) -> Udkast:
    indhold = tag_snapshot(udkast)
    aendringer = aendr.sammenlign(grundlag.indhold, indhold) if grundlag else []
    return Udkast(udkast, indhold, grundlag, aendringer)


def udkast_for_alle(delaftaler) -> list[Udkast]:
    """The drafts of several delaftaler at once, in ten queries whatever their number, for
    lists that show each draft's classification and changes but not its content (the
    list of drafts, Mit overblik).

    The drafts are read as plain rows (``snapshot.snapshots``), not as the prefetched tree
    ``udkast_for`` builds: twenty delaftaler are nearly a thousand rows, and model instances
    for them cost more than the comparison. Each ``Udkast.delaftale`` is the object
    passed in (select its helhedsplan and indsatsområde if you show them)."""
    delaftaler = list(delaftaler)
    indhold = snapshots(d.pk for d in delaftaler)
    gaeldende = {
        v.delaftale_id: v
        for v in Version.objects.gaeldende()
        .defer("pdf")
        .select_related("fagligt_godkendt_moede")
        .filter(delaftale__in=[d.pk for d in delaftaler])
    }
    resultat = []
    for d in delaftaler:
        if d.pk not in indhold:
            continue  # deleted meanwhile
        grundlag = gaeldende.get(d.pk)
        nu = indhold[d.pk]
        aendringer = aendr.sammenlign(grundlag.indhold, nu) if grundlag else []
        resultat.append(Udkast(d, nu, grundlag, aendringer))
    return resultat


def _log_efter_commit(handling: str, delaftale: Delaftale, bruger, **detaljer) -> None:
    transaction.on_commit(
        lambda: security_log.delaftale_haendelse(handling, delaftale, bruger, **detaljer)
    )


def _kraev(bruger, perm: str) -> None:
    if not (bruger.is_active and bruger.has_perm(perm)):
        raise PermissionDenied


def _laas(delaftale: Delaftale) -> None:
    """Take the delaftale's row lock before reading the draft: two publications or
    submissions of the same delaftale then run one after the other, and the second sees
    what the first did (no duplicate version, no second pending submission)."""
    Delaftale.objects.select_for_update().filter(pk=delaftale.pk).first()


def _kontroller_udkast(delaftale: Delaftale, udkast_sha256: str | None, *, faglig: bool) -> Udkast:
    """The draft as it is now, if it is what the person saw and may go the way asked."""
    udkast = udkast_for(delaftale)
    if udkast_sha256 is not None and udkast_sha256 != udkast.sha256:
        raise ValidationError(UDKAST_AENDRET, code="foraeldet")
    if udkast.grundlag is None and not faglig:
        raise ValidationError(FOERSTE_SKAL_GODKENDES)
    if not udkast.har_aendringer:
        raise ValidationError(INGEN_AENDRINGER)
    if delaftale.indstillinger.filter(status=Indstilling.Status.AFVENTER).exists():
        raise ValidationError(AFVENTER_ALLEREDE)
    if udkast.er_faglig and not faglig:
        raise ValidationError(FAGLIG_SKAL_GODKENDES)
    if faglig and not udkast.er_faglig:
        raise ValidationError(KUN_ADMINISTRATIVE)
    if udkast.grundlag is None:  # a new delaftale: not to the board while it lacks a part
        kraev_fuldstaendig(udkast.delaftale)
    return udkast


def _ny_version(
    *,
    delaftale: Delaftale,
    indhold: Snapshot,
    art: str,
    aendringer: list[aendr.Aendring],
    bruger=None,
    godkendt=None,
    indstilling: Indstilling | None = None,
    moede: Bestyrelsesmoede | None = None,
) -> Version:
    # Lock the delaftale row so two publications cannot take the same number.
    _laas(delaftale)
    forrige = delaftale.versioner.defer("pdf", "indhold").order_by("-nummer").first()
    nummer = (forrige.nummer if forrige else 0) + 1
    version = Version(
        delaftale=delaftale,
        nummer=nummer,
        art=art,
        indhold=indhold,
        indhold_sha256=digest(indhold),
        aendringer=aendr.resume(aendringer),
        publiceret_af=bruger,
        godkendt=godkendt,
        indstilling=indstilling,
        fagligt_godkendt_moede=moede,
    )
    version.med_forgaenger(forrige)
    version.full_clean()
    version.save()
    # Its PDF is made by the worker after the commit (or by the first request for it).
    version_pdf_bestil(version)
    return version


@transaction.atomic
def version_foerste(*, delaftale: Delaftale, bruger=None, godkendt=None) -> Version:
    """The agreement as signed, loaded from a file: its first published version.

    ``godkendt`` is the day the bestyrelse approved it, when the import knows it; a new
    delaftale made in the admin goes to the bestyrelse instead (``udkast_indstil``)."""
    if delaftale.versioner.exists():
        raise ValidationError("Delaftalen er allerede publiceret.")
    indhold = tag_snapshot(hent_udkast(delaftale))
    # The board approves at a meeting: that day's, made if new.
    moede = (
        Bestyrelsesmoede.til_beslutning(delaftale.helhedsplan_id, timezone.localdate(godkendt))
        if godkendt
        else None
    )
    return _ny_version(
        delaftale=delaftale,
        indhold=indhold,
        art=Version.Art.FOERSTE,
        aendringer=[],
        bruger=bruger,
        godkendt=godkendt,
        moede=moede,
    )


@transaction.atomic
def version_publicer(*, delaftale: Delaftale, bruger, udkast_sha256: str | None = None) -> Version:
    """The sekretariatsleder publishes an administrative draft directly (a new delaftale
    is faglig as a whole and goes to the bestyrelse).

    ``udkast_sha256`` is the digest of the draft the person was shown (the form carries
    it); if the draft has changed since, nothing is published.
    """
    _kraev(bruger, "delaftaler.publicer_delaftale")
    _laas(delaftale)
    if delaftale.indstillinger.filter(status=Indstilling.Status.AFVENTER).exists():
        udkast = _administrative_oven_paa(delaftale, udkast_sha256)
    else:
        udkast = _kontroller_udkast(delaftale, udkast_sha256, faglig=False)
    version = _ny_version(
        delaftale=delaftale,
        indhold=udkast.indhold,
        art=udkast.art,
        aendringer=udkast.aendringer,
        bruger=bruger,
    )
    _log_efter_commit("publiceret", delaftale, bruger, version=version.nummer)
    return version


def _administrative_oven_paa(delaftale: Delaftale, udkast_sha256: str | None) -> Udkast:
    """While a faglig change waits for the board, the revision rule still lets the
    secretariat change contact details and the like: the draft's administrative changes
    on top of the current version, without the faglige ones the board has not decided."""
    udkast = udkast_for(delaftale)
    if udkast_sha256 is not None and udkast_sha256 != udkast.sha256:
        raise ValidationError(UDKAST_AENDRET, code="foraeldet")
    if udkast.grundlag is None:  # a new delaftale's first version waits for the board
        raise ValidationError(FOERSTE_SKAL_GODKENDES)
    gaeldende = udkast.grundlag.indhold
    indhold = aendr.flet_administrative(gaeldende, gaeldende, udkast.indhold)
    aendringer = aendr.sammenlign(gaeldende, indhold)
    if not aendringer:
        raise ValidationError(INGEN_ADMINISTRATIVE)
    return Udkast(delaftale, indhold, udkast.grundlag, aendringer)


@transaction.atomic
def udkast_indstil(
    *,
    delaftale: Delaftale,
    bruger,
    begrundelse: str = "",
    udkast_sha256: str | None = None,
) -> Indstilling:
    """The sekretariatsleder sends a faglig draft, or a new delaftale, to the bestyrelse,
    frozen as it is now.

    ``udkast_sha256``: as for version_publicer, the draft the person was shown.
    """
    _kraev(bruger, "delaftaler.publicer_delaftale")
    _laas(delaftale)
    udkast = _kontroller_udkast(delaftale, udkast_sha256, faglig=True)
    indstilling = Indstilling(
        delaftale=delaftale,
        grundlag=udkast.grundlag,
        indhold=udkast.indhold,
        indhold_sha256=udkast.sha256,
        aendringer=aendr.resume(udkast.aendringer),
        begrundelse=begrundelse.strip(),
        indsendt_af=bruger,
    )
    indstilling.full_clean()
    indstilling.save()
    _log_efter_commit("indstillet til bestyrelsen", delaftale, bruger, indstilling=indstilling.pk)
    notifikationer.indstilling_sendt(indstilling, bruger)
    return indstilling


def _afgoer(
    indstilling: Indstilling,
    *,
    status: str,
    bruger,
    kommentar: str,
    kontrol: Callable[[Indstilling], None] | None = None,
    moede_dato: datetime.date | None = None,
) -> None:
    """Record the decision on a pending submission, once.

    The row lock makes a second decision wait for the first (PostgreSQL); the conditional
    update makes it fail wherever the lock is a no-op (SQLite): only one of two board
    members deciding at the same moment gets through, the other is told it is decided.
    """
    laast = Indstilling.objects.select_for_update().get(pk=indstilling.pk)
    if not laast.afventer:
        raise ValidationError(ER_AFGJORT)
    if kontrol is not None:
        kontrol(laast)
    laast.status = status
    laast.besluttet = timezone.now()
    laast.besluttet_af = bruger
    laast.kommentar = kommentar.strip()
    if moede_dato is not None:
        laast.moede = Bestyrelsesmoede.til_beslutning(
            indstilling.delaftale.helhedsplan_id, moede_dato
        )
    laast.full_clean()
    opdateret = Indstilling.objects.filter(pk=laast.pk, status=Indstilling.Status.AFVENTER).update(
        status=laast.status,
        besluttet=laast.besluttet,
        besluttet_af=laast.besluttet_af,
        kommentar=laast.kommentar,
        moede=laast.moede,
    )
    if not opdateret:
        raise ValidationError(ER_AFGJORT)
    for felt in ("status", "besluttet", "besluttet_af", "kommentar", "moede"):
        setattr(indstilling, felt, getattr(laast, felt))


@transaction.atomic
def indstilling_godkend(
    *,
    indstilling: Indstilling,
    bruger,
    kommentar: str = "",
    moede_dato: datetime.date | None = None,
) -> Version:
    """The bestyrelse approves, at the meeting of ``moede_dato``: the submitted snapshot
    becomes the published version, with the administrative changes published while it
    waited."""
    _kraev(bruger, "delaftaler.godkend_delaftale")
    indstilling.kraev_anden_beslutter(bruger)
    _laas(indstilling.delaftale)
    grundlag = indstilling.delaftale.versioner.defer("pdf").order_by("-nummer").first()
    indhold: Snapshot = {}

    def samme_grundlag(laast: Indstilling) -> None:
        """The submission, with the administrative changes published since it was sent;
        a faglig publication in between, or a field changed on both sides, refuses. A new
        delaftale's submission has no version under it, and none may have come since."""
        nonlocal indhold
        if grundlag is None or laast.grundlag_id is None:
            if (grundlag.pk if grundlag else None) != laast.grundlag_id:
                raise ValidationError(GRUNDLAG_AENDRET)
            indhold = laast.indhold
            return
        indhold = laast.indhold
        if grundlag.pk == laast.grundlag_id:
            return
        sendt_fra = Version.objects.defer("pdf").get(pk=laast.grundlag_id).indhold
        if aendr.klassificer(aendr.sammenlign(sendt_fra, grundlag.indhold)) == aendr.FAGLIG:
            raise ValidationError(GRUNDLAG_AENDRET)
        if strid := aendr.konflikter(sendt_fra, laast.indhold, grundlag.indhold):
            raise ValidationError(BEGGE_STEDER_AENDRET.format(hvad="; ".join(strid)))
        indhold = aendr.flet_administrative(laast.indhold, sendt_fra, grundlag.indhold)

    _afgoer(
        indstilling,
        status=Indstilling.Status.GODKENDT,
        bruger=bruger,
        kommentar=kommentar,
        kontrol=samme_grundlag,
        moede_dato=moede_dato,
    )
    version = _ny_version(
        delaftale=indstilling.delaftale,
        indhold=indhold,
        art=Version.Art.FAGLIG if grundlag else Version.Art.FOERSTE,
        aendringer=aendr.sammenlign(grundlag.indhold, indhold) if grundlag else [],
        bruger=indstilling.indsendt_af,
        godkendt=indstilling.besluttet,
        indstilling=indstilling,
    )
    _log_efter_commit(
        "godkendt af bestyrelsen",
        indstilling.delaftale,
        bruger,
        indstilling=indstilling.pk,
        version=version.nummer,
    )
    notifikationer.indstilling_besluttet(indstilling, bruger)
    return version


@transaction.atomic
def indstilling_send_tilbage(
    *,
    indstilling: Indstilling,
    bruger,
    kommentar: str,
    moede_dato: datetime.date | None = None,
) -> Indstilling:
    """The bestyrelse sends the change back with a comment, at the meeting of
    ``moede_dato``; the draft stays as it is."""
    _kraev(bruger, "delaftaler.godkend_delaftale")
    indstilling.kraev_anden_beslutter(bruger)
    if not kommentar.strip():
        raise ValidationError({"kommentar": "Skriv, hvorfor ændringen sendes tilbage."})
    _afgoer(
        indstilling,
        status=Indstilling.Status.SENDT_TILBAGE,
        bruger=bruger,
        kommentar=kommentar,
        moede_dato=moede_dato,
    )
    _log_efter_commit(
        "sendt tilbage af bestyrelsen", indstilling.delaftale, bruger, indstilling=indstilling.pk
    )
    notifikationer.indstilling_besluttet(indstilling, bruger)
    return indstilling


@transaction.atomic
def indstilling_traek_tilbage(*, indstilling: Indstilling, bruger) -> Indstilling:
    """The sekretariatsleder withdraws a submission, e.g. to correct the draft first."""
    _kraev(bruger, "delaftaler.publicer_delaftale")
    _afgoer(indstilling, status=Indstilling.Status.TRUKKET_TILBAGE, bruger=bruger, kommentar="")
    _log_efter_commit(
        "indstilling trukket tilbage", indstilling.delaftale, bruger, indstilling=indstilling.pk
    )
    return indstilling
