"""A lint of the zh_Hans catalogue (issue 12 item 13): no Chinese sentence with English
punctuation, no message left in English, the short words that mean several things in this
product only with a context, the product's terms used alike; and the words the issue found
saying the wrong thing, each as it now reads."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, pgettext

import fangkong

CATALOGUE = Path(fangkong.__file__).parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"
CJK = "[\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1a\uff1b]"
#: ASCII punctuation touching a Chinese character: "此人正在隔离." "第 1, 7" "姓名:"
ENGLISH_PUNCTUATION = re.compile(rf"{CJK}[,;:?!]|[,;:?!]\s*{CJK}|{CJK}\.(?![\w.])")
#: msgstrs that are English on purpose: a language's own name, an acronym
ENGLISH_ON_PURPOSE = {"English", "API"}
#: Django's yesno filter takes "yes,no": an argument, not a sentence
ARGUMENTS = {"yes,no"}
#: short words that mean different things here (an open alert is 待处理, an open gate 开放;
#: a closed round 已结束采样, a closed alert 已办结; a lift is an elevator or lifting a
#: lockdown): never without a context
AMBIGUOUS = {"Open", "Closed", "Lift", "Sign"}
#: one word for one thing: (English in the msgid, the Chinese it needs, the Chinese it must
#: not use) — a retest is 复检 (复核 is a review); a disinfection is 消毒
GLOSSARY = [
    (re.compile(r"\bretests?\b", re.IGNORECASE), "复检", "复核"),
    (re.compile(r"\bdisinfections?\b", re.IGNORECASE), "消毒", "消杀"),
]


@dataclass
class Entry:
    line: int
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False

    def __str__(self) -> str:
        ctx = f"[{self.context}] " if self.context else ""
        return f"line {self.line}: {ctx}{self.msgid!r} → {self.msgstrs!r}"


def read_catalogue(text: str) -> list[Entry]:
    """The entries of a .po file (header and obsolete entries left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#~")]
        if not lines:
            continue
        first = next((i for i, ln in enumerate(text.splitlines()) if ln == lines[0]), 0)
        entry = Entry(line=first + 1)
        key = None
        parts: dict[str, list[str]] = {}
        for ln in lines:
            if ln.startswith("#,"):
                entry.fuzzy = "fuzzy" in ln
                continue
            if ln.startswith("#"):
                continue
            found = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", ln)
            if found:
                key = found.group(1)
                parts[key] = [ast.literal_eval(found.group(2))]
            elif ln.startswith('"') and key:
                parts[key].append(ast.literal_eval(ln))
        joined = {k: "".join(v) for k, v in parts.items()}
        if not joined.get("msgid"):
            continue  # the header
        entry.context = joined.get("msgctxt")
        entry.msgid = joined["msgid"]
        entry.plural = joined.get("msgid_plural")
        entry.msgstrs = [v for k, v in sorted(joined.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries


def problems(entries: list[Entry]) -> list[str]:
    found = []
    for e in entries:
        if e.fuzzy or not all(e.msgstrs):
            found.append(f"untranslated or fuzzy: {e}")
        for text in e.msgstrs:
            if e.msgid not in ARGUMENTS and ENGLISH_PUNCTUATION.search(
                re.sub(r"^\d+\. ", "", text)
            ):
                found.append(f"English punctuation in Chinese: {e}")
            if (
                text not in ENGLISH_ON_PURPOSE
                and not re.search(CJK, text)
                and re.search(r"[A-Za-z]{2,}", re.sub(r"%\(\w+\)[sd]", "", text))
            ):
                found.append(f"left in English: {e}")
            if re.search(r"\d, \d", re.sub(r"\[[^\]]*\]", "", text)):  # [1, 7] is JSON
                found.append(f"a list of numbers with an English comma: {e}")
        if e.msgid in AMBIGUOUS and e.context is None:
            found.append(f"ambiguous short word without a context: {e}")
        for english, wanted, wrong in GLOSSARY:
            if english.search(e.msgid) and any(wrong in t for t in e.msgstrs):
                found.append(f"{wrong} where the product says {wanted}: {e}")
    return found


def test_the_lint_finds_what_it_looks_for() -> None:
    bad = read_catalogue(
        'msgid ""\nmsgstr ""\n\n'
        'msgid "Stop."\nmsgstr "此人正在隔离."\n\n'
        'msgid "Days %(d)s"\nmsgstr "第 1, 7, 14 天"\n\n'
        'msgid "Open"\nmsgstr "待处理"\n\n'
        'msgid "Retest needed"\nmsgstr "需复核"\n\n'
        'msgid "Save the draft"\nmsgstr "Save the draft"\n\n'
        '#, fuzzy\nmsgid "Sealed"\nmsgstr "已封闭"\n'
    )
    assert len(bad) == 6
    assert len(problems(bad)) == 6
    good = read_catalogue(
        'msgctxt "gate state"\nmsgid "Open"\nmsgstr "开放"\n\n'
        'msgid "1. The tube"\nmsgstr "1. 试管"\n\n'
        'msgid "Days %(d)s"\nmsgstr "第 %(d)s 天"\n\n'
        'msgid "API"\nmsgstr "API"\n\n'
        'msgid "Download .xlsx"\nmsgstr "下载 .xlsx"\n'
    )
    assert problems(good) == []


def test_the_catalogue_has_no_slip_the_lint_knows() -> None:
    entries = read_catalogue(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 2000
    assert problems(entries) == []


@pytest.mark.parametrize(
    ("context", "msgid", "reads", "not_"),
    [
        ("gate state", "Open", "开放", "待处理"),
        ("community not under closed management", "Open", "未封闭管理", "待处理"),
        ("alert status", "Open", "待处理", None),
        ("round status", "Closed", "已结束采样", "已办结"),
        ("management or inspection team", "Add a member", "添加队员", "家庭成员"),
        (None, "Handled", "已处理", "处理时间"),
        (None, "Person", "人员", "个人信息"),
        (None, "This person is in quarantine and may not pass the gate.", "不得进出", "外出"),
        ("separator of a list of values", ", ", "、", None),
    ],
)
def test_the_words_the_issue_found_now_say_the_right_thing(context, msgid, reads, not_) -> None:
    with translation.override("zh-hans"):
        text = pgettext(context, msgid) if context else gettext(msgid)
    assert reads in text
    assert not_ is None or not_ not in text


def test_the_two_lockdown_tabs_differ() -> None:
    with translation.override("zh-hans"):
        nav = render_to_string("lockdown/_nav.html", {"caps": {"manage_lockdowns"}})
    tabs = re.findall(r"<a[^>]*>([^<]+)</a>", nav)
    assert len(tabs) == len(set(tabs)) and "新增封控" in tabs, tabs


def test_the_test_days_are_listed_the_chinese_way() -> None:
    from fangkong.policy.display import measure_text

    with translation.override("zh-hans"):
        text = measure_text("home_quarantine", 14, [1, 7, 14])
    assert "第 1、7、14 天" in text and "1, 7" not in text


def test_the_notice_ends_its_list_of_dates_without_an_english_full_stop() -> None:
    notice = Path(fangkong.__file__).parent / "quarantine/templates/quarantine/notice.html"
    assert "{% endfor %}.</li>" not in notice.read_text(encoding="utf-8")


def test_an_empty_select_says_choose_not_dashes(world) -> None:
    from fangkong.core.models import Grid
    from fangkong.core.textfields import TextForm

    class Chooser(TextForm):
        grid = forms.ModelChoiceField(queryset=Grid.objects.all(), required=False)
        kind = forms.ChoiceField(choices=(), required=False)

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.fields["kind"].choices = [("", "---------"), ("a", "A")]  # type: ignore[attr-defined]

    with translation.override("zh-hans"):
        html = str(Chooser().as_div())
    assert "---------" not in html and html.count("请选择") == 2
