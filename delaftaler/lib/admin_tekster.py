"""The admin's »Tilføj endnu en …« under an inline, in Danish that reads right.

Django's Danish translation writes »Tilføj endnu en %(verbose_name)s« with the name
capitalised, so a neuter noun reads »Tilføj endnu en Delmål«. An inline names its
noun's article (``artikel = "et"``; »en« by default) and the link says
»Tilføj endnu et delmål«.
"""

from __future__ import annotations

import json


def tilfoej_tekst(inline) -> str:
    artikel = getattr(inline, "artikel", "en")
    navn = str(inline.verbose_name or inline.model._meta.verbose_name)
    return f"Tilføj endnu {artikel} {navn}"


class DanskTilfoejMixin:
    """For ModelAdmins with inlines: each inline's add link in Danish (see above)."""

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            data = inline_formset.inline_formset_data
            tekst = tilfoej_tekst(inline_formset.opts)

            def dansk(data=data, tekst=tekst) -> str:
                indhold = json.loads(data())
                indhold["options"]["addText"] = tekst
                return json.dumps(indhold)

            inline_formset.inline_formset_data = dansk
        return inline_formsets
