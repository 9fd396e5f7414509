"""Rate limits per credential: token buckets kept in this process's memory.

Two limits (settings ``rate_limits``): sign-in attempts per client address, and
changing requests (POST, PUT, PATCH, DELETE) per credential, i.e. per token
subject and scope, per API key, or per web session. A caller over the limit gets
429 problem+json with ``Retry-After`` (whole seconds until one more request is
admitted).

The buckets live in the server process (one `RateLimiter` per app): with several
worker processes each keeps its own count, so a credential may make up to that
many times the limit. That is enough to stop a runaway script or a guessing loop;
a shared store is not needed for that.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import Request

from api.errors import ProblemError
from kernel.settings import get_settings

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEYS = 100_000  # buckets kept before full (idle) ones are forgotten


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by ``(limit name, key)``; thread-safe (sync routes run in a pool)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, name: str, key: str, *, per_minute: int, burst: int) -> float:
        """Admit one request: 0.0 if admitted, else the seconds until one would be."""
        if per_minute <= 0:
            return 0.0
        rate = per_minute / 60.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get((name, key))
            if bucket is None:
                if len(self._buckets) >= MAX_KEYS:
                    self._forget_full(now, rate, burst)
                bucket = self._buckets[(name, key)] = _Bucket(float(burst), now)
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate

    def _forget_full(self, now: float, rate: float, burst: int) -> None:
        """Drop buckets that have refilled (their callers are idle): memory stays bounded."""
        idle = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * rate >= burst]
        for key in idle or list(self._buckets)[: MAX_KEYS // 10]:
            del self._buckets[key]


def too_many(
    wait_seconds: float, *, key: str, values: Mapping[str, object] | None = None
) -> ProblemError:
    """The 429 problem, with ``Retry-After`` rounded up to whole seconds.

    The detail is the catalogue's sentence ``key``, which may name the wait as ``retry``
    (whole seconds) or ``retry_da`` ("1 sekund", "5 sekunder").
    """
    retry = max(1, math.ceil(wait_seconds))
    return ProblemError(
        429,
        "too-many-requests",
        "Too Many Requests",
        headers={"Retry-After": str(retry)},
        key=key,
        values={
            **(values or {}),
            "retry": retry,
            "retry_da": f"{retry} sekund" if retry == 1 else f"{retry} sekunder",
        },
    )


def limiter_of(request: Request) -> RateLimiter:
    """The app's limiter (made on first use, so apps built without `create_app` work too)."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    if limiter is None:
        limiter = state.rate_limiter = RateLimiter()
    return limiter


def check_write(request: Request, credential: str) -> None:
    """Count a changing request by ``credential``; raise 429 when over the limit."""
    if request.method not in WRITE_METHODS:
        return
    limits = get_settings().rate_limits
    wait = limiter_of(request).take(
        "write", credential, per_minute=limits.writes_per_minute, burst=limits.writes_burst
    )
    if wait:
        raise too_many(wait, key="too_many_writes")


def client_address(request: Request) -> str:
    """The peer's address (behind a proxy, run uvicorn with ``--proxy-headers``)."""
    return request.client.host if request.client else "unknown"


def sign_in_wait(request: Request) -> float:
    """Count a sign-in attempt from this address: 0.0 if admitted, else seconds to wait."""
    limits = get_settings().rate_limits
    return limiter_of(request).take(
        "sign-in",
        client_address(request),
        per_minute=limits.sign_in_per_minute,
        burst=limits.sign_in_burst,
    )
