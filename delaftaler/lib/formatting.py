"""Dates, moments and people as Danish text, the same on every page, PDF and export."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def formater_dato(vaerdi: date | datetime) -> str:
    """A date, or a moment in local time, as Danish text: 01.12.2021."""
    if isinstance(vaerdi, datetime):
        vaerdi = timezone.localtime(vaerdi)
    return f"{vaerdi:%d.%m.%Y}"


def formater_tidspunkt(tid: datetime, *, sekunder: bool = False) -> str:
    """A moment in local time as Danish text: 01.12.2021 14:03 (14:03:27 with seconds)."""
    lokal = timezone.localtime(tid)
    return f"{lokal:%d.%m.%Y %H:%M:%S}" if sekunder else f"{lokal:%d.%m.%Y %H:%M}"


def brugernavn(bruger) -> str:
    """A person as others see them: their full name, else their username."""
    return bruger.get_full_name() or bruger.get_username()


def mb_tekst(antal: int) -> str:
    """Bytes as Danish megabytes: 10 MB, 5,2 MB (under one: 20 KB)."""
    if antal < 1024 * 1024:
        return f"{max(round(antal / 1024), 1)}\u00a0KB"
    tekst = f"{antal / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
    return f"{tekst}\u00a0MB"
