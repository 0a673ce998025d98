"""Forms of the organisation pages. Shape only: the rules are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import User
from fangkong.core.textfields import TextForm

from .models import AssignmentKind, PostKind


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})" if obj.role else str(obj)


class PersonForm(TextForm):
    """A staff account, or a name and phone of someone without one."""

    user = StaffChoice(label=_("Staff member"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("Or a name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["user"].queryset = staff  # type: ignore[attr-defined]


class OrganisationForm(TextForm):
    name = forms.CharField(label=_("Name of the group"), max_length=100)
    office_location = forms.CharField(label=_("The office is in"), max_length=100)
    office_phone = forms.CharField(label=_("Office phone"), max_length=20, required=False)


class PostForm(PersonForm):
    kind = forms.ChoiceField(label=_("Post"), choices=PostKind.choices)
    title = forms.CharField(
        label=pgettext_lazy("post", "Title"), max_length=50, help_text=_("e.g. 书记, 民兵营长")
    )
    field_order = ["kind", "title", "user", "name", "phone"]


class GroupForm(TextForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    duties = forms.CharField(
        label=_("Duties"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class MemberForm(PersonForm):
    is_head = forms.BooleanField(label=_("Head of the group"), required=False)
    duty = forms.CharField(label=_("Duty"), max_length=50, required=False)


class BranchForm(PersonForm):
    branch_name = forms.CharField(label=_("Branch"), max_length=100, required=False)
    field_order = ["branch_name", "user", "name", "phone"]


class PartyMemberForm(TextForm):
    resident = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    duty = forms.CharField(label=_("Duty in the branch"), max_length=50, required=False)


class VolunteerForm(PersonForm):
    skills = forms.CharField(
        label=_("Skills"), max_length=200, required=False, help_text=_("e.g. 驾驶, 医护, 采样")
    )
    availability = forms.CharField(
        label=_("Availability"), max_length=200, required=False, help_text=_("e.g. 每天上午")
    )


class AssignmentForm(TextForm):
    kind = forms.ChoiceField(
        label=pgettext_lazy("assignment", "What"), choices=AssignmentKind.choices
    )
    place = forms.CharField(label=_("Where"), max_length=100)
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("assignment", "From"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("assignment", "Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
