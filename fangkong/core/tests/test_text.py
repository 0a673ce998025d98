"""Text that is not text (`core.text`): refused with a reason, never repaired; NFC; bounded.
And the plausible range of dates per field. Pure, plus the form base and the API types."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

from fangkong.core.text import (
    ARRIVAL_DATE,
    BIDI,
    BIRTH_DATE,
    RISK_AREA_DATE,
    ZERO_WIDTH,
    DateProblem,
    Problem,
    TextRefused,
    clean_text,
)
from fangkong.core.textfields import Line, Text, TextForm, check_date, text_message

FORBIDDEN_IN_A_LINE = {chr(c) for c in range(0x20)} | {"\x7f"} | BIDI | ZERO_WIDTH


def forbidden(text: str, *, multiline: bool) -> bool:
    allowed = {"\n", "\t"} if multiline else set()
    return any(
        (c in FORBIDDEN_IN_A_LINE or unicodedata.category(c) == "Cc") and c not in allowed
        for c in text
    )


@pytest.mark.parametrize(
    ("value", "multiline", "code"),
    [
        ("张\x00三", False, Problem.NUL),
        ("张\x00三", True, Problem.NUL),
        ("张\u202e三", False, Problem.BIDI),
        ("abc\u2066def\u2069", True, Problem.BIDI),
        ("\u200f张三", False, Problem.BIDI),
        ("\u061c张三", False, Problem.BIDI),
        ("张\u200b三", False, Problem.ZERO_WIDTH),
        ("\ufeff张三", False, Problem.ZERO_WIDTH),
        ("张\u2060三", True, Problem.ZERO_WIDTH),
        ("张\n三", False, Problem.CONTROL),
        ("张\t三", False, Problem.CONTROL),
        ("张\x1b[31m三", True, Problem.CONTROL),
        ("张\x7f", True, Problem.CONTROL),
        ("张\x85三", True, Problem.CONTROL),
        ("a\rb", True, Problem.CONTROL),
        ("x" * 201, False, Problem.TOO_LONG),
    ],
)
def test_text_that_is_not_text_is_refused_with_its_reason(value, multiline, code):
    with pytest.raises(TextRefused) as refused:
        clean_text(value, multiline=multiline)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("value", "multiline", "cleaned"),
    [
        ("张三丰", False, "张三丰"),
        ("Zoe\u0301", False, "Zoé"),  # NFC
        ("第一行\r\n第二行\t备注", True, "第一行\n第二行\t备注"),
        ("  spaces kept  ", False, "  spaces kept  "),
        ("", False, ""),
    ],
)
def test_text_is_normalised_to_nfc_and_otherwise_kept(value, multiline, cleaned):
    assert clean_text(value, multiline=multiline) == cleaned


def test_the_bound_is_the_fields_or_the_default():
    assert clean_text("x" * 50, max_length=50) == "x" * 50
    with pytest.raises(TextRefused) as refused:
        clean_text("x" * 51, max_length=50)
    assert refused.value.limit == 50
    assert len(clean_text("x" * 5000, multiline=True)) == 5000


@given(st.text(max_size=300), st.booleans())
def test_clean_text_never_returns_a_forbidden_character_and_is_idempotent(value, multiline):
    try:
        cleaned = clean_text(value, multiline=multiline, max_length=1000)
    except TextRefused:
        return
    assert not forbidden(cleaned, multiline=multiline)
    assert "\x00" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned, multiline=multiline, max_length=1000) == cleaned


@given(st.text(alphabet=st.sampled_from(sorted(BIDI | ZERO_WIDTH | {"\x00"})), min_size=1))
def test_any_invisible_character_is_refused_wherever_it_stands(bad):
    with pytest.raises(TextRefused):
        clean_text(f"张{bad}三", multiline=True)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (Problem.NUL, "姓名含有空字符（NUL），请删除后重新输入。"),
        (Problem.CONTROL, "姓名含有控制字符，请删除后重新输入。"),
        (Problem.BIDI, "姓名含有改变文字方向的不可见字符，请删除后重新输入。"),
        (Problem.ZERO_WIDTH, "姓名含有零宽度的不可见字符，请删除后重新输入。"),
        (Problem.TOO_LONG, "姓名过长：最多 50 个字符。"),
    ],
)
def test_each_refusal_has_a_chinese_message_naming_the_field(code, message):
    with translation.override("zh-hans"):
        assert text_message(TextRefused(code, limit=50), "姓名") == message


# ---- dates ----------------------------------------------------------------------------------

TODAY = dt.date(2026, 1, 20)


@pytest.mark.parametrize(
    ("bounds", "value", "problem"),
    [
        (BIRTH_DATE, dt.date(1850, 5, 1), DateProblem.TOO_EARLY),
        (BIRTH_DATE, dt.date(1889, 12, 31), DateProblem.TOO_EARLY),
        (BIRTH_DATE, dt.date(1890, 1, 1), None),
        (BIRTH_DATE, TODAY, None),
        (BIRTH_DATE, TODAY + dt.timedelta(days=1), DateProblem.TOO_LATE),
        (RISK_AREA_DATE, dt.date(2019, 11, 30), DateProblem.TOO_EARLY),
        (RISK_AREA_DATE, dt.date(2019, 12, 1), None),
        (RISK_AREA_DATE, TODAY + dt.timedelta(days=366), None),
        (RISK_AREA_DATE, TODAY + dt.timedelta(days=367), DateProblem.TOO_LATE),
        (ARRIVAL_DATE, dt.date(2019, 1, 1), DateProblem.TOO_EARLY),
        (ARRIVAL_DATE, dt.date(2030, 1, 1), DateProblem.TOO_LATE),
    ],
)
def test_dates_outside_their_fields_bounds_are_refused(bounds, value, problem):
    assert bounds.problem(value, TODAY) == problem


def test_date_messages_are_chinese_and_name_the_field():
    with translation.override("zh-hans"):
        early = check_date(dt.date(1850, 1, 1), BIRTH_DATE, "出生日期", today=TODAY)
        future = check_date(TODAY + dt.timedelta(days=1), BIRTH_DATE, "出生日期", today=TODAY)
        late = check_date(dt.date(2030, 1, 1), RISK_AREA_DATE, "起始日期", today=TODAY)
    assert early == "出生日期不能早于 1890-01-01，请核对日期。"
    assert future == "出生日期不能晚于今天，请核对日期。"
    assert late == "起始日期不能晚于 2027-01-21，请核对日期。"
    assert check_date(TODAY, BIRTH_DATE, "出生日期", today=TODAY) is None


# ---- the form base and the API types --------------------------------------------------------


class _Form(TextForm):
    name = forms.CharField(label="Name", max_length=50)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_form_refuses_invisible_characters_on_the_field_and_cleans_the_rest(english):
    form = _Form({"name": "张\u202e三", "notes": "a\r\nb", "password": "p\u200bw"})
    assert not form.is_valid()
    assert "Name contains an invisible character" in form.errors["name"][0]
    assert form.cleaned_data["notes"] == "a\nb"
    assert form.cleaned_data["password"] == "p\u200bw"  # a password is not text to show


def test_a_form_field_without_a_bound_gets_the_default_one(english):
    form = _Form({"name": "张三", "notes": "x" * 5001})
    assert not form.is_valid() and "at most 5000 characters" in form.errors["notes"][0]


class _Body(BaseModel):
    name: Line = Field(max_length=50)
    notes: Text = ""


def test_the_api_types_refuse_and_normalise(english):
    assert _Body(name="Zoe\u0301", notes="a\r\nb").model_dump() == {"name": "Zoé", "notes": "a\nb"}
    with pytest.raises(ValidationError) as refused:
        _Body(name="张\x00三")
    error = refused.value.errors()[0]
    assert (
        error["type"] == "text_refused" and "This text contains an empty character" in error["msg"]
    )
