"""A published version's PDF: rendered from the version's own snapshot once, after the
publication has committed, and then frozen.

Publishing does not wait for it (the 10× delaftale takes about 14 s to render): the
publishing transaction stores the version without its PDF and, once committed, asks the
background worker (``manage.py db_worker``) to make it (``version_pdf_bestil``). A request
for the PDF that comes first does not wait for the worker either: it renders the PDF then,
from the same snapshot, so the reader always gets the new version, never the old one.

Whoever comes first stores it (``version_pdf_lav``); everyone else gets those bytes. The
version's row lock makes a second renderer wait for the first and then find the PDF
there (PostgreSQL); the conditional update keeps the first stored bytes wherever the lock
is a no-op (SQLite). Once stored, a version's PDF and its SHA-256 are never changed.
WeasyPrint renders the same HTML to the same bytes, so a lost race changes nothing either.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext

from django.core.cache import caches
from django.db import connection, transaction
from django_tasks import task

from delaftaler.lib.opgaver import koe_efter_commit
from delaftaler.models import Version
from delaftaler.visning import pdf
from delaftaler.visning.context import version_visning
from delaftaler.visning.table import IndikatorTabel

log = logging.getLogger(__name__)


def _huskes(sha256: str, indhold: bytes) -> None:
    """Each process keeps the PDFs it has served in memory, by their hash."""
    caches["default"].set(f"version-pdf:{sha256}", indhold, None)


def version_pdf_lav(version_id: int) -> tuple[str, bytes | None]:
    """Render and store the version's PDF, unless it is already stored.

    Returns the stored PDF's SHA-256, with the bytes when this call rendered them (None
    when it found them there). Idempotent; a version that no longer exists is no error.

    On PostgreSQL the render runs under the version's row lock, so a second renderer waits
    and then finds the PDF. SQLite has no row locks, and a transaction open for the
    render would hold its file lock against every writer: there both may render, and the
    conditional update keeps the first.
    """
    laas = connection.features.has_select_for_update
    with transaction.atomic() if laas else nullcontext():
        versioner = Version.objects.defer("pdf").select_related(
            "delaftale__helhedsplan", "delaftale__indsatsomraade"
        )
        if laas:
            # FOR NO KEY UPDATE: a second renderer waits, but a row referring to the
            # version (a submission's grundlag) can still be written meanwhile.
            versioner = versioner.select_for_update(
                of=("self",), no_key=connection.features.has_select_for_no_key_update
            )
        version = versioner.filter(pk=version_id).first()
        if version is None or version.pdf_sha256:
            return (version.pdf_sha256 if version else ""), None
        visning = version_visning(version)
        indhold = pdf.render_pdf(pdf.pdf_html(visning, IndikatorTabel(visning.raekker)))
        sha256 = hashlib.sha256(indhold).hexdigest()
        # The first stored PDF stays; a concurrent render that lost is discarded.
        gemt = Version.objects.filter(pk=version.pk, pdf_sha256="").update(
            pdf=indhold, pdf_sha256=sha256
        )
    if not gemt:
        return Version.objects.values_list("pdf_sha256", flat=True).get(pk=version.pk), None
    _huskes(sha256, indhold)
    return sha256, indhold


@task()
def version_pdf_opgave(version_id: int) -> str:
    """The worker's part: the PDF of a version just published (nothing if a request was
    quicker). Returns the PDF's SHA-256, kept with the task's result."""
    sha256, indhold = version_pdf_lav(version_id)
    if indhold is not None:
        log.info("PDF lavet for version %s (%s bytes)", version_id, len(indhold))
    return sha256


def version_pdf_bestil(version: Version) -> None:
    """After the publishing transaction commits, queue the version's PDF for the worker."""
    koe_efter_commit(version_pdf_opgave, version.pk)


def version_pdf(version: Version) -> bytes:
    """The version's frozen PDF, rendered now if neither the worker nor an earlier request
    has stored it yet. Sets ``version.pdf_sha256``."""
    if not version.pdf_sha256:
        version.pdf_sha256, indhold = version_pdf_lav(version.pk)
        if indhold is not None:
            return indhold
    noegle = f"version-pdf:{version.pdf_sha256}"
    indhold = caches["default"].get(noegle)
    if indhold is None:
        indhold = bytes(Version.objects.values_list("pdf", flat=True).get(pk=version.pk))
        _huskes(version.pdf_sha256, indhold)
    return indhold


def manglende_pdf_bestil() -> int:
    """Queue every version whose PDF is not stored (e.g. after restoring a backup taken
    before the worker had made it); returns how many."""
    versioner = list(Version.objects.filter(pdf_sha256="").values_list("pk", flat=True))
    for pk in versioner:
        koe_efter_commit(version_pdf_opgave, pk)
    return len(versioner)
