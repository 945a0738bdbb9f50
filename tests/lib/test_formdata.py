"""A view's own, bounded field limit (delaftaler/lib/formdata.py)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.test import RequestFactory

from delaftaler.lib.formdata import FormdataMiddleware, felter_hoejst


def _post(felter: int):
    data = urlencode([(f"f{nr}", "x") for nr in range(felter)])
    return RequestFactory().post("/", data, content_type="application/x-www-form-urlencoded")


@felter_hoejst(2_000)
def _stor_side(request):
    raise AssertionError("not called")


def _anden_side(request):
    raise AssertionError("not called")


def test_a_marked_view_receives_more_fields_than_djangos_limit_but_not_more_than_its_own():
    middleware = FormdataMiddleware(lambda request: None)
    request = _post(1_500)
    middleware.process_view(request, _stor_side, (), {})
    assert len(request.POST) == 1_500
    with pytest.raises(TooManyFieldsSent):
        middleware.process_view(_post(2_001), _stor_side, (), {})


def test_every_other_view_keeps_djangos_limit():
    request = _post(1_001)
    FormdataMiddleware(lambda request: None).process_view(request, _anden_side, (), {})
    with pytest.raises(TooManyFieldsSent):
        request.POST.get("f0")
