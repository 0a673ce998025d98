"""The personal-data check of a public text: tables of cases and properties (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.notices import personal_data as pd
from fangkong.notices.personal_data import Registry, check, kinds_of

REGISTRY = Registry(
    names=frozenset({"张三丰", "李秀英", "王"}),
    case_names=frozenset({"王二小"}),
    phones=frozenset({"13800138000", "02785550000"}),
    case_phones=frozenset({"13900139000"}),
    documents=frozenset({"E12345678"}),
    case_documents=frozenset({"420103198005170011"}),
    addresses=frozenset({"民族社区 第一网格 1栋 1单元 101"}),
    case_addresses=frozenset({"民族社区 第二网格 2栋 202"}),
)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("请大家戴口罩、勤洗手。", ()),
        ("咨询电话：027-85551234。", ()),
        ("2024年1月15日起，宴请一律取消。", ()),
        ("居民张三丰已返乡。", (pd.NAME,)),
        ("王二小正在隔离。", (pd.CASE_NAME,)),
        ("联系 13800138000", (pd.PHONE,)),
        ("联系 138-0013-8000", (pd.PHONE,)),
        ("联系 +86 139 0013 9000", (pd.CASE_PHONE,)),
        ("联系１３７００１３７０００", (pd.MOBILE,)),
        ("联系 15912345678 或 027-85550000", (pd.PHONE, pd.MOBILE)),
        ("身份证 420103198005170011", (pd.CASE_DOCUMENT,)),
        ("身份证 11010119900307123X", (pd.ID_NUMBER,)),
        ("护照 e12345678", (pd.DOCUMENT,)),
        ("订单号 A1234567890123456789Z", ()),
        ("住在民族社区第一网格1栋1单元101的居民", (pd.ADDRESS,)),
        ("第一网格 1栋 1单元 101", (pd.ADDRESS,)),
        ("民族社区 第二网格 2栋 202 封控", (pd.CASE_ADDRESS,)),
        ("2栋202", ()),
        ("王先生", ()),
    ],
)
def test_findings_by_kind(text, kinds) -> None:
    assert kinds_of(check(text, REGISTRY)) == kinds


def test_a_case_is_reported_as_a_case_not_also_as_a_resident() -> None:
    registry = Registry(names=frozenset({"王二小"}), case_names=frozenset({"王二小"}))
    assert [(f.kind, f.fragment) for f in check("王二小和王二小", registry)] == [
        (pd.CASE_NAME, "王二小")
    ]


def test_findings_come_in_the_order_of_the_text() -> None:
    found = check("13700137000 李秀英 张三丰", REGISTRY)
    assert [f.fragment for f in found] == ["13700137000", "李秀英", "张三丰"]


def test_candidates_are_the_numbers_as_stored() -> None:
    text = "电话 138 0013 8000，座机 027-8555-0000，证件 e1234567x"
    assert pd.phone_candidates(text) == {"13800138000", "02785550000"}
    assert "E1234567X" in pd.document_candidates(text)


_plain = st.text(alphabet="请大家戴口罩勤洗手通风少聚集，。！社区居民", max_size=40)


@settings(deadline=None)  # the regex strategies are slow to start on a busy machine
@given(
    before=_plain,
    after=_plain,
    mobile=st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
)
def test_any_mobile_number_is_found_wherever_it_stands(before, after, mobile) -> None:
    found = check(before + mobile + after)
    assert [(f.kind, f.fragment) for f in found] == [(pd.MOBILE, mobile)]


@settings(deadline=None)  # the regex strategies are slow to start on a busy machine
@given(before=_plain, after=_plain, digits=st.from_regex(r"\A[0-9]{17}[0-9X]\Z"))
def test_any_18_character_id_number_is_found(before, after, digits) -> None:
    assert pd.ID_NUMBER in kinds_of(check(before + digits + after))


@settings(deadline=None)  # the regex strategies are slow to start on a busy machine
@given(text=_plain)
def test_a_text_without_numbers_or_known_people_has_no_finding(text) -> None:
    assert check(text, Registry(names=frozenset({"赵钱孙"}))) == ()


@settings(deadline=None)  # the regex strategies are slow to start on a busy machine
@given(text=st.text(max_size=80))
def test_every_fragment_found_is_in_the_text(text) -> None:
    normal = pd.normalise(text)
    squeezed = "".join(normal.split())
    for finding in check(text, REGISTRY):
        assert finding.fragment in normal or finding.fragment in squeezed


def test_a_word_cleared_as_no_ones_name_is_not_reported_as_a_name_but_numbers_stay() -> None:
    registry = Registry(names=frozenset({"高风"}), case_names=frozenset({"中高"}))
    text = "中高风险地区返乡人员请报备，电话 13712345678"
    assert kinds_of(check(text, registry)) == (pd.CASE_NAME, pd.NAME, pd.MOBILE)
    cleared = check(text, registry, not_names=frozenset({"高风", "中高"}))
    assert kinds_of(cleared) == (pd.MOBILE,)
    assert kinds_of(check(text, Registry(), not_names=frozenset({"13712345678"}))) == (pd.MOBILE,)
