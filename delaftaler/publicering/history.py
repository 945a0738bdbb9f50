"""Everything recorded about a delaftale, newest first, a page at a time; and the
delaftale as it stood at any moment of that history.

The history tables (django-simple-history) are read by the delaftale's own id and by its
children's parent ids, as the history tables hold them: a deleted delmål's indikatorer are
found through the delmål's historical rows, so what no longer exists still shows.
Publications and submissions to the bestyrelse are events in the same list.

One page costs a fixed number of queries however long the history is: the events of all
sources are merged, ordered and cut into pages in the database (a UNION), and then each
source's rows on the page, the rows before them (for the changes), their many-to-many
rows and the names they refer to are fetched in one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, F, OuterRef, Subquery, Value

from aktiviteter.models import Aktivitet
from delaftaler.lib.formatting import brugernavn
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    Helhedsplan,
    Indstilling,
    Part,
    Version,
)
from delaftaler.publicering.changes import objektnavn
from delaftaler.publicering.comparison import Felt, feltforskel, m2m_forskel
from delaftaler.snapshot import DELE, M2M, TIDSSTEMPLER, Snapshot, tag_snapshot
from indikatorer.models import Baseline, Indikator

PR_SIDE = 40
# Entries by the same person with the same reason no further apart than this are one
# step (an admin save writes the page's object and each changed inline row).
SAMME_SKRIDT = timedelta(seconds=10)

# The tracked parts of a delaftale: snapshot.DELE, boligområder aside (they belong to the
# helhedsplan).
KILDER: dict[str, type[models.Model]] = {k: m for k, m in DELE.items() if k != "boligomraader"}
VERSION = "version"
INDSTILLET = "indstillet"
BESLUTTET = "besluttet"

HANDLING = {"+": "oprettet", "~": "ændret", "-": "slettet"}
IKKE_VIST = TIDSSTEMPLER | {"id", "delaftale_id"}

_EPOKE = datetime(1970, 1, 1, tzinfo=UTC)


# --- Points in the history ---------------------------------------------------------------


def tidskode(tid: datetime) -> str:
    """A moment as it goes in an address: »t« and microseconds since 1970, exactly."""
    return f"t{(tid - _EPOKE) // timedelta(microseconds=1)}"


def fra_tidskode(kode: str) -> datetime | None:
    """The moment of a tidskode(), or None if it is not one."""
    if not kode.startswith("t") or not kode[1:].isdigit() or len(kode) > 20:
        return None
    try:
        return _EPOKE + timedelta(microseconds=int(kode[1:]))
    except OverflowError:
        return None


# --- What the history tables hold for one delaftale -----------------------------------------


def historik_kilder(delaftale_id: int) -> dict[str, models.QuerySet]:
    """Each source's historical rows that concern the delaftale, deleted children included.

    Indikatorer are found by their delmål as the delmål's historical rows name them, and
    baselines by those indikatorer, so a child whose parent is gone still shows.
    """
    delmaal_ids = Delmaal.history.filter(delaftale_id=delaftale_id).values("id")
    indikator_ids = Indikator.history.filter(delmaal_id__in=delmaal_ids).values("id")
    return {
        "delaftale": Delaftale.history.filter(id=delaftale_id),
        "parter": Part.history.filter(delaftale_id=delaftale_id),
        "delmaal": Delmaal.history.filter(delaftale_id=delaftale_id),
        "indikatorer": Indikator.history.filter(delmaal_id__in=delmaal_ids),
        "baselines": Baseline.history.filter(indikator_id__in=indikator_ids),
        "aktiviteter": Aktivitet.history.filter(delaftale_id=delaftale_id),
    }


def _indeks(qs: models.QuerySet, kilde: str, pk: str, tid: str, bruger: str):
    return (
        qs.order_by()
        .annotate(
            h_kilde=Value(kilde, output_field=CharField()),
            h_id=F(pk),
            h_tid=F(tid),
            h_bruger=F(bruger),
        )
        .values_list("h_kilde", "h_id", "h_tid", "h_bruger")
    )


def haendelser(delaftale_id: int) -> models.QuerySet:
    """(source, id, time, user id) of every event, newest first, as one database query."""
    dele = [
        _indeks(qs, kilde, "history_id", "history_date", "history_user_id")
        for kilde, qs in historik_kilder(delaftale_id).items()
    ]
    dele.append(
        _indeks(
            Version.objects.filter(delaftale_id=delaftale_id),
            VERSION,
            "pk",
            "publiceret",
            "publiceret_af_id",
        )
    )
    indstillinger = Indstilling.objects.filter(delaftale_id=delaftale_id)
    dele.append(_indeks(indstillinger, INDSTILLET, "pk", "indsendt", "indsendt_af_id"))
    dele.append(
        _indeks(
            indstillinger.filter(besluttet__isnull=False),
            BESLUTTET,
            "pk",
            "besluttet",
            "besluttet_af_id",
        )
    )
    foerste, *resten = dele
    return foerste.union(*resten, all=True).order_by("-h_tid", "-h_id")


# --- One page ---------------------------------------------------------------------------


@dataclass
class Post:
    """One recorded change or event: what, and for a change which fields, old → new."""

    kilde: str
    tid: datetime
    bruger: Any
    objekt: str
    handling: str
    felter: list[Felt] = field(default_factory=list)
    aarsag: str = ""
    note: str = ""

    @property
    def er_haendelse(self) -> bool:
        return self.kilde not in KILDER


@dataclass
class Gruppe:
    """One step: a person's entries made together (one save), or one event."""

    poster: list[Post]

    @property
    def nyeste(self) -> Post:
        return self.poster[0]

    @property
    def tid(self) -> datetime:
        return self.nyeste.tid

    @property
    def bruger(self):
        return self.nyeste.bruger

    @property
    def bruger_navn(self) -> str:
        return "systemet" if self.bruger is None else brugernavn(self.bruger)

    @property
    def aarsag(self) -> str:
        return self.nyeste.aarsag

    @property
    def er_haendelse(self) -> bool:
        return self.nyeste.er_haendelse

    @property
    def foer_kode(self) -> str:
        """The moment just before the step's first entry."""
        return tidskode(self.poster[-1].tid - timedelta(microseconds=1))

    @property
    def efter_kode(self) -> str:
        """The moment of the step's last entry."""
        return tidskode(self.tid)


@dataclass
class Historik:
    side: Page
    grupper: list[Gruppe]


def _grupper(poster: list[Post]) -> list[Gruppe]:
    grupper: list[Gruppe] = []
    for post in poster:
        if grupper:
            forrige = grupper[-1].poster[-1]
            if (
                not post.er_haendelse
                and not forrige.er_haendelse
                and getattr(post.bruger, "pk", None) == getattr(forrige.bruger, "pk", None)
                and post.aarsag == forrige.aarsag
                and forrige.tid - post.tid <= SAMME_SKRIDT
            ):
                grupper[-1].poster.append(post)
                continue
        grupper.append(Gruppe([post]))
    return grupper


def _seneste_navne(model: type[models.Model], ids: set[int], felt: str) -> dict[int, str]:
    """Each object's name in its latest historical row (it may be deleted): one query."""
    if not ids:
        return {}
    seneste = (
        model.history.filter(id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return dict(
        model.history.filter(id__in=ids, history_id=Subquery(seneste)).values_list("id", felt)
    )


def _raekke(post, model: type[models.Model]) -> dict[str, Any]:
    return {f.attname: getattr(post, f.attname, None) for f in model._meta.concrete_fields}


def hent_historik(delaftale: Delaftale, *, side: int | str | None = 1) -> Historik:
    """One page of the history, in a fixed number of queries."""
    sidevisning = Paginator(haendelser(delaftale.pk), PR_SIDE).get_page(side)
    indeks = list(sidevisning.object_list)

    pr_kilde: dict[str, list[int]] = {}
    for kilde, pk, _tid, _bruger in indeks:
        pr_kilde.setdefault(kilde, []).append(pk)
    poster_pr_kilde, forrige = _historiske_raekker(pr_kilde)

    # Many-to-many rows as each historical row recorded them.
    m2m: dict[str, dict[int, list[int]]] = {
        kilde: _m2m_raekker(KILDER[kilde], felt, set(poster_pr_kilde[kilde]) | set(forrige[kilde]))
        for kilde, felt in M2M.items()
        if kilde in poster_pr_kilde
    }

    # Names that foreign keys and labels refer to, as last recorded.
    alle = [r for k in (*poster_pr_kilde.values(), *forrige.values()) for r in k.values()]

    def ids(attname: str, *m2m_kilder: str) -> set[int]:
        pks = {getattr(r, attname, None) for r in alle} - {None}
        for kilde in m2m_kilder:
            for linket in m2m.get(kilde, {}).values():
                pks.update(linket)
        return pks

    navne = {
        "delmaal": _seneste_navne(Delmaal, ids("delmaal_id", "aktiviteter"), "tekst"),
        "indikator": _seneste_navne(Indikator, ids("indikator_id"), "navn"),
        "boligomraade": _seneste_navne(Boligomraade, ids("boligomraade_id", "baselines"), "navn"),
    }
    etiketter: Snapshot = {
        "indikatorer": [{"id": k, "navn": v} for k, v in navne["indikator"].items()],
        "boligomraader": [{"id": k, "navn": v} for k, v in navne["boligomraade"].items()],
    }

    begivenheder = _begivenheder(pr_kilde)
    poster: list[Post] = []
    for kilde, pk, _tid, _bruger in indeks:
        if kilde in KILDER:
            post = _post(
                kilde,
                poster_pr_kilde[kilde][pk],
                forrige[kilde],
                m2m.get(kilde, {}),
                navne,
                etiketter,
            )
        else:
            post = begivenheder[(kilde, pk)]
        if post is not None:
            poster.append(post)
    return Historik(sidevisning, _grupper(poster))


def _historiske_raekker(
    pr_kilde: dict[str, list[int]],
) -> tuple[dict[str, dict[int, Any]], dict[str, dict[int, Any]]]:
    """Each source's rows on the page by history_id (each with ``forrige_id``, the same
    object's row before it), and those earlier rows: two queries per source."""
    poster_pr_kilde: dict[str, dict[int, Any]] = {}
    forrige: dict[str, dict[int, Any]] = {}
    for kilde, ids in pr_kilde.items():
        model = KILDER.get(kilde)
        if model is None:
            continue
        tidligere = (
            model.history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        rows = model.history.filter(history_id__in=ids).select_related("history_user")
        poster_pr_kilde[kilde] = {
            r.history_id: r for r in rows.annotate(forrige_id=Subquery(tidligere))
        }
        forrige_ids = [r.forrige_id for r in poster_pr_kilde[kilde].values() if r.forrige_id]
        forrige[kilde] = (
            {r.history_id: r for r in model.history.filter(history_id__in=forrige_ids)}
            if forrige_ids
            else {}
        )
    return poster_pr_kilde, forrige


def _m2m_raekker(model: type[models.Model], felt: str, hids: set[int]) -> dict[int, list[int]]:
    if not hids:
        return {}
    m2m_model = model.history.model.__dict__[felt].model
    maal = model._meta.get_field(felt).m2m_reverse_name()
    raekker: dict[int, list[int]] = {hid: [] for hid in hids}
    for hid, pk in (
        m2m_model.objects.filter(history_id__in=hids).order_by(maal).values_list("history_id", maal)
    ):
        raekker[hid].append(pk)
    return raekker


def _post(kilde, post, forrige, m2m, navne, etiketter) -> Post | None:
    """One historical row as an entry; None for a save that changed nothing shown."""
    model = KILDER[kilde]
    raekke = _raekke(post, model)
    felter: list[Felt] = []
    tidligere = forrige.get(post.forrige_id) if post.history_type == "~" else None
    if tidligere is not None:
        felter = _aendrede_felter(kilde, post, tidligere, raekke, m2m, navne)
        if not felter:
            return None  # saved without a change: noise
    return Post(
        kilde,
        post.history_date,
        post.history_user,
        objektnavn(kilde, raekke, etiketter),
        HANDLING[post.history_type],
        felter,
        post.history_change_reason or "",
    )


def _aendrede_felter(kilde, post, tidligere, raekke, m2m, navne) -> list[Felt]:
    """The fields simple-history's diff_against finds changed, as the reader sees them;
    the many-to-many field from the rows already fetched (diff_against would query)."""
    model = KILDER[kilde]
    m2m_navn = M2M.get(kilde)
    delta = post.diff_against(tidligere, excluded_fields=[m2m_navn] if m2m_navn else [])
    gammel_raekke = _raekke(tidligere, model)
    felter = []
    for aendring in delta.changes:
        f = model._meta.get_field(aendring.field)
        if f.attname not in IKKE_VIST:
            felter.append(feltforskel(f, gammel_raekke, raekke, navne))
    if m2m_navn:
        felter.append(
            m2m_forskel(
                model._meta.get_field(m2m_navn),
                m2m.get(tidligere.history_id, []),
                m2m.get(post.history_id, []),
                navne,
            )
        )
    return [f for f in felter if f]


def _begivenheder(pr_kilde: dict[str, list[int]]) -> dict[tuple[str, int], Post]:
    """Publications and the bestyrelse's submissions on the page (two queries at most)."""
    ud: dict[tuple[str, int], Post] = {}
    if VERSION in pr_kilde:
        for v in (
            Version.objects.uden_indhold()
            .select_related("publiceret_af")
            .filter(pk__in=pr_kilde[VERSION])
        ):
            note = f"Godkendt af bestyrelsen {v.egen_godkendelse_tekst}." if v.godkendt else ""
            ud[(VERSION, v.pk)] = Post(
                VERSION,
                v.publiceret,
                v.publiceret_af,
                f"Version {v.nummer}",
                f"publiceret ({v.get_art_display().lower()})",
                note=note,
            )
    ids = set(pr_kilde.get(INDSTILLET, [])) | set(pr_kilde.get(BESLUTTET, []))
    if ids:
        for i in (
            Indstilling.objects.defer("indhold")
            .select_related("indsendt_af", "besluttet_af")
            .filter(pk__in=ids)
        ):
            ud[(INDSTILLET, i.pk)] = Post(
                INDSTILLET,
                i.indsendt,
                i.indsendt_af,
                f"Indstilling til bestyrelsen af {i.dato_tekst}",
                "sendt til bestyrelsen",
                note=i.begrundelse,
            )
            if i.besluttet:
                ud[(BESLUTTET, i.pk)] = Post(
                    BESLUTTET,
                    i.besluttet,
                    i.besluttet_af,
                    f"Indstilling til bestyrelsen af {i.dato_tekst}",
                    i.get_status_display().lower(),
                    note=i.kommentar,
                )
    return ud


# --- The delaftale as it stood at a moment ---------------------------------------------------


def _pr(model: type[models.Model], tid: datetime, **filtre) -> list:
    """The model's objects as they were at ``tid`` (Model.history.as_of), latest row per id."""
    objekter: dict[int, Any] = {}
    for obj in model.history.as_of(tid).filter(**filtre):
        tidligere = objekter.get(obj.pk)
        if tidligere is None or obj._history.history_id > tidligere._history.history_id:
            objekter[obj.pk] = obj
    return list(objekter.values())


def _ordnet(objekter: list, noegle=lambda o: (o.raekkefoelge, o.pk)) -> list:
    return sorted(objekter, key=noegle)


def snapshot_pr(delaftale: Delaftale, tid: datetime) -> Snapshot | None:
    """The delaftale as it stood at ``tid``, from the history tables, as tag_snapshot()
    takes it of the draft: None if it did not exist yet.

    Many-to-many links are read from the rows the history recorded with each object's
    state (simple-history copies them on every change), so they are as of ``tid`` too.
    """
    rod = _pr(Delaftale, tid, id=delaftale.pk)
    if not rod:
        return None
    d = rod[0]
    omraader = _ordnet(
        _pr(Boligomraade, tid, helhedsplan_id=delaftale.helhedsplan_id),
        lambda o: (o.raekkefoelge, o.navn),
    )
    omraade_map = {o.pk: o for o in omraader}
    plan = Helhedsplan(pk=delaftale.helhedsplan_id)
    plan.boligomraade_liste = omraader
    d.helhedsplan = plan
    d.part_liste = _ordnet(_pr(Part, tid, delaftale_id=d.pk))
    d.delmaal_liste = _ordnet(_pr(Delmaal, tid, delaftale_id=d.pk))
    delmaal_map = {o.pk: o for o in d.delmaal_liste}
    indikatorer = _ordnet(_pr(Indikator, tid, delmaal_id__in=list(delmaal_map)))
    for dm in d.delmaal_liste:
        dm.indikator_liste = [i for i in indikatorer if i.delmaal_id == dm.pk]
    indikator_map = {i.pk: i for i in indikatorer}
    baselines = _ordnet(_pr(Baseline, tid, indikator_id__in=list(indikator_map)))
    samlet = _m2m_raekker(Baseline, "samlet_for", {b._history.history_id for b in baselines})
    for i in indikatorer:
        i.baseline_liste = []
    for b in baselines:
        pks = samlet.get(b._history.history_id, [])
        b.samlet_liste = _ordnet(
            [omraade_map[pk] for pk in pks if pk in omraade_map],
            lambda o: (o.raekkefoelge, o.navn),
        )
        indikator_map[b.indikator_id].baseline_liste.append(b)
    d.aktivitet_liste = _ordnet(_pr(Aktivitet, tid, delaftale_id=d.pk))
    links = _m2m_raekker(Aktivitet, "delmaal", {a._history.history_id for a in d.aktivitet_liste})
    for a in d.aktivitet_liste:
        a.delmaal_liste = _ordnet(
            [delmaal_map[pk] for pk in links.get(a._history.history_id, []) if pk in delmaal_map]
        )
    return tag_snapshot(d)
