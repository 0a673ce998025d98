"""The capabilities of the people app: the registry of residents: editing, revealing sensitive
fields, imports, exports and merges; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class PeopleCapability(StrEnum):
    EDIT_PEOPLE = "edit_people"
    REVEAL_SENSITIVE = "reveal_sensitive"
    IMPORT_PEOPLE = "import_people"
    EXPORT_PEOPLE = "export_people"
    MERGE_PEOPLE = "merge_people"


register_capabilities(
    PeopleCapability,
    {
        Role.COMMUNITY_LEADER: {
            PeopleCapability.EDIT_PEOPLE,
            PeopleCapability.REVEAL_SENSITIVE,
            PeopleCapability.IMPORT_PEOPLE,
            PeopleCapability.EXPORT_PEOPLE,
            PeopleCapability.MERGE_PEOPLE,
        },
        Role.OFFICE_STAFF: {
            PeopleCapability.EDIT_PEOPLE,
            PeopleCapability.REVEAL_SENSITIVE,
            PeopleCapability.IMPORT_PEOPLE,
            PeopleCapability.EXPORT_PEOPLE,
            PeopleCapability.MERGE_PEOPLE,
        },
        Role.GRID_WORKER: {
            PeopleCapability.EDIT_PEOPLE,
            PeopleCapability.REVEAL_SENSITIVE,
            PeopleCapability.EXPORT_PEOPLE,
        },
        Role.MEDICAL_WORKER: {PeopleCapability.REVEAL_SENSITIVE},
        Role.POLICE_OFFICER: {PeopleCapability.REVEAL_SENSITIVE},
    },
)
