"""Filters that write a policy's measures and levels in words."""

from __future__ import annotations

from django import template

from fangkong.policy.display import LEVEL_LABELS, measure_text
from fangkong.policy.rules import Measure

register = template.Library()


@register.filter
def measure(value: Measure) -> str:
    """A `rules.Measure` in words: "Centralised quarantine, 14 days, tests on days 1, 7, 14"."""
    return measure_text(value.kind, value.days, value.test_days)


@register.filter
def level_label(value: str | None) -> str:
    return str(LEVEL_LABELS.get(value or "", "")) if value else ""
