"""The capabilities of the inspections app (plan 四(三) 督查, the 六个一's 督查队伍): who sees
inspections, who inspects (records the checks and findings, verifies rectifications), who
records commendations and penalties; and which roles hold them.

Whoever owns a rectification may record it done with evidence, whatever the role (the action
checks it is theirs). A township administrator holds every capability.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class InspectionCapability(StrEnum):
    VIEW_INSPECTIONS = "view_inspections"
    #: carry out an inspection round: checks, findings, verification at re-inspection
    INSPECT = "inspect"
    #: record a commendation or a penalty (四(三) 表彰 / 追责)
    DECIDE_MERITS = "decide_merits"


_SEE = {InspectionCapability.VIEW_INSPECTIONS}

register_capabilities(
    InspectionCapability,
    {
        Role.COMMUNITY_LEADER: {
            InspectionCapability.VIEW_INSPECTIONS,
            InspectionCapability.INSPECT,
            InspectionCapability.DECIDE_MERITS,
        },
        Role.OFFICE_STAFF: {InspectionCapability.VIEW_INSPECTIONS, InspectionCapability.INSPECT},
        Role.GRID_WORKER: _SEE,
        Role.MEDICAL_WORKER: _SEE,
        Role.CHECKPOINT_GUARD: _SEE,
        Role.POLICE_OFFICER: _SEE,
    },
)
