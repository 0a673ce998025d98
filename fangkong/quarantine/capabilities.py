"""The capabilities of the quarantine app: working quarantine cases, recording tests, and the
two release signatures; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them but the two release signatures.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class QuarantineCapability(StrEnum):
    MANAGE_CASES = "manage_cases"
    RECORD_TESTS = "record_tests"
    SIGN_AS_CADRE = "sign_as_cadre"
    SIGN_AS_MEDIC = "sign_as_medic"


register_capabilities(
    QuarantineCapability,
    {
        Role.COMMUNITY_LEADER: {
            QuarantineCapability.MANAGE_CASES,
            QuarantineCapability.RECORD_TESTS,
            QuarantineCapability.SIGN_AS_CADRE,
        },
        Role.OFFICE_STAFF: {QuarantineCapability.MANAGE_CASES, QuarantineCapability.RECORD_TESTS},
        Role.GRID_WORKER: {QuarantineCapability.MANAGE_CASES, QuarantineCapability.SIGN_AS_CADRE},
        Role.MEDICAL_WORKER: {
            QuarantineCapability.MANAGE_CASES,
            QuarantineCapability.RECORD_TESTS,
            QuarantineCapability.SIGN_AS_MEDIC,
        },
    },
    # The release signatures belong to the people who 包保 a case, not to the township.
    withheld_from_admin=(
        QuarantineCapability.SIGN_AS_CADRE,
        QuarantineCapability.SIGN_AS_MEDIC,
    ),
)
