"""The yearly follow-up's charts: an indicator's development per area, as SVG.

Drawn with matplotlib (Agg, object API, no pyplot state) and kept as text: the SVG
keeps its words as <text> (``svg.fonttype = "none"``) in IBM Plex Sans with fallbacks,
numbers are Danish (``12,5 %``), and each area has its own colour *and* marker and line
style, so the lines can be told apart without colour.

The same SVG markup goes inline into the page and into the PDF's HTML. matplotlib
writes a <style> element and style="" attributes, which a strict Content-Security-Policy
(style-src without 'unsafe-inline') would block in the page; they are rewritten as SVG
presentation attributes (fill="…", stroke="…"), which no CSP governs, so the page needs
neither inline styles nor data: images. Inline, the chart's text uses the page's own
web font, and in the PDF WeasyPrint makes the SVG's <title> the figure's alternate text
(its URL fetcher would not load a data: URL anyway).

The SVG is deterministic — no date in its metadata, ids hashed with a salt made from
the data — so identical data gives identical bytes, and it is cached (cache "default")
under a digest of the data and of this code: matplotlib takes tens of milliseconds per
chart. matplotlib is imported when the first chart is drawn, not with the URLconf.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import json
import math
import re
import threading
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr, unescape

from django.contrib.staticfiles import finders
from django.core.cache import caches

from indikatorer.tal import NBSP, formater_tal

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SKRIFT = "IBM Plex Sans"
SKRIFTFILER = [
    f"dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-{snit}.ttf"
    for snit in ("Regular", "SemiBold")
]
# Okabe & Ito's palette, readable with the common colour-vision deficiencies; each
# area also gets its own marker and line style.
FARVER = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKOERER = ["o", "s", "^", "D", "v", "P", "X", "*"]
STREGER = ["-", "--", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2))]
REFERENCEFARVE = "#3d3d3d"
BREDDE, HOEJDE = 6.4, 3.6  # inches; 460.8 × 259.2 pt, the PDF's text width scales it

# pyplot keeps global state: one figure at a time per process, here and in delaftaler/tvaers.
LAAS = threading.Lock()


@dataclass(frozen=True)
class Serie:
    """One area's line: its values by year (None where missing) and its baseline."""

    navn: str
    punkter: tuple[tuple[int, str | None], ...]  # (year, Decimal as text)
    baseline: str | None = None  # Decimal as text
    baseline_periode: str = ""  # "2019" or "2024-08", where its marker goes


@dataclass(frozen=True)
class Reference:
    """A comparison level ("Evt. anden baseline"), e.g. the whole municipality."""

    label: str
    vaerdi: str  # Decimal as text


@dataclass(frozen=True)
class DiagramData:
    """Everything a chart is drawn from, as plain values (so it can key a cache)."""

    titel: str
    enhed: str  # "procent", "antal" or "andet"
    enhed_tekst: str
    retning: str  # "hoejere" or "lavere"
    aar: tuple[int, ...]
    serier: tuple[Serie, ...]
    referencer: tuple[Reference, ...] = ()

    @property
    def har_tal(self) -> bool:
        """Whether there is a measured value to draw (baselines alone make no chart)."""
        return any(v is not None for s in self.serier for _, v in s.punkter)

    def noegle(self) -> str:
        indhold = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(f"{_kode_fingeraftryk()}:{indhold}".encode()).hexdigest()


@dataclass(frozen=True)
class Diagram:
    svg: str  # standalone SVG markup, without XML declaration: valid XML and valid in HTML
    alt: str


def udviklingsdiagram(data: DiagramData, *, alt: str, beskrivelse: str = "") -> Diagram | None:
    """The chart for one indicator, from the cache or drawn now; None when there is
    nothing to draw (no measured value yet)."""
    if not data.har_tal or not data.aar:
        return None
    noegle = hashlib.sha256(f"{data.noegle()}:{alt}:{beskrivelse}".encode()).hexdigest()
    cache = caches["default"]
    svg = cache.get(f"rapport-diagram:{noegle}")
    if svg is None:
        svg = tegn_svg(data, titel=alt, beskrivelse=beskrivelse, salt=noegle[:16])
        cache.set(f"rapport-diagram:{noegle}", svg, timeout=None)
    return Diagram(svg=svg, alt=alt)


def tegn_svg(data: DiagramData, *, titel: str, beskrivelse: str = "", salt: str = "") -> str:
    """Draw the chart. Deterministic: the same data, title and salt give the same bytes."""
    matplotlib = matplotlib_modul()
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    indstillinger = {
        "svg.fonttype": "none",
        "svg.hashsalt": f"delaftaler-{salt}",
        "font.family": "sans-serif",
        "font.sans-serif": [SKRIFT, "Helvetica", "Arial", "DejaVu Sans"],
        "font.size": 9,
        "axes.edgecolor": "#747474",
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": "#3d3d3d",
        "ytick.color": "#3d3d3d",
        "axes.unicode_minus": True,
    }
    # rc_context changes global state: one chart at a time (runserver is threaded).
    with LAAS, matplotlib.rc_context(indstillinger):
        fig = Figure(figsize=(BREDDE, HOEJDE), layout="constrained")
        FigureCanvasSVG(fig)
        _tegn(fig, data)
        buf = io.BytesIO()
        fig.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return efterbehandl(
        buf.getvalue().decode(), titel=titel, beskrivelse=beskrivelse, praefiks=f"diagram-{salt}"
    )


def _baseline_x(periode: str, aar: list[int]) -> float:
    """The baseline's marker at its own time (aug. 2024 a little after 2024), or just
    left of the first year when it is older than the chart or has no period."""
    if periode:
        aarstal, _, maaned = periode.partition("-")
        x = int(aarstal) + ((int(maaned) - 1) / 12 if maaned else 0)
        if x >= aar[0]:
            return min(x, aar[-1] + 0.35)
    return aar[0] - 0.35


def _tegn(fig: Figure, data: DiagramData) -> None:
    from matplotlib import ticker
    from matplotlib.lines import Line2D

    ax = fig.add_subplot()
    aar = list(data.aar)
    x0, x1 = aar[0] - 0.5, aar[-1] + 0.5
    handles: list[Line2D] = []
    har_baseline = False
    for nr, serie in enumerate(data.serier):
        farve = FARVER[nr % len(FARVER)]
        markoer = MARKOERER[nr % len(MARKOERER)]
        streg = STREGER[nr % len(STREGER)]
        xs = [a for a, _ in serie.punkter]
        ys = [float(v) if v is not None else math.nan for _, v in serie.punkter]
        if any(not math.isnan(y) for y in ys):
            ax.plot(xs, ys, color=farve, marker=markoer, linestyle=streg, linewidth=1.8, ms=6)
        if serie.baseline is not None:
            har_baseline = True
            b = float(serie.baseline)
            ax.plot([x0, x1], [b, b], color=farve, linestyle=":", linewidth=1.2)
            ax.plot(
                [_baseline_x(serie.baseline_periode, aar)],
                [b],
                color=farve,
                marker=markoer,
                markerfacecolor="white",
                ms=6,
            )
        handles.append(
            Line2D([], [], color=farve, marker=markoer, linestyle=streg, lw=1.8, label=serie.navn)
        )
    if har_baseline:
        handles.append(
            Line2D(
                [],
                [],
                color="#747474",
                linestyle=":",
                marker="o",
                markerfacecolor="white",
                lw=1.2,
                label="Prikket linje med åben markør: områdets baseline",
            )
        )
    for ref in data.referencer:
        v = float(ref.vaerdi)
        ax.axhline(v, color=REFERENCEFARVE, linestyle=(0, (6, 2, 1, 2)), linewidth=1.6)
        tekst = _formater(Decimal(ref.vaerdi), data)
        navn = f"Anden baseline, {ref.label}" if ref.label else "Anden baseline"
        handles.append(
            Line2D(
                [],
                [],
                color=REFERENCEFARVE,
                linestyle=(0, (6, 2, 1, 2)),
                lw=1.6,
                label=f"{navn}: {tekst}",
            )
        )
    ax.set_xlim(x0, x1)
    ax.set_xticks(aar, [str(a) for a in aar])
    ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(dansk_formatter()(procent=data.enhed == "procent"))
    ax.grid(axis="y", color="#d9d9d9", linewidth=0.6)
    ax.set_axisbelow(True)
    if data.enhed == "procent":
        ax.set_ylabel("Procent")
    elif data.enhed == "antal":
        ax.set_ylabel("Antal")
    else:
        ax.set_ylabel(data.enhed_tekst.capitalize())
    ax.set_title(
        "Lavere er bedre" if data.retning == "lavere" else "Højere er bedre",
        loc="left",
        fontsize=9,
        color="#3d3d3d",
    )
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=2 if len(handles) > 3 else len(handles),
        frameon=False,
        fontsize=8.5,
        handlelength=3.2,
    )


@functools.cache
def dansk_formatter() -> type:
    from matplotlib import ticker

    class DanskFormatter(ticker.Formatter):
        """Tick labels with a decimal comma and just the decimals the ticks need: 10 %,
        12,5 %."""

        def __init__(self, *, procent: bool):
            self.procent = procent
            self.decimaler = 0

        def set_locs(self, locs) -> None:
            super().set_locs(locs)
            self.decimaler = next(
                (
                    d
                    for d in range(4)
                    if all(abs(v * 10**d - round(v * 10**d)) < 1e-6 for v in locs)
                ),
                3,
            )

        def __call__(self, x, pos=None) -> str:
            tekst = formater_tal(Decimal(repr(float(x))), self.decimaler).replace("-", "\u2212")
            return f"{tekst}{NBSP}%" if self.procent else tekst

    return DanskFormatter


def _formater(tal: Decimal, data: DiagramData) -> str:
    decimaler = max(0, -tal.as_tuple().exponent) if isinstance(tal.as_tuple().exponent, int) else 0
    tekst = formater_tal(tal, decimaler)
    if data.enhed == "procent":
        return f"{tekst}{NBSP}%"
    if data.enhed == "andet" and data.enhed_tekst:
        return f"{tekst}{NBSP}{data.enhed_tekst}"
    return tekst


# SVG presentation attributes: what matplotlib writes as style="" can be written as these.
PRAESENTATIONSATTRIBUTTER = frozenset(
    [
        "alignment-baseline",
        "baseline-shift",
        "clip-path",
        "clip-rule",
        "color",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "opacity",
        "paint-order",
        "shape-rendering",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "text-rendering",
        "visibility",
        "word-spacing",
    ]
)
STIL = re.compile(r' style="([^"]*)"')
STILARK = '<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>'


class UventetSvg(ValueError):
    """matplotlib wrote something this module does not know how to make CSP-safe."""


def _som_attributter(match: re.Match) -> str:
    attributter = []
    for erklaering in match.group(1).split(";"):
        if not erklaering.strip():
            continue
        navn, _, vaerdi = erklaering.partition(":")
        navn, vaerdi = navn.strip(), vaerdi.strip()
        if navn not in PRAESENTATIONSATTRIBUTTER:
            raise UventetSvg(f"Ukendt SVG-egenskab: {navn}")
        attributter.append(f" {navn}={quoteattr(unescape(vaerdi))}")
    return "".join(attributter)


def efterbehandl(svg: str, *, titel: str, beskrivelse: str, praefiks: str) -> str:
    """Make matplotlib's SVG fit for inline use in HTML under a strict CSP, and for PDF.

    - no XML declaration or doctype, so it can stand inside HTML;
    - no <style> and no style="": each declaration becomes the SVG presentation
      attribute of the same name (a CSP's style-src does not govern those), and the
      one stylesheet rule matplotlib writes becomes attributes on the root, inherited;
    - href instead of xlink:href (SVG 2), so no XML namespace prefixes are needed;
    - no ids on groups: matplotlib names them the same in every chart (figure_1,
      axes_1 ...), duplicates once several charts share a page. The ids that are
      referred to (markers, clip paths) are hashed with the chart's salt;
    - a <title> and <desc> on the root, labelling it for assistive technology (and
      WeasyPrint makes the <title> the PDF figure's alternate text).
    """
    svg = svg[svg.index("<svg") :]
    if STILARK not in svg:
        raise UventetSvg("matplotlib skrev et andet stylesheet end ventet.")
    svg = svg.replace(STILARK, "")
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg, count=1)
    svg = STIL.sub(_som_attributter, svg)
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    svg = svg.replace(" xlink:href=", " href=")
    svg = re.sub(r'<g id="[^"]*">', "<g>", svg)
    if "<style" in svg or " style=" in svg or "xlink:" in svg or "<script" in svg:
        raise UventetSvg("SVG'en har stadig stil, script eller xlink.")
    slut = svg.index(">")
    titel_id, beskrivelse_id = f"{praefiks}-titel", f"{praefiks}-beskrivelse"
    ids = f"{titel_id} {beskrivelse_id}" if beskrivelse else titel_id
    tekst = f"<title id={quoteattr(titel_id)}>{escape(titel)}</title>"
    if beskrivelse:
        tekst += f"<desc id={quoteattr(beskrivelse_id)}>{escape(beskrivelse)}</desc>"
    rod = (
        f'{svg[:slut]} stroke-linejoin="round" stroke-linecap="butt" role="img"'
        f" aria-labelledby={quoteattr(ids)}>"
    )
    svg = f"{rod}\n {tekst}{svg[slut + 1 :]}"
    # matplotlib ends every path segment with " \n": keep the line breaks only.
    return svg.replace(" \n", "\n").rstrip() + "\n"


@functools.cache
def matplotlib_modul():
    """matplotlib, on its Agg backend, measuring text in IBM Plex Sans (from dkfds) as it
    will be shown."""
    import matplotlib
    from matplotlib import font_manager

    matplotlib.use("Agg")
    for sti in SKRIFTFILER:
        fil = finders.find(sti)
        if fil:
            font_manager.fontManager.addfont(fil)
    return matplotlib


@functools.cache
def _kode_fingeraftryk() -> str:
    h = hashlib.sha256(importlib.metadata.version("matplotlib").encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()
