"""Reading an announcement's text (`announcements.parse`). Pure: no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.announcements import parse, render_line
from fangkong.policy.rules import Level

H, M = Level.HIGH, Level.MEDIUM


def read(text):
    return [(e.line, e.place, e.level) for e in parse(text).entries]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("河北省石家庄市藁城区增村镇 高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("河北省石家庄市藁城区增村镇　高风险地区", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("河北省石家庄市藁城区增村镇高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("北京市朝阳区将台乡（中风险）", [(1, "北京市朝阳区将台乡", M)]),
        ("北京市朝阳区将台乡(中风险地区)", [(1, "北京市朝阳区将台乡", M)]),
        ("北京市朝阳区将台乡：中风险", [(1, "北京市朝阳区将台乡", M)]),
        ("北京市朝阳区将台乡 中", [(1, "北京市朝阳区将台乡", M)]),
        ("北京市朝阳区将台乡为中风险地区", [(1, "北京市朝阳区将台乡", M)]),
        ("河北省 石家庄市 藁城区 增村镇 高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("1. 河北省石家庄市藁城区增村镇 高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("2、河北省石家庄市藁城区增村镇 高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("（3）河北省石家庄市藁城区增村镇 高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("１．河北省石家庄市藁城区增村镇 高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("1\t河北省\t石家庄市藁城区\t增村镇\t高风险", [(1, "河北省石家庄市藁城区增村镇", H)]),
        ("河北省石家庄市藁城区增村镇\t中风险\t2026-01-10", [(1, "河北省石家庄市藁城区增村镇", M)]),
        (
            "高风险地区（2个）：\n1.河北省石家庄市藁城区增村镇\n2.黑龙江省绥化市望奎县",
            [(2, "河北省石家庄市藁城区增村镇", H), (3, "黑龙江省绥化市望奎县", H)],
        ),
        (
            "一、高风险地区\n河北省石家庄市藁城区增村镇\n二、中风险地区\n北京市朝阳区将台乡",
            [(2, "河北省石家庄市藁城区增村镇", H), (4, "北京市朝阳区将台乡", M)],
        ),
        (
            "中风险地区：北京市朝阳区将台乡、上海市浦东新区；天津市河西区",
            [(1, "北京市朝阳区将台乡", M), (1, "上海市浦东新区", M), (1, "天津市河西区", M)],
        ),
        (
            "高风险地区：\n河北省石家庄市藁城区增村镇小果庄村、刘家佐村",
            [
                (2, "河北省石家庄市藁城区增村镇小果庄村", H),
                (2, "河北省石家庄市藁城区增村镇刘家佐村", H),
            ],
        ),
        (
            "北京市朝阳区将台乡、酒仙桥街道 中风险",
            [(1, "北京市朝阳区将台乡", M), (1, "北京市朝阳区酒仙桥街道", M)],
        ),
        (
            "上海市浦东新区幸福小区、阳光小区（中风险）",
            [(1, "上海市浦东新区幸福小区", M), (1, "上海市浦东新区阳光小区", M)],
        ),
        ("山西省大同市城区 高风险", [(1, "山西省大同市城区", H)]),
        # a heading's level holds until the next heading; a line's own level wins
        (
            "高风险地区：\n河北省石家庄市藁城区增村镇\n北京市朝阳区将台乡（中风险）",
            [(2, "河北省石家庄市藁城区增村镇", H), (3, "北京市朝阳区将台乡", M)],
        ),
    ],
)
def test_announcement_lines_are_read_into_places_and_levels(text, expected):
    assert read(text) == expected


def test_prose_and_titles_are_set_aside_without_blocking():
    parsed = parse(
        "关于调整中高风险地区的公告\n"
        "根据国务院联防联控机制要求，现将有关情况公告如下。\n"
        "河北省石家庄市藁城区增村镇 高风险\n"
        "（截至1月15日24时）\n"
    )

    assert [(e.line, e.place) for e in parsed.entries] == [(3, "河北省石家庄市藁城区增村镇")]
    assert parsed.problems == ()
    assert [n.line for n in parsed.ignored] == [1, 2, 4]


def test_a_place_without_a_level_is_a_problem_naming_its_line():
    parsed = parse("河北省石家庄市藁城区增村镇 高风险\n北京市朝阳区将台乡\n")

    assert [(p.line, p.text) for p in parsed.problems] == [(2, "北京市朝阳区将台乡")]
    assert "高风险" in parsed.problems[0].message


def test_low_risk_places_are_ignored_with_the_reason():
    parsed = parse("低风险地区：\n湖北省武汉市江汉区\n北京市朝阳区 低风险")

    assert parsed.entries == ()
    assert parsed.problems == ()
    assert [n.line for n in parsed.ignored] == [2, 3]
    assert all("Low-risk" in n.message for n in parsed.ignored)


def test_empty_text_gives_nothing():
    assert parse("") == parse("\n\n  \n")
    assert parse("").entries == ()


def test_an_overlong_place_is_a_problem():
    parsed = parse("河北省" + "很长" * 60 + "村 高风险")

    assert parsed.entries == ()
    assert len(parsed.problems) == 1


# --- properties ------------------------------------------------------------------------------

PROVINCES = st.sampled_from(["河北省", "湖北省", "黑龙江省", "广西壮族自治区", "北京市"])
CITIES = st.sampled_from(["石家庄市", "武汉市", "绥化市", "", "恩施土家族苗族自治州"])
COUNTIES = st.sampled_from(["藁城区", "江汉区", "望奎县", "朝阳区", "城区"])
SUBS = st.sampled_from(["", "增村镇", "民族街道", "将台乡", "幸福小区", "小果庄村", "中山路社区"])
PLACES = st.builds(lambda p, c, k, s: p + c + k + s, PROVINCES, CITIES, COUNTIES, SUBS)
LEVELS = st.sampled_from([Level.HIGH, Level.MEDIUM])
WORDS = {Level.HIGH: ["高风险", "高风险地区", "高"], Level.MEDIUM: ["中风险", "中风险地区", "中"]}


@st.composite
def written_lines(draw):
    """A well-formed line as announcements write it, and the place and level it names."""
    place, level = draw(PLACES), draw(LEVELS)
    word = draw(st.sampled_from(WORDS[level]))
    shape = draw(st.integers(0, 4))
    number = draw(st.sampled_from(["", "1. ", "12、", "（3）", "二、"]))
    if shape == 0:
        line = f"{place} {word}"
    elif shape == 1:
        line = f"{place}（{word if word != '高' and word != '中' else word + '风险'}）"
    elif shape == 2:
        line = f"{place}\t{word}"
    elif shape == 3:
        line = f"{place}：{word}"
    else:
        line = f"{place}\u3000{word}"
    return number + line, place, level


@given(written_lines())
def test_any_well_formed_line_parses_back_to_its_place_and_level(case):
    line, place, level = case

    assert read(line) == [(1, place, level)]


@given(st.lists(st.tuples(PLACES, LEVELS), min_size=1, max_size=8))
def test_lines_written_by_render_line_read_back_in_order(rows):
    text = "\n".join(render_line(place, level) for place, level in rows)

    assert read(text) == [(i, place, level) for i, (place, level) in enumerate(rows, start=1)]


@given(st.text(max_size=200))
def test_any_text_is_read_without_error_and_every_entry_has_a_level(text):
    parsed = parse(text)

    for entry in parsed.entries:
        assert entry.level in (Level.HIGH, Level.MEDIUM)
        assert entry.place
        assert entry.line >= 1
