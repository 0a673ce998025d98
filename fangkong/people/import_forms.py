from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fangkong.core.spreadsheets import SPREADSHEET_SUFFIXES
from fangkong.core.textfields import TextForm


class UploadForm(TextForm):
    file = forms.FileField(
        label=_("Spreadsheet of residents (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty. Fill in the template and upload it again."),
        },
    )

    @property
    def max_megabytes(self) -> int:
        return int(settings.FANGKONG_MAX_UPLOAD_BYTES) // (1024 * 1024)


class ConfirmForm(TextForm):
    only_valid = forms.BooleanField(
        label=_("Import only the valid rows and skip the rows with errors"), required=False
    )
