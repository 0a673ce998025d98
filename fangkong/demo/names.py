"""Realistic synthetic Chinese people: names, ID numbers, phones and birth dates.

Everything draws from a `random.Random` passed in, so a seed gives the same people every
time. Used by the demo township and by the benchmarks' bulk population.

Surname weights follow the published frequencies (2020 census: 王 7.2 %, 李 7.1 %, 张 6.8 % …);
given names are one or two characters from pools that differ by sex and by generation, so a
grandmother is 桂兰 and her granddaughter 梓涵, as in any real register.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from functools import cache

from fangkong.people.identity import check_digit
from fangkong.people.phones import InvalidPhone, normalise_phone
from fangkong.people.romanization import romanize

# (surname, share of the population in per mille), the 100 most common surnames.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 72.5), ("李", 71.9), ("张", 68.3), ("刘", 53.8), ("陈", 45.3), ("杨", 30.8),
    ("黄", 22.3), ("赵", 21.7), ("吴", 20.5), ("周", 19.8), ("徐", 16.0), ("孙", 15.2),
    ("马", 14.4), ("朱", 13.6), ("胡", 13.1), ("郭", 11.8), ("何", 11.7), ("林", 11.2),
    ("高", 10.9), ("罗", 10.3), ("郑", 9.7), ("梁", 9.5), ("谢", 8.1), ("宋", 7.8),
    ("唐", 7.6), ("许", 7.4), ("韩", 7.2), ("邓", 7.0), ("冯", 7.0), ("曹", 6.9),
    ("彭", 6.7), ("曾", 6.3), ("肖", 6.3), ("田", 6.2), ("董", 6.0), ("潘", 5.8),
    ("袁", 5.8), ("蔡", 5.5), ("蒋", 5.5), ("余", 5.4), ("于", 5.4), ("杜", 5.2),
    ("叶", 5.2), ("程", 5.1), ("魏", 5.0), ("苏", 4.9), ("吕", 4.8), ("丁", 4.6),
    ("任", 4.6), ("卢", 4.5), ("姚", 4.4), ("沈", 4.3), ("钟", 4.2), ("姜", 4.2),
    ("崔", 4.0), ("谭", 4.0), ("陆", 3.9), ("范", 3.8), ("汪", 3.8), ("廖", 3.7),
    ("石", 3.6), ("金", 3.6), ("韦", 3.5), ("贾", 3.5), ("夏", 3.4), ("付", 3.3),
    ("方", 3.3), ("邹", 3.2), ("熊", 3.2), ("白", 3.1), ("孟", 3.1), ("秦", 3.0),
    ("邱", 3.0), ("侯", 2.9), ("江", 2.9), ("尹", 2.8), ("薛", 2.8), ("闫", 2.7),
    ("段", 2.7), ("雷", 2.6), ("龙", 2.5), ("黎", 2.5), ("史", 2.5), ("陶", 2.4),
    ("贺", 2.4), ("毛", 2.3), ("郝", 2.3), ("顾", 2.2), ("龚", 2.2), ("邵", 2.1),
    ("万", 2.1), ("覃", 2.0), ("武", 2.0), ("钱", 2.0), ("戴", 1.9), ("严", 1.9),
    ("莫", 1.8), ("孔", 1.8), ("向", 1.8), ("汤", 1.7),
)  # fmt: skip

# Characters of given names by sex and generation (born before 1965, 1965–1994, since 1995).
GIVEN: dict[tuple[str, int], str] = {
    ("M", 0): "国建华明德志福保根生金文军平清永春海林才祥贵荣发忠庆",
    ("M", 1): "伟强磊军勇杰涛斌超明刚辉鹏华飞波宇浩凯健俊峰亮成志东海兵",
    ("M", 2): "子轩浩然宇泽睿梓皓逸俊豪博文晨阳一铭奕辰佑嘉煜宸瑞航彦",
    ("F", 0): "秀英桂兰玉珍淑芬凤琴素云翠花淑华金兰梅芳荣秀珍玉兰",
    ("F", 1): "芳娜敏静丽艳娟霞燕萍红琳婷雪慧颖倩洁琴莉玲丹晶君",
    ("F", 2): "梓涵欣怡雨萱诗琪一诺可馨子涵若溪语彤思雨佳怡紫嫣婉清",
}
# Share of two-character given names per generation (single-character names were commoner
# among people born in the 1970s–1990s, rare today).
TWO_CHAR_SHARE = (0.75, 0.55, 0.85)


def generation(born: dt.date) -> int:
    if born.year < 1965:
        return 0
    if born.year < 1995:
        return 1
    return 2


def weighted_surnames() -> tuple[list[str], list[float]]:
    names = [s for s, _ in SURNAMES]
    cumulative = list(itertools.accumulate(w for _, w in SURNAMES))
    return names, cumulative


_SURNAMES, _SURNAME_CUM = weighted_surnames()


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, gender: str, born: dt.date) -> str:
    gen = generation(born)
    pool = GIVEN[(gender, gen)]
    if rng.random() < TWO_CHAR_SHARE[gen]:
        return rng.choice(pool) + rng.choice(pool)
    return rng.choice(pool)


def full_name(rng: random.Random, gender: str, born: dt.date, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, gender, born)


@cache
def char_romanization(char: str, *, is_surname: bool) -> tuple[str, str]:
    """Pinyin and initial of one character (surnames with their surname reading)."""
    if is_surname:
        return romanize(char)
    pinyin, _initials = romanize("王" + char)  # a given-name character after a neutral surname
    syllable = pinyin[len("wang") :]
    return syllable, syllable[:1]


def fast_romanize(name: str) -> tuple[str, str]:
    """`romanize` for generated names, character by character (no phrase lookup): ~20× faster."""
    sur_py, sur_ini = char_romanization(name[0], is_surname=True)
    rest = [char_romanization(c, is_surname=False) for c in name[1:]]
    return sur_py + "".join(p for p, _ in rest), sur_ini + "".join(i for _, i in rest)


# --- birth dates --------------------------------------------------------------------------

# Population by 5-year age band (China, 2020 census, per cent), 0–4 … 95–99.
AGE_BANDS = (5.0, 6.3, 6.0, 5.2, 5.3, 6.3, 8.8, 7.0, 6.6, 8.2, 8.6, 7.2, 5.2, 5.2, 3.5, 2.3,
             1.5, 0.8, 0.3, 0.08)  # fmt: skip
_AGE_CUM = list(itertools.accumulate(AGE_BANDS))


def random_age(rng: random.Random) -> int:
    band = rng.choices(range(len(AGE_BANDS)), cum_weights=_AGE_CUM)[0]
    return band * 5 + rng.randrange(5)


def birth_date_for_age(rng: random.Random, age: int, today: dt.date) -> dt.date:
    """A birth date at which a person is `age` years old today."""
    earliest, span = _birth_span(age, today)
    return dt.date.fromordinal(earliest + rng.randrange(span))


@cache
def _birth_span(age: int, today: dt.date) -> tuple[int, int]:
    """(first day, number of days) of the birth dates of people `age` years old today."""
    latest = _years_before(today, age).toordinal()
    earliest = _years_before(today, age + 1).toordinal() + 1
    return earliest, latest - earliest + 1


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- ID numbers ---------------------------------------------------------------------------

# Counties whose codes residents' ID numbers start with, by weight: the township's own
# district first, then the rest of Wuhan, Hubei, and the neighbouring provinces.
HOME_REGIONS: tuple[tuple[str, float], ...] = (
    ("420116", 40), ("420117", 8), ("420102", 6), ("420103", 4), ("420104", 3), ("420105", 3),
    ("420106", 4), ("420111", 4), ("420115", 3), ("420112", 3), ("420902", 4), ("420981", 2),
    ("421181", 2), ("421102", 2), ("420281", 1), ("420602", 1), ("421002", 1), ("422801", 1),
)  # fmt: skip
FAR_REGIONS: tuple[tuple[str, float], ...] = (
    ("430102", 3), ("410102", 3), ("360102", 2), ("340102", 2), ("500101", 2), ("510104", 2),
    ("441303", 1), ("320102", 1), ("370102", 1), ("130102", 1), ("450102", 1), ("520102", 1),
)  # fmt: skip


def region_code(rng: random.Random, *, far: bool = False) -> str:
    table = FAR_REGIONS if far else HOME_REGIONS
    return rng.choices([c for c, _ in table], weights=[w for _, w in table])[0]


class IdNumbers:
    """Hands out unique, valid 18-digit ID numbers."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def issue(self, rng: random.Random, region: str, born: dt.date, gender: str) -> str:
        for _ in range(1000):
            seq = rng.randrange(1000)
            if (seq % 2 == 1) != (gender == "M"):
                seq = (seq + 1) % 1000
            first17 = f"{region}{born.year}{born.month:02d}{born.day:02d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number
        raise RuntimeError("no ID number left for this region and birth date")


# --- phones -------------------------------------------------------------------------------

# Mobile number blocks of the three carriers, as 3-digit prefixes.
MOBILE_PREFIXES = (
    *("130", "131", "132", "133", "135", "136", "137", "138", "139"),
    *("150", "151", "152", "153", "155", "156", "157", "158", "159"),
    *("166", "173", "175", "176", "177", "199"),
    *("180", "181", "182", "183", "185", "186", "187", "188", "189"),
)


@cache
def valid_mobile_blocks() -> tuple[str, ...]:
    """4-digit mobile prefixes whose every number libphonenumber accepts."""
    blocks = []
    for prefix in MOBILE_PREFIXES:
        for digit in "0123456789":
            block = prefix + digit
            try:
                if all(normalise_phone(block + tail) for tail in ("0000000", "9999999")):
                    blocks.append(block)
            except InvalidPhone:
                continue
    return tuple(blocks)


class Phones:
    """Hands out unique, valid mobile numbers."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.blocks: Sequence[str] = valid_mobile_blocks()

    def issue(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(self.blocks) + f"{rng.randrange(10_000_000):07d}"
            if number not in self.used:
                self.used.add(number)
                return number
