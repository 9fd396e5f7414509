"""An offline map: a municipality's districts and vacancies as inline SVG.

No tile server, no JavaScript library and no network: the district polygons
(``District.polygon_wkt``, WGS84 lon/lat) and the homes' coordinates are projected
with a simple equirectangular projection (x = lon · cos(mean latitude), y = −lat)
and scaled into the viewBox. Over a municipality's few tens of kilometres the
distortion is negligible, and the page works in tests and air-gapped offices alike.
Each home is a circle inside a link (so it can be reached with Tab and opened with
Enter) named for screen readers by its facts (:class:`HomeFacts`), and the page lists
the same homes in a table beside the map; only unit facts are shown (no citizen), so
the same drawing may serve any role allowed to see those homes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy.orm import Session

from inventory import service as inventory
from inventory.models import Vacancy

WIDTH = 800.0
MARGIN = 20.0


@dataclass(frozen=True)
class MapDistrict:
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class HomeFacts:
    """What the page says about a home: its accessible name and its row in the table.

    Kept as data, not text, so the template words it in the reader's language.
    """

    address: str
    area: str
    kind: str
    rooms: int
    rent_dkk: float
    available_from: dt.date


@dataclass(frozen=True)
class MapPoint:
    vacancy_id: int
    x: float
    y: float
    status: str
    title: str
    facts: HomeFacts | None = None


@dataclass(frozen=True)
class MapDrawing:
    """Everything the template needs to draw the map."""

    width: float
    height: float
    districts: list[MapDistrict]
    points: list[MapPoint]


class _Projection:
    """Equirectangular projection of lon/lat onto a viewBox ``WIDTH`` wide."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        west, south, east, north = bounds
        self.k = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.k, 1e-6)
        span_y = max(north - south, 1e-6)
        self.scale = (WIDTH - 2 * MARGIN) / span_x
        self.west, self.north = west, north
        self.height = span_y * self.scale + 2 * MARGIN

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = MARGIN + (lon - self.west) * self.k * self.scale
        y = MARGIN + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def _rings(geometry: shapely.Geometry) -> Iterable[Sequence[tuple[float, float]]]:
    polygons: list[Polygon]
    if isinstance(geometry, Polygon):
        polygons = [geometry]
    elif isinstance(geometry, MultiPolygon):
        polygons = list(geometry.geoms)
    else:
        polygons = []
    for polygon in polygons:
        yield list(polygon.exterior.coords)
        for interior in polygon.interiors:
            yield list(interior.coords)


def _path(geometry: shapely.Geometry, project: _Projection) -> str:
    parts = []
    for ring in _rings(geometry):
        points = [project(lon, lat) for lon, lat, *_ in ring]
        if points:
            head, *tail = points
            parts.append(f"M{head[0]},{head[1]} " + " ".join(f"L{x},{y}" for x, y in tail) + " Z")
    return " ".join(parts)


def draw(
    districts: Sequence[tuple[str, shapely.Geometry]],
    homes: Sequence[tuple[int, float, float, str, str]],
    facts: Mapping[int, HomeFacts] | None = None,
) -> MapDrawing:
    """Project districts ``(name, polygon)`` and homes ``(id, lon, lat, status, title)``.

    ``facts`` (by vacancy id) ride along on the points for the page's words.
    """
    facts = facts or {}
    shapes = [geometry for _, geometry in districts]
    coords = [(lon, lat) for _, lon, lat, _, _ in homes]
    bounds_parts = [g.bounds for g in shapes]
    if coords:
        lons, lats = zip(*coords, strict=True)
        bounds_parts.append((min(lons), min(lats), max(lons), max(lats)))
    if not bounds_parts:
        return MapDrawing(WIDTH, WIDTH / 2, [], [])
    bounds = (
        min(b[0] for b in bounds_parts),
        min(b[1] for b in bounds_parts),
        max(b[2] for b in bounds_parts),
        max(b[3] for b in bounds_parts),
    )
    project = _Projection(bounds)
    drawn = []
    for name, geometry in districts:
        centre = geometry.representative_point()
        x, y = project(centre.x, centre.y)
        drawn.append(MapDistrict(name, _path(geometry, project), x, y))
    points = []
    for vacancy_id, lon, lat, status, title in homes:
        x, y = project(lon, lat)
        points.append(MapPoint(vacancy_id, x, y, status, title, facts.get(vacancy_id)))
    return MapDrawing(WIDTH, round(project.height, 1), drawn, points)


def municipality_map(
    session: Session, municipality_code: str, vacancies: Sequence[Vacancy]
) -> MapDrawing:
    """The municipality's districts with the given (already scoped) vacancies on top.

    Districts are public geography; the vacancies must come from the caller's
    service call, so the map never shows a home the caller may not see.
    """
    districts = [(d.name, d.polygon) for d in inventory.districts(session, [municipality_code])]
    ordered = sorted(vacancies, key=lambda v: (v.unit.address, v.id))
    homes = [(v.id, v.unit.lon, v.unit.lat, v.status.value, v.unit.address) for v in ordered]
    facts = {
        v.id: HomeFacts(
            address=v.unit.address,
            area=v.unit.area,
            kind=v.unit.kind.value,
            rooms=v.unit.rooms,
            rent_dkk=v.unit.rent_dkk - v.unit.rent_reduction_dkk,
            available_from=v.available_from,
        )
        for v in ordered
    }
    return draw(districts, homes, facts)
