"""A page's form as a browser would post it, for tests that fill in and send a page."""

from __future__ import annotations

from html.parser import HTMLParser


class _Formular(HTMLParser):
    """The controls of one <form> on a page, as a browser would post them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.felter: dict[str, list[str]] = {}
        self.i_formular = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.i_formular = True
        if not self.i_formular:
            return
        navn = a.get("name")
        if tag == "input" and navn and "disabled" not in a:
            art = (a.get("type") or "text").lower()
            if art in ("checkbox", "radio"):
                if "checked" in a:
                    self.felter.setdefault(navn, []).append(a.get("value") or "on")
            elif art not in ("submit", "button"):
                self.felter.setdefault(navn, []).append(a.get("value") or "")
        elif tag == "textarea" and navn and "disabled" not in a:
            self.textarea = navn
            self.felter.setdefault(navn, []).append("")
        elif tag == "select" and navn and "disabled" not in a:
            self.select = navn
        elif tag == "option" and self.select and "selected" in a:
            self.felter.setdefault(self.select, []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.i_formular = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            # As in a browser: a newline right after <textarea> is not part of the value.
            if not self.felter[self.textarea][-1]:
                data = data.removeprefix("\n")
            self.felter[self.textarea][-1] += data


def formular(response, form_id: str = "indtastning", status: int = 200) -> dict[str, list[str]]:
    assert response.status_code == status, response.status_code
    parser = _Formular(form_id)
    parser.feed(response.content.decode())
    return parser.felter
