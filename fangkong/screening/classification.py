"""How a returnee is classified (F3, plan 三(二)): pure, no Django.

Inputs are plain data: the travel history (`StayFact`: a `Place` and its dates), the risk areas
(`AreaFact`), the test certificate, the arrival date and the `PolicyRules` in force. The output
is a frozen `Decision`: the level, the measure it implies, its days and test days, and the
facts that justify it (`ReasonFact`), which `screening.reasons` writes out in words.

The rules, as the plan states them and the policy parametrises them:

- Only the look-back window counts: [arrival − `lookback_days`, arrival]. Each stay is cut to
  the window; a stay wholly outside it never matters.
- A stay counts at a level when a risk area of that level CONTAINS its place
  (`Place.contains`) and was at risk on some day of the cut stay.
- County rule (`county_rule` on): a stay known only to county precision (or coarser) counts as
  the highest level of any risk area inside that county during the stay; with
  `county_rule_level` "prefecture" the stay is widened to its prefecture first. With the rule
  off, an imprecise stay counts only areas that contain it.
- The level is the highest over the stays; the measure is `rules.measure_for(level)`. Where
  that measure is the certificate check (low risk by default): a negative certificate dated at
  most `certificate_valid_days` before arrival (that day included) is accepted, otherwise a
  test within `test_within_hours` is due.

`check_travel` lists what is wrong with the input (reversed or overlapping stays, arrival in
the future, …) as `Problem`s; the Django side turns them into sentences.

Speed: a `Classifier` indexes the areas once (by division code, lazily per code seen) and
classifies many registrations against them (`classify_many`); `bench/classify.py` measures
it. `Decision` and `ReasonFact` are NamedTuples — immutable plain data like a frozen
dataclass, but several times cheaper to make, which the batch target needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from fangkong.policy.places import AreaFact, Place, normalise_sub_name
from fangkong.policy.rules import CountyRuleLevel, Level, MeasureKind, PolicyRules


class DecisionMeasure(StrEnum):
    """What the decision asks of the returnee (stored as `Registration.measure`)."""

    CENTRALISED_QUARANTINE = "centralised_quarantine"
    HOME_QUARANTINE = "home_quarantine"
    CERTIFICATE_ACCEPTED = "certificate_accepted"
    TEST_WITHIN_24H = "test_within_24h"
    #: a policy may set health monitoring for a level: recorded, nothing else is created
    HEALTH_MONITORING = "health_monitoring"


QUARANTINE_MEASURES = frozenset(
    {DecisionMeasure.CENTRALISED_QUARANTINE, DecisionMeasure.HOME_QUARANTINE}
)


@dataclass(frozen=True, slots=True)
class StayFact:
    """One place of the travel history with its first and last day there (both included)."""

    place: Place
    start: dt.date
    end: dt.date


class Certificate(NamedTuple):
    """A nucleic-acid test certificate: the day of the test and whether it was negative."""

    date: dt.date
    negative: bool


class AreaRef(NamedTuple):
    """A risk area as the classifier indexes it."""

    rank: int  # 1 medium, 2 high
    start: dt.date
    end: dt.date  # dt.date.max while still in force
    level: Level
    name: str
    area_id: int | None


class ReasonFact(NamedTuple):
    """Why one stay counts: where and when, at which level, because of which area.

    Holds the stay and the area as they are (cheap to make in a batch); the fields a reason
    is written from are properties."""

    stay: StayFact
    area: AreaRef
    #: True when the stay counted only through the county rule (its place was imprecise)
    county_rule: bool

    @property
    def start(self) -> dt.date:
        return self.stay.start

    @property
    def end(self) -> dt.date:
        return self.stay.end

    @property
    def place_name(self) -> str:
        """The stay's place as resolved ("湖北省武汉市江汉区民族街道")."""
        return self.stay.place.full_name

    @property
    def level(self) -> Level:
        return self.area.level

    @property
    def area_name(self) -> str:
        return self.area.name

    @property
    def area_since(self) -> dt.date:
        """The day the area became one."""
        return self.area.start

    @property
    def area_id(self) -> int | None:
        return self.area.area_id


class Decision(NamedTuple):
    level: Level
    measure: DecisionMeasure
    days: int
    test_days: tuple[int, ...]
    #: the stays that raised the level, in the order of the travel history; empty for low risk
    reasons: tuple[ReasonFact, ...]

    @property
    def is_quarantine(self) -> bool:
        return self.measure in QUARANTINE_MEASURES


#: what `Classifier.classify_many` takes: (stays, arrival date, certificate or None)
Registration = tuple[Sequence[StayFact], dt.date, Certificate | None]

_LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)
_RANK = {Level.LOW.value: 0, Level.MEDIUM.value: 1, Level.HIGH.value: 2}
_NO_END = dt.date.max
_TOP = len(_LEVELS) - 1
#: builds a ReasonFact / Decision from a tuple without the Python-level `__new__` (hot loop)
_new = tuple.__new__


class _Entry(NamedTuple):
    """The areas that matter for stays with one division code, under one set of rules; each
    tuple sorted highest level first, then earliest start, so the first area at risk during
    a stay is the one that counts."""

    #: areas containing the whole division (no name below the county, code a prefix)
    containing: tuple[AreaRef, ...]
    #: below the county: normalised name -> areas with exactly that name in this county
    by_sub: dict[str, tuple[AreaRef, ...]]
    #: the county rule: areas inside the (widened) division that do not contain it
    inside: tuple[AreaRef, ...]


def _sorted(cands: Iterable[AreaRef]) -> tuple[AreaRef, ...]:
    return tuple(sorted(cands, key=lambda c: (-c.rank, c.start, c.name)))


_UNSEEN = _Entry((), {}, ())


class Classifier:
    """Classify many registrations under one `PolicyRules` against one set of areas."""

    def __init__(self, rules: PolicyRules, areas: Iterable[AreaFact]):
        self.rules = rules
        self._window = dt.timedelta(days=rules.lookback_days)
        self._valid = dt.timedelta(days=rules.certificate_valid_days)
        self._county_rule = rules.county_rule
        self._widen_to_prefecture = rules.county_rule_level == CountyRuleLevel.PREFECTURE
        # Areas by their own code (whole divisions, and named places below a county), and
        # under every prefix of their code (for the county rule's "inside").
        self._whole: dict[str, list[AreaRef]] = {}
        self._named: dict[str, dict[str, list[AreaRef]]] = {}
        self._under: dict[str, list[AreaRef]] = {}
        for area in areas:
            rank = _RANK.get(str(area.level), 0)
            if rank == 0:
                continue
            cand = AreaRef(
                rank,
                area.start,
                area.end or _NO_END,
                _LEVELS[rank],
                area.place.full_name,
                area.area_id,
            )
            code = area.place.code
            if area.place.sub_name:
                subs = self._named.setdefault(code, {})
                subs.setdefault(normalise_sub_name(area.place.sub_name), []).append(cand)
            else:
                self._whole.setdefault(code, []).append(cand)
            for k in (2, 4, 6):
                if k <= len(code):
                    self._under.setdefault(code[:k], []).append(cand)
        #: division code of a stay -> its entry (None: no area can matter), filled lazily
        self._entries: dict[str, _Entry | None] = {}
        self._subs: dict[str, str] = {}
        self._needs_certificate = tuple(
            rules.measure_for(level).kind == MeasureKind.CERTIFICATE_CHECK for level in _LEVELS
        )
        # Every decision but its reasons depends on the level and the certificate only.
        #: [rank][certificate valid] -> the decision without reasons
        self._outcome = tuple(
            (self._decision(level, False), self._decision(level, True)) for level in _LEVELS
        )

    def _decision(self, level: Level, certificate_valid: bool) -> Decision:
        measure = self.rules.measure_for(level)
        if measure.kind == MeasureKind.CERTIFICATE_CHECK:
            what = (
                DecisionMeasure.CERTIFICATE_ACCEPTED
                if certificate_valid
                else DecisionMeasure.TEST_WITHIN_24H
            )
            return Decision(level, what, 0, (), ())
        return Decision(
            level, DecisionMeasure(measure.kind.value), measure.days, tuple(measure.test_days), ()
        )

    def _entry(self, code: str) -> _Entry | None:
        """The candidate areas for stays whose division code is `code` (None: no area),
        worked out on the first stay with that code and kept for the batch."""
        if code[:4] not in self._under and code[:2] not in self._whole:
            # No area lies in its prefecture, nor holds its whole province: none can matter.
            self._entries[code] = None
            return None
        containing = [c for k in (2, 4, 6) if k <= len(code) for c in self._whole.get(code[:k], ())]
        by_sub = {sub: _sorted(cands) for sub, cands in self._named.get(code, {}).items()}
        inside: list[AreaRef] = []
        if self._county_rule:
            region = code[:4] if self._widen_to_prefecture and len(code) > 4 else code
            holders = {id(c) for c in containing}
            inside = [c for c in self._under.get(region, ()) if id(c) not in holders]
        entry = None
        if containing or by_sub or inside:
            entry = _Entry(_sorted(containing), by_sub, _sorted(inside))
        self._entries[code] = entry
        return entry

    def classify(
        self,
        stays: Sequence[StayFact],
        arrival: dt.date,
        certificate: Certificate | None = None,
    ) -> Decision:
        return next(self.classify_many(((stays, arrival, certificate),)))

    def classify_many(self, registrations: Iterable[Registration]) -> Iterator[Decision]:
        """One decision per (stays, arrival, certificate), in order, as they are made."""
        # The hot loop of a batch, written for speed (bench/classify.py): one dict lookup for
        # a stay where no area can matter, the matching inlined for the others, the decision
        # without reasons made once per level.
        lookback = self._window
        valid_days = self._valid
        needs_certificate = self._needs_certificate
        outcomes = self._outcome
        get = self._entries.get
        subs = self._subs
        unseen, top, new, reason_fact, decision = _UNSEEN, _TOP, _new, ReasonFact, Decision
        for stays, arrival, certificate in registrations:
            window_start = arrival - lookback
            best_rank = 0
            reasons: tuple[ReasonFact, ...] = ()
            for stay in stays:
                place = stay.place
                entry = get(place.code, unseen)
                if entry is None:
                    continue
                if entry is unseen:
                    entry = self._entry(place.code)
                    if entry is None:
                        continue
                start = stay.start
                if start < window_start:
                    start = window_start
                end = stay.end
                if end > arrival:
                    end = arrival
                if start > end:
                    continue
                containing, by_sub, inside = entry
                best = None
                for cand in containing:
                    if cand.start <= end and cand.end >= start:
                        best = cand
                        break
                county = False
                sub = place.sub_name
                if best is not None and best.rank == top:
                    pass
                elif sub:
                    if by_sub:
                        norm = subs.get(sub)
                        if norm is None:
                            norm = subs[sub] = normalise_sub_name(sub)
                        for cand in by_sub.get(norm, ()):
                            if cand.start <= end and cand.end >= start:
                                if best is None or cand.rank > best.rank:
                                    best = cand
                                break
                elif inside:
                    for cand in inside:
                        if cand.start <= end and cand.end >= start:
                            if best is None or cand.rank > best.rank:
                                best, county = cand, True
                            break
                if best is None:
                    continue
                fact = new(reason_fact, (stay, best, county))
                reasons += (fact,)
                if best.rank > best_rank:
                    best_rank = best.rank
            valid = (
                certificate is not None
                and needs_certificate[best_rank]
                and certificate.negative
                and arrival - valid_days <= certificate.date <= arrival
            )
            outcome = outcomes[best_rank][valid]
            if reasons:
                yield new(decision, (*outcome[:4], reasons))
            else:
                yield outcome


def classify(
    stays: Sequence[StayFact],
    *,
    arrival: dt.date,
    certificate: Certificate | None,
    rules: PolicyRules,
    areas: Iterable[AreaFact] | Classifier,
) -> Decision:
    """Classify one registration (for many, make one `Classifier` and reuse it)."""
    classifier = areas if isinstance(areas, Classifier) else Classifier(rules, areas)
    if classifier.rules is not rules and classifier.rules != rules:
        raise ValueError("the classifier was built for other rules")
    return classifier.classify(stays, arrival, certificate)


def window(arrival: dt.date, rules: PolicyRules) -> tuple[dt.date, dt.date]:
    """The look-back window of an arrival: the days whose stays count."""
    return arrival - dt.timedelta(days=rules.lookback_days), arrival


# --- checking the input ---------------------------------------------------------------------


class ProblemKind(StrEnum):
    NO_STAYS = "no_stays"
    TOO_MANY_STAYS = "too_many_stays"
    ARRIVAL_IN_FUTURE = "arrival_in_future"
    ARRIVAL_TOO_OLD = "arrival_too_old"
    STAY_REVERSED = "stay_reversed"
    STAY_AFTER_ARRIVAL = "stay_after_arrival"
    STAY_TOO_OLD = "stay_too_old"
    STAYS_OVERLAP = "stays_overlap"
    CERTIFICATE_AFTER_ARRIVAL = "certificate_after_arrival"
    CERTIFICATE_TOO_OLD = "certificate_too_old"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    #: the request field: "arrival_date", "stays" or "certificate"
    field: str
    #: the stay rows concerned (0-based), if any
    rows: tuple[int, ...] = ()


#: limits of plausible input (not policy: they only catch typing mistakes)
MAX_STAYS = 20
MAX_AGE_DAYS = 366


def check_travel(
    stays: Sequence[tuple[dt.date, dt.date]],
    *,
    arrival: dt.date,
    certificate: Certificate | None,
    today: dt.date,
) -> tuple[Problem, ...]:
    """What is wrong with a travel history, arrival and certificate; empty when nothing is.

    `stays` are the (start, end) of each row, in the order given.
    """
    out: list[Problem] = []
    oldest = today - dt.timedelta(days=MAX_AGE_DAYS)
    if arrival > today:
        out.append(Problem(ProblemKind.ARRIVAL_IN_FUTURE, "arrival_date"))
    elif arrival < oldest:
        out.append(Problem(ProblemKind.ARRIVAL_TOO_OLD, "arrival_date"))
    if not stays:
        out.append(Problem(ProblemKind.NO_STAYS, "stays"))
    elif len(stays) > MAX_STAYS:
        out.append(Problem(ProblemKind.TOO_MANY_STAYS, "stays"))
    earliest = arrival - dt.timedelta(days=MAX_AGE_DAYS)
    for i, (start, end) in enumerate(stays):
        if start > end:
            out.append(Problem(ProblemKind.STAY_REVERSED, "stays", (i,)))
        if end > arrival:
            out.append(Problem(ProblemKind.STAY_AFTER_ARRIVAL, "stays", (i,)))
        if start < earliest:
            out.append(Problem(ProblemKind.STAY_TOO_OLD, "stays", (i,)))
    ordered = sorted(
        (i for i, (s, e) in enumerate(stays) if s <= e), key=lambda i: (stays[i][0], i)
    )
    # Two places on the same day is a day of travel; a stay starting before an earlier one
    # ended is a mistake. `last` is the row reaching furthest so far.
    last: int | None = None
    for i in ordered:
        if last is not None and stays[i][0] < stays[last][1]:
            out.append(Problem(ProblemKind.STAYS_OVERLAP, "stays", tuple(sorted((last, i)))))
        if last is None or stays[i][1] > stays[last][1]:
            last = i
    if certificate is not None:
        if certificate.date > arrival:
            out.append(Problem(ProblemKind.CERTIFICATE_AFTER_ARRIVAL, "certificate"))
        elif certificate.date < earliest:
            out.append(Problem(ProblemKind.CERTIFICATE_TOO_OLD, "certificate"))
    return tuple(out)
