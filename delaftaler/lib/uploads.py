"""An upload waiting between its preview and the person's confirmation.

The bytes wait in a folder (the ``MAALINGER_UPLOAD_DIR`` setting, by default
``var/indlaesninger``, which several app servers must share)
under a random token that is valid only in the session that uploaded them, for the same
person and the same object (a follow-up year, a helhedsplan), for an hour. Confirming
reads the file again; nothing is kept in the session but the token's facts and the
file's hash, so a file changed on disk is refused. Used by the Excel import of
measurements and the Word import of a delaftale.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class VentendeUploads:
    session_noegle: str
    endelse: str  # ".xlsx", ".docx"
    levetid: int = 60 * 60
    maks_ventende: int = 5

    def mappe(self) -> Path:
        mappe = Path(
            getattr(settings, "MAALINGER_UPLOAD_DIR", None) or Path(settings.BASE_DIR) / "var"
        )
        mappe.mkdir(parents=True, exist_ok=True, mode=0o700)
        return mappe

    def _sti(self, token: str) -> Path:
        return self.mappe() / f"{token}{self.endelse}"

    def _ryd_op(self) -> None:
        graense = time.time() - self.levetid
        for sti in self.mappe().glob(f"*{self.endelse}"):
            try:
                if sti.stat().st_mtime < graense:
                    sti.unlink()
            except OSError:
                pass

    def gem(self, request: HttpRequest, *, objekt: int, indhold: bytes, navn: str) -> str:
        self._ryd_op()
        token = secrets.token_urlsafe(24)
        fd = os.open(self._sti(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as ud:
            ud.write(indhold)
        ventende = {
            t: v
            for t, v in request.session.get(self.session_noegle, {}).items()
            if v["tid"] > time.time() - self.levetid
        }
        for gammel in sorted(ventende, key=lambda t: ventende[t]["tid"])[: -self.maks_ventende + 1]:
            self.slet(request, gammel, ventende)
        ventende[token] = {
            "bruger": request.user.pk,
            "objekt": objekt,
            "sha256": hashlib.sha256(indhold).hexdigest(),
            "navn": navn[:200],
            "tid": time.time(),
        }
        request.session[self.session_noegle] = ventende
        return token

    def hent(
        self, request: HttpRequest, token: str, *, objekt: int
    ) -> tuple[bytes, str] | tuple[None, None]:
        """The bytes and file name of an upload waiting in this session for ``objekt``."""
        if not TOKEN.match(token or ""):
            return None, None
        upload = request.session.get(self.session_noegle, {}).get(token)
        if (
            not upload
            or upload["bruger"] != request.user.pk
            or upload["objekt"] != objekt
            or upload["tid"] < time.time() - self.levetid
        ):
            return None, None
        try:
            indhold = self._sti(token).read_bytes()
        except OSError:
            return None, None
        if hashlib.sha256(indhold).hexdigest() != upload["sha256"]:
            return None, None
        return indhold, upload["navn"]

    def slet(self, request: HttpRequest, token: str, ventende: dict | None = None) -> None:
        ventende = request.session.get(self.session_noegle, {}) if ventende is None else ventende
        ventende.pop(token, None)
        request.session[self.session_noegle] = ventende
        if TOKEN.match(token or ""):
            self._sti(token).unlink(missing_ok=True)
