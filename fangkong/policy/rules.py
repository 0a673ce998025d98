"""The numbers of the plan, as plain data (F20).

A `PolicyRules` is what a policy version holds: every figure a decision uses. It is frozen,
imports nothing from Django, and round-trips through JSON (`to_data` / `from_data`), which is
how a `Policy` row stores it. Decision modules (`screening.classification`,
`quarantine.schedule`, `quarantine.release`, `health.alerts`) take one as an argument.

The defaults below are the plan's (春节期间社区（街道）疫情防控工作方案, 三(二) and 三(五)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self

#: the items an inspection may check: the 六个一 of closed management (三(一)), then the
#: community's own duties (24-hour duty 三(一)5, "一日一消毒" 三(四)4, the registers of
#: people and work, the returnees' screening 三(二), the publicity 三(八))
SIX_ONES = ("entrance", "team", "publicity", "equipment", "rules", "inspection")
INSPECTION_ITEMS = (*SIX_ONES, "duty", "disinfection", "registers", "returnees", "notices")


class Level(StrEnum):
    """Risk levels, lowest first; the order is the comparison."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


def highest(levels: Any) -> Level:
    """The highest of `levels` (LOW when there are none)."""
    return max(levels, key=lambda lv: lv.rank, default=Level.LOW)


class MeasureKind(StrEnum):
    CENTRALISED_QUARANTINE = "centralised_quarantine"
    HOME_QUARANTINE = "home_quarantine"
    CERTIFICATE_CHECK = "certificate_check"
    HEALTH_MONITORING = "health_monitoring"


class CountyRuleLevel(StrEnum):
    """How far an imprecise stay is widened by the county rule."""

    COUNTY = "county"
    PREFECTURE = "prefecture"


@dataclass(frozen=True, slots=True)
class Measure:
    """What arriving from an area of one level means."""

    kind: MeasureKind
    days: int = 0
    #: quarantine days (1 = the first day) on which a test falls
    test_days: tuple[int, ...] = ()

    @property
    def is_quarantine(self) -> bool:
        return self.kind in (MeasureKind.CENTRALISED_QUARANTINE, MeasureKind.HOME_QUARANTINE)


@dataclass(frozen=True, slots=True)
class ReleaseCriteria:
    period_served: bool = True
    no_fever_or_symptom: bool = True
    all_tests_negative: bool = True
    #: the two signatures: 包保干部 and 包保医务人员, two different people
    cadre_signoff: bool = True
    medic_signoff: bool = True


#: the plan's symptoms first (三(五)4: "出现发热、咳嗽、腹泻等症状的人员"), then the usual others
DEFAULT_SYMPTOMS: tuple[str, ...] = (
    "发热",
    "咳嗽",
    "腹泻",
    "乏力",
    "咽痛",
    "嗅觉味觉减退",
    "肌肉酸痛",
    "结膜炎",
    "鼻塞",
    "流涕",
)


@dataclass(frozen=True, slots=True)
class PolicyRules:
    high: Measure = Measure(MeasureKind.CENTRALISED_QUARANTINE, 14, (1, 7, 14))
    medium: Measure = Measure(MeasureKind.HOME_QUARANTINE, 14, (1, 14))
    low: Measure = Measure(MeasureKind.CERTIFICATE_CHECK, 0, ())
    #: a low-risk arrival's certificate must be dated at most this many days before arrival
    certificate_valid_days: int = 7
    #: without a valid certificate: a test at the township sampling point within this time
    test_within_hours: int = 24
    #: stays this many days before arrival (and later) count
    lookback_days: int = 14
    county_rule: bool = True
    county_rule_level: CountyRuleLevel = CountyRuleLevel.COUNTY
    close_contact: Measure = Measure(MeasureKind.CENTRALISED_QUARANTINE, 14, (1, 7, 14))
    #: close contacts are tested at once on registration (初筛), besides the schedule
    close_contact_first_test_at_once: bool = True
    fever_threshold: Decimal = Decimal("37.3")
    #: plausible readings; anything outside is refused as a mistake
    temperature_min: Decimal = Decimal("34.0")
    temperature_max: Decimal = Decimal("43.0")
    checks_per_day: int = 2
    symptoms: tuple[str, ...] = DEFAULT_SYMPTOMS
    #: an alert nobody acknowledged within this many minutes goes to the community leader
    alert_escalation_minutes: int = 30
    release: ReleaseCriteria = field(default_factory=ReleaseCriteria)
    # --- closed management, checkpoints, lockdown, mass testing (plan 三(一), 三(四)) ---
    #: a community at this level or above is under closed management ("六个一")
    closed_management_from: Level = Level.MEDIUM
    #: under closed management, a visit that is not essential is refused at the gate
    refuse_non_essential_visits: bool = True
    #: health-code colours that stop someone at the gate
    gate_stop_health_codes: tuple[str, ...] = ("yellow", "red")
    #: everyone of a locked building or unit is isolated at home for this long (renewed by
    #: the lockdown's own testing; lifting the lockdown ends it sooner)
    lockdown: Measure = Measure(MeasureKind.HOME_QUARANTINE, 14, ())
    #: temperature checks per day for every household of a lockdown (plan: once a day)
    lockdown_checks_per_day: int = 1
    #: disinfections of a lockdown's public areas per day (plan: at least twice)
    lockdown_disinfections_per_day: int = 2
    #: people per pooled tube in a mass-testing round (10-in-1)
    pool_size: int = 10
    #: a supply request not delivered within this many hours escalates (urgent: the second)
    delivery_limit_hours: int = 24
    urgent_delivery_limit_hours: int = 4
    #: the duty roster's shifts (plan 三(一)5 "24小时轮流值班"): their start times, "HH:MM" in
    #: ascending order separated by commas; each shift runs to the next start, the last one
    #: to the first start of the next day (three 8-hour shifts by default)
    duty_shift_starts: str = "00:00,08:00,16:00"
    # --- reporting to the township (plan 四(二)) ---
    #: each community's daily report (无病例零报告 included) is due by this local time, "HH:MM"
    daily_report_deadline: str = "16:00"
    #: an urgent report ("第一时间") the township has not acknowledged escalates after this
    urgent_report_escalation_minutes: int = 30
    #: what an inspection round checks (四(三), the 督查队伍 of 六个一): keys of
    #: `INSPECTION_ITEMS`, by default the six items of closed management
    inspection_items: tuple[str, ...] = SIX_ONES
    # --- community disinfection (plan 三(一)5 "一日一消毒", 三(四)4, 三(五)5) ---
    #: disinfections a day of an ordinary place of the community (一日一消毒)
    disinfections_per_day: int = 1
    #: of a key area: gates, the clinic, care homes (每日至少两次)
    key_area_disinfections_per_day: int = 2
    #: of a spot touched often: lifts, door handles (使用频繁的部位要多轮、多次)
    busy_spot_disinfections_per_day: int = 4
    # --- retention of personal data (PIPL 最小必要; 中央网信办 2020 年 2 月 9 日《关于做好个人信息
    # 保护利用大数据支撑联防联控工作的通知》): days after a record is closed, after which the
    # person is taken out of it (`fangkong purge`) and only counts remain ---
    #: a quarantine case, after it was released or referred
    retention_case_days: int = 30
    #: a returnee registration, after it was confirmed or rejected (and its case closed)
    retention_registration_days: int = 30
    #: a health check-in, after its quarantine case was closed
    retention_checkin_days: int = 30
    #: a symptom alert, after it was closed
    retention_alert_days: int = 30
    #: a resident's or vehicle's gate entry, after it was recorded
    retention_gate_entry_days: int = 30
    #: a visitor's gate entry, after it was recorded
    retention_visitor_days: int = 30

    def measure_for(self, level: Level) -> Measure:
        return {Level.HIGH: self.high, Level.MEDIUM: self.medium, Level.LOW: self.low}[level]

    def is_fever(self, temperature: Decimal) -> bool:
        return temperature >= self.fever_threshold

    def is_plausible(self, temperature: Decimal) -> bool:
        return self.temperature_min <= temperature <= self.temperature_max

    def is_closed_management(self, level: Level) -> bool:
        """Whether a community at `level` is under closed management."""
        return level.rank >= self.closed_management_from.rank

    # --- JSON -------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-ready data (Decimals as strings, tuples as lists)."""
        return {k: _jsonable(v) for k, v in asdict(self).items()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Self:
        """Rules from stored data; keys missing from older versions take the defaults."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown policy keys: {sorted(unknown)}")
        base = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            raw = data[f.name]
            current = getattr(base, f.name)
            values[f.name] = _coerce(current, raw)
        return replace(base, **values)


def _coerce(example: Any, raw: Any) -> Any:
    if isinstance(example, Measure):
        return Measure(
            MeasureKind(raw["kind"]),
            int(raw.get("days", 0)),
            tuple(int(d) for d in raw.get("test_days", ())),
        )
    if isinstance(example, ReleaseCriteria):
        return ReleaseCriteria(**{k: bool(v) for k, v in raw.items()})
    if isinstance(example, CountyRuleLevel):
        return CountyRuleLevel(raw)
    if isinstance(example, Level):
        return Level(raw)
    if isinstance(example, bool):
        return bool(raw)
    if isinstance(example, Decimal):
        return Decimal(str(raw))
    if isinstance(example, int):
        return int(raw)
    if isinstance(example, tuple):
        return tuple(str(x) for x in raw)
    return raw


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


DEFAULT_RULES = PolicyRules()


def differences(old: PolicyRules, new: PolicyRules) -> dict[str, tuple[Any, Any]]:
    """{rule name: (old, new)} for each top-level rule that changed."""
    a, b = old.to_data(), new.to_data()
    return {k: (a[k], b[k]) for k in a if a[k] != b.get(k)}
