"""Deterministic generator of realistic synthetic municipalities, stock and citizens.

One seeded generator serves the demo, the tests and the benchmarks. It builds an
Odense-like municipality (code 461) or, in national mode, spreads citizens and
vacancies over the 98 municipalities in proportion to VIVE's 2024 counts. Every
person and home is invented; the distributions follow published figures:

* rents around the LBF 2023 level (899 kr./m²/year nationally, Syddanmark lower:
  ~737 for family units in 2021), utilities paid a conto;
* § 98 e units permanently brought down to at most 3,500 kr./month, § 98 f units
  (rent 4,500-6,500) with a temporary reduction of 16,965 kr./year (DOMAIN.md §3);
* homelessness situations and ages from VIVE's 2024 national shares; incomes from
  the benefit table in DOMAIN.md section 5.

Municipal centres other than Odense's are synthetic points inside Denmark's
bounding box (the project ships no geodata); districts are rectangles around them.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import Polygon, box

from kernel.reference import MunicipalityCount, municipality_counts
from matcher.rates import benefit_rates_for

DEMO_MUNICIPALITY = "461"
DEMO_AS_OF = dt.date(2026, 11, 2)

ODENSE_CENTRE = (55.3959, 10.3883)  # lat, lon of Odense city hall
ODENSE_DISTRICTS = (
    "Vollsmose", "Korup", "Næsby", "Bolbro", "Centrum", "Skt. Klemens",
    "Tarup", "Dalum", "Hjallese", "Bellinge", "Sanderum", "Højby",
)  # fmt: skip
STREETS = (
    "Østergade", "Vestergade", "Nørregade", "Søndergade", "Skovvej", "Engvej",
    "Parkvej", "Kirkevej", "Havevej", "Birkevej", "Lærkevej", "Bøgevej",
)  # fmt: skip
ASSOCIATIONS = (
    "Fyns Almennyttige Boligselskab", "Civica", "Odense Boligselskab",
    "Højstrup Boligselskab", "Lejerbo Odense",
)  # fmt: skip

# Benefit amounts [DKK/month], single adult: the matcher's rate table (DOMAIN.md section
# 5), of a fixed year so that a seed gives the same population when newer years arrive.
BENEFIT_RATE_YEAR = 2025
_BENEFITS = benefit_rates_for(BENEFIT_RATE_YEAR)
KONTANTHJAELP_30_PLUS = _BENEFITS.kontanthjaelp_forhoejet_dkk
KONTANTHJAELP_UNDER_30 = _BENEFITS.kontanthjaelp_grundsats_dkk
SINGLE_SUPPLEMENT = _BENEFITS.single_non_provider_supplement_dkk
FOERTIDSPENSION = _BENEFITS.foertidspension_single_dkk
FOLKEPENSION = _BENEFITS.folkepension_single_dkk
FOLKEPENSION_AGE = 67

# VIVE 2024 situation shares mapped onto the nine national situations; the 18 %
# "other" is split over hotel (4), transitional (6), prison (7), hospital (8), other (9).
SITUATION_SHARES = {3: 0.45, 5: 0.24, 1: 0.08, 2: 0.05, 4: 0.03, 6: 0.05, 7: 0.04, 8: 0.03, 9: 0.03}
AGE_BANDS = ((18, 29, 0.27), (30, 39, 0.26), (40, 49, 0.21), (50, 59, 0.17), (60, 75, 0.09))

KIND_SHARES = {"family": 0.62, "youth": 0.14, "elderly": 0.12, "skaev": 0.05, "transitional": 0.07}


@dataclass
class District:
    municipality_code: str
    name: str
    polygon: Polygon


@dataclass
class Department:
    association: str
    number: str
    name: str
    municipality_code: str
    social_caretaker: bool
    listed_area: bool


@dataclass
class Unit:
    """A generated home; field names match the problem document's vacancy fields."""

    ref: str
    association: str
    department: str
    municipality_code: str
    address: str
    lat: float
    lon: float
    area: str
    kind: str
    rooms: int
    size_m2: float
    floor: int
    elevator: bool
    wheelchair: bool
    pets_allowed: bool
    rent_dkk: float
    utilities_dkk: float
    deposit_dkk: float
    rent_reduction_dkk: float
    rent_reduction_until: dt.date | None
    allocation: str
    allocation_municipality_code: str | None
    listed_area: bool


@dataclass
class Vacancy:
    unit: Unit
    available_from: dt.date

    @property
    def id(self) -> str:
        return f"V-{self.unit.ref}"


@dataclass
class Citizen:
    """A generated citizen: the problem document's fields plus a synthetic CPR number."""

    id: str
    cpr: str
    municipality_code: str
    birth_year: int
    adults: int
    children: int
    income: list[tuple[str, float]]
    situation: int
    homeless_since: dt.date
    registered_on: dt.date
    deadline: dt.date | None
    support: str
    needs: dict[str, bool]
    areas: list[str]
    avoid_areas: list[str]
    kontanthjaelp_since: dt.date | None
    disability: bool = False
    skaev_target_group: bool = False


@dataclass
class World:
    """Everything one generator run produced."""

    as_of: dt.date
    municipalities: list[MunicipalityCount]
    districts: list[District] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    vacancies: list[Vacancy] = field(default_factory=list)
    citizens: list[Citizen] = field(default_factory=list)

    def problem(self) -> dict[str, Any]:
        """The world's open vacancies and citizens as a `boligmatch.problem/1` document."""
        return {
            "format": "boligmatch.problem/1",
            "as_of": self.as_of.isoformat(),
            "citizens": [citizen_document(c) for c in self.citizens],
            "vacancies": [vacancy_document(v) for v in self.vacancies],
        }


def citizen_document(c: Citizen) -> dict[str, Any]:
    """The contract's citizen object (CONTRACT.md section 4); never the CPR number."""
    return {
        "id": c.id,
        "municipality_code": c.municipality_code,
        "birth_year": c.birth_year,
        "household": {"adults": c.adults, "children": c.children},
        "income": [{"kind": k, "monthly_dkk": a} for k, a in c.income],
        "situation": c.situation,
        "homeless_since": c.homeless_since.isoformat(),
        "registered_on": c.registered_on.isoformat(),
        "deadline": c.deadline.isoformat() if c.deadline else None,
        "support": c.support,
        "needs": dict(c.needs),
        "preferences": {"areas": list(c.areas), "avoid_areas": list(c.avoid_areas)},
        "kontanthjaelp_since": (
            c.kontanthjaelp_since.isoformat() if c.kontanthjaelp_since else None
        ),
        "disability": c.disability,
        "skaev_target_group": c.skaev_target_group,
    }


def vacancy_document(v: Vacancy) -> dict[str, Any]:
    """The contract's vacancy object (CONTRACT.md section 4)."""
    u = v.unit
    return {
        "id": v.id,
        "municipality_code": u.allocation_municipality_code or u.municipality_code,
        "area": u.area,
        "lat": u.lat,
        "lon": u.lon,
        "kind": u.kind,
        "rooms": u.rooms,
        "size_m2": u.size_m2,
        "rent_dkk": u.rent_dkk,
        "utilities_dkk": u.utilities_dkk,
        "rent_reduction_dkk": u.rent_reduction_dkk,
        "rent_reduction_until": (
            u.rent_reduction_until.isoformat() if u.rent_reduction_until else None
        ),
        "deposit_dkk": u.deposit_dkk,
        "allocation": u.allocation,
        "wheelchair": u.wheelchair,
        "floor": u.floor,
        "elevator": u.elevator,
        "pets_allowed": u.pets_allowed,
        "available_from": v.available_from.isoformat(),
        "department": f"{u.association}/{u.department}",
        "listed_area": u.listed_area,
    }


def apportion(total: int, weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Ties go to the earlier weight; all zeros when ``total`` is 0 or no weight is positive.
    Shared with the planning simulation, which apportions § 98 e homes by VIVE's count.
    """
    if total == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    quota = weights / weights.sum() * total
    counts = np.floor(quota).astype(np.int64)
    remainder = total - int(counts.sum())
    order = np.lexsort((np.arange(len(weights)), -(quota - counts)))
    counts[order[:remainder]] += 1
    return counts


def _centre(m: MunicipalityCount) -> tuple[float, float]:
    if m.code == DEMO_MUNICIPALITY:
        return ODENSE_CENTRE
    h = zlib.crc32(m.code.encode())
    return 54.9 + (h % 1000) / 1000 * 2.5, 8.4 + (h // 1000 % 1000) / 1000 * 4.0


def _districts(m: MunicipalityCount) -> list[District]:
    lat0, lon0 = _centre(m)
    if m.code == DEMO_MUNICIPALITY:
        names, cols = list(ODENSE_DISTRICTS), 4
    else:
        names, cols = [f"{m.name} {d}" for d in ("Nord", "Øst", "Syd", "Vest")], 2
    rows = len(names) // cols
    dlat, dlon = 0.022, 0.038  # about 2.4 km by 2.4 km
    out = []
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        south = lat0 + (rows / 2 - r - 1) * dlat
        west = lon0 + (c - cols / 2) * dlon
        out.append(District(m.code, name, box(west, south, west + dlon, south + dlat)))
    return out


class _Builder:
    def __init__(self, seed: int, as_of: dt.date) -> None:
        self.rng = np.random.default_rng(seed)
        self.as_of = as_of
        self.unit_no = 0
        self.citizen_no = 0

    def choice(self, options: dict[Any, float]) -> Any:
        keys = list(options)
        p = np.array([options[k] for k in keys], dtype=float)
        return keys[int(self.rng.choice(len(keys), p=p / p.sum()))]

    def departments(self, m: MunicipalityCount, districts: list[District]) -> list[Department]:
        names = ASSOCIATIONS if m.code == DEMO_MUNICIPALITY else (f"Boligselskabet {m.name}",)
        out = []
        for a, assoc in enumerate(names):
            for d in range(3):
                district = districts[(a * 3 + d) % len(districts)]
                out.append(
                    Department(
                        association=assoc,
                        number=f"{m.code}-{a + 1}{d + 1:02d}",
                        name=f"Afdeling {district.name} {d + 1}",
                        municipality_code=m.code,
                        social_caretaker=bool(self.rng.random() < 0.3),
                        listed_area=district.name == "Vollsmose" or bool(self.rng.random() < 0.1),
                    )
                )
        return out

    def unit(
        self,
        m: MunicipalityCount,
        department: Department,
        districts: list[District],
        municipal_share: float,
    ) -> Unit:
        rng = self.rng
        self.unit_no += 1
        kind = self.choice(KIND_SHARES)
        if kind == "family":
            rooms = int(rng.choice([1, 2, 3, 4, 5], p=[0.12, 0.33, 0.33, 0.17, 0.05]))
            size = 30 + 22 * rooms + rng.normal(0, 6)
        elif kind == "youth":
            rooms, size = 1, rng.uniform(24, 45)
        elif kind == "elderly":
            rooms = int(rng.choice([1, 2, 3], p=[0.3, 0.55, 0.15]))
            size = 45 + 15 * rooms + rng.normal(0, 5)
        elif kind == "skaev":
            rooms, size = 1, rng.uniform(25, 40)
        else:
            rooms, size = 1, rng.uniform(20, 35)
        size = round(float(max(size, 18.0)), 1)
        # kr. per m² per year: Syddanmark lower than the national 899 (LBF).
        base = 800.0 if m.region == "Syddanmark" else 899.0
        rate = max(450.0, rng.normal(base, 110))
        rent = round(size * rate / 12)
        reduction, until = 0.0, None
        allocation = "municipal" if rng.random() < municipal_share else "association"
        if kind == "skaev":
            rent = round(min(rent, 3_200))
            allocation = "municipal"
        if kind == "family" and rng.random() < 0.06:  # § 98 e: at most 3,500 permanently
            rent = max(rent, 3_900)
            reduction, allocation = float(rent - 3_500), "municipal"
        elif kind == "family" and 4_500 <= rent <= 6_500 and rng.random() < 0.15:  # § 98 f
            reduction = round(16_965 / 12)
            until = self.as_of + dt.timedelta(days=int(rng.integers(120, 4 * 365)))
            allocation = "municipal"
        district = districts[int(rng.integers(len(districts)))]
        west, south, east, north = district.polygon.bounds
        lat = round(float(rng.uniform(south, north)), 6)
        lon = round(float(rng.uniform(west, east)), 6)
        floor = int(rng.choice([0, 1, 2, 3, 4, 5], p=[0.3, 0.25, 0.2, 0.12, 0.08, 0.05]))
        elevator = (floor >= 3 and bool(rng.random() < 0.6)) or bool(rng.random() < 0.1)
        return Unit(
            ref=f"{m.code}-{self.unit_no:06d}",
            association=department.association,
            department=department.number,
            municipality_code=m.code,
            address=(
                f"{STREETS[int(rng.integers(len(STREETS)))]} {int(rng.integers(1, 180))}, "
                f"{'st.' if floor == 0 else f'{floor}.'} {'tv' if rng.random() < 0.5 else 'th'}"
            ),
            lat=lat,
            lon=lon,
            area=district.name,
            kind=kind,
            rooms=rooms,
            size_m2=size,
            floor=floor,
            elevator=elevator,
            wheelchair=(floor == 0 or elevator) and bool(rng.random() < 0.25),
            pets_allowed=bool(rng.random() < 0.4),
            rent_dkk=float(rent),
            utilities_dkk=float(round(size * rng.uniform(9, 15))),
            deposit_dkk=float(3 * rent),
            rent_reduction_dkk=reduction,
            rent_reduction_until=until,
            allocation=allocation,
            allocation_municipality_code=m.code if allocation == "municipal" else None,
            listed_area=department.listed_area,
        )

    def citizen(self, m: MunicipalityCount, districts: list[District]) -> Citizen:
        rng = self.rng
        self.citizen_no += 1
        lo, hi, _ = AGE_BANDS[int(rng.choice(len(AGE_BANDS), p=[b[2] for b in AGE_BANDS]))]
        age = int(rng.integers(lo, hi + 1))
        birth_year = self.as_of.year - age
        situation = int(self.choice(SITUATION_SHARES))
        children = int(rng.choice([0, 1, 2], p=[0.9, 0.07, 0.03]))
        adults = 2 if rng.random() < 0.05 else 1
        income: list[tuple[str, float]]
        if age >= FOLKEPENSION_AGE:
            income = [("folkepension", FOLKEPENSION)]
        elif rng.random() < 0.2 and age >= 30:
            income = [("foertidspension", FOERTIDSPENSION)]
        elif rng.random() < 0.04:
            income = [("salary", float(round(rng.uniform(14_000, 24_000))))]
        else:
            amount = KONTANTHJAELP_30_PLUS if age >= 30 else KONTANTHJAELP_UNDER_30
            if adults == 1 and children == 0 and age >= 30:
                amount += SINGLE_SUPPLEMENT
            income = [("kontanthjaelp", float(amount))]
        if adults == 2:
            income.append(("kontanthjaelp", float(KONTANTHJAELP_30_PLUS)))
        registered = self.as_of - dt.timedelta(days=int(rng.exponential(120)) + 1)
        homeless_since = registered - dt.timedelta(days=int(rng.exponential(200)))
        deadline = None
        if situation in (7, 8):
            deadline = self.as_of + dt.timedelta(days=int(rng.integers(5, 31)))
        support = self.choice({"CTI": 0.3, "ICM": 0.25, "ACT": 0.1, "SEL85": 0.2, "none": 0.15})
        names = [d.name for d in districts]
        order = [names[i] for i in rng.permutation(len(names))]
        n_pref = int(rng.choice([0, 1, 2, 3], p=[0.3, 0.3, 0.25, 0.15]))
        avoid = order[n_pref : n_pref + 1] if rng.random() < 0.2 else []
        day = int(rng.integers(1, 29))
        month = int(rng.integers(1, 13))
        needs = {
            "wheelchair": bool(rng.random() < 0.03),
            "ground_floor": bool(rng.random() < 0.08),
            "pets": bool(rng.random() < 0.15),
        }
        return Citizen(
            id=f"C-{m.code}-{self.citizen_no:05d}",
            cpr=f"{day:02d}{month:02d}{birth_year % 100:02d}{int(rng.integers(0, 10_000)):04d}",
            municipality_code=m.code,
            birth_year=birth_year,
            adults=adults,
            children=children,
            income=income,
            situation=situation,
            homeless_since=homeless_since,
            registered_on=registered,
            deadline=deadline,
            support=support,
            needs=needs,
            areas=order[:n_pref],
            avoid_areas=avoid,
            kontanthjaelp_since=(
                homeless_since if any(k == "kontanthjaelp" for k, _ in income) else None
            ),
            # Derived, not drawn, so the seeds' sequence of draws stays as it was. An
            # assumption of the generator, not a figure: a wheelchair user has the
            # disability that qualifies for an ældrebolig, and people on the street or in a
            # night shelter with the most intensive support (ACT, ICM) are those staff
            # judge to be skæve boliger's target group (DOMAIN.md section 3).
            disability=needs["wheelchair"],
            skaev_target_group=support in ("ACT", "ICM") and situation in (1, 2),
        )


def generate(
    *,
    seed: int = 461,
    n_citizens: int = 100,
    n_vacancies: int = 40,
    n_units: int | None = None,
    national: bool = False,
    as_of: dt.date | None = None,
    municipal_share: float = 0.3,
) -> World:
    """Generate a world.

    Parameters
    ----------
    seed : int
        Same seed, same world, byte for byte.
    n_citizens, n_vacancies : int
        Homeless citizens on the list and open vacancies (spread by VIVE count when
        ``national``; otherwise all in the demo municipality, Odense 461).
    n_units : int, optional
        Size of the whole stock; default ten units per vacancy, at least 400.
    municipal_share : float
        Share of ordinary units carrying a municipal allocation right (§ 59: every
        4th family unit by default, more by agreement).
    """
    as_of = as_of or DEMO_AS_OF
    counts = municipality_counts()
    chosen = list(counts) if national else [c for c in counts if c.code == DEMO_MUNICIPALITY]
    weights = np.array([max(c.homeless_2024, 1) for c in chosen], dtype=float)
    counted = np.array([c.homeless_2024 for c in chosen], dtype=float)
    citizens_per = apportion(n_citizens, counted if counted.sum() > 0 else weights)
    vacancies_per = apportion(n_vacancies, weights)
    total_units = n_units if n_units is not None else max(400, 10 * n_vacancies)
    units_per = apportion(total_units, weights)
    builder = _Builder(seed, as_of)
    world = World(as_of=as_of, municipalities=chosen)
    for m, n_c, n_v, n_u in zip(chosen, citizens_per, vacancies_per, units_per, strict=True):
        districts = _districts(m)
        departments = builder.departments(m, districts)
        world.districts.extend(districts)
        world.departments.extend(departments)
        units = [
            builder.unit(m, departments[i % len(departments)], districts, municipal_share)
            for i in range(max(int(n_u), int(n_v) * 2))
        ]
        world.units.extend(units)
        municipal = [u for u in units if u.allocation == "municipal"]
        others = [u for u in units if u.allocation != "municipal"]
        # Mostly homes the municipality may allocate; a few association ones that
        # staff can see but the allocation-right rule must rule out.
        n_assoc = min(len(others), int(n_v) // 10)
        shortfall = int(n_v) - n_assoc - len(municipal)
        if shortfall > 0:  # more units under agreement (§ 59 allows up to 100 %)
            for u in others[n_assoc : n_assoc + shortfall]:
                u.allocation, u.allocation_municipality_code = "municipal", m.code
            municipal += others[n_assoc : n_assoc + shortfall]
            others = others[:n_assoc] + others[n_assoc + shortfall :]
        picked = [
            municipal[i] for i in builder.rng.permutation(len(municipal))[: int(n_v) - n_assoc]
        ]
        picked += [others[i] for i in builder.rng.permutation(len(others))[:n_assoc]]
        for u in sorted(picked, key=lambda u: u.ref):
            days = int(builder.rng.integers(-10, 45))
            world.vacancies.append(Vacancy(u, as_of + dt.timedelta(days=days)))
        world.citizens.extend(builder.citizen(m, districts) for _ in range(int(n_c)))
    return world


def generate_problem(
    *,
    seed: int,
    n_citizens: int,
    n_vacancies: int,
    national: bool = False,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """A `boligmatch.problem/1` document for tests and benchmarks (no database)."""
    world = generate(
        seed=seed,
        n_citizens=n_citizens,
        n_vacancies=n_vacancies,
        n_units=2 * n_vacancies,
        national=national,
        as_of=as_of,
    )
    return world.problem()


# --- One citizen or unit at a time (used by planning/simulation.py) --------------------


class Sampler(_Builder):
    """Draw citizens and units one at a time from :func:`generate`'s distributions.

    The planning simulation draws arrivals and vacancies month by month from random
    streams of its own (common random numbers across policies), so it needs the
    generator's distributions without a whole world; this gives it exactly those.
    """

    def __init__(self, rng: np.random.Generator, as_of: dt.date) -> None:
        super().__init__(0, as_of)
        self.rng = rng

    def places(self, m: MunicipalityCount) -> tuple[list[District], list[Department]]:
        """The municipality's (synthetic) districts and departments."""
        districts = _districts(m)
        return districts, self.departments(m, districts)
