"""Place names resolve to division codes offline, and nothing is guessed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.divisions import UnresolvedPlace, describe, known, resolve
from fangkong.policy.places import Precision


@pytest.mark.parametrize(
    ("text", "code", "name", "sub_name"),
    [
        ("湖北省武汉市江汉区民族街道", "420103", "湖北省武汉市江汉区", "民族街道"),
        ("河北省石家庄市藁城区增村镇", "130109", "河北省石家庄市藁城区", "增村镇"),
        ("河北省 石家庄市 藁城区 增村镇", "130109", "河北省石家庄市藁城区", "增村镇"),
        ("北京市朝阳区", "110105", "北京市朝阳区", ""),
        ("北京朝阳区将台乡", "110105", "北京市朝阳区", "将台乡"),
        ("上海市浦东新区", "310115", "上海市浦东新区", ""),
        ("重庆市酉阳土家族苗族自治县", "500242", "重庆市酉阳土家族苗族自治县", ""),
        # a short province name that is also the start of a prefecture's name
        ("吉林市船营区", "220204", "吉林省吉林市船营区", ""),
        ("湖北武汉江汉", "420103", "湖北省武汉市江汉区", ""),
        ("江汉区民族街道", "420103", "湖北省武汉市江汉区", "民族街道"),
        # a prefecture without counties stands in for one
        ("广东省东莞市虎门镇", "441900", "广东省东莞市", "虎门镇"),
        ("湖北省仙桃市", "429004", "湖北省仙桃市", ""),
        ("恩施州利川市", "422802", "湖北省恩施土家族苗族自治州利川市", ""),
        ("新疆乌鲁木齐市天山区", "650102", "新疆维吾尔自治区乌鲁木齐市天山区", ""),
        ("石家庄市新华区", "130105", "河北省石家庄市新华区", ""),
        ("湖北省", "42", "湖北省", ""),
        ("武汉市", "4201", "湖北省武汉市", ""),
    ],
)
def test_place_names_resolve_to_their_division(text, code, name, sub_name):
    place = resolve(text)
    assert (place.code, place.name, place.sub_name) == (code, name, sub_name)


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("湖北省", Precision.PROVINCE),
        ("武汉市", Precision.PREFECTURE),
        ("武汉市江汉区", Precision.COUNTY),
        ("武汉市江汉区民族街道", Precision.EXACT),
    ],
)
def test_precision_follows_how_far_down_the_name_goes(text, precision):
    assert resolve(text).precision is precision


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("火星", "火星"),
        ("湖北省火星镇", "火星镇"),
        # "江汉路" is a street, not 江汉区: a county's short name only ends a text
        ("武汉市江汉路步行街", "江汉路步行街"),
        ("新华区", "河北省石家庄市新华区"),
        ("朝阳区", "北京市朝阳区"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_unresolvable_names_are_refused_and_named(text, says):
    with pytest.raises(UnresolvedPlace) as exc:
        resolve(text)
    assert says in str(exc.value)
    assert exc.value.errors == {"place": [str(exc.value)]}


def test_describe_and_known_agree_with_the_dataset():
    assert describe("420103") == "湖北省武汉市江汉区"
    assert describe("4201") == "湖北省武汉市"
    assert known("420103") and known("441900") and known("42")
    assert not known("429999")


@given(st.text(alphabet="省市区县镇乡街道甲乙丙丁天地人和平安", max_size=12))
def test_resolving_never_guesses_a_place_the_text_does_not_name(text):
    try:
        place = resolve(text)
    except UnresolvedPlace:
        return
    # whatever resolved, its division names appear in order at the start of the text
    assert place.sub_name == "" or text.replace(" ", "").endswith(place.sub_name)
