"""The way of a notice from draft to the public board (plan 四(五), 三(八)): pure rules, no Django.

    draft/returned --submit--> submitted --review--> reviewed --approve--> approved
    approved --publish--> published;  approved/published --withdraw--> withdrawn
    submitted/reviewed --return--> returned (with a comment)

The community drafts (office staff or its leader) and submits to its leader; the leader
reviews (sends it on to the township) or returns it with a comment; the township approves
or returns it; the community then publishes the approved text on its public board, and the
community or the township may withdraw it (with a reason). Only a draft or a returned
notice may be edited. Who may take each step is `STEP_ACTOR`; the action checks the role
and the jurisdiction.
"""

from __future__ import annotations

DRAFT = "draft"
SUBMITTED = "submitted"
REVIEWED = "reviewed"
APPROVED = "approved"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
RETURNED = "returned"
STATUSES = (DRAFT, SUBMITTED, REVIEWED, APPROVED, PUBLISHED, WITHDRAWN, RETURNED)

SUBMIT = "submit"
REVIEW = "review"
APPROVE = "approve"
PUBLISH = "publish"
WITHDRAW = "withdraw"
RETURN = "return"
STEPS = (SUBMIT, REVIEW, APPROVE, PUBLISH, WITHDRAW, RETURN)

#: (status, step) -> the status after it
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, SUBMIT): SUBMITTED,
    (RETURNED, SUBMIT): SUBMITTED,
    (SUBMITTED, REVIEW): REVIEWED,
    (SUBMITTED, RETURN): RETURNED,
    (REVIEWED, APPROVE): APPROVED,
    (REVIEWED, RETURN): RETURNED,
    (APPROVED, PUBLISH): PUBLISHED,
    (APPROVED, WITHDRAW): WITHDRAWN,
    (PUBLISHED, WITHDRAW): WITHDRAWN,
}

#: who takes a step: "community" (drafting staff), "leader" (the community's leader),
#: "township" (the community's township)
COMMUNITY = "community"
LEADER = "leader"
TOWNSHIP = "township"
STEP_ACTOR: dict[tuple[str, str], tuple[str, ...]] = {
    (DRAFT, SUBMIT): (COMMUNITY,),
    (RETURNED, SUBMIT): (COMMUNITY,),
    (SUBMITTED, REVIEW): (LEADER,),
    (SUBMITTED, RETURN): (LEADER,),
    (REVIEWED, APPROVE): (TOWNSHIP,),
    (REVIEWED, RETURN): (TOWNSHIP,),
    (APPROVED, PUBLISH): (COMMUNITY,),
    (APPROVED, WITHDRAW): (COMMUNITY, TOWNSHIP),
    (PUBLISHED, WITHDRAW): (COMMUNITY, TOWNSHIP),
}

#: the steps that require a comment or reason
NEEDS_REASON = frozenset({RETURN, WITHDRAW})
#: the steps before which the text is checked for personal data
CHECKED = frozenset({SUBMIT, REVIEW, APPROVE, PUBLISH})
#: the statuses whose text may still change
EDITABLE = frozenset({DRAFT, RETURNED})
#: the statuses waiting for someone: status -> who
WAITING_FOR = {SUBMITTED: LEADER, REVIEWED: TOWNSHIP, APPROVED: COMMUNITY}


def next_status(status: str, step: str) -> str | None:
    """The status after `step` from `status`, or None when the step is not possible."""
    return TRANSITIONS.get((status, step))


def steps_from(status: str) -> tuple[str, ...]:
    """The steps possible from `status`, in the order of `STEPS`."""
    return tuple(step for step in STEPS if (status, step) in TRANSITIONS)


def actors(status: str, step: str) -> tuple[str, ...]:
    """Who may take `step` from `status` (empty when the step is not possible)."""
    return STEP_ACTOR.get((status, step), ())


def editable(status: str) -> bool:
    return status in EDITABLE
