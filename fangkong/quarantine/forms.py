"""Forms of the quarantine pages. Shape only: the rules are in `actions` (and `release`), whose
`DomainError`s are put back on the form (`add_domain_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import add_domain_errors as add_domain_errors
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.roles import roles_with
from fangkong.core.spreadsheets import SPREADSHEET_SUFFIXES
from fangkong.core.textfields import TextForm
from fangkong.quarantine.capabilities import QuarantineCapability

from .models import (
    CaseKind,
    CaseReason,
    CaseStatus,
    IndexCaseKind,
    Room,
    SignRole,
    TestItemResult,
)
from .occupancy import rooms_with_beds

#: the length of an extension a form accepts (a sanity bound, not policy)
MAX_EXTENSION_DAYS = 60

OPEN = "open"
ALL = "all"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseFilterForm(TextForm):
    """The filters of the case list; the list shows open cases when nothing is chosen."""

    FLAG_OVERDUE = "overdue"
    FLAG_READY = "ready"
    FLAG_POSITIVE = "positive"

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name of the person"), "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Open cases")), *CaseStatus.choices, (ALL, _("All cases"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *CaseKind.choices]
    )
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", _("Any reason")), *CaseReason.choices]
    )
    grid = forms.ModelChoiceField(
        label=_("Grid"), required=False, queryset=Grid.objects.none(), empty_label=_("Any grid")
    )
    flag = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Every case")),
            (FLAG_OVERDUE, _("Tests overdue")),
            (FLAG_READY, _("Ready for release review")),
            (FLAG_POSITIVE, _("Positive result")),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.visible_to(user).select_related(  # type: ignore[attr-defined]
            "community"
        )


def signer_roles(capability: str) -> list[str]:
    return roles_with(capability)


def responsible_choices(kind: str, grid: Grid) -> QuerySet[User]:
    """Active staff of the grid's community (not bound to another grid) who may sign as the
    cadre ('cadre') or the medical worker ('medic')."""
    capability = (
        QuarantineCapability.SIGN_AS_CADRE
        if kind == "cadre"
        else QuarantineCapability.SIGN_AS_MEDIC
    )
    return User.objects.filter(
        Q(grid__isnull=True) | Q(grid_id=grid.pk),
        is_active=True,
        role__in=signer_roles(capability),
        community_id=grid.community_id,
    ).order_by("role", "display_name", "username")


def rooms_of(township_id: int) -> QuerySet[Room]:
    """The rooms of the township's sites, with the beds taken in each."""
    return rooms_with_beds(
        Room.objects.filter(site__township_id=township_id).select_related("site")
    ).order_by("site__name", "sort_key", "id")


# The stubs make ModelChoiceField generic; Django's own class takes no subscript at run time.
class RoomChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A room shown with its beds taken, e.g. "江汉宾馆 801 (1/2)", or "(2/2, full)"."""

    default_error_messages = {
        "invalid_choice": _(
            "Choose one of the rooms of this township's quarantine sites from the list."
        ),
    }

    def label_from_instance(self, obj: Any) -> str:
        occupied = getattr(obj, "occupied", None)
        if occupied is None:
            return str(obj)
        if occupied >= obj.capacity:
            return str(
                _("%(room)s (%(n)d/%(cap)d, full)")
                % {"room": obj, "n": occupied, "cap": obj.capacity}
            )
        return f"{obj} ({occupied}/{obj.capacity})"


class ReasonForm(TextForm):
    reason = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )


class StartForm(ReasonForm):
    field_order = ["room", "reason"]
    room = RoomChoiceField(
        label=_("Room"),
        required=False,
        queryset=Room.objects.none(),
        help_text=_("Centralised quarantine: the room where the person stays."),
    )

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms_of(township_id)  # type: ignore[attr-defined]


class RoomForm(ReasonForm):
    field_order = ["room", "reason"]
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none())

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms_of(township_id)  # type: ignore[attr-defined]


class ResponsibleForm(TextForm):
    """Who 包保 the case, and why it changes (the reason is kept in the case's history)."""

    cadre = forms.ModelChoiceField(
        label=_("Responsible cadre"), required=False, queryset=User.objects.none()
    )
    medic = forms.ModelChoiceField(
        label=_("Responsible medical worker"), required=False, queryset=User.objects.none()
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        error_messages={"required": _("Say why the responsible staff change.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the cadre is ill; 王五 takes over")}),
    )

    def __init__(self, *args: Any, grid: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = responsible_choices("cadre", grid)  # type: ignore[attr-defined]
        self.fields["medic"].queryset = responsible_choices("medic", grid)  # type: ignore[attr-defined]


class ExtendForm(TextForm):
    days = forms.IntegerField(
        label=_("Extend by (days)"), min_value=1, max_value=MAX_EXTENSION_DAYS, initial=7
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Say why the quarantine is extended.")},
    )


class SignForm(TextForm):
    role = forms.ChoiceField(choices=SignRole.choices)


class ReferForm(TextForm):
    hospital = forms.CharField(
        label=_("Hospital"),
        max_length=100,
        error_messages={"required": _("Name the hospital the person was taken to.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Say why the person was referred to hospital.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. fever 38.5 °C, collected by 120")}),
    )


class NoteForm(TextForm):
    text = forms.CharField(
        label=_("Counselling note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note.")},
    )


class TestResultForm(TextForm):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("", "---------"), *TestItemResult.choices],
        error_messages={"required": _("Choose the result.")},
    )
    sampled_on = forms.DateField(label=_("Sampled on"), widget=_date_widget())
    lab = forms.CharField(label=_("Laboratory"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sampled_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class IndexCaseForm(TextForm):
    name = forms.CharField(label=_("Name or case number"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndexCaseKind.choices)
    reported_on = forms.DateField(label=_("Reported on"), widget=_date_widget())
    community = forms.ModelChoiceField(
        label=_("Community"), required=False, queryset=Community.objects.none()
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.visible_to(user)  # type: ignore[attr-defined]


class CloseContactForm(TextForm):
    """The quarantine of a close contact; the person is chosen from the search results (the
    `resident` radio buttons of the page, read by the view)."""

    start_date = forms.DateField(label=_("Quarantine from"), widget=_date_widget())
    room = RoomChoiceField(
        label=_("Room"),
        required=False,
        queryset=Room.objects.none(),
        help_text=_("May be chosen later, when the person arrives at the site."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, township: Township, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms_of(township.pk)  # type: ignore[attr-defined]


class SiteForm(TextForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    phone = forms.CharField(
        label=_("Duty phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class RoomCreateForm(TextForm):
    number = forms.CharField(label=_("Room"), max_length=20)
    capacity = forms.IntegerField(label=_("Beds"), min_value=1, max_value=50, initial=1)


class LabUploadForm(TextForm):
    file = forms.FileField(
        label=_("Lab results (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty. Fill in the template and upload it again."),
        },
    )


class LabConfirmForm(TextForm):
    skip_unmatched = forms.BooleanField(
        label=_("Apply the matched rows and skip the rows that do not match"), required=False
    )
