"""Helpers shared by the API tests: the `Api` handle, routes, roles, the personal-data scan."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from fastapi.testclient import TestClient  # noqa: E402

from allocation.cpr import cpr_hash  # noqa: E402
from inventory.models import Department, Unit, Vacancy  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from synthetic.population import World  # noqa: E402

API_PREFIX = "/api/v1"


def citizen_name(number: int) -> str:
    """The invented name given to the ``number``-th loaded citizen."""
    return f"Testborger Nr{number} Hansen"


PRINCIPALS = ("staff", "staff_other", "association", "api_key", "planner", "admin")


@dataclass
class Api:
    """The app under test, its client, the loaded world and a credential per principal."""

    app: FastAPI
    client: TestClient
    sessions: sessionmaker[Session]
    world: World
    backend: str
    association_id: int
    association_name: str
    key_association_id: int
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    restore: Callable[[], None] = lambda: None

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        """Request headers for principal ``who`` (``None``: anonymous) plus ``extra``."""
        return {**(self.credentials[who] if who else {}), **extra}

    def request(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = self.headers(who, **kwargs.pop("headers", {}))
        return self.client.request(method, path, headers=headers, **kwargs)

    @property
    def cprs(self) -> list[str]:
        """Every generated citizen's CPR number, with and without the dash."""
        numbers = [c.cpr.replace("-", "") for c in self.world.citizens]
        return numbers + [f"{n[:6]}-{n[6:]}" for n in numbers]

    @property
    def personal_values(self) -> list[str]:
        """Values that must never reach an association or a planner."""
        names = [citizen_name(n) for n in range(1, len(self.world.citizens) + 1)]
        refs = [c.id for c in self.world.citizens]
        return self.cprs + self.cpr_hashes + names + refs

    @property
    def cpr_hashes(self) -> list[str]:
        secret = get_settings().cpr_hash_secret
        return [cpr_hash(c.cpr, secret) for c in self.world.citizens]

    def own_vacancy_ids(self, association_id: int | None = None) -> list[int]:
        """Ids of the open vacancies of an association (default: the token's one)."""
        owner = association_id or self.association_id
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(Vacancy.id)
                    .join(Vacancy.unit)
                    .join(Unit.department)
                    .where(Department.association_id == owner, Vacancy.status == "open")
                    .order_by(Vacancy.id)
                )
            )


# Which role each test principal holds.
PRINCIPAL_ROLES = {
    "staff": "staff",
    "staff_other": "staff",
    "association": "association",
    "api_key": "association",
    "planner": "planner",
    "admin": "admin",
}

# Keys that would carry a citizen's personal data; associations and planners never get them.
# ("name" is not here: municipalities have names too; citizens' names are checked by value.)
PERSONAL_KEYS = frozenset(
    {
        "cpr",
        "cpr_hash",
        "income",
        "situation",
        "birth_year",
        "case_ref",
        "household",
        "homeless_since",
        "registered_on",
        "wealth_dkk",
        "needs",
        "preferences",
        "kontanthjaelp_since",
        "kontanthjaelp_6_months",
        "refused_offers",
        "citizen",
    }
)


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path template) under /api/v1 in ``app.routes``, sorted.

    FastAPI 0.16x keeps included routers as lazy branches; `iter_route_contexts`
    flattens them into each route's effective (prefixed) path.
    """
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        path, methods = context.path or "", context.methods or set()
        if path.startswith(API_PREFIX):
            found.update((m, path) for m in methods - {"HEAD", "OPTIONS"})
    return sorted(found)


def walk(payload: Any, path: str = "$") -> Iterable[tuple[str, str | None, Any]]:
    """(json path, key, value) for every value of a JSON document."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            yield f"{path}.{key}", key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            yield f"{path}[{index}]", None, value
            yield from walk(value, f"{path}[{index}]")


def personal_data_in(payload: Any, secrets: Iterable[str]) -> list[str]:
    """Where ``payload`` has a personal key, or a value containing one of ``secrets``."""
    secret_values = [s for s in secrets if s]
    found: list[str] = []
    for where, key, value in walk(payload):
        if key in PERSONAL_KEYS:
            found.append(f"{where}: personal key")
        if isinstance(value, str) and any(s in value for s in secret_values):
            found.append(f"{where}: personal value")
    return found


@contextmanager
def running_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a thread; yield its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
