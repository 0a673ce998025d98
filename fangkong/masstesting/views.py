"""Round pages: the list, opening a round, the round's page with its live coverage, who is
missing, closing, the phone page for sampling, the lab file, and registering a positive as an
index case. Thin: every write is an action; `get_for` gives 404 outside the jurisdiction and
403 without the capability."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core import confirmation
from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document
from fangkong.core.models import User
from fangkong.core.paging import page_of
from fangkong.core.rendering import page_or_partial
from fangkong.core.spreadsheets import file_size
from fangkong.core.uploads import SizeLimitHandler
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.people.models import Household, Resident
from fangkong.people.search import search_query
from fangkong.quarantine.capabilities import QuarantineCapability
from fangkong.quarantine.lab_views import _xlsx_response

from . import actions, queries, result_jobs
from .forms import OpenRoundForm, PersonForm, ReopenForm, ResultUploadForm, TubeForm
from .models import MemberResult, Round, RoundImportJob, RoundMember, Tube
from .results import write_template
from .rounds import open_round

#: people found by one search on the sampling page
SEARCH_LIMIT = 20
_LAST4 = re.compile(r"^[0-9]{3}[0-9Xx]$")


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    require(request.user, MassTestingCapability.VIEW_ROUNDS)
    rounds = Round.objects.visible_to(request.user).select_related(
        "community", "grid", "building", "unit"
    )
    status = request.GET.get("status", "")
    if status in ("open", "closed"):
        rounds = rounds.filter(status=status)
    return render(
        request,
        "masstesting/round_list.html",
        {"page": page_of(rounds, request.GET.get("page"), per_page=30), "status": status},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    user = require(request.user, MassTestingCapability.MANAGE_ROUNDS)
    choices = queries.scope_choices(user)
    form = OpenRoundForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        kind, _sep, raw = form.cleaned_data["place"].partition(":")
        try:
            scope = queries.scope_for(user, kind, int(raw))
            rnd = open_round(user, scope=scope, name=form.cleaned_data["name"])
        except DomainError as exc:
            for field, msgs in exc.errors.items():
                for msg in msgs:
                    form.add_error("name" if field == "name" else "place", msg)
        else:
            messages.success(
                request, _("The round is open: %(n)s people expected.") % {"n": rnd.members.count()}
            )
            return redirect("masstesting:round_detail", pk=rnd.pk)
    return render(
        request,
        "masstesting/round_open.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


def _round(request: HttpRequest, pk: int, write: str | None = None) -> Round:
    require(request.user, MassTestingCapability.VIEW_ROUNDS)
    return get_for(
        request.user,
        Round,
        pk=pk,
        write=write,
        queryset=Round.objects.select_related("community", "grid", "building", "unit", "township"),
    )


#: buildings listed on the round page (least covered first); the API gives them all
SHOWN_BUILDINGS = 200


def _round_context(request: HttpRequest, rnd: Round) -> dict[str, object]:
    rows, numbers = queries.coverage_and_numbers(queries.members_of(request.user, rnd))
    return {
        "round": rnd,
        "numbers": numbers,
        "coverage": rows[:SHOWN_BUILDINGS],
        "more_buildings": max(len(rows) - SHOWN_BUILDINGS, 0),
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    context = _round_context(request, rnd)
    members = queries.members_of(request.user, rnd)
    context["positives"] = (
        list(members.filter(result=MemberResult.POSITIVE).select_related("resident")[:100])
        if context["numbers"].positive  # type: ignore[attr-defined]
        else []
    )
    context["imports"] = list(
        RoundImportJob.objects.visible_to(request.user).filter(round=rnd)[:10]
    )
    context["upload_form"] = ResultUploadForm()
    if rnd.is_open:
        context["close_question"] = close_question(rnd)
    elif request.user.can(MassTestingCapability.REOPEN_ROUNDS):  # type: ignore[union-attr]
        context["reopen_form"] = ReopenForm()
        context["results_imported"] = actions.results_imported(rnd)
    return page_or_partial(request, "masstesting/round_detail.html", "coverage", context)


@login_required
@require_GET
def round_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the round page (htmx polls it every 10 seconds)."""
    rnd = _round(request, pk)
    return render(request, "masstesting/round_detail.html#coverage", _round_context(request, rnd))


@login_required
@require_GET
def round_missing(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    members = queries.members_of(request.user, rnd)
    building = request.GET.get("building", "")
    page = page_of(queries.missing(members, building), request.GET.get("page"), per_page=50)
    rows = [
        {
            "member": m,
            "name": m.resident.name,
            "doc": mask_document(m.resident.doc_number),
            "address": m.household.address if m.household else "",
        }
        for m in page.items
    ]
    return render(
        request,
        "masstesting/round_missing.html",
        {
            "round": rnd,
            "page": page,
            "rows": rows,
            "building": building,
            "options": [
                (row.key, f"{row.place} ({row.missing})")
                for row in queries.coverage(members)
                if row.missing
            ],
        },
    )


def close_question(rnd: Round) -> str:
    """What closing the round's sampling does, with how many of the whole round are still
    unsampled (asked before closing)."""
    counts = RoundMember.objects.filter(round=rnd).aggregate(
        expected=Count("id"), sampled=Count("id", filter=Q(tube__isnull=False))
    )
    missing = counts["expected"] - counts["sampled"]
    if missing:
        says = _(
            "Close sampling of “%(round)s”? %(missing)s of the %(expected)s people expected "
            "have not been sampled: they stay unsampled, and nobody can be sampled in this "
            "round any more."
        )
    else:
        says = _(
            "Close sampling of “%(round)s”? All %(expected)s people expected were sampled; "
            "nobody can be sampled in this round any more."
        )
    return " ".join(
        (
            says % {"round": rnd.name, "missing": missing, "expected": counts["expected"]},
            _("A leader can reopen it, with a reason, until results are imported."),
        )
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, write=MassTestingCapability.MANAGE_ROUNDS)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Close sampling"),
            says=close_question(rnd),
            button=_("Close sampling"),
            back=reverse("masstesting:round_detail", args=[rnd.pk]),
        )
    try:
        actions.close_round(request.user, rnd)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sampling is closed for this round."))
    return redirect("masstesting:round_detail", pk=rnd.pk)


@login_required
@require_POST
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader reopens a closed round's sampling, with a reason (refused once results are in)."""
    rnd = _round(request, pk, write=MassTestingCapability.REOPEN_ROUNDS)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the round is reopened."))
        return redirect("masstesting:round_detail", pk=rnd.pk)
    try:
        actions.reopen_round(request.user, rnd, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sampling is open again for this round."))
    return redirect("masstesting:round_detail", pk=rnd.pk)


# -- sampling ---------------------------------------------------------------------------------


def _tube_members(tube: Tube | None) -> list[RoundMember]:
    if tube is None:
        return []
    return list(
        RoundMember.objects.filter(Q(tube=tube) | Q(retest_tube=tube))
        .select_related("resident")
        .order_by("sampled_at", "id")
    )


def _search(user: User, rnd: Round, text: str) -> tuple[list[RoundMember], list[Resident]]:
    """Members found as the resident list finds people (`people.search.search_query`: name,
    pinyin or its initials, a whole phone or document number, the household's address) or by
    the last 4 characters of the document number or phone, and people living in the round's
    scope who are missing from it. A person without a document is found like anyone else."""
    compact = "".join(text.split())
    if not compact:
        return [], []
    if _LAST4.match(compact):
        # the numbers are sealed; their last four characters are kept in clear for this
        condition = Q(doc_last4=compact.upper()) | Q(phone_last4=compact)
    else:
        condition = search_query(text)
    residents = Resident.objects.visible_to(user).active().filter(condition)
    found = list(
        RoundMember.objects.filter(round=rnd, resident__in=residents)
        .select_related("resident", "tube", "household")
        .order_by("resident__name", "id")[:SEARCH_LIMIT]
    )
    taken = {m.resident_id for m in found}
    outsiders = [
        r
        for r in residents.exclude(pk__in=taken)
        .exclude(pk__in=RoundMember.objects.filter(round=rnd).values("resident_id"))
        .select_related("household")
        .order_by("name", "id")[:SEARCH_LIMIT]
        if actions.in_scope(rnd, r)
    ]
    return found, outsiders


def _who(resident: Resident, household: Household | None) -> str:
    """What tells two people of the same name apart on the sampling page, masked: the
    document (or that there is none), the phone, the household."""
    parts = [mask_document(resident.doc_number) or _("No document"), resident.phone_masked]
    if household is not None:
        parts.append(household.address)
    return " · ".join(p for p in parts if p)


@login_required
@require_http_methods(["GET", "POST"])
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 (GET ?tube=…): the tube. Step 2 (POST): a person into it, by pass QR, by a
    search result, or added to the round first."""
    rnd = _round(request, pk, write=MassTestingCapability.SAMPLE_TESTS)
    user = require(request.user, MassTestingCapability.SAMPLE_TESTS)
    tube_form = TubeForm(request.GET if "tube" in request.GET else None)
    context: dict[str, object] = {"round": rnd, "tube_form": tube_form}
    status = 200
    code, single = "", False
    if request.method == "POST":
        code = actions.normalise_tube_code(request.POST.get("tube", ""))
        single = request.POST.get("single") in ("on", "true", "1", "True")
    elif tube_form.is_bound and tube_form.is_valid():
        code = actions.normalise_tube_code(tube_form.cleaned_data["tube"])
        single = tube_form.cleaned_data["single"]
    if not code:
        return render(request, "masstesting/sample.html", context)
    if not rnd.is_open:
        tube_form.add_error(None, _("This round is closed."))
        return render(request, "masstesting/sample.html", context, status=422)
    try:
        tube = actions.check_tube(rnd, code, pooled=not single)
    except DomainError as exc:
        if tube_form.is_bound:
            tube_form.add_error("tube", exc.message)
        else:
            messages.error(request, exc.message)
        return render(request, "masstesting/sample.html", context, status=422)
    person_form = PersonForm(request.POST or None, initial={"tube": code, "single": single})
    if request.method == "POST" and person_form.is_valid():
        data = person_form.cleaned_data
        try:
            resident = None
            if request.POST.get("add") and data["resident"]:
                resident = Resident.objects.visible_to(user).filter(pk=data["resident"]).first()
                if resident is None:
                    raise DomainError(_("This person is not in your jurisdiction."))
                actions.add_to_round(user, rnd, resident)
            elif data["resident"]:
                member = (
                    RoundMember.objects.filter(round=rnd, resident_id=data["resident"])
                    .select_related("resident")
                    .first()
                )
                if member is None:
                    raise DomainError(_("This person is not expected in this round."))
                resident = member.resident
            elif data["code"]:
                resident = actions.resident_of_pass(data["code"])
            elif data["q"]:
                found, outsiders = _search(user, rnd, data["q"])
                context.update(found=found, outsiders=outsiders, searched=data["q"])
            else:
                raise DomainError(_("Scan the pass or search the person."))
            if resident is not None:
                actions.sample(user, rnd, tube_code=code, pooled=not single, resident=resident)
                messages.success(
                    request,
                    _("%(name)s is in tube %(code)s.") % {"name": resident.name, "code": code},
                )
                url = reverse("masstesting:sample", args=[rnd.pk])
                return redirect(
                    f"{url}?{urlencode({'tube': code, **({'single': 'on'} if single else {})})}"
                )
        except DomainError as exc:
            person_form.add_error(None, exc.message)
            status = 422
        person_form = (
            PersonForm(initial={"tube": code, "single": single}) if status == 200 else person_form
        )
    tube = tube or Tube.objects.filter(round=rnd, code=code).first()
    in_tube = _tube_members(tube)
    context.update(
        person_form=person_form,
        code=code,
        single=single,
        in_tube=[(m, mask_document(m.resident.doc_number)) for m in in_tube],
        capacity=1 if single else rnd.pool_size,
        full=len(in_tube) >= (1 if single else rnd.pool_size),
    )
    if "found" in context:
        context["found"] = [
            (m, _who(m.resident, m.household))
            for m in context["found"]  # type: ignore[attr-defined]
        ]
        context["outsiders"] = [
            (r, _who(r, r.household))
            for r in context["outsiders"]  # type: ignore[attr-defined]
        ]
    return render(request, "masstesting/sample.html", context, status=status)


@login_required
@require_POST
def tube_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    """Take a person out of the tube they were put into by mistake (before its result)."""
    rnd = _round(request, pk, write=MassTestingCapability.SAMPLE_TESTS)
    user = require(request.user, MassTestingCapability.SAMPLE_TESTS)
    member = get_for(user, RoundMember, pk=member_id, round=rnd)
    code = actions.normalise_tube_code(request.POST.get("tube", ""))
    single = request.POST.get("single") in ("on", "true", "1", "True")
    try:
        actions.remove_from_tube(user, member, tube_code=code)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s was taken out of tube %(code)s.")
            % {"name": member.resident.name, "code": code},
        )
    url = reverse("masstesting:sample", args=[rnd.pk])
    return redirect(f"{url}?{urlencode({'tube': code, **({'single': 'on'} if single else {})})}")


# -- positives ----------------------------------------------------------------------------------


@login_required
@require_POST
def register_case(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    rnd = _round(request, pk, write=QuarantineCapability.MANAGE_CASES)
    member = get_for(request.user, RoundMember, pk=member_id, round=rnd)
    try:
        index = actions.register_positive(request.user, member)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("masstesting:round_detail", pk=rnd.pk)
    messages.success(request, _("The index case was registered."))
    return redirect("quarantine:index_detail", pk=index.pk)


# -- the lab file -------------------------------------------------------------------------------


@csrf_exempt
@login_required
@require_POST
def results_upload(request: HttpRequest, pk: int) -> HttpResponse:
    request.upload_handlers.insert(0, SizeLimitHandler(request, settings.FANGKONG_MAX_UPLOAD_BYTES))
    return _upload(request, pk)


@csrf_protect
def _upload(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, write=QuarantineCapability.RECORD_TESTS)
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    form = ResultUploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        messages.error(
            request,
            _(
                "The file is %(size)s; files up to %(max)s are accepted. Split it into smaller "
                "files and upload them one by one."
            )
            % {"size": file_size(size), "max": file_size(settings.FANGKONG_MAX_UPLOAD_BYTES)},
        )
        return redirect("masstesting:round_detail", pk=rnd.pk)
    if form.is_valid():
        try:
            job = result_jobs.start_import(user, rnd, form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("masstesting:import_detail", pk=job.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("masstesting:round_detail", pk=rnd.pk)


def _job(request: HttpRequest, pk: int) -> RoundImportJob:
    require(request.user, QuarantineCapability.RECORD_TESTS)
    job = get_for(
        request.user,
        RoundImportJob,
        pk=pk,
        queryset=RoundImportJob.objects.select_related("created_by", "round"),
    )
    # and the round must be one the user may see
    get_for(request.user, Round, pk=job.round_id)
    return job


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return page_or_partial(
        request,
        "masstesting/import_detail.html",
        "status",
        {"job": job, "problems": job.problems[:500], "more": max(job.unmatched_rows - 500, 0)},
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        result_jobs.confirm_import(request.user, job)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("masstesting:import_detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        result_jobs.cancel_import(request.user, job)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import was cancelled and the file deleted."))
    return redirect("masstesting:import_detail", pk=job.pk)


@login_required
@require_GET
def results_template(request: HttpRequest) -> FileResponse:
    require(request.user, QuarantineCapability.RECORD_TESTS)
    return _xlsx_response(write_template, "核酸检测结果模板.xlsx")
