"""Structured logs: one JSON object a line (the request line itself is written by
config/anmodningslog.py).

``JsonFormatter`` writes ``tid`` (UTC, ISO 8601), ``niveau``, ``logger``, ``besked`` (the
formatted message), the traceback as ``fejl`` when there is one, and every field a caller
passed in ``extra=`` (e.g. ``log.info("…", extra={"bruger": "…"})``). Values are JSON-encoded,
so typed line breaks or quotes in a user name cannot forge a log line.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "tid": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "niveau": record.levelname,
            "logger": record.name,
            "besked": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in data:
                data[key] = value
        if record.exc_info:
            data["fejl"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["fejl"] = record.exc_text
        if record.stack_info:
            data["stak"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=_tekst)


def _tekst(value) -> str:
    # Django attaches the request (and sometimes the socket) to error records: log only
    # what it is, never its contents.
    if hasattr(value, "method") and hasattr(value, "path"):
        return f"{value.method} {value.path}"
    return type(value).__name__
