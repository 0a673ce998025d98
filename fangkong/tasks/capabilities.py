"""The capabilities of the tasks app: the work the leadership group hands to its working groups
and people (plan 二: "负责组织、指挥、协调"), and which roles hold them. Every staff role sees the
tasks of its community and works on those assigned to it or to its working group."""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class TasksCapability(StrEnum):
    VIEW_TASKS = "view_tasks"
    #: assign tasks to a working group or a person, set recurring duties, cancel
    ASSIGN_TASKS = "assign_tasks"


_VIEW = {TasksCapability.VIEW_TASKS}
_ASSIGN = {TasksCapability.VIEW_TASKS, TasksCapability.ASSIGN_TASKS}

register_capabilities(
    TasksCapability,
    {
        Role.COMMUNITY_LEADER: _ASSIGN,
        Role.OFFICE_STAFF: _ASSIGN,
        Role.GRID_WORKER: _VIEW,
        Role.MEDICAL_WORKER: _VIEW,
        Role.CHECKPOINT_GUARD: _VIEW,
        Role.VOLUNTEER: _VIEW,
        Role.POLICE_OFFICER: _VIEW,
    },
)
