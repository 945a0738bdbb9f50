"""One log line per request on »delaftaler.anmodning«: method, path (no query string,
which may carry personal data), status, milliseconds, user id and the client address
(read as django-axes reads it). Never cookies, headers or bodies. Formatted as JSON by
config/logformat.py in production.
"""

from __future__ import annotations

import logging
import time

from axes.helpers import get_client_ip_address

anmodning_log = logging.getLogger("delaftaler.anmodning")


class AnmodningsLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        if anmodning_log.isEnabledFor(logging.INFO):
            millisekunder = round((time.perf_counter() - start) * 1000, 1)
            bruger = getattr(request, "user", None)
            niveau = logging.ERROR if response.status_code >= 500 else logging.INFO
            anmodning_log.log(
                niveau,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                millisekunder,
                extra={
                    "metode": request.method,
                    "sti": request.path,
                    "status": response.status_code,
                    "ms": millisekunder,
                    "bruger_id": bruger.pk
                    if bruger is not None and bruger.is_authenticated
                    else None,
                    "ip": get_client_ip_address(request) or None,
                },
            )
        return response
