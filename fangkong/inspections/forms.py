"""Forms of the inspection pages: they check shape; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.closure.actions import MAX_PHOTO_BYTES
from fangkong.core.models import Community, User
from fangkong.core.textfields import TextForm

from .actions import MAX_LINE, MAX_TEXT
from .models import Check, CheckResult, InspectorKind, MeritKind, SubjectKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_PHOTO = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
_PHOTO_HELP = _("JPEG, PNG, WebP or GIF, at most %(mb)d MB.") % {
    "mb": MAX_PHOTO_BYTES // (1024 * 1024)
}


class StartForm(TextForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    by = forms.ChoiceField(label=_("Inspected by"), choices=InspectorKind.choices)
    on = forms.DateField(label=_("Day of the inspection"), widget=DATE)
    inspectors = forms.CharField(
        label=_("Inspectors"), max_length=MAX_LINE, help_text=_("The names of the team.")
    )
    note = forms.CharField(
        label=_("Note"), max_length=MAX_TEXT, required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities  # type: ignore[attr-defined]
        if len(communities) == 1:
            field.initial = communities[0].pk
            field.widget = forms.HiddenInput()


class ChecksForm(forms.Form):
    """One result and note per item of the round."""

    def __init__(self, *args: Any, checks: list[Check], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            self.fields[f"result_{check.item}"] = forms.ChoiceField(
                label=check.label,
                choices=CheckResult.choices,
                initial=check.result,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{check.item}"] = forms.CharField(
                label=_("Note"), max_length=500, required=False, initial=check.note
            )

    def rows(self) -> list[tuple[Check, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"result_{c.item}"], self[f"note_{c.item}"]) for c in self.checks]


class FindingForm(TextForm):
    item = forms.ChoiceField(label=_("Item"), required=False)
    what = forms.CharField(
        label=_("What was found"), max_length=MAX_TEXT, widget=forms.Textarea({"rows": 3})
    )
    place = forms.CharField(label=_("Where"), max_length=MAX_LINE, required=False)
    owner = forms.ModelChoiceField(label=_("To be rectified by"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Rectify by"), widget=DATE)
    photo = forms.FileField(label=_("Photo"), required=False, widget=_PHOTO, help_text=_PHOTO_HELP)

    def __init__(
        self, *args: Any, checks: list[Check], owners: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", _("Something else")),
            *((c.item, c.label) for c in checks),
        ]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class RectifyForm(TextForm):
    evidence = forms.CharField(
        label=_("What was done"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    photo = forms.FileField(
        label=_("Photo of the result"), required=False, widget=_PHOTO, help_text=_PHOTO_HELP
    )


class VerifyForm(TextForm):
    accepted = forms.TypedChoiceField(
        label=_("At re-inspection"),
        choices=[
            ("1", _("The rectification holds: close the finding")),
            ("0", _("Not rectified: send it back")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What is still wrong"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    new_deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)


class MeritForm(TextForm):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MeritKind.choices)
    subject_kind = forms.ChoiceField(label=_("About"), choices=SubjectKind.choices)
    subject = forms.CharField(
        label=_("Who"),
        max_length=100,
        help_text=_("The organisation (e.g. a working group) or the person's name."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea({"rows": 3})
    )
    decision = forms.CharField(
        label=_("Decision"),
        max_length=MAX_TEXT,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("e.g. 通报表扬, 通报批评, 诫勉谈话."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)

    def __init__(
        self, *args: Any, communities: QuerySet[Community], township: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities  # type: ignore[attr-defined]
        field.required = not township
        if township:
            field.empty_label = _("The whole township")  # type: ignore[attr-defined]
