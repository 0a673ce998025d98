"""Forms of the jurisdiction, staff and audit pages. Shape only: the rules are in `actions`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .actions import assignable_roles, assignees
from .errors import DomainError
from .models import AuditAction, AuditEntry, Community, Grid, Township, User
from .roles import Role
from .textfields import TextForm


def add_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Show an action's refusal on the form: on its field when the form has it, else on top."""
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class NameForm(TextForm):
    name = forms.CharField(label=_("Name"), max_length=50)


class AssignmentForm(TextForm):
    """The assigned cadre and medical worker (包楼/包户) of a place in `grid`."""

    cadre = forms.ModelChoiceField(
        label=_("Assigned cadre"), queryset=User.objects.none(), required=False
    )
    medic = forms.ModelChoiceField(
        label=_("Assigned medical worker"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, grid: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = assignees("cadre", grid)  # type: ignore[attr-defined]
        self.fields["medic"].queryset = assignees("medic", grid)  # type: ignore[attr-defined]


class StaffForm(TextForm):
    """Create or edit a staff account. The jurisdiction fields offered are those inside the
    manager's own; `actions._binding` decides which of them the role needs."""

    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(
        label=_("Work phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=())
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        help_text=_("Needed for every role below township administrator."),
    )
    grid = forms.ModelChoiceField(
        label=_("Grid"),
        queryset=Grid.objects.none(),
        required=False,
        help_text=_(
            "Needed for a grid worker; a medical worker, guard or volunteer may be narrowed "
            "to one grid."
        ),
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits; give it to the person in private."),
    )

    def __init__(self, *args: Any, by: User, staff: User | None = None, **kwargs: Any) -> None:
        if staff is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "username": staff.username,
                "display_name": staff.display_name,
                "phone": staff.phone,
                "role": staff.role,
                "township": staff.township_id,
                "community": staff.community_id,
                "grid": staff.grid_id,
            }
        super().__init__(*args, **kwargs)
        roles = assignable_roles(by)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((v, label) for v, label in Role.choices if v in roles),
        ]
        self.fields["community"].queryset = Community.objects.visible_to(by)  # type: ignore[attr-defined]
        self.fields["grid"].queryset = Grid.objects.visible_to(by).select_related("community")  # type: ignore[attr-defined]
        if by.is_superuser:
            self.fields["township"].queryset = Township.objects.all()  # type: ignore[attr-defined]
        else:
            del self.fields["township"]
        if staff is not None:
            del self.fields["password"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {
            key: data[key]
            for key in ("username", "display_name", "phone", "role", "community", "grid")
        }
        out["township"] = data.get("township")
        if "password" in data:
            out["password"] = data["password"]
        return out


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password, again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ; type them again."))
        return data


class DeactivateForm(TextForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Say why the account is deactivated.")},
    )


class StaffFilterForm(TextForm):
    q = forms.CharField(label=_("Name or username"), max_length=50, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "---------"), *Role.choices], required=False
    )
    inactive = forms.BooleanField(label=_("Show deactivated accounts"), required=False)

    def apply(self, qs: QuerySet[User]) -> QuerySet[User]:
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(username__icontains=data["q"]) | Q(display_name__icontains=data["q"]))
        if data["role"]:
            qs = qs.filter(role=data["role"])
        if not data["inactive"]:
            qs = qs.filter(is_active=True)
        return qs


def record_type_choices() -> list[tuple[str, str]]:
    """The kinds of records the audit log may name: every model of Fangkong's own apps."""
    return [
        (m._meta.label_lower, capfirst(str(m._meta.verbose_name)))
        for m in apps.get_models()
        if m.__module__.startswith("fangkong.") and m is not AuditEntry
    ]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(TextForm):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", "---------"), *AuditAction.choices], required=False
    )
    target_type = forms.ChoiceField(label=_("Record type"), choices=(), required=False)
    actor = forms.ModelChoiceField(label=_("By"), queryset=User.objects.none(), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [("", "---------"), *record_type_choices()]  # type: ignore[attr-defined]
        self.fields["actor"].queryset = User.objects.visible_to(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def apply(self, qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["target_type"]:
            qs = qs.filter(target_type=data["target_type"])
        if data["actor"]:
            qs = qs.filter(actor=data["actor"])
        if data["since"]:
            qs = qs.filter(at__gte=_start_of(data["since"]))
        if data["until"]:
            qs = qs.filter(at__lt=_start_of(data["until"] + dt.timedelta(days=1)))
        return qs
