from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.spreadsheets import SPREADSHEET_SUFFIXES
from fangkong.core.textfields import TextForm


class OpenRoundForm(TextForm):
    place = forms.ChoiceField(label=_("Who is tested"), choices=())
    name = forms.CharField(label=_("Name of the round"), max_length=100)

    def __init__(
        self, *args: Any, choices: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        place = self.fields["place"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = choices


class ReopenForm(TextForm):
    reason = forms.CharField(
        label=_("Why is sampling reopened?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TubeForm(TextForm):
    tube = forms.CharField(
        label=_("Tube number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}
        ),
    )
    single = forms.BooleanField(label=_("Single-person tube (retest)"), required=False)


class PersonForm(TextForm):
    tube = forms.CharField(max_length=40, widget=forms.HiddenInput)
    single = forms.BooleanField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Scan the pass"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    q = forms.CharField(
        label=_("or search: name, pinyin initials, phone, address or the last 4 of the ID"),
        required=False,
        max_length=50,
    )
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ResultUploadForm(TextForm):
    file = forms.FileField(
        label=_("Lab results (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty. Fill in the template and upload it again."),
        },
    )
