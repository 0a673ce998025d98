"""Rounds for the tests: a community round over A1 with more people in building 1."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.conftest import World
from fangkong.masstesting.models import Round
from fangkong.masstesting.rounds import open_round
from fangkong.people.models import Resident
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory


def more_people(world: World, n: int) -> list[Resident]:
    """`n` more residents of building 1 (grid G1), in households of 3."""
    people: list[Resident] = []
    for i in range(n):
        if i % 3 == 0:
            household = HouseholdFactory.create(
                grid=world.grid_g1, building=world.building_g1, number=f"{300 + i}"
            )
        people.append(ResidentFactory.create(household=household))
    return people


def community_round(world: World, extra: int = 0) -> Round:
    more_people(world, extra)
    return open_round(world.user("leader_a1"), scope=world.community_a1, name="全员核酸第一轮")


def csv_upload(rows: list[list[str]], name: str = "results.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path
