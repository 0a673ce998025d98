"""The natural order of places (`core.placeorder`, issue 12 item 14): 第二网格 before 第十网格,
8栋 before 10栋, whatever the numerals; one key, stored on every place and used in Python."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.core.placeorder import chinese_number, natural_key, naturally_sorted

DIGITS = "零一二三四五六七八九"


def as_chinese(n: int) -> str:
    """`n` (0 ≤ n < 100,000,000) in Chinese numerals, as written on a sign (十一, 一百零五)."""
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if high:
        rest = _below_10000(low, leading=False) if low else ""
        if low and low < 1000:
            rest = "零" + _below_10000(low, leading=False)
        return _below_10000(high, leading=True) + "万" + rest
    return _below_10000(low, leading=True)


def _below_10000(n: int, *, leading: bool) -> str:
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero and out:
                out += "零"
            zero = False
            out += ("" if (unit == 10 and d == 1 and not out and leading) else DIGITS[d]) + name
        elif out:
            zero = True
    return out


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十五", 25),
        ("一百零五", 105),
        ("一〇五", 105),
        ("两千", 2000),
        ("一万二千", 12000),
        ("三千零一十", 3010),
        ("零", 0),
    ],
)
def test_chinese_numerals_are_read_as_numbers(text, value):
    assert chinese_number(text) == value


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_number_written_in_chinese_reads_back(n):
    assert chinese_number(as_chinese(n)) == n


@pytest.mark.parametrize(
    ("shuffled", "ordered"),
    [
        (
            ["第一网格", "第三网格", "第二网格", "第四网格"],
            ["第一网格", "第二网格", "第三网格", "第四网格"],
        ),
        (["第十网格", "第九网格", "第十一网格"], ["第九网格", "第十网格", "第十一网格"]),
        (["10栋", "8栋", "1栋", "９栋"], ["1栋", "8栋", "９栋", "10栋"]),
        (["12单元", "2单元", "1单元"], ["1单元", "2单元", "12单元"]),
        (["一组", "十二组", "三组"], ["一组", "三组", "十二组"]),
        (["B区2栋", "A区10栋", "A区2栋"], ["A区2栋", "A区10栋", "B区2栋"]),
        (["第二社区", "第1社区"], ["第1社区", "第二社区"]),
    ],
)
def test_places_sort_naturally(shuffled, ordered):
    assert naturally_sorted(shuffled) == ordered


prefixes = st.sampled_from(["", "第", "A区", "新河村"])
suffixes = st.sampled_from(["", "网格", "栋", "单元", "组", "号楼"])
numbers = st.integers(min_value=0, max_value=99_999_999)


@given(prefixes, suffixes, numbers, numbers, st.booleans(), st.booleans())
def test_numbers_order_by_value_however_written(prefix, suffix, a, b, a_cn, b_cn):
    left = prefix + (as_chinese(a) if a_cn else str(a)) + suffix
    right = prefix + (as_chinese(b) if b_cn else str(b)) + suffix
    ka, kb = natural_key(left), natural_key(right)
    assert (ka < kb) == (a < b)
    assert (ka == kb) == (a == b)


@given(st.text(max_size=100))
def test_the_key_is_ascii_hex_so_every_database_collation_agrees(name):
    key = natural_key(name)
    assert set(key) <= set("0123456789abcdef")
    assert len(key) <= 700


@given(st.text(alphabet=st.characters(exclude_categories=("Nd", "Zs", "Cc")), max_size=20))
def test_names_without_numbers_keep_their_character_order(name):
    other = name + "x"
    assert natural_key(name) < natural_key(other)


@given(st.lists(st.text(max_size=12), max_size=12), st.randoms())
def test_the_order_does_not_depend_on_the_order_given(names, rnd):
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert [natural_key(n) for n in naturally_sorted(shuffled)] == sorted(map(natural_key, names))


def test_spaces_and_width_do_not_change_the_order():
    assert natural_key("1 栋") == natural_key("1栋") == natural_key("１栋")
