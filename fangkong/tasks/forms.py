"""Forms of the task pages. Shape only: the rules are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import User
from fangkong.core.textfields import TextForm
from fangkong.organisation.models import WorkingGroup

from .models import Frequency, Priority, Status

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class _Assign(TextForm):
    title = forms.CharField(label=_("Task"), max_length=100)
    group = forms.ModelChoiceField(
        label=_("Working group"), queryset=WorkingGroup.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Or a person"), queryset=User.objects.none(), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, groups: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = staff  # type: ignore[attr-defined]


class TaskForm(_Assign):
    due_date = forms.DateField(
        label=pgettext_lazy("task", "Due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["title", "group", "assignee", "due_date", "priority", "description"]


class TemplateForm(_Assign):
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Frequency.choices)
    weekday = forms.TypedChoiceField(
        label=_("On (weekly)"),
        choices=[("", "—"), *WEEKDAYS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    month_day = forms.IntegerField(
        label=_("Day of the month (monthly)"), min_value=1, max_value=31, required=False
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = [
        "title",
        "group",
        "assignee",
        "frequency",
        "weekday",
        "month_day",
        "starts_on",
        "ends_on",
        "priority",
        "description",
    ]


class StatusForm(TextForm):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CommentForm(TextForm):
    text = forms.CharField(
        label=pgettext_lazy("task", "Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    file = forms.FileField(
        label=_("Photo or file (evidence)"),
        required=False,
        help_text=_("A photo, or a PDF, Word, Excel, text or CSV file, at most 10 MB."),
    )
    evidence = forms.BooleanField(label=_("This is evidence of the work"), required=False)
