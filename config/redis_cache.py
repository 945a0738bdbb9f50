"""Django's Redis cache backend, made to degrade: a Redis that is down, refuses or hangs
gives a cache miss (the page is rendered, the PDF made), never an error page.

Used for the caches when REDIS_URL is set (config/settings.py, README »Drift«). Django's
own backend lets every Redis error through to the view, so a Redis outage would be a 500
on every public page. Here a failed call is logged and answered as a miss, and the process
then leaves Redis alone for ``PAUSE`` seconds, so a Redis that hangs costs one request the
socket timeout, not every request. ``incr``/``decr`` are left as Django has them: a
counter cannot be made up.

Two more differences from Django's backend:
- ``clear()`` deletes this cache's keys (its KEY_PREFIX) only; Django's empties the whole
  Redis database, the other cache's keys and anything else kept there included.
- An entry set without expiry (``timeout=None``: the charts, the versions' PDFs) expires
  after ``LAENGSTE_LEVETID``: Debian's Redis has no memory limit unless one is configured,
  and what is kept for ever in one process's memory would otherwise pile up in Redis.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)

PAUSE = 5.0
LAENGSTE_LEVETID = 30 * 24 * 3600
# While Redis stays down, a process says so again at most this often.
GENTAG_LOG = 60.0


class _Tilstand:
    """Whether one Redis (by location) failed lately, shared by a process's threads: Django
    gives each thread its own cache object."""

    def __init__(self) -> None:
        self.hviler_til = 0.0
        self.nede_siden: float | None = None
        self.logget = 0.0
        self.laas = threading.Lock()


_tilstande: dict[str, _Tilstand] = {}


def _tilstand(sted: str) -> _Tilstand:
    return _tilstande.setdefault(sted, _Tilstand())


def _uden_kodeord(sted: str) -> str:
    """host:port/db of a Redis URL, for the log: never its password."""
    dele = urlsplit(sted)
    return f"{dele.hostname}:{dele.port or 6379}{dele.path or '/0'}"


def _tolerant(svar_ved_fejl: Callable[..., Any]):
    """Wraps a cache method: while Redis rests, or when it fails, the method answers
    ``svar_ved_fejl(*args, **kwargs)`` instead."""

    def pak(metode):
        @functools.wraps(metode)
        def kald(self: TolerantRedisCache, *args, **kwargs):
            tilstand = self._tilstand
            if time.monotonic() < tilstand.hviler_til:
                return svar_ved_fejl(*args, **kwargs)
            try:
                resultat = metode(self, *args, **kwargs)
            except RedisError as fejl:
                self._fejlede(fejl)
                return svar_ved_fejl(*args, **kwargs)
            if tilstand.nede_siden is not None:
                self._svarer_igen()
            return resultat

        return kald

    return pak


def _default(key, default=None, version=None):
    return default


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # One immediate retry on a broken connection (a pooled one Redis closed when it
        # restarted); none on a timeout, which would double the wait for a hanging Redis.
        self._options = {
            "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            **self._options,
        }
        self._sted = ",".join(self._servers)
        self._tilstand = _tilstand(self._sted)

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        levetid = super().get_backend_timeout(timeout)
        return LAENGSTE_LEVETID if levetid is None else levetid

    get = _tolerant(_default)(RedisCache.get)
    get_many = _tolerant(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *a, **k: False)(RedisCache.has_key)
    add = _tolerant(lambda *a, **k: False)(RedisCache.add)
    set = _tolerant(lambda *a, **k: None)(RedisCache.set)
    set_many = _tolerant(lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _tolerant(lambda *a, **k: False)(RedisCache.touch)
    delete = _tolerant(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _tolerant(lambda *a, **k: None)(RedisCache.delete_many)

    def clear(self) -> bool:
        """Deletes this cache's keys, and only those."""
        if not self.key_prefix:
            return super().clear()
        klient = self._cache.get_client(None, write=True)
        moenster = self.key_prefix.replace("\\", "\\\\").replace("*", "\\*") + ":*"
        noegler = list(klient.scan_iter(match=moenster, count=1000))
        for start in range(0, len(noegler), 1000):
            klient.unlink(*noegler[start : start + 1000])
        return True

    def _fejlede(self, fejl: RedisError) -> None:
        tilstand = self._tilstand
        nu = time.monotonic()
        with tilstand.laas:
            tilstand.hviler_til = nu + PAUSE
            foerste = tilstand.nede_siden is None
            if foerste:
                tilstand.nede_siden = nu
            elif nu - tilstand.logget < GENTAG_LOG:
                return
            tilstand.logget = nu
            nede = nu - tilstand.nede_siden
        log.warning(
            "Redis-cachen %s svarer ikke (%s: %s)%s; siderne og PDF'erne laves uden den, "
            "og den prøves igen om %.0f s",
            _uden_kodeord(self._sted),
            type(fejl).__name__,
            fejl,
            "" if foerste else f" og har ikke svaret i {nede:.0f} s",
            PAUSE,
        )

    def _svarer_igen(self) -> None:
        tilstand = self._tilstand
        with tilstand.laas:
            if tilstand.nede_siden is None:
                return
            nede = time.monotonic() - tilstand.nede_siden
            tilstand.nede_siden = None
        log.warning("Redis-cachen %s svarer igen efter %.0f s", _uden_kodeord(self._sted), nede)
