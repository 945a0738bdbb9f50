"""Reading an admin form like a browser does, so tests post what a person would post.

POST data is built by reading the form on the page that was just fetched (its fields,
current values and the inline management forms), then filling in inline rows from the
empty-form template (`<prefix>-__prefix__-<field>`) the page carries.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse


class _AdminFormular(HTMLParser):
    """Collects the controls of the admin change form (<form id="..._form">)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.felter: dict[str, list[str]] = {}
        self._i_formular = False
        self._select: str | None = None
        self._textarea: str | None = None

    def _tilfoej(self, navn: str, vaerdi: str) -> None:
        self.felter.setdefault(navn, []).append(vaerdi)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self._i_formular = True
        if not self._i_formular:
            return
        navn = a.get("name")
        if tag == "input" and navn:
            type_ = (a.get("type") or "text").lower()
            if type_ in ("submit", "button", "reset", "file"):
                return
            if type_ in ("checkbox", "radio"):
                if "checked" in a:
                    self._tilfoej(navn, a.get("value") or "on")
                return
            self._tilfoej(navn, a.get("value") or "")
        elif tag == "select" and navn:
            self._select = navn
            self.felter.setdefault(navn, [])
        elif tag == "option" and self._select and "selected" in a:
            self._tilfoej(self._select, a.get("value") or "")
        elif tag == "textarea" and navn:
            self._textarea = navn
            self._tilfoej(navn, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._i_formular = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.felter[self._textarea][-1] += data


class Formular:
    """The POST data of an admin page, plus the empty inline rows it offers."""

    def __init__(self, response) -> None:
        assert response.status_code == 200, response.status_code
        parser = _AdminFormular()
        parser.feed(response.content.decode())
        assert parser.felter, "fandt ingen admin-formular på siden"
        self.data: dict[str, list[str]] = {
            navn: vaerdier for navn, vaerdier in parser.felter.items() if "__prefix__" not in navn
        }
        self.skabeloner: dict[str, dict[str, list[str]]] = {}
        for navn, vaerdier in parser.felter.items():
            if "-__prefix__-" in navn:
                prefix, _, felt = navn.partition("-__prefix__-")
                self.skabeloner.setdefault(prefix, {})[felt] = vaerdier

    def saet(self, **felter) -> None:
        for navn, vaerdi in felter.items():
            self.data[navn] = vaerdi if isinstance(vaerdi, list) else [str(vaerdi)]

    def raekker(self, prefix: str, raekker: list[dict]) -> None:
        """Replace the inline's new rows with these, built from the page's empty row."""
        assert f"{prefix}-TOTAL_FORMS" in self.data, f"siden har intet inline »{prefix}«"
        initiale = int(self.data[f"{prefix}-INITIAL_FORMS"][0])
        for navn in [n for n in self.data if n.startswith(f"{prefix}-")]:
            nummer = navn.removeprefix(f"{prefix}-").split("-", 1)[0]
            if nummer.isdigit() and int(nummer) >= initiale:
                del self.data[navn]
        for nr, raekke in enumerate(raekker, start=initiale):
            for felt, vaerdier in self.skabeloner[prefix].items():
                self.data[f"{prefix}-{nr}-{felt}"] = list(vaerdier)
            for felt, vaerdi in raekke.items():
                self.data[f"{prefix}-{nr}-{felt}"] = (
                    vaerdi if isinstance(vaerdi, list) else [str(vaerdi)]
                )
        self.data[f"{prefix}-TOTAL_FORMS"] = [str(initiale + len(raekker))]


def admin_url(model, handling: str = "changelist", *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{handling}", args=args)
