"""`core.text`'s rules where text comes in: the messages naming the field, the base class of
every form (`TextForm`: every text field of it cleaned), the API's text types (`Line`, `Text`:
pydantic strings cleaned after validation) and the date checks with their messages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from .text import (
    DateBounds,
    DateProblem,
    Problem,
    TextRefused,
    clean_text,
)


def text_message(exc: TextRefused, field: str) -> str:
    """The Chinese (translated) sentence for a refused text of the field labelled `field`."""
    messages = {
        Problem.NUL: _(
            "%(field)s contains an empty character (NUL); type the text again without it."
        ),
        Problem.CONTROL: _(
            "%(field)s contains a control character; type the text again without it."
        ),
        Problem.BIDI: _(
            "%(field)s contains an invisible character that changes the writing direction; "
            "type the text again without it."
        ),
        Problem.ZERO_WIDTH: _(
            "%(field)s contains an invisible zero-width character; type the text again without it."
        ),
        Problem.TOO_LONG: _("%(field)s is too long: at most %(limit)d characters."),
    }
    return messages[exc.code] % {"field": field, "limit": exc.limit}


def date_message(problem: DateProblem, bounds: DateBounds, field: str, today: dt.date) -> str:
    if problem == DateProblem.TOO_EARLY:
        return _("%(field)s cannot be before %(date)s; check the date.") % {
            "field": field,
            "date": formats.date_format(bounds.earliest, "Y-m-d"),
        }
    if bounds.days_ahead == 0:
        return _("%(field)s cannot be in the future; check the date.") % {"field": field}
    return _("%(field)s cannot be later than %(date)s; check the date.") % {
        "field": field,
        "date": formats.date_format(bounds.latest(today), "Y-m-d"),
    }


def check_date(
    value: dt.date | None, bounds: DateBounds, field: str, *, today: dt.date
) -> str | None:
    """The message refusing `value` for the field labelled `field`, or None when it is fine."""
    if value is None:
        return None
    problem = bounds.problem(value, today)
    return None if problem is None else date_message(problem, bounds, field, today)


# ---- forms ----------------------------------------------------------------------------------


def _label(field: forms.Field, name: str) -> str:
    return str(field.label) if field.label else name


#: the empty choice Django shows in a select ("---------"): no word to a user
DJANGO_EMPTY_CHOICE = "---------"


def name_the_empty_choice(field: forms.Field) -> None:
    """Give a select's empty choice a word ("请选择") instead of Django's dashes."""
    word = pgettext("the empty choice of a select", "(choose)")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_CHOICE:
            field.empty_label = word
    elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
        choices = list(field.choices)
        if any(value == "" and label == DJANGO_EMPTY_CHOICE for value, label in choices):
            field.choices = [
                (value, word if value == "" and label == DJANGO_EMPTY_CHOICE else label)
                for value, label in choices
            ]


class TextForm(forms.Form):
    """A form whose text fields are cleaned by `clean_text` after their own cleaning: a
    Textarea is multi-line, a password is left alone, and a field without `max_length` gets
    the default bound. A refused text is an error on its field naming it. A select's empty
    choice is shown with a word, not Django's dashes."""

    def __getitem__(self, name: str) -> forms.BoundField:
        # when the field is rendered: choices may be set after __init__ (by the form itself)
        name_the_empty_choice(self.fields[name])
        return super().__getitem__(name)

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            if isinstance(field.widget, forms.PasswordInput):
                continue
            try:
                self.cleaned_data[name] = clean_text(
                    value,
                    multiline=isinstance(field.widget, forms.Textarea),
                    max_length=field.max_length,
                )
            except TextRefused as exc:
                self.add_error(name, text_message(exc, _label(field, name)))


# ---- API ------------------------------------------------------------------------------------


def _api_text(multiline: bool) -> Any:
    """The check of an API string; the schema's `Field(max_length=...)` bounds it first."""

    def check(value: str, info: ValidationInfo) -> str:
        try:
            return clean_text(value, multiline=multiline, max_length=10**6)
        except TextRefused as exc:
            field = _("This text")  # the error is keyed by the field; its code is no word
            raise PydanticCustomError("text_refused", text_message(exc, field)) from None

    return check


#: one line of text (a name, a reason): the schema's Field(max_length=...) bounds it
Line = Annotated[str, AfterValidator(_api_text(False))]
#: text of several lines (notes, details)
Text = Annotated[str, AfterValidator(_api_text(True))]
