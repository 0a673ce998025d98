"""How fast is the GB 11643 check? Ours (people.identity) against python-stdnum, same numbers.

    .venv/bin/python bench/identity_check.py [--count 200000]

Prints IDs validated per second for each, and the ratio. Not a test: timings drift here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from stdnum.cn import ric

from fangkong.people.identity import check_digit, parse_id_card


def numbers(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    start = dt.date(1990, 1, 1).toordinal()
    span = dt.date(2025, 12, 31).toordinal() - start
    out = []
    for _ in range(count):
        born = dt.date.fromordinal(start + rng.randrange(span))
        region = rng.choice(["110105", "420103", "440305", "510104"])
        first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
        out.append(first17 + check_digit(first17))
    return out


def rate(fn, items: list[str]) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    for n in items:
        fn(n)
    return len(items) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    args = parser.parse_args()
    items = numbers(args.count)
    today = dt.date.today()
    ours = max(rate(lambda n: parse_id_card(n, today=today), items) for _ in range(3))
    theirs = max(rate(ric.validate, items) for _ in range(3))
    print(f"fangkong.people.identity: {ours:,.0f} IDs/s")
    print(f"python-stdnum cn.ric:     {theirs:,.0f} IDs/s")
    print(f"ratio ours/stdnum:        {ours / theirs:.1f}x")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.test_settings")
    django.setup()
    main()
