"""The delaftale as a tagged PDF (PDF/UA-1), rendered by WeasyPrint and cached by content.

The PDF is a pure function of the delaftale's content and the code that renders it
(templates, stylesheet, WeasyPrint version), so the cache key is a digest of exactly
those: any edit — a new value, a deleted row, a new order — gives a new key, and a stale
PDF can never be served. The same digest is the ETag. Rendering takes about half a
second (several for long agreements); a cache hit costs only the queries.

WeasyPrint may only read our own static files. Its URL fetcher serves
``delaftaler:/static/...`` (the document's base URL, so ``{% static %}`` paths and the
relative URLs inside pdf.css resolve to it) from ``staticfiles.finders`` and refuses
everything else: ``file:``, ``http(s):``, ``data:``, hosts, other schemes.

WeasyPrint is imported on the first render, not with the URLconf: it takes most of a
second, which every ``manage.py`` command and worker start would otherwise pay.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import mimetypes
import posixpath
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit, uses_relative

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template, render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, quote_etag

from delaftaler.visning.context import DelaftaleVisning

SKABELON = "delaftaler/delaftale_pdf.html"
PDF_BASE = "pdf_base.html"
PDF_SKABELONER = (
    SKABELON,
    "delaftaler/_delaftale.html",
    "delaftaler/_indikatortabel.html",
)
STYLESHEET = "delaftaler/pdf.css"
SCHEME = "delaftaler"
BASE_URL = f"{SCHEME}:/"

# Let urljoin() resolve relative URLs against delaftaler:/..., as it does for http:
# WeasyPrint resolves every URL in the HTML and CSS with it before fetching.
if SCHEME not in uses_relative:
    uses_relative.append(SCHEME)


@functools.cache
def _fetcher_klasse() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StatiskeFilerFetcher(URLFetcher):
        """Serves our static files to WeasyPrint and nothing else."""

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            sti = statisk_sti(url)
            fil = find_statisk(sti) if sti is not None else None
            if not fil:
                raise ValueError(f"PDF'en må kun hente egne statiske filer, ikke {url[:200]!r}")
            return URLFetcherResponse(
                url=f"{SCHEME}:{statisk_praefiks()}{sti}",
                body=Path(fil).read_bytes(),
                headers={
                    "Content-Type": mimetypes.guess_type(sti)[0] or "application/octet-stream"
                },
            )

    return StatiskeFilerFetcher


def fetcher():
    """The URL fetcher WeasyPrint renders with: our static files, no redirects."""
    return _fetcher_klasse()(allowed_protocols=[SCHEME], allow_redirects=False)


def find_statisk(sti: str) -> str | None:
    """The file behind a static path: from the apps' and project's static folders, or,
    for a hashed name ('pdf.a7eec6431579.css') as the manifest storage writes them in
    production, from the collected files."""
    try:
        fil = finders.find(sti)
    except SuspiciousFileOperation:  # a path outside every static root
        fil = None
    if fil:
        return fil
    try:
        samlet = staticfiles_storage.path(sti)
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    return samlet if Path(samlet).is_file() else None


def statisk_praefiks() -> str:
    return "/" + settings.STATIC_URL.strip("/") + "/"


def statisk_sti(url: str) -> str | None:
    """The static path ('delaftaler/pdf.css') a URL names, or None if it is not ours."""
    try:
        dele = urlsplit(url)
    except ValueError:
        return None
    if dele.scheme.lower() != SCHEME or dele.netloc or dele.query:
        return None
    sti = unquote(dele.path)
    if not sti.startswith(statisk_praefiks()) or "\\" in sti or "\x00" in sti:
        return None
    sti = sti.removeprefix(statisk_praefiks())
    if not sti or posixpath.normpath(sti) != sti or sti.startswith(("/", "..")):
        return None
    return sti


def render_pdf(html: str) -> bytes:
    """HTML to PDF/UA-1. Slow (seconds): only called on a cache miss."""
    import weasyprint

    dokument = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
    return dokument.write_pdf(pdf_variant="pdf/ua-1")


def pdf_html(visning: DelaftaleVisning, tabel) -> str:
    # No request: the PDF (and its key) is the same for every reader.
    return render_to_string(SKABELON, {"v": visning, "tabel": tabel, "pdf": True})


def noegle(visning: DelaftaleVisning) -> str:
    """What the PDF is made from: the delaftale's content and the code that renders it.

    Keyed on the content rather than the rendered HTML, so a cache hit costs no
    template rendering (the big delaftaler's HTML takes tens of milliseconds).
    """
    kode = kode_fingeraftryk(skabeloner=PDF_SKABELONER, stylesheets=(STYLESHEET,))
    return hashlib.sha256(f"{kode}:{visning.fingeraftryk()}".encode()).hexdigest()


def kode_fingeraftryk(
    *, skabeloner: tuple[str, ...], stylesheets: tuple[str, ...], filer: tuple[Path, ...] = ()
) -> str:
    """Digest of the templates, stylesheets, other source files and WeasyPrint version a
    PDF is rendered with. Read once per process in production; on every call while
    developing, so an edited template shows at once."""
    if settings.DEBUG:
        return _kode_fingeraftryk.__wrapped__(skabeloner, stylesheets, filer)
    return _kode_fingeraftryk(skabeloner, stylesheets, filer)


@functools.cache
def _kode_fingeraftryk(skabeloner: tuple, stylesheets: tuple, filer: tuple) -> str:
    h = hashlib.sha256(importlib.metadata.version("weasyprint").encode())
    for skabelon in (*skabeloner, PDF_BASE):
        h.update(Path(get_template(skabelon).origin.name).read_bytes())
    for stylesheet in stylesheets:
        h.update(Path(finders.find(stylesheet)).read_bytes())
    for fil in filer:
        h.update(Path(fil).read_bytes())
    return h.hexdigest()


def cachet_pdf(*, art: str, digest: str, html: Callable[[], str]) -> bytes:
    """The PDF for this content digest: from the cache, or rendered from html() on a miss."""
    pdf_cache = caches["pdf"]
    cache_noegle = f"{art}-pdf:{digest}"
    indhold = pdf_cache.get(cache_noegle)
    if indhold is None:
        indhold = render_pdf(html())
        pdf_cache.set(cache_noegle, indhold)
    return indhold


def pdf_svar(
    request: HttpRequest, *, digest: str, filnavn: str, indhold: Callable[[], bytes]
) -> HttpResponse:
    """A PDF response revalidated by its digest: 304 when the client has it, else the bytes."""
    etag = quote_etag(digest)
    svar = get_conditional_response(request, etag=etag)
    if svar is None:
        svar = HttpResponse(indhold(), content_type="application/pdf")
        svar["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=f"{filnavn}.pdf"
        )
    svar["ETag"] = etag
    patch_cache_control(svar, no_cache=True)
    return svar
