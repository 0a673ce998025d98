"""Pinyin of a name, for search by full pinyin (zhangsan) and by initials (zs)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

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


@lru_cache(maxsize=200_000)
def romanize(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case; non-Chinese characters are kept as letters."""
    name = name.strip()
    if not name:
        return "", ""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: list(s.lower()))
    if name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    syllables = [s.lower() for s in syllables if s.strip() and s.isalnum()]
    return "".join(syllables), "".join(s[0] for s in syllables)
