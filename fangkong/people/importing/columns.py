"""The columns of the resident spreadsheet and the values it accepts.

`COLUMNS` is the template's layout: each column's header (Chinese by design: it is the format
people fill in), the other headers met in real files, whether it is required, and how to fill
it in. The `*_VALUES` tables are the accepted spellings of each choice; `choice_map` adds the
codes and labels. `header_key` and `match_columns` match a file's header row to the columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import DocumentType, Gender, Relation, ResidenceType, VulnerableTag
from .results import CheckResult


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool
    help: Promise
    example: str
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column(
        "community",
        "社区/村",
        ("社区", "村", "社区（村）", "村（社区）", "所属社区"),
        True,
        gettext_lazy("The community or village, exactly as named in Fangkong. Required."),
        "民族社区",
    ),
    Column(
        "grid",
        "网格/村民组",
        ("网格", "村民组", "组", "所属网格"),
        True,
        gettext_lazy("The grid, or the village group in a village, as named in Fangkong."),
        "第一网格",
    ),
    Column(
        "building",
        "楼栋",
        ("楼号", "栋", "楼"),
        False,
        gettext_lazy("The building as named in Fangkong, e.g. 1栋. Leave empty in a village."),
        "1栋",
        8,
    ),
    Column(
        "unit",
        "单元",
        ("单元号",),
        False,
        gettext_lazy("The unit of the building, e.g. 1单元, when the building has units."),
        "1单元",
        8,
    ),
    Column(
        "number",
        "房号/门牌号",
        ("房号", "门牌号", "户号", "门牌", "房间号"),
        True,
        gettext_lazy(
            "Room number, or house number in a village. A new number in a known building, "
            "unit or village group creates the household."
        ),
        "101",
        10,
    ),
    Column("name", "姓名", (), True, gettext_lazy("Full name. Required."), "张三丰", 10),
    Column(
        "doc_type",
        "证件类型",
        ("证件种类",),
        False,
        gettext_lazy(
            "One of the allowed values below; empty means a resident ID card when a number "
            "is given."
        ),
        "居民身份证",
    ),
    Column(
        "doc_number",
        "证件号码",
        ("身份证号", "身份证号码", "证件号", "公民身份号码"),
        True,
        gettext_lazy(
            "ID card: 18 characters (the last may be X) or the old 15 digits. Format the "
            "column as text so Excel keeps every digit. Empty only with a reason below."
        ),
        "420103198005170033",
        20,
    ),
    Column(
        "no_doc_reason",
        "无证件原因",
        ("无证原因",),
        False,
        gettext_lazy("Why the person has no document; required when the number is empty."),
        "",
    ),
    Column(
        "gender",
        "性别",
        (),
        False,
        gettext_lazy("男 or 女. Taken from the ID number when empty."),
        "男",
        6,
    ),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月日", "生日"),
        False,
        gettext_lazy("Like 1980-05-17. Taken from the ID number when empty."),
        "1980-05-17",
    ),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机", "手机号", "手机号码", "联系方式"),
        False,
        gettext_lazy("A mainland mobile number, or a landline with its area code."),
        "13800001234",
        14,
    ),
    Column(
        "relation",
        "与户主关系",
        ("关系", "与户主的关系"),
        False,
        gettext_lazy("One of the allowed values below; empty means the householder."),
        "户主",
        10,
    ),
    Column(
        "residence_type",
        "居住类型",
        ("人口类型", "户籍类型", "居住性质"),
        False,
        gettext_lazy("One of the allowed values below; empty means registered (户籍)."),
        "户籍",
        10,
    ),
    Column(
        "tags",
        "重点人群",
        ("重点人群类别", "人群类别", "特殊人群"),
        False,
        gettext_lazy("Any of the allowed values below, separated by 、 or a comma."),
        "",
        14,
    ),
    Column("party_member", "党员", ("是否党员",), False, gettext_lazy("是 or 否."), "否", 6),
    Column(
        "works_away",
        "在外务工",
        ("是否在外务工", "外出务工"),
        False,
        gettext_lazy("是 or 否."),
        "否",
        8,
    ),
    Column(
        "away_place", "务工地点", ("外出地点",), False, gettext_lazy("Where, if working away."), ""
    ),
    Column(
        "away_contact",
        "在外联系方式",
        ("外出联系方式",),
        False,
        gettext_lazy("A phone or other contact while away."),
        "",
        14,
    ),
    Column("notes", "备注", (), False, gettext_lazy("Anything else worth knowing."), "", 20),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
TEMPLATE_HEADERS = tuple(c.header for c in COLUMNS)

# The Chinese values of the template. The codes and the labels of the choices (in Chinese and
# English) are accepted too, see `choice_map`.
DOC_TYPE_VALUES = {
    DocumentType.ID_CARD: ("居民身份证", "身份证", "二代身份证", "大陆居民身份证"),
    DocumentType.PASSPORT: ("护照",),
    DocumentType.HK_MACAU_PERMIT: ("港澳居民来往内地通行证", "港澳通行证", "回乡证"),
    DocumentType.TAIWAN_PERMIT: ("台湾居民来往大陆通行证", "台胞证"),
    DocumentType.NONE: ("无证件", "无", "无证"),
}
GENDER_VALUES = {Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")}
RELATION_VALUES = {
    Relation.HEAD: ("户主", "本人"),
    Relation.SPOUSE: ("配偶", "妻子", "丈夫", "妻", "夫"),
    Relation.CHILD: ("子女", "儿子", "女儿", "子", "女", "长子", "长女", "次子", "次女"),
    Relation.PARENT: ("父母", "父亲", "母亲", "父", "母"),
    Relation.GRANDPARENT: (
        "祖父母",
        "外祖父母",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        "爷爷",
        "奶奶",
        "外公",
        "外婆",
    ),
    Relation.GRANDCHILD: ("孙子女", "外孙子女", "孙子", "孙女", "外孙", "外孙女"),
    Relation.SIBLING: ("兄弟姐妹", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Relation.CHILD_IN_LAW: ("儿媳/女婿", "儿媳", "女婿", "媳妇"),
    Relation.OTHER: ("其他", "其它", "亲属", "其他亲属"),
}
RESIDENCE_VALUES = {
    ResidenceType.REGISTERED: ("户籍", "户籍人口"),
    ResidenceType.PERMANENT: ("常住", "常住人口"),
    ResidenceType.FLOATING: ("流动", "流动人口"),
    ResidenceType.TENANT: ("租住", "租户", "租房"),
}
TAG_VALUES = {
    VulnerableTag.ELDERLY_ALONE: ("独居老人", "独居"),
    VulnerableTag.EMPTY_NEST: ("空巢老人", "空巢"),
    VulnerableTag.LEFT_BEHIND: ("留守老人", "留守"),
    VulnerableTag.DISABLED_CARE: ("失能", "失能老人", "失能人员"),
    VulnerableTag.CHRONIC: ("多种慢病", "慢病", "多种慢性病"),
    VulnerableTag.INFANT: ("婴幼儿",),
    VulnerableTag.PREGNANT: ("孕产妇", "孕妇", "产妇"),
    VulnerableTag.DISABILITY: ("残疾", "残疾人"),
}
YES = ("是", "y", "yes", "true", "1", "√", "有")
NO = ("否", "n", "no", "false", "0", "×", "无")

_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(][^)）]*[)）]$")


def normal(text: str) -> str:
    return "".join(text.split()).lower()


def choice_map(values: Mapping[Any, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling of a choice → its code: template values, codes, labels."""
    out: dict[str, str] = {}
    for choice, spellings in values.items():
        code = str(choice.value)
        names = [*spellings, code, str(choice.label)]
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names.append(str(choice.label))
        for name in names:
            out.setdefault(normal(name), code)
            out.setdefault(name, code)  # as typed: most cells need no normalising
    return out


def code_of(table: dict[str, str], text: str) -> str | None:
    found = table.get(text)
    return found if found is not None else table.get(normal(text))


def header_key(header: str) -> str:
    """The comparable form of a header cell: no spaces, '*', ':' or trailing '(…)' note."""
    return _HEADER_NOISE.sub("", header).replace("／", "/").lower()


HEADER_LOOKUP = {header_key(name): c.key for c in COLUMNS for name in (c.header, *c.aliases, c.key)}


def match_columns(headers: Sequence[str], result: CheckResult) -> dict[str, int]:
    """Column key → position; file-level problems for missing, doubled, unknown columns."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for pos, header in enumerate(headers):
        if not header:
            continue
        key = HEADER_LOOKUP.get(header_key(header))
        if key is None:
            unknown.append(header)
        elif key in positions:
            result.add(
                0,
                header,
                _("The column %(column)s appears twice. Keep one and upload again.")
                % {"column": COLUMN_BY_KEY[key].header},
            )
        else:
            positions[key] = pos
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        result.add(
            0,
            "",
            _(
                "Required columns are missing: %(columns)s. Use the headers of the "
                "template (download it from this page)."
            )
            % {"columns": "、".join(missing)},
        )
    if unknown:
        result.add(
            0,
            "",
            _("These columns are not recognised and were ignored: %(columns)s.")
            % {"columns": "、".join(unknown)},
            warning=True,
        )
    return positions
