"""What health brings to pages it does not own (fangkong.core.registry): the worklists of the
workbench and the check-in and alert links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import User
from fangkong.core.registry import Panel, provide, register_nav, register_panel

from .actions import Person, Reported, report_symptoms
from .worklists import worklists_for


def _worklists(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not isinstance(user, User):
        return None
    # Epidemic work waiting for the user: none for guards, volunteers.
    return {"worklists": worklists_for(user)}


register_panel("health.worklists", Panel("health/_worklists.html", _worklists), order=20)
register_nav(
    "health.checkins", "health:checkin_list", _("Check-ins"), order=50, any_of=("view_cases",)
)
register_nav("health.alerts", "health:alert_list", _("Alerts"), order=60, any_of=("view_cases",))


def _report_symptoms(
    *,
    township_id: int,
    community_id: int,
    grid_id: int | None,
    resident_id: int | None = None,
    name: str = "",
    phone: str = "",
    place: str = "",
    **report: Any,
) -> Reported:
    """`actions.report_symptoms` for the apps below health (screening: symptoms given at
    registration, a returnee's positive test)."""
    person = Person(township_id, community_id, grid_id, resident_id, name, phone, place)
    return report_symptoms(person, **report)


provide("report_symptoms", _report_symptoms)
