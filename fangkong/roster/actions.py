"""Every write of the duty roster: posts, filling and emptying shifts, copying a week, the
handover and its reading, swaps.

Each is one function: atomic, locks the rows it changes (and the person whose shifts it
checks, so two fills cannot both pass the overlap check), checks role and jurisdiction,
refuses with a `DomainError` that changes nothing, and writes an audit entry. A shift's start
and end are fixed when it is filled, from the policy in force for the township that day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Gate
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers
from fangkong.policy.versions import in_force

from . import shifts
from .capabilities import RosterCapability
from .models import Duty, Post, PostKind, Swap, SwapStatus

MAX_HANDOVER = 2000
MAX_REASON = 200
MAX_POST_NAME = 50
DUTY_FIELDS = ("post", "day", "slot", "start", "end", "person")
#: how early before its end a shift's handover may be written, and how late after it
HANDOVER_FROM_BEFORE_END = dt.timedelta(hours=2)
HANDOVER_UNTIL_AFTER_END = dt.timedelta(hours=24)


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M")


def pattern_on(community: Community, day: dt.date) -> tuple[int, ...]:
    """The shift starts of the policy in force for the community's township on `day`."""
    rules = in_force(community.township_id, day).as_rules()
    try:
        return shifts.parse(rules.duty_shift_starts)
    except ValueError as exc:  # pragma: no cover - the policy's own checks refuse it
        raise DomainError(_("The policy's duty shifts are not valid; correct the policy.")) from exc


def slots_on(community: Community, day: dt.date) -> list[shifts.Slot]:
    return shifts.day_slots(pattern_on(community, day), day, timezone.get_current_timezone())


def _manager(by: User, community: Community) -> None:
    if not by.can(RosterCapability.MANAGE_ROSTER):
        raise DomainError(_("Only the community leader and the office fill the duty roster."))
    if not (by.is_superuser or covers(by, community)):
        raise DomainError(_("You may fill the roster only of a community of your jurisdiction."))


def in_community(person: User, community_id: int) -> bool:
    """A staff member of the community (any role, their grid included), whose account is on."""
    return bool(person.is_active and person.role and person.community_id == community_id)


def _refuse_overlap(person: User, start: dt.datetime, end: dt.datetime, *, but: int = 0) -> None:
    """Refuses when the person is already on a shift (any post) sharing a moment with it."""
    near = (
        Duty.objects.filter(person=person, start__lt=end, end__gt=start)
        .exclude(pk=but)
        .select_related("post")
    )
    for other in near:
        if shifts.overlaps((start, end), (other.start, other.end)):
            raise DomainError(
                _(
                    "%(name)s is already on duty at %(post)s from %(start)s to %(end)s; a "
                    "person cannot be on two shifts at once."
                )
                % {
                    "name": person,
                    "post": other.post.name,
                    "start": _local(other.start),
                    "end": _local(other.end),
                }
            )


def _lock_person(person: User) -> User:
    return User.objects.select_for_update().get(pk=person.pk)


# --- posts ------------------------------------------------------------------------------------


@transaction.atomic
def set_up_posts(by: User, community: Community) -> list[Post]:
    """The posts every community needs cover at: each of its gates, the office, the patrol.
    Only the missing ones are added; returns them."""
    _manager(by, community)
    existing = list(Post.objects.select_for_update().filter(community=community))
    names = {p.name for p in existing}
    gated = {p.gate_id for p in existing if p.gate_id}
    order = max((p.sort_key for p in existing), default=0)
    made: list[Post] = []
    wanted: list[tuple[str, str, Gate | None]] = [
        (PostKind.GATE, g.name, g)
        for g in Gate.objects.filter(community=community).order_by("name")
        if g.pk not in gated
    ]
    # the names are data kept in the site's language, whatever the language of the request
    with translation.override(settings.LANGUAGE_CODE):
        wanted += [(PostKind.OFFICE, _("Office"), None), (PostKind.PATROL, _("Patrol"), None)]
    for kind, name, gate in wanted:
        if kind != PostKind.GATE and any(p.kind == kind for p in existing):
            continue
        if name in names:
            name = f"{name}（{PostKind(kind).label}）"
        if name in names:
            continue
        order += 10
        post = Post.objects.create(
            township_id=community.township_id,
            community=community,
            kind=kind,
            gate=gate,
            name=name,
            sort_key=order,
        )
        names.add(name)
        made.append(post)
        audit.record_object(
            by,
            AuditAction.CREATE,
            post,
            changes=audit.snapshot(post, ("community", "kind", "gate", "name")),
            township=community.township_id,
        )
    return made


@transaction.atomic
def add_post(by: User, community: Community, *, name: str) -> Post:
    """Another post with no gate (a second patrol, a quarantine building's door, …)."""
    _manager(by, community)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Name the post."), field="name")
    if len(name) > MAX_POST_NAME:
        raise DomainError(_("Keep the name under 50 characters."), field="name")
    if Post.objects.filter(community=community, name=name).exists():
        raise DomainError(_("The community already has a post of this name."), field="name")
    order = max(
        Post.objects.filter(community=community).values_list("sort_key", flat=True), default=0
    )
    post = Post.objects.create(
        township_id=community.township_id,
        community=community,
        kind=PostKind.PATROL,
        name=name,
        sort_key=order + 10,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        post,
        changes=audit.snapshot(post, ("community", "kind", "name")),
        township=community.township_id,
    )
    return post


# --- filling shifts ---------------------------------------------------------------------------


def _put_on(
    by: User | None, post: Post, slot: shifts.Slot, person: User, *, now: dt.datetime
) -> Duty:
    if not in_community(person, post.community_id):
        raise DomainError(
            _("%(name)s is not on the staff of %(community)s; only its own staff go on its posts.")
            % {"name": person, "community": post.community.name},
            field="person",
        )
    _lock_person(person)
    if Duty.objects.filter(post=post, start=slot.start, person=person).exists():
        raise DomainError(
            _("%(name)s is already on this shift.") % {"name": person}, field="person"
        )
    _refuse_overlap(person, slot.start, slot.end)
    duty = Duty.objects.create(
        township_id=post.township_id,
        community_id=post.community_id,
        post=post,
        day=slot.day,
        slot=slot.index,
        start=slot.start,
        end=slot.end,
        person=person,
        assigned_by=by,
        assigned_at=now,
    )
    return duty


@transaction.atomic
def assign(
    by: User,
    post: Post,
    *,
    day: dt.date,
    slot: int,
    person: User,
    now: dt.datetime | None = None,
) -> Duty:
    """Puts `person` on shift number `slot` of `day` at `post`."""
    now = now or timezone.now()
    post = Post.objects.select_related("community").get(pk=post.pk)
    _manager(by, post.community)
    if not post.active:
        raise DomainError(_("This post no longer needs cover."))
    try:
        the_slot = slots_on(post.community, day)[slot]
    except IndexError:
        raise DomainError(_("The policy has no such shift on that day."), field="slot") from None
    if the_slot.end <= now:
        raise DomainError(_("This shift is over; the roster of past shifts is not changed."))
    duty = _put_on(by, post, the_slot, person, now=now)
    audit.record_object(
        by,
        AuditAction.CREATE,
        duty,
        changes=audit.snapshot(duty, DUTY_FIELDS),
        township=post.township_id,
    )
    return duty


@transaction.atomic
def unassign(by: User, duty: Duty, *, now: dt.datetime | None = None) -> None:
    """Takes the person off a shift that has not started."""
    now = now or timezone.now()
    duty = Duty.objects.select_for_update().select_related("post__community").get(pk=duty.pk)
    _manager(by, duty.post.community)
    if duty.start <= now:
        raise DomainError(_("This shift has started; it stays on the roster."))
    changes = audit.snapshot(duty, DUTY_FIELDS)
    audit.record_object(by, AuditAction.DELETE, duty, changes=changes, township=duty.township_id)
    duty.delete()


@transaction.atomic
def copy_week(
    by: User, community: Community, *, monday: dt.date, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Copies the roster of the week before `monday`'s week onto it: the same people on the
    same posts and shifts. Shifts already over, people no longer on the staff, and shifts a
    person could not take (already on duty then) are left out. Returns (copied, left out)."""
    now = now or timezone.now()
    _manager(by, community)
    monday = shifts.week_days(monday)[0]
    before = monday - dt.timedelta(days=7)
    source = list(
        Duty.objects.filter(
            community=community, day__gte=before, day__lt=monday, post__active=True
        ).select_related("post", "person")
    )
    if not source:
        raise DomainError(_("The week before has nobody on its roster; there is nothing to copy."))
    copied = skipped = 0
    slots: dict[dt.date, list[shifts.Slot]] = {}
    for old in source:
        day = old.day + dt.timedelta(days=7)
        if day not in slots:
            slots[day] = slots_on(community, day)
        if old.slot >= len(slots[day]):
            skipped += 1
            continue
        slot = slots[day][old.slot]
        if slot.end <= now:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                _put_on(by, old.post, slot, old.person, now=now)
        except DomainError:
            skipped += 1
            continue
        copied += 1
    audit.record_object(
        by,
        AuditAction.CREATE,
        community,
        reason=_("Duty roster copied from the week before: %(n)d shifts, %(m)d left out.")
        % {"n": copied, "m": skipped},
        township=community.township_id,
    )
    return copied, skipped


# --- handover ---------------------------------------------------------------------------------


def previous_duties(duty: Duty) -> list[Duty]:
    """The shift of the same post just before this one (ending when it starts)."""
    return list(
        Duty.objects.filter(post_id=duty.post_id, end=duty.start)
        .select_related("person")
        .order_by("id")
    )


def next_duties(duty: Duty) -> list[Duty]:
    return list(
        Duty.objects.filter(post_id=duty.post_id, start=duty.end)
        .select_related("person")
        .order_by("id")
    )


@transaction.atomic
def write_handover(by: User, duty: Duty, *, note: str, now: dt.datetime | None = None) -> Duty:
    """The person on the shift writes what the next one must know (from two hours before its
    end until a day after)."""
    now = now or timezone.now()
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if duty.person_id != by.pk:
        raise DomainError(_("Only the person on this shift writes its handover."))
    if now < duty.end - HANDOVER_FROM_BEFORE_END:
        raise DomainError(
            _("The handover is written at the end of the shift, from %(time)s.")
            % {"time": _local(duty.end - HANDOVER_FROM_BEFORE_END)}
        )
    if now > duty.end + HANDOVER_UNTIL_AFTER_END:
        raise DomainError(_("This shift ended more than a day ago; its handover is closed."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write what the next shift must know (or 无异常)."), field="note")
    if len(note) > MAX_HANDOVER:
        raise DomainError(_("Keep the handover under 2000 characters."), field="note")
    before = audit.snapshot(duty, ("handover",))
    duty.handover = note
    duty.handover_at = now
    duty.save(update_fields=["handover", "handover_at"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        duty,
        changes=audit.diff(before, audit.snapshot(duty, ("handover",))),
        township=duty.township_id,
    )
    return duty


@transaction.atomic
def read_handover(by: User, duty: Duty, *, now: dt.datetime | None = None) -> Duty:
    """The person of `duty` says they read the handover of the shift before theirs."""
    now = now or timezone.now()
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if duty.person_id != by.pk:
        raise DomainError(_("Only the person on this shift acknowledges the handover to it."))
    if not any(d.handover_at for d in previous_duties(duty)):
        raise DomainError(_("The shift before has not written its handover yet."))
    if duty.handover_read_at is not None:
        raise DomainError(
            _("You acknowledged this handover at %(time)s.")
            % {"time": _local(duty.handover_read_at)}
        )
    duty.handover_read_at = now
    duty.save(update_fields=["handover_read_at"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        duty,
        changes={"handover_read_at": [None, now.isoformat()]},
        township=duty.township_id,
    )
    return duty


# --- swaps ------------------------------------------------------------------------------------


@transaction.atomic
def request_swap(
    by: User, duty: Duty, *, to_person: User, reason: str = "", now: dt.datetime | None = None
) -> Swap:
    """The person on a shift asks to give it to another person of the community."""
    now = now or timezone.now()
    duty = Duty.objects.select_for_update().select_related("post__community").get(pk=duty.pk)
    if duty.person_id != by.pk:
        raise DomainError(_("Only the person on this shift may ask to swap it."))
    if duty.start <= now:
        raise DomainError(_("This shift has started; it can no longer be swapped."))
    if to_person.pk == by.pk:
        raise DomainError(_("Choose someone else to take the shift."), field="to_person")
    if not in_community(to_person, duty.community_id):
        raise DomainError(
            _("%(name)s is not on the staff of %(community)s; only its own staff go on its posts.")
            % {"name": to_person, "community": duty.post.community.name},
            field="to_person",
        )
    if duty.swaps.filter(status=SwapStatus.REQUESTED).exists():
        raise DomainError(_("A swap of this shift is already waiting for the leader."))
    _refuse_overlap(to_person, duty.start, duty.end)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise DomainError(_("Keep the reason under 200 characters."), field="reason")
    swap = Swap.objects.create(
        township_id=duty.township_id,
        community_id=duty.community_id,
        duty=duty,
        from_person=by,
        to_person=to_person,
        reason=reason,
        requested_at=now,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        swap,
        changes=audit.snapshot(swap, ("duty", "from_person", "to_person", "reason")),
        township=duty.township_id,
    )
    return swap


@transaction.atomic
def decide_swap(by: User, swap: Swap, *, approve: bool, now: dt.datetime | None = None) -> Swap:
    """The leader approves (the shift becomes the other person's) or refuses a swap."""
    now = now or timezone.now()
    swap = Swap.objects.select_for_update().select_related("community").get(pk=swap.pk)
    if not by.can(RosterCapability.APPROVE_SWAPS):
        raise DomainError(_("Only the community leader approves or refuses a swap."))
    if not (by.is_superuser or covers(by, swap.community)):
        raise DomainError(_("Only the leader of this community decides its swaps."))
    if swap.status != SwapStatus.REQUESTED:
        raise DomainError(
            _("This swap was already decided at %(time)s.")
            % {"time": _local(swap.decided_at) if swap.decided_at else "—"}
        )
    duty = Duty.objects.select_for_update().get(pk=swap.duty_id)
    if approve:
        if duty.start <= now:
            raise DomainError(_("This shift has started; it can no longer be swapped."))
        if duty.person_id != swap.from_person_id:
            raise DomainError(_("This shift is no longer the asker's; refuse the swap."))
        person = _lock_person(swap.to_person)
        if not in_community(person, duty.community_id):
            raise DomainError(
                _("%(name)s is no longer on the community's staff.") % {"name": person}
            )
        _refuse_overlap(person, duty.start, duty.end, but=duty.pk)
        before = audit.snapshot(duty, ("person",))
        duty.person = person
        duty.handover_read_at = None
        duty.save(update_fields=["person", "handover_read_at"])
        audit.record_object(
            by,
            AuditAction.UPDATE,
            duty,
            changes=audit.diff(before, audit.snapshot(duty, ("person",))),
            township=duty.township_id,
        )
    swap.status = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
    swap.decided_by = by
    swap.decided_at = now
    swap.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        swap,
        changes={"status": [SwapStatus.REQUESTED, swap.status]},
        township=swap.township_id,
    )
    return swap
