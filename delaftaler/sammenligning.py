"""A readable comparison of two snapshots of a delaftale (placeholder: a list of changes).

To be replaced by word-by-word text and cell-by-cell table comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from delaftaler.aendringer import Aendring, sammenlign
from delaftaler.snapshot import Snapshot


@dataclass
class Sammenligning:
    foer_navn: str
    efter_navn: str
    aendringer: list[Aendring]


def byg_sammenligning(
    foer: Snapshot, efter: Snapshot, *, foer_navn: str, efter_navn: str
) -> Sammenligning:
    return Sammenligning(foer_navn, efter_navn, sammenlign(foer, efter))
