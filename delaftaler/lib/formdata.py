"""A higher, bounded field limit for the few views whose forms legitimately post more than
Django's ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (1 000): a follow-up grid posts ~10 fields per
row, so a large delaftale's grid answered 400 and lost what was typed.

Django reads the limit from settings when ``request.POST`` is first parsed, and
CsrfViewMiddleware parses it before the view runs, so the view cannot raise it itself. A
view marks its own limit with ``felter_hoejst``; ``FormdataMiddleware`` (placed before
CsrfViewMiddleware) parses such a view's urlencoded body with that limit. Every other view
keeps the global one, and the body's size is still bounded by
``DATA_UPLOAD_MAX_MEMORY_SIZE``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

ATTRIBUT = "felter_hoejst"


def felter_hoejst(antal: int) -> Callable:
    """Let a view receive up to ``antal`` form fields."""

    def dekorator(view):
        setattr(view, ATTRIBUT, antal)
        return view

    return dekorator


class FormdataMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        antal = getattr(view_func, ATTRIBUT, None)
        if (
            antal is None
            or request.method != "POST"
            or request.content_type != "application/x-www-form-urlencoded"
            or (request.encoding or "utf-8").lower() != "utf-8"
            or hasattr(request, "_post")
        ):
            return None
        tekst = request.body.decode("utf-8", errors="replace")
        post = QueryDict(mutable=True)
        try:
            for navn, vaerdi in parse_qsl(tekst, keep_blank_values=True, max_num_fields=antal):
                post.appendlist(navn, vaerdi)
        except ValueError as exc:
            raise TooManyFieldsSent(
                f"The number of GET/POST parameters exceeded {antal} for this page."
            ) from exc
        post._mutable = False
        request._post, request._files = post, MultiValueDict()
        return None
