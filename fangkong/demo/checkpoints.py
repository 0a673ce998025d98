"""Demo data of the checkpoints (F14): passes for everyone in two buildings of the first
community, and a day at its open gate — mostly residents let through, a stop for someone in
home quarantine, a fever, a refused non-essential visitor (under closed management), an
essential visitor, vehicles — with the stops handled by the grid worker but one, which stays
on the worklist.

Everything goes through `fangkong.checkpoints.passes` and `.entries`, as the staff would do it;
the times of the entries are then spread over the day (the actions stamp "now").
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from fangkong.checkpoints import entries, passes
from fangkong.checkpoints.models import Gate, GateEntry, GateState, Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.core.models import Building, Community, CommunityKind, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.people.identity import check_digit
from fangkong.people.models import Resident
from fangkong.policy.versions import in_force
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import Case, CaseKind, CaseReason


def _id_number(first17: str) -> str:
    return first17 + check_digit(first17)


_NAMESPACE = uuid.UUID("6f1d3c52-4d7a-4c1e-9a51-0c3b8f2a7e10")


def open_gate(community: Community, *, by: User | None = None) -> Gate:
    """The community's open gate; "南门" is made when it has none."""
    gate = Gate.objects.filter(community=community, state=GateState.OPEN).order_by("id").first()
    if gate is not None:
        return gate
    gate, _created = Gate.objects.get_or_create(
        community=community,
        name="南门",
        defaults={
            "township_id": community.township_id,
            "state": GateState.OPEN,
            "changed_by": by,
        },
    )
    if gate.state != GateState.OPEN:
        gate.state = GateState.OPEN
        gate.save(update_fields=["state"])
    return gate


def _home_quarantined(community: Community, today: dt.date, by: User | None) -> Resident | None:
    """Someone of the community in home quarantine (one is put there if nobody is)."""
    case = (
        Case.objects.open()
        .filter(community=community, kind=CaseKind.HOME)
        .select_related("resident")
        .order_by("id")
        .first()
    )
    if case is not None:
        return case.resident
    resident = (
        Resident.objects.filter(community=community, merged_into__isnull=True)
        .exclude(household__isnull=True)
        .exclude(pk__in=Case.objects.open().values("resident_id"))
        .order_by("-id")
        .first()
    )
    if resident is None:
        return None
    policy = in_force(community.township_id, today)
    opened = quarantine.open_case(
        resident,
        by=by,
        measure=policy.as_rules().medium,
        policy=policy,
        reason=CaseReason.RETURNEE,
        start_date=today - dt.timedelta(days=3),
    )
    quarantine.start_quarantine(opened, by=by)
    return resident


@transaction.atomic
def build_demo_checkpoints(township: Township, *, today: dt.date) -> int:
    """Passes and a day of gate entries in `township`'s first community; the number of
    entries made."""
    community = (
        Community.objects.filter(township=township, kind=CommunityKind.COMMUNITY)
        .order_by("code")
        .first()
    )
    if community is None:
        raise ValueError("the demo township has no community")
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    issuer = first_staff(community, Role.COMMUNITY_LEADER, Role.OFFICE_STAFF) or admin
    guard = first_staff(community, Role.CHECKPOINT_GUARD, Role.COMMUNITY_LEADER) or admin
    if issuer is None or guard is None:
        raise ValueError("the demo community has no staff to issue passes or guard the gate")
    gate = open_gate(community, by=admin)

    buildings = [
        b
        for b in Building.objects.filter(grid__community=community).order_by(
            "grid__sort_key", "sort_key"
        )
        if Resident.objects.filter(household__building=b, merged_into__isnull=True).exists()
    ][:2]
    for building in buildings:
        passes.issue_missing(issuer, building)
    cards = list(
        Pass.objects.valid()
        .filter(community=community)
        .select_related("resident")
        .order_by("number")
    )
    quarantined = _home_quarantined(community, today, issuer)
    if quarantined is not None:  # they show up once, below
        cards = [c for c in cards if c.resident_id != quarantined.pk]

    made: list[GateEntry] = []
    n = 0

    def key() -> uuid.UUID:
        nonlocal n
        n += 1
        return uuid.uuid5(_NAMESPACE, f"{township.pk}-{today.isoformat()}-{n}")

    def person(code: str = "", resident_id: int | None = None, **kw: object) -> None:
        values = {"direction": "out", "temperature": "36.5", "health_code": "green"}
        values.update(kw)  # type: ignore[arg-type]
        made.append(
            entries.record_resident(
                guard, gate, client_key=key(), code=code, resident_id=resident_id, **values
            ).entry
        )

    # Residents going out and coming back, most of them let through.
    for i, card in enumerate(cards[:24]):
        person(
            qr_text(card.number),
            direction="out" if i % 3 else "in",
            temperature=f"36.{(i * 3) % 9}",
        )
    if quarantined is not None:
        person(resident_id=quarantined.pk, direction="out", temperature="36.7")
    if len(cards) > 24:
        person(qr_text(cards[24].number), direction="in", temperature="37.9")
    hosts = [c.resident for c in cards[:3]]
    if hosts:
        for essential, name, purpose in (
            (True, "周建国", "给独居老人送药"),
            (False, "吴丽", "串门"),
        ):
            made.append(
                entries.record_visitor(
                    guard,
                    gate,
                    client_key=key(),
                    name=name,
                    phone="13907150000" if essential else "13607150001",
                    doc_number=_id_number(
                        "42011619850317001" if essential else "42011619920723002"
                    ),
                    host_id=hosts[0 if essential else -1].pk,
                    purpose=purpose,
                    essential=essential,
                    direction="in",
                    temperature="36.4",
                    health_code="green",
                ).entry
            )
    if cards:
        made.append(
            entries.record_vehicle(
                guard,
                gate,
                client_key=key(),
                plate="鄂A·7K231",
                driver_id=cards[0].resident_id,
                direction="out",
            ).entry
        )
    made.append(
        entries.record_vehicle(
            guard,
            gate,
            client_key=key(),
            plate="鄂AD35812",
            name="保供司机",
            phone="13807150002",
            direction="out",
            temperature="36.3",
            health_code="green",
        ).entry
    )

    # Spread the day from 06:30, one passage every few minutes.
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(6, 30)))
    for i, entry in enumerate(made):
        GateEntry.objects.filter(pk=entry.pk).update(at=start + dt.timedelta(minutes=7 * i))

    # The grid workers followed up every stop but the latest.
    stops = list(GateEntry.objects.filter(pk__in=[e.pk for e in made]).unhandled().order_by("at"))
    for entry in stops[:-1]:
        worker = (
            User.objects.filter(grid_id=entry.grid_id, role=Role.GRID_WORKER, is_active=True)
            .order_by("id")
            .first()
            if entry.grid_id
            else None
        ) or issuer
        entries.handle_stop(worker, entry, "已电话联系，劝返回家")
    return len(made)
