"""The delaftale as a Word file: the published version (current or earlier) for everyone,
the draft for the helhedsplan's members.

Like the PDF a published version's file is fixed by what it shows: it is rendered from
the version's snapshot, revalidated by an ETag over its content (304 when the reader
has it) and kept in the process's cache by the same digest.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, quote_etag
from django.views.decorators.http import require_safe

from delaftaler.adgang import kraev_medlem
from delaftaler.models import Delaftale
from delaftaler.visning.context import (
    DelaftaleVisning,
    byg_visning,
    hent_offentlig,
    hent_udkast,
    hent_version,
    version_visning,
)
from delaftaler.visning.page_cache import offentlig
from delaftaler.word import export

SE = "delaftaler.view_delaftale"
LEVETID = 24 * 3600


@require_safe
def delaftale_docx(
    request: HttpRequest, helhedsplan: str, indsats: str, nummer: int | None = None
) -> HttpResponse:
    """The latest (or a numbered) published version, as it was published: two queries."""
    delaftale = hent_offentlig(helhedsplan, indsats)
    visning = version_visning(hent_version(delaftale, nummer))
    filnavn = delaftale.filnavn + (f"_version_{nummer}" if nummer is not None else "")
    return offentlig(_docx_svar(request, visning, filnavn))


@require_safe
@kraev_medlem(SE)
def udkast_docx(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    """The draft with its real numbers: a working copy for the plan's own staff, which
    says which numbers the public version hides."""
    visning = byg_visning(hent_udkast(delaftale), offentlig=False)
    svar = _docx_svar(request, visning, f"{visning.filnavn}_udkast")
    patch_cache_control(svar, private=True)
    return svar


def _docx_svar(request: HttpRequest, visning: DelaftaleVisning, filnavn: str) -> HttpResponse:
    digest = indholdsnoegle(visning)
    etag = quote_etag(digest)
    svar = get_conditional_response(request, etag=etag)
    if svar is None:
        svar = HttpResponse(_docx(visning, digest), content_type=export.MIME)
        svar["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{filnavn}.docx"
        )
    svar["ETag"] = etag
    patch_cache_control(svar, no_cache=True)
    return svar


def _docx(visning: DelaftaleVisning, digest: str) -> bytes:
    cache = caches["default"]
    noegle = f"docx:{digest}"
    indhold = cache.get(noegle)
    if indhold is None:
        indhold = export.docx_for_visning(visning)
        cache.set(noegle, indhold, LEVETID)
    return indhold


def indholdsnoegle(visning: DelaftaleVisning) -> str:
    """What the file is made from: the delaftale's content, its version line, whether it
    is the public's, and the code that writes it. No queries."""
    dele = (
        _kode(),
        visning.fingeraftryk(),
        visning.versionstekst,
        visning.udgivelse.nummer if visning.udgivelse else None,
        visning.diskretion,
    )
    return hashlib.sha256(repr(dele).encode()).hexdigest()


def _kode() -> str:
    if settings.DEBUG:
        return _kode_fingeraftryk.__wrapped__()
    return _kode_fingeraftryk()


@functools.cache
def _kode_fingeraftryk() -> str:
    h = hashlib.sha256(importlib.metadata.version("python-docx").encode())
    h.update(Path(export.__file__).read_bytes())
    return h.hexdigest()
