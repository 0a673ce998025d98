"""Forms of the closure pages: they check shape; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.models import Gate
from fangkong.core.models import Grid, User
from fangkong.core.textfields import TextForm

from . import checklist as rule
from .actions import MAX_PHOTO_BYTES, MAX_QUANTITY
from .board import EQUIPMENT_LABELS, RULE_LABELS
from .equipment import counted_from_stock
from .models import ChecklistKind, ItemState, LevelChoice

FOLLOW_COUNTY = "county"


class LevelForm(TextForm):
    level = forms.ChoiceField(
        label=_("Risk level of the community"),
        choices=[
            *[(c.value, c.label) for c in LevelChoice],
            (FOLLOW_COUNTY, _("Follow the county's level")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the level history, e.g. the notice or the case behind it."),
    )


class ItemForm(TextForm):
    """State, owner and note of an item, and its details by kind."""

    state = forms.ChoiceField(label=_("State"), choices=ItemState.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, kind: str, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        #: the equipment counts come from the stock when an app keeps it (closure/equipment.py)
        self.typed_counts = kind == ChecklistKind.EQUIPMENT and not counted_from_stock()
        if self.typed_counts:
            for key in rule.EQUIPMENT_KEYS:
                self.fields[key] = forms.IntegerField(
                    label=EQUIPMENT_LABELS[key], min_value=0, max_value=MAX_QUANTITY, initial=0
                )
        elif kind == ChecklistKind.RULES:
            for key in rule.RULE_SWITCHES:
                self.fields[key] = forms.BooleanField(label=RULE_LABELS[key], required=False)

    @staticmethod
    def initial_for(item: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"state": item.state, "owner": item.owner_id, "note": item.note}
        details = item.details or {}
        if item.kind == ChecklistKind.EQUIPMENT:
            data.update({k: rule.quantity(details, k) for k in rule.EQUIPMENT_KEYS})
        elif item.kind == ChecklistKind.RULES:
            data.update({k: details.get(k) is True for k in rule.RULE_SWITCHES})
        return data

    def details(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if self.typed_counts:
            return {k: d[k] for k in rule.EQUIPMENT_KEYS}
        if self.kind == ChecklistKind.RULES:
            return {k: bool(d[k]) for k in rule.RULE_SWITCHES}
        return None


class PhotoForm(TextForm):
    file = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("JPEG, PNG, WebP or GIF, at most %(mb)d MB.")
        % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class GateForm(TextForm):
    name = forms.CharField(label=_("Gate"), max_length=50, help_text=_("e.g. 南门"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class KeepOpenForm(TextForm):
    gate = forms.ModelChoiceField(label=_("The gate that stays open"), queryset=Gate.objects.none())
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Recorded on the gates sealed, e.g. 铁马封堵，贴封条."),
    )

    def __init__(self, *args: Any, gates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].queryset = gates  # type: ignore[attr-defined]


class MemberForm(TextForm):
    team = forms.ChoiceField(
        label=_("Team"),
        choices=[
            (ChecklistKind.TEAM.value, ChecklistKind.TEAM.label),
            (ChecklistKind.INSPECTION.value, ChecklistKind.INSPECTION.label),
        ],
    )
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Someone without an account"),
    )
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    duty = forms.CharField(
        label=_("Duty"), max_length=50, required=False, help_text=_("物业, 保安, 协警, 志愿者…")
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]


class CordonForm(TextForm):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    description = forms.CharField(
        label=_("Where"), max_length=200, help_text=_("e.g. 三组路口至河堤，警戒线两处")
    )

    def __init__(self, *args: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
