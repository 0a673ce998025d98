"""The capabilities of the masstesting app: mass-testing rounds: opening, sampling, reopening
and their results; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class MassTestingCapability(StrEnum):
    VIEW_ROUNDS = "view_rounds"
    #: open and close testing rounds, import their results
    MANAGE_ROUNDS = "manage_rounds"
    #: reopen a closed round's sampling (with a reason), until results are imported: a leader's call
    REOPEN_ROUNDS = "reopen_rounds"
    #: record sampling in a round (scan or search, tube number)
    SAMPLE_TESTS = "sample_tests"


register_capabilities(
    MassTestingCapability,
    {
        Role.COMMUNITY_LEADER: {
            MassTestingCapability.VIEW_ROUNDS,
            MassTestingCapability.MANAGE_ROUNDS,
            MassTestingCapability.REOPEN_ROUNDS,
            MassTestingCapability.SAMPLE_TESTS,
        },
        Role.OFFICE_STAFF: {
            MassTestingCapability.VIEW_ROUNDS,
            MassTestingCapability.MANAGE_ROUNDS,
            MassTestingCapability.SAMPLE_TESTS,
        },
        Role.GRID_WORKER: {MassTestingCapability.VIEW_ROUNDS, MassTestingCapability.SAMPLE_TESTS},
        Role.MEDICAL_WORKER: {
            MassTestingCapability.VIEW_ROUNDS,
            MassTestingCapability.MANAGE_ROUNDS,
            MassTestingCapability.SAMPLE_TESTS,
        },
    },
)
