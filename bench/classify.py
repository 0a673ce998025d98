"""How fast is returnee classification? `screening.classification` against the floor.

    .venv/bin/python bench/classify.py [--registrations 100000] [--areas 2000] [--seed 0]

Makes, in process, N registrations of 1–5 stays each (a mix of exact places and places known
only to their county; by default 40 % of stays in counties with risk areas, so that most
arrivals match an area — the expensive case; some stays reach back beyond the window) and M
risk areas (named 街道 in some 150 "hot" counties, whole counties, a few whole prefectures;
medium and high; some ended), from the real division codes.

Then times, interleaved, best of five:
- classify: a `Classifier` built for the batch (the index included), one decision per
  registration;
- floor: a loop over the same registrations doing one dict lookup per stay, by division code
  (no classifier can do less than look at each stay once).

Prints registrations per second for each, the ratio classify/floor (target ≥ 0.2), and how
the decisions came out. Not a test: timings drift on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable

from fangkong.policy.places import AreaFact, Place
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.screening.classification import Certificate, Classifier, StayFact

Registration = tuple[tuple[StayFact, ...], dt.date, Certificate | None]

BASE = dt.date(2024, 1, 1)
STREETS = [f"{name}街道" for name in "东西南北中新和平安康民族解放建设胜利幸福光明团结长江黄河"]


def county_codes() -> list[tuple[str, str]]:
    """(code, full name) of every county in the offline dataset."""
    from fangkong.policy import divisions

    table = divisions._divisions().counties  # the dataset the resolver reads
    return [(code, divisions.describe(code)) for code in sorted(table)]


def make_areas(rng: random.Random, counties: list[tuple[str, str]], count: int) -> list[AreaFact]:
    hot = rng.sample(counties, 150)
    out: list[AreaFact] = []
    for i in range(count):
        code, name = rng.choice(hot)
        roll = rng.random()
        if roll < 0.85:
            place = Place(code, name, rng.choice(STREETS))
        elif roll < 0.97:
            place = Place(code, name)
        else:
            place = Place(code[:4], name)
        start = BASE + dt.timedelta(days=rng.randrange(90))
        end = None if rng.random() < 0.4 else start + dt.timedelta(days=rng.randrange(7, 29))
        level = "high" if rng.random() < 0.25 else "medium"
        out.append(AreaFact(place, level, start, end, area_id=i + 1))
    return out


def make_registrations(
    rng: random.Random,
    counties: list[tuple[str, str]],
    areas: list[AreaFact],
    count: int,
    hot_share: float = 0.4,
) -> list[Registration]:
    hot = sorted({(a.place.code, a.place.name) for a in areas if len(a.place.code) == 6})
    out: list[Registration] = []
    for _ in range(count):
        arrival = BASE + dt.timedelta(days=rng.randrange(14, 120))
        end = arrival
        stays: list[StayFact] = []
        for _ in range(rng.randint(1, 5)):
            code, name = rng.choice(hot) if rng.random() < hot_share else rng.choice(counties)
            sub = rng.choice(STREETS) if rng.random() < 0.5 else ""
            start = end - dt.timedelta(days=rng.randrange(0, 10))
            stays.append(StayFact(Place(code, name, sub), start, end))
            end = start - dt.timedelta(days=1)
        cert = None
        if rng.random() < 0.6:
            cert = Certificate(
                arrival - dt.timedelta(days=rng.randrange(0, 11)), rng.random() < 0.98
            )
        out.append((tuple(reversed(stays)), arrival, cert))
    return out


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--areas", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--hot-share",
        type=float,
        default=0.4,
        help="share of stays in counties with risk areas (0.4: most arrivals quarantined)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counties = county_codes()
    areas = make_areas(rng, counties, args.areas)
    regs = make_registrations(rng, counties, areas, args.registrations, args.hot_share)
    stays = sum(len(r[0]) for r in regs)

    outcome: Counter[str] = Counter()

    def run_classify() -> None:
        decisions = Classifier(DEFAULT_RULES, areas).classify_many(regs)
        outcome.clear()
        outcome.update(d.measure for d in decisions)

    def run_floor() -> None:
        index = {a.place.code: a for a in areas}
        hits = 0
        for stays_, _arrival, _cert in regs:
            for stay in stays_:
                if index.get(stay.place.code) is not None:
                    hits += 1

    # Interleaved, best of each: the machine's noise hits both alike.
    floor, ours = float("inf"), float("inf")
    for _ in range(args.runs):
        floor = min(floor, timed(run_floor))
        ours = min(ours, timed(run_classify))
    n = len(regs)
    print(f"{n:,} registrations, {stays:,} stays, {len(areas):,} risk areas")
    print(f"floor (one dict lookup per stay): {n / floor:>12,.0f} registrations/s ({floor:.3f} s)")
    print(f"classify (index included):        {n / ours:>12,.0f} registrations/s ({ours:.3f} s)")
    print(f"ratio classify/floor:             {floor / ours:>12.2f} (target >= 0.2)")
    print("decisions: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcome.items())))


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.test_settings")
    django.setup()
    main()
