"""Confirmation of an irreversible action: one mechanism for every such button.

The button is `core/_confirm_submit.html` inside the action's form: it says, in
`data-confirm`, what will happen and to whom, and carries an empty `confirm` field. With
scripts on, `static/fangkong/app.js` asks the question and fills the field when the user
agrees. Without scripts (or if the field is missing), the view answers with
`ask(...)`: a page that states the same and posts the same fields again, confirmed. The
view acts only when `confirmed(request)`, so the confirmation is enforced by the server.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: the form field that carries the user's "yes"
FIELD = "confirm"
#: fields never carried over to the confirmation page's form
_NOT_CARRIED = frozenset({"csrfmiddlewaretoken", FIELD})


def confirmed(request: HttpRequest) -> bool:
    """Whether the POST carries the user's confirmation."""
    return request.POST.get(FIELD) == "1"


def ask(
    request: HttpRequest,
    *,
    title: str,
    says: str | Sequence[str],
    button: str,
    back: str,
    danger: bool = True,
) -> HttpResponse:
    """The confirmation page: `says` what will happen and to whom; `button` does it (the
    same POST again with `confirm=1`); `back` leaves without doing anything."""
    lines = [says] if isinstance(says, str) else list(says)
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_CARRIED
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "says": lines,
            "button": button,
            "back": back,
            "fields": fields,
            "action": request.get_full_path(),
            "danger": danger,
        },
    )
