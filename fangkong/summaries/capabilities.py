"""The capabilities of the summaries app (plan 四(四) 善后): the period's epidemic report, the
follow-up of patients' families (安抚) and the removal of environmental contamination
(环境污染消除); and which roles hold them. The written assessment of a period is the
township's: only its administrator (who holds every capability) writes it."""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class SummaryCapability(StrEnum):
    VIEW_SUMMARIES = "view_summaries"
    #: record a visit to a patient's family or a decontamination
    RECORD_AFTERCARE = "record_aftercare"
    #: write the assessment of a period (the township)
    WRITE_ASSESSMENT = "write_assessment"


register_capabilities(
    SummaryCapability,
    {
        Role.COMMUNITY_LEADER: {
            SummaryCapability.VIEW_SUMMARIES,
            SummaryCapability.RECORD_AFTERCARE,
        },
        Role.OFFICE_STAFF: {SummaryCapability.VIEW_SUMMARIES, SummaryCapability.RECORD_AFTERCARE},
        Role.MEDICAL_WORKER: {SummaryCapability.RECORD_AFTERCARE},
        Role.GRID_WORKER: {SummaryCapability.RECORD_AFTERCARE},
    },
)
