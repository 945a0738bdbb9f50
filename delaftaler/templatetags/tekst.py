"""Text from outside shown before it is saved: rich text cleaned with the admin's
allow-list, periods as the LBF table writes them."""

import datetime

from django import template
from django.utils.safestring import SafeString, mark_safe

from delaftaler.lib.richtext import rens_rigtekst
from indikatorer.periode import formater_periode

register = template.Library()


@register.filter
def renset(html: str) -> SafeString:
    return mark_safe(rens_rigtekst(html))  # noqa: S308 - cleaned by nh3 just before


@register.filter
def periode(tekst: str) -> str:
    return formater_periode(tekst or "")


@register.filter
def iso_dato(tekst: str) -> str:
    """»2021-12-01« as »01.12.2021«; anything else as it is."""
    try:
        return datetime.date.fromisoformat(tekst or "").strftime("%d.%m.%Y")
    except ValueError:
        return tekst or ""
