"""Refuses a NUL byte in the address or its query string with the Danish 400 page.

No text the site stores or searches can hold one (PostgreSQL refuses NUL in text, so a
search for it was a 500), and no person types one. Form fields refuse it on their own
(Django's CharField), next to the field, so typed input is shown again; this catches the
query parameters that reach a lookup without a form, such as the admin's search and
autocomplete.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.views.defaults import bad_request


class RefuseNullBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in noegle or any("\x00" in v for v in vaerdier)
            for noegle, vaerdier in request.GET.lists()
        ):
            return bad_request(request, BadRequest("NUL-tegn i adressen"))
        return self.get_response(request)
