"""The view across plans' chart: each plan's and place's baseline beside its latest
approved value, as horizontal bars (SVG).

Drawn the way the follow-up report draws (delaftaler/opfoelgning/rapport/charts.py):
matplotlib loaded on first use, text kept as text, no inline styles (CSP), Danish
numbers, deterministic bytes cached under a digest of the data. The two bars differ in
colour *and* hatching. A hidden value is never given to it: its bar is left out.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import caches

from delaftaler.opfoelgning.rapport import charts
from indikatorer.tal import NBSP, formater_tal

BREDDE = 6.4


@dataclass(frozen=True)
class Soejler:
    """What the chart shows: per label the baseline and the latest value (None: left out)."""

    titel: str
    procent: bool
    raekker: tuple[tuple[str, Decimal | None, Decimal | None], ...]

    @property
    def har_tal(self) -> bool:
        return any(b is not None or s is not None for _, b, s in self.raekker)


def soejlediagram(data: Soejler, *, alt: str, beskrivelse: str) -> str | None:
    """The SVG, from the cache or drawn now; None when there is nothing to draw."""
    if not data.har_tal:
        return None
    noegle = hashlib.sha256(repr((data, alt, beskrivelse, 2)).encode()).hexdigest()
    cache = caches["default"]
    svg = cache.get(f"tvaers-diagram:{noegle}")
    if svg is None:
        svg = _tegn_svg(data, titel=alt, beskrivelse=beskrivelse, salt=noegle[:16])
        cache.set(f"tvaers-diagram:{noegle}", svg, timeout=None)
    return svg


def _tekst(tal: Decimal, procent: bool) -> str:
    exponent = tal.as_tuple().exponent
    tekst = formater_tal(tal, max(0, -exponent) if isinstance(exponent, int) else 0)
    return f"{tekst}{NBSP}%" if procent else tekst


def _tegn_svg(data: Soejler, *, titel: str, beskrivelse: str, salt: str) -> str:
    matplotlib = charts.matplotlib_modul()
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    indstillinger = {
        "svg.fonttype": "none",
        "svg.hashsalt": f"tvaers-{salt}",
        "font.family": "sans-serif",
        "font.sans-serif": [charts.SKRIFT, "Helvetica", "Arial", "DejaVu Sans"],
        "font.size": 9,
        "axes.edgecolor": "#747474",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": True,
        "hatch.color": "#ffffff",
    }
    n = len(data.raekker)
    with charts.LAAS, matplotlib.rc_context(indstillinger):
        fig = Figure(figsize=(BREDDE, 1.2 + 0.55 * n), layout="constrained")
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        hoejde = 0.38
        y = list(range(n))
        for nr, (navn, farve, moenster) in enumerate(
            (("Baseline", charts.FARVER[0], ""), ("Seneste godkendte", charts.FARVER[1], "//"))
        ):
            positioner = [i + (nr - 0.5) * hoejde for i in y]
            vaerdier = [r[1 + nr] for r in data.raekker]
            vist = [(p, v) for p, v in zip(positioner, vaerdier, strict=True) if v is not None]
            if not vist:
                continue  # no bars of this kind: not in the legend either
            soejler = ax.barh(
                [p for p, _ in vist],
                [float(v) for _, v in vist],
                height=hoejde,
                color=farve,
                hatch=moenster,
                label=navn,
            )
            ax.bar_label(
                soejler, labels=[_tekst(v, data.procent) for _, v in vist], padding=3, fontsize=8
            )
        ax.set_yticks(y, [r[0] for r in data.raekker])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(charts.dansk_formatter()(procent=data.procent))
        ax.margins(x=0.15)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
        buf = io.BytesIO()
        fig.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return charts.efterbehandl(
        buf.getvalue().decode(), titel=titel, beskrivelse=beskrivelse, praefiks=f"tvaers-{salt}"
    )
