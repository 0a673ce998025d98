"""Every write of the disinfection log: places (add, change, retire) and entries.

Each is one function: atomic, locks the rows it changes, checks role and jurisdiction, refuses
with a `DomainError` that changes nothing, and writes an audit entry. An entry with an agent
takes the amount from the supplies' stock in the same transaction
(`supplies.actions.use_for_disinfection`, refused if the batch would go below zero).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers
from fangkong.supplies import actions as supplies
from fangkong.supplies.models import Lot

from . import coverage
from .capabilities import DisinfectionCapability
from .models import Category, Entry, Place, PlaceKind

PLACE_FIELDS = ("name", "kind", "category", "owner")
#: how far back an entry may be recorded (yesterday's, written up this morning)
MAX_AGE = dt.timedelta(days=2)


def _check(by: User, capability: str, **ids: Any) -> None:
    if not by.can(capability):
        raise DomainError(_("Your role may not do this in the disinfection log."))
    if not (by.is_superuser or covers(by, **ids)):
        raise DomainError(_("This community is not in your jurisdiction."))


def _owner_ok(owner: User | None, community: Community) -> None:
    if owner is None:
        return
    if not (
        owner.is_active
        and owner.can(DisinfectionCapability.VIEW_DISINFECTION)
        and covers(owner, township_id=community.township_id, community_id=community.pk)
    ):
        raise DomainError(
            _("The owner must be a staff member of this community who sees the log."),
            field="owner",
        )


@transaction.atomic
def save_place(
    by: User,
    community: Community,
    *,
    place: Place | None = None,
    name: str,
    kind: str,
    category: str = "",
    owner: User | None = None,
) -> Place:
    """Add a place of the community, or change one."""
    _check(
        by,
        DisinfectionCapability.MANAGE_PLACES,
        township_id=community.township_id,
        community_id=community.pk,
    )
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Name the place, e.g. 3号楼电梯."), field="name")
    if len(name) > 60:
        raise DomainError(_("Keep the name under 60 characters."), field="name")
    if kind not in PlaceKind.values:
        raise DomainError(_("Choose what kind of place it is."), field="kind")
    category = category or coverage.DEFAULT_CATEGORY[kind]
    if category not in Category.values:
        raise DomainError(_("Choose how often the place is disinfected."), field="category")
    _owner_ok(owner, community)
    clash = Place.objects.active().filter(community=community, name=name)
    if place is not None:
        clash = clash.exclude(pk=place.pk)
    if clash.exists():
        raise DomainError(_("The community already has a place of this name."), field="name")
    if place is None:
        place = Place(township_id=community.township_id, community=community)
        before: dict[str, Any] = {}
    else:
        place = Place.objects.select_for_update().get(pk=place.pk)
        before = audit.snapshot(place, PLACE_FIELDS)
    place.name, place.kind, place.category, place.owner = name, kind, category, owner
    place.save()
    after = audit.snapshot(place, PLACE_FIELDS)
    audit.record_object(
        by,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        place,
        changes=audit.diff(before, after) if before else after,
    )
    return place


@transaction.atomic
def retire_place(by: User, place: Place, *, now: dt.datetime | None = None) -> Place:
    """The place is no longer disinfected (from now on it is not due)."""
    _check(
        by,
        DisinfectionCapability.MANAGE_PLACES,
        township_id=place.township_id,
        community_id=place.community_id,
    )
    place = Place.objects.select_for_update().get(pk=place.pk)
    if place.retired_at is not None:
        raise DomainError(_("This place was already taken off the list."))
    retired_at = now or timezone.now()
    place.retired_at = retired_at
    place.save(update_fields=["retired_at"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        place,
        changes={"retired_at": [None, timezone.localtime(retired_at).strftime("%Y-%m-%d %H:%M")]},
    )
    return place


@transaction.atomic
def record(
    by: User,
    place: Place,
    *,
    done_at: dt.datetime | None = None,
    agent: Lot | None = None,
    amount: Any = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Entry:
    """One disinfection of `place` by `by`: when, with which agent and how much (taken from
    the stock)."""
    now = now or timezone.now()
    _check(
        by,
        DisinfectionCapability.RECORD_DISINFECTION,
        township_id=place.township_id,
        community_id=place.community_id,
    )
    place = Place.objects.select_for_update().get(pk=place.pk)
    if place.retired_at is not None:
        raise DomainError(_("This place is no longer on the list."), field="place")
    done_at = done_at or now
    if timezone.is_naive(done_at):
        done_at = timezone.make_aware(done_at)
    if done_at > now + dt.timedelta(minutes=5):
        raise DomainError(
            _("A disinfection cannot be recorded in the future; give the time it was done."),
            field="done_at",
        )
    if done_at < now - MAX_AGE:
        raise DomainError(
            _("A disinfection is recorded within two days; this is older."), field="done_at"
        )
    note = " ".join((note or "").split())
    if len(note) > 200:
        raise DomainError(_("Keep the note under 200 characters."), field="note")
    movement = None
    if agent is not None:
        if agent.community_id != place.community_id:
            raise DomainError(_("Choose an agent kept by this community."), field="agent")
        if amount is None:
            raise DomainError(_("Say how much of the agent was used."), field="amount")
        movement = supplies.use_for_disinfection(
            by, agent, quantity=amount, place=place.name, at=done_at, now=now
        )
        amount = movement.quantity
    elif amount not in (None, ""):
        raise DomainError(_("Choose the agent the amount was taken from."), field="agent")
    else:
        amount = None
    entry = Entry.objects.create(
        township_id=place.township_id,
        community_id=place.community_id,
        place=place,
        done_at=done_at,
        done_by=by,
        agent=agent,
        amount=amount,
        movement=movement,
        note=note,
        recorded_at=now,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        entry,
        changes={
            "place": place.name,
            "done_at": timezone.localtime(done_at).strftime("%Y-%m-%d %H:%M"),
            "agent": str(agent) if agent else "",
            "amount": str(amount.normalize()) if amount is not None else "",
        },
    )
    return entry
