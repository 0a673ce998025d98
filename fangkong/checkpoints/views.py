"""Pages of the checkpoints: the guard's page (pick the gate, scan or search, answer at
once), visitors and vehicles, the gate log, handling stops, passes per building with their
printable cards, and the public card page a resident without an account shows at the gate.

Thin views: access through `require` / `get_for` / `visible_to`, writes through `entries`
and `passes`. Every form works without JavaScript; the camera scanner (static/checkpoints/
scan.js, with the vendored jsQR) only fills the pass-code field and submits.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.core import ratelimit
from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document
from fangkong.core.models import Building, BuildingQuerySet, User
from fangkong.core.paging import page_of
from fangkong.core.redirects import next_url
from fangkong.core.registry import my_work_of
from fangkong.people.capabilities import PeopleCapability
from fangkong.people.models import Resident

from . import duty, entries, gatelog, passes
from .forms import (
    HandleForm,
    LogFilter,
    ReasonForm,
    ScanForm,
    VehicleForm,
    VisitorForm,
    add_domain_errors,
)
from .models import Gate, GateEntry, Pass
from .payload import BadPayload, pass_number_of, qr_text
from .reasons import described
from .search import search

SESSION_GATE = "checkpoints.gate_id"
RECENT = 5


# ---- the guard's page ---------------------------------------------------------------------------


def _guard(request: HttpRequest) -> User:
    return require(request.user, CheckpointCapability.GUARD_GATE)


def _gate_of_session(request: HttpRequest, user: User) -> Gate | None:
    gate_id = request.session.get(SESSION_GATE)
    if gate_id is None:
        return None
    return entries.gates_for(user).filter(pk=gate_id).first()


def _recent(user: User, gate: Gate) -> list[GateEntry]:
    return list(
        GateEntry.objects.filter(gate=gate, guard=user)
        .select_related("resident")
        .order_by("-at", "-id")[:RECENT]
    )


def _person(entry: GateEntry) -> dict[str, str]:
    document = (
        entry.resident.doc_number if entry.resident_id and entry.resident else entry.doc_number
    )
    return {"name": entry.name, "masked_document": mask_document(document)}


def answer_of(entry: GateEntry) -> dict[str, Any]:
    """What the page and the API answer for an entry."""
    return {
        "entry_id": entry.pk,
        "verdict": entry.verdict,
        "reasons": described(list(entry.reasons)),
        "person": _person(entry),
    }


def _gate_page(
    request: HttpRequest,
    user: User,
    gate: Gate,
    *,
    tab: str = "scan",
    form: Any = None,
    status: int = 200,
) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = search(gate, query) if query else []
    chosen = None
    pick_key = {"scan": "resident_id", "visitor": "host_id", "vehicle": "driver_id"}[tab]
    if form is not None and form.is_bound:
        chosen_id = form.data.get(pick_key) or ""
    else:
        chosen_id = request.GET.get("pick") or ""
    if chosen_id:
        try:
            chosen = entries.resident_of_gate(gate, chosen_id)
        except DomainError:
            chosen = None
    if form is None:
        cls = {"scan": ScanForm, "visitor": VisitorForm, "vehicle": VehicleForm}[tab]
        form = cls.fresh(**({pick_key: chosen.pk} if chosen else {}))
    context = {
        "gate": gate,
        "tab": tab,
        "form": form,
        "query": query,
        "found": found,
        "searched": bool(query),
        "chosen": chosen,
        "chosen_doc": mask_document(chosen.doc_number) if chosen else "",
        "recent": _recent(user, gate),
        "gates": list(entries.gates_for(user)),
        "on_duty": duty.on_duty(gate.pk),
        "my_work": my_work_of(request.user),
    }
    return render(request, "checkpoints/gate.html", context, status=status)


@login_required
def gate_home(request: HttpRequest) -> HttpResponse:
    """The guard's page: the gate to pick first, then the scan/search screen."""
    user = _guard(request)
    gate = _gate_of_session(request, user)
    if gate is None:
        gates = list(entries.gates_for(user))
        return render(
            request,
            "checkpoints/gate_pick.html",
            {"gates": gates, "my_work": my_work_of(user)},
        )
    tab = request.GET.get("tab", "scan")
    if tab not in ("scan", "visitor", "vehicle"):
        tab = "scan"
    return _gate_page(request, user, gate, tab=tab)


@login_required
@require_POST
def gate_choose(request: HttpRequest) -> HttpResponse:
    user = _guard(request)
    gate = entries.gates_for(user).filter(pk=request.POST.get("gate") or 0).first()
    if gate is None:
        messages.error(request, _("Choose one of the open gates of your community."))
    else:
        request.session[SESSION_GATE] = gate.pk
    return redirect("checkpoints:gate")


@login_required
@require_POST
def gate_leave(request: HttpRequest) -> HttpResponse:
    _guard(request)
    request.session.pop(SESSION_GATE, None)
    return redirect("checkpoints:gate")


def _record(request: HttpRequest, tab: str) -> HttpResponse:
    user = _guard(request)
    gate = _gate_of_session(request, user)
    if gate is None:
        messages.error(request, _("Choose your gate first."))
        return redirect("checkpoints:gate")
    cls = {"scan": ScanForm, "visitor": VisitorForm, "vehicle": VehicleForm}[tab]
    form = cls(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        common = {
            "client_key": values["client_key"],
            "direction": values["direction"],
            "temperature": values["temperature"],
            "health_code": values["health_code"],
        }
        try:
            if tab == "scan":
                done = entries.record_resident(
                    user, gate, code=values["code"], resident_id=values["resident_id"], **common
                )
            elif tab == "visitor":
                done = entries.record_visitor(
                    user,
                    gate,
                    name=values["name"],
                    phone=values["phone"],
                    doc_number=values["doc_number"],
                    host_id=values["host_id"],
                    purpose=values["purpose"],
                    essential=values["essential"],
                    **common,
                )
            else:
                done = entries.record_vehicle(
                    user,
                    gate,
                    plate=values["plate"],
                    driver_id=values["driver_id"],
                    name=values["name"],
                    phone=values["phone"],
                    **common,
                )
        except entries.KeyReused as exc:
            # The page's key was spent on another entry: a fresh one, so the guard can send
            # this one as a new entry after reading the message.
            data = request.POST.copy()
            data["client_key"] = str(uuid.uuid4())
            form = cls(data)
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            context = {
                "gate": gate,
                "entry": done.entry,
                "answer": answer_of(done.entry),
                "repeated": not done.created,
                "tab": tab,
                "recent": _recent(user, gate),
            }
            return render(request, "checkpoints/answer.html", context)
    if "client_key" in form.errors:
        # A damaged key: the page gets a fresh one (nothing was stored under either).
        data = request.POST.copy()
        data["client_key"] = str(uuid.uuid4())
        form = cls(data)
        form.is_valid()
    return _gate_page(request, user, gate, tab=tab, form=form, status=422)


@login_required
@require_POST
def gate_scan(request: HttpRequest) -> HttpResponse:
    return _record(request, "scan")


@login_required
@require_POST
def gate_visitor(request: HttpRequest) -> HttpResponse:
    return _record(request, "visitor")


@login_required
@require_POST
def gate_vehicle(request: HttpRequest) -> HttpResponse:
    return _record(request, "vehicle")


# ---- the gate log and the stops -----------------------------------------------------------------


def _log_filter(request: HttpRequest, user: User) -> tuple[LogFilter, dt.date, Gate | None, str]:
    """The log's filter: the day (today by default), the gate and the answer, if chosen."""
    gates = Gate.objects.visible_to(user).order_by("community_id", "name")
    form = LogFilter(request.GET or None, gates=gates)
    day, gate, verdict = timezone.localdate(), None, ""
    if form.is_valid():
        values = form.cleaned_data
        day, gate, verdict = values["day"] or day, values["gate"], values["verdict"]
    return form, day, gate, verdict


@login_required
def gate_log(request: HttpRequest) -> HttpResponse:
    """Entries of the user's jurisdiction, per gate, per day, per answer (masked)."""
    user = require(request.user, CheckpointCapability.VIEW_GATE_LOG)
    form, day, gate, verdict = _log_filter(request, user)
    qs = gatelog.day_entries(user, day, gate)
    if verdict:
        qs = qs.filter(verdict=verdict)
    qs = qs.select_related("gate", "resident", "host", "guard").order_by("-at", "-id")
    page = page_of(qs, request.GET.get("page"), per_page=50)
    rows = [gatelog.entry_row(e) for e in page.items]
    query = request.GET.copy()
    query.pop("page", None)
    day_query = {"day": day.isoformat(), **({"gate": gate.pk} if gate else {})}
    return render(
        request,
        "checkpoints/log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "day": day,
            "filter_query": query.urlencode(),
            "day_query": urlencode(day_query),
            "may_handle": user.can(CheckpointCapability.HANDLE_STOPS),
            "may_export": user.can(PeopleCapability.EXPORT_PEOPLE),
        },
    )


@login_required
@require_GET
def gate_log_print(request: HttpRequest) -> HttpResponse:
    """The day's log of a gate (or every gate) on paper: all entries and the day's totals."""
    user = require(request.user, CheckpointCapability.VIEW_GATE_LOG)
    _form, day, gate, _verdict = _log_filter(request, user)
    log = gatelog.day_log(user, day, gate)
    return render(
        request,
        "checkpoints/log_print.html",
        {
            "log": log,
            "rows": [gatelog.entry_row(e) for e in log.entries],
            "printed_at": timezone.localtime(),
        },
    )


@login_required
@require_GET
def gate_log_export(request: HttpRequest) -> HttpResponseBase:
    """The day's log of a gate (or every gate) as .xlsx, masked, audited like other exports:
    it needs the gate log and the export capability."""
    require(request.user, CheckpointCapability.VIEW_GATE_LOG)
    user = require(request.user, PeopleCapability.EXPORT_PEOPLE)
    _form, day, gate, _verdict = _log_filter(request, user)
    log = gatelog.day_log(user, day, gate)
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        path = Path(tmp.name)
    try:
        gatelog.export_day(user, log, path)
        handle = path.open("rb")
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the data until it is closed
    name = f"出入登记台账-{day:%Y%m%d}" + (f"-{gate.name}" if gate else "") + ".xlsx"
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
@require_POST
def stop_handle(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, CheckpointCapability.HANDLE_STOPS)
    entry = get_for(
        request.user,
        GateEntry,
        pk=pk,
        write=CheckpointCapability.HANDLE_STOPS,
        queryset=GateEntry.objects.all(),
    )
    user = require(request.user, CheckpointCapability.HANDLE_STOPS)
    form = HandleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was done."))
    else:
        try:
            entries.handle_stop(user, entry, form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The stop is marked as handled."))
    return redirect(next_url(request, reverse("core:workbench")))


# ---- passes -------------------------------------------------------------------------------------


def _issuer(request: HttpRequest) -> User:
    return require(request.user, CheckpointCapability.ISSUE_PASSES)


def _buildings(user: User) -> BuildingQuerySet:
    return Building.objects.in_jurisdiction(user)


@login_required
def pass_buildings(request: HttpRequest) -> HttpResponse:
    """The buildings of the user's jurisdiction with how many residents hold a valid pass."""
    user = _issuer(request)
    buildings = (
        _buildings(user)
        .select_related("grid")
        .annotate(
            people=Count(
                "households__members",
                filter=Q(households__members__merged_into__isnull=True),
                distinct=True,
            ),
            with_pass=Count(
                "households__members",
                filter=Q(
                    households__members__merged_into__isnull=True,
                    households__members__passes__revoked_at__isnull=True,
                    households__members__passes__isnull=False,
                ),
                distinct=True,
            ),
        )
        .order_by("grid__community__sort_key", "grid__sort_key", "sort_key", "id")
    )
    page = page_of(buildings, request.GET.get("page"), per_page=50)
    return render(request, "checkpoints/pass_buildings.html", {"page": page})


def _building_people(building: Building) -> list[Resident]:
    return list(
        Resident.objects.filter(household__building=building, merged_into__isnull=True)
        .select_related("household__unit")
        .prefetch_related(Prefetch("passes", queryset=Pass.objects.valid(), to_attr="valid_passes"))
        .order_by("household__number", "household_id", "pk")
    )


def _building_for(user: User, pk: int) -> Building:
    building = _buildings(user).select_related("grid__community").filter(pk=pk).first()
    if building is None:
        raise Http404
    return building


@login_required
def pass_building(request: HttpRequest, pk: int) -> HttpResponse:
    user = _issuer(request)
    building = _building_for(user, pk)
    people = _building_people(building)
    rows = [
        {
            "resident": r,
            "doc": mask_document(r.doc_number),
            "card": r.valid_passes[0] if r.valid_passes else None,  # type: ignore[attr-defined]
        }
        for r in people
    ]
    missing = sum(1 for row in rows if row["card"] is None)
    return render(
        request,
        "checkpoints/pass_building.html",
        {"building": building, "rows": rows, "missing": missing},
    )


@login_required
@require_POST
def pass_issue_missing(request: HttpRequest, pk: int) -> HttpResponse:
    user = _issuer(request)
    building = _building_for(user, pk)
    try:
        cards = passes.issue_missing(user, building)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d passes issued.") % {"n": len(cards)})
    return redirect("checkpoints:pass_building", pk=building.pk)


@login_required
@require_POST
def pass_issue(request: HttpRequest, resident_id: int) -> HttpResponse:
    user = _issuer(request)
    resident = get_for(user, Resident, pk=resident_id)
    try:
        card = passes.issue(user, resident)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Pass %(number)s issued.") % {"number": card.number})
    return redirect(next_url(request, reverse("checkpoints:pass_buildings")))


@login_required
@require_POST
def pass_revoke(request: HttpRequest, pk: int, reissue: bool = False) -> HttpResponse:
    user = _issuer(request)
    card = get_for(user, Pass, pk=pk, write=CheckpointCapability.ISSUE_PASSES)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the pass is revoked."))
    else:
        try:
            if reissue:
                new = passes.reissue(user, card, form.cleaned_data["reason"])
                messages.success(request, _("Pass %(number)s issued.") % {"number": new.number})
            else:
                passes.revoke(user, card, form.cleaned_data["reason"])
                messages.success(request, _("The pass was revoked."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(next_url(request, reverse("checkpoints:pass_buildings")))


@login_required
@require_POST
def pass_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    return pass_revoke(request, pk, reissue=True)


def _qr_svg(text: str, scale: int = 4) -> str:
    return str(
        segno.make(text, error="m").svg_inline(scale=scale, border=2, dark="#000", omitsize=True)
    )


def _card(card: Pass, community_name: str) -> dict[str, Any]:
    text = qr_text(card.number)
    return {
        "pass": card,
        "name": card.resident.name,
        "doc": mask_document(card.resident.doc_number),
        "community": community_name,
        "qr": _qr_svg(text),
        "text": text,
    }


@login_required
def pass_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The cards of a building (or of one household of it), several per A4 sheet."""
    user = _issuer(request)
    building = _building_for(user, pk)
    cards = Pass.objects.valid().filter(resident__household__building=building)
    household = request.GET.get("household")
    if household and household.isdigit():
        cards = cards.filter(resident__household_id=int(household))
    cards = cards.select_related("resident").order_by("resident__household__number", "resident_id")
    community = building.grid.community.name
    return render(
        request,
        "checkpoints/pass_print.html",
        {"building": building, "cards": [_card(c, community) for c in cards]},
    )


# ---- public: the card on a phone ----------------------------------------------------------------


def _no_trace(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET"])
def card_public(request: HttpRequest, text: str) -> HttpResponse:
    """A resident's pass shown big on their phone (no account): name, masked document
    number, community, pass number and the QR code. Forged codes do not exist (404)."""
    try:
        number: str | None = pass_number_of(text)
    except BadPayload:
        number = None
    card = (
        Pass.objects.select_related("resident", "community").filter(number=number).first()
        if number is not None
        else None
    )
    if ratelimit.refused_lookup(request, "gate-card", text, found=card is not None):
        return _no_trace(HttpResponse(_("Too many requests; wait a minute."), status=429))
    if card is None:
        raise Http404
    context = _card(card, card.community.name)
    context["qr"] = _qr_svg(context["text"], scale=8)
    context["revoked"] = card.revoked_at is not None
    return _no_trace(render(request, "checkpoints/card_public.html", context))
