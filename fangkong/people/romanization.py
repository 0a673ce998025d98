"""Pinyin of a name, for search by full pinyin (zhangsan) and by initials (zs)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin
from pypinyin.seg.simpleseg import seg

# Surnames read differently from the character's everyday reading.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "尉": "yu",
    "黑": "he",
    "燕": "yan",
    "种": "chong",
    "长": "chang",
    "万": "wan",
    "沈": "shen",
    "秘": "bi",
    "员": "yun",
    "折": "she",
    "召": "shao",
    "隗": "wei",
    "谌": "chen",
    "纪": "ji",
    "都": "du",
    "重": "chong",
    "繁": "po",
    "牟": "mou",
    "宿": "su",
    "薄": "bo",
}


def _letters(text: str) -> Any:
    """Characters without pinyin become their letters (pypinyin accepts a list here)."""
    return list(text.lower())


@lru_cache(maxsize=50_000)
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors=_letters))


@lru_cache(maxsize=200_000)
def romanize(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case; non-Chinese characters are kept as letters.

    pypinyin converts each word of its own segmentation independently, so the syllables of
    each word are cached: an import of 100k mostly distinct names costs ~4x less than calling
    `lazy_pinyin` per name, with the same result (checked in people/tests/test_importing.py).
    """
    name = name.strip()
    if not name:
        return "", ""
    syllables = [s for word in seg(name) for s in _word_syllables(word)]
    if name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    syllables = [s.lower() for s in syllables if s.strip() and s.isalnum()]
    return "".join(syllables), "".join(s[0] for s in syllables)
