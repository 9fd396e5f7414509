"""Benchmark: vectorised affordability (`assess_many`) against the scalar path (`assess`).

Prints pairs per second for both paths, measured in the same run on the same random
citizen–vacancy pairs, and their ratio. The vectorised path runs on a national-size array
(default 2,000,000 pairs: e.g. ~6,000 homeless citizens × ~330 vacancies); the scalar path
on a sample of it (its rate does not depend on the array size). It also checks that both
paths agree on the sample, so the speed is not bought with different numbers.

Run: ``.venv/bin/python bench/affordability.py [--pairs N] [--scalar-pairs M] [--seed S]``
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.affordability import AffordabilityPolicy, Home, Household, assess, assess_many

YEAR = 2026
AS_OF = date(2026, 1, 1)


def random_pairs(n: int, seed: int) -> dict[str, NDArray[Any]]:
    """Plausible households on benefits and almen-bolig vacancies, one row per pair."""
    rng = np.random.default_rng(seed)
    adults = rng.choice([1, 2], n, p=[0.85, 0.15])
    children = rng.choice([0, 1, 2, 3], n, p=[0.8, 0.1, 0.06, 0.04])
    size = np.round(rng.uniform(25, 110, n), 1)
    rent = np.round(size * rng.uniform(700, 1_000, n) / 12)
    return {
        "monthly_income_dkk": np.round(rng.uniform(6_500, 25_000, n) * adults),
        "adults": adults,
        "children": children,
        "wealth_dkk": np.where(rng.random(n) < 0.97, 0.0, rng.uniform(0, 2e6, n)),
        "pensioner": rng.random(n) < 0.08,
        "receives_foertidspension": rng.random(n) < 0.1,
        "rent_dkk": rent,
        "utilities_dkk": np.round(size * rng.uniform(8, 16, n)),
        "size_m2": size,
        "rent_reduction_dkk": np.where(rng.random(n) < 0.05, np.minimum(rent, 2_000.0), 0.0),
        "heating_included": rng.random(n) < 0.3,
    }


def vectorised(pairs: dict[str, NDArray[Any]], policy: AffordabilityPolicy) -> NDArray[np.bool_]:
    """The matcher's call: every pair at once."""
    return assess_many(
        **pairs,
        max_rent_share=policy.max_rent_share,
        min_left_per_adult_dkk=policy.min_left_per_adult_dkk,
        min_left_per_child_dkk=policy.min_left_per_child_dkk,
        year=YEAR,
    ).affordable


def scalar(pairs: dict[str, NDArray[Any]], policy: AffordabilityPolicy, n: int) -> list[bool]:
    """The same verdicts one pair at a time (with their explanations)."""
    verdicts = []
    for i in range(n):
        household = Household(
            adults=int(pairs["adults"][i]),
            children=int(pairs["children"][i]),
            monthly_income_dkk=float(pairs["monthly_income_dkk"][i]),
            wealth_dkk=float(pairs["wealth_dkk"][i]),
            pensioner=bool(pairs["pensioner"][i]),
            receives_foertidspension=bool(pairs["receives_foertidspension"][i]),
        )
        home = Home(
            rent_dkk=float(pairs["rent_dkk"][i]),
            utilities_dkk=float(pairs["utilities_dkk"][i]),
            size_m2=float(pairs["size_m2"][i]),
            rent_reduction_dkk=float(pairs["rent_reduction_dkk"][i]),
            heating="included" if pairs["heating_included"][i] else "separate",
        )
        verdicts.append(assess(household, home, year=YEAR, as_of=AS_OF, policy=policy).affordable)
    return verdicts


def main() -> None:
    """Parse the options, time both paths and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2_000_000, help="vectorised array size")
    parser.add_argument("--scalar-pairs", type=int, default=20_000, help="scalar sample size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.pairs < 1 or args.scalar_pairs < 1:
        parser.error("--pairs and --scalar-pairs must be at least 1")

    policy = AffordabilityPolicy()
    pairs = random_pairs(args.pairs, args.seed)
    sample = min(args.scalar_pairs, args.pairs)

    vectorised({k: v[:1000] for k, v in pairs.items()}, policy)  # warm-up
    start = time.perf_counter()
    affordable = vectorised(pairs, policy)
    vector_seconds = time.perf_counter() - start

    start = time.perf_counter()
    scalar_affordable = scalar(pairs, policy, sample)
    scalar_seconds = time.perf_counter() - start

    if affordable[:sample].tolist() != scalar_affordable:
        raise SystemExit("the vectorised and scalar paths disagree on the sample")
    vector_rate = args.pairs / vector_seconds
    scalar_rate = sample / scalar_seconds
    print(f"pairs (vectorised)        {args.pairs:>14,}   affordable {affordable.mean():.1%}")
    print(f"vectorised assess_many    {vector_rate:>14,.0f} pairs/s   ({vector_seconds:.2f} s)")
    print(
        f"scalar assess ({sample:,} pairs){'':<1}{scalar_rate:>10,.0f} pairs/s   "
        f"({scalar_seconds:.2f} s)"
    )
    print(f"ratio vectorised/scalar   {vector_rate / scalar_rate:>14,.1f} x")


if __name__ == "__main__":
    main()
