"""The chunked writer: every chunk and the end in one transaction, all or nothing, the
transaction on one thread only and never entered or left by hand.

A small kind writes townships (a chunk: a list of division codes; the end: one more code).
Inline runs everywhere (the test database on SQLite is in memory, and a test's own transaction
makes the writer run inline); the writer thread needs PostgreSQL, where a second connection
sees committed rows.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, connection

import fangkong
from fangkong.core.chunks import ChunkWriter
from fangkong.core.errors import DomainError
from fangkong.core.models import Township

PREFIX = "4201"


class Townships(ChunkWriter[list[str], str]):
    def __init__(self, *, fail_at_chunk: int | None = None, fail_at_end: bool = False) -> None:
        super().__init__()
        self.fail_at_chunk = fail_at_chunk
        self.fail_at_end = fail_at_end
        self.chunks = 0
        self.threads: set[str] = set()

    def write_chunk(self, chunk: list[str]) -> None:
        self.threads.add(threading.current_thread().name)
        self.chunks += 1
        Township.objects.bulk_create([Township(name=code, code=code) for code in chunk])
        if self.chunks == self.fail_at_chunk:
            raise IntegrityError("refused")

    def write_end(self, end: str) -> None:
        self.threads.add(threading.current_thread().name)
        Township.objects.create(name=end, code=end)
        if self.fail_at_end:
            raise RuntimeError("the end failed")

    def refusal(self, error: BaseException) -> DomainError | None:
        if isinstance(error, IntegrityError):
            return DomainError("Nothing was written.")
        return None


def codes(start: int, count: int) -> list[str]:
    return [f"{PREFIX}{n:05d}" for n in range(start, start + count)]


def written() -> int:
    return Township.objects.filter(code__startswith=PREFIX).count()


def write(writer: Townships, chunks: int = 3) -> None:
    writer.start()
    try:
        for i in range(chunks):
            writer.send(codes(10 * i, 10))
    except BaseException:
        writer.abort()
        raise
    writer.commit(f"{PREFIX}99999")


def check_all_or_nothing() -> None:
    writer = Townships()
    write(writer)
    assert written() == 31
    Township.objects.filter(code__startswith=PREFIX).delete()

    aborted = Townships()
    aborted.start()
    aborted.send(codes(0, 10))
    aborted.send(codes(10, 10))
    aborted.abort()
    assert written() == 0

    refused = Townships(fail_at_chunk=2)
    with pytest.raises(DomainError, match="Nothing was written"):
        write(refused, chunks=5)
    assert written() == 0

    failed_end = Townships(fail_at_end=True)
    with pytest.raises(RuntimeError, match="the end failed"):
        write(failed_end)
    assert written() == 0


@pytest.mark.django_db
def test_inline_every_chunk_or_none_on_the_callers_thread() -> None:
    assert not Townships().threaded  # inside the test's transaction
    check_all_or_nothing()
    writer = Townships()
    write(writer)
    assert writer.threads == {threading.current_thread().name}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the writer thread needs a shared database"
)
def test_threaded_every_chunk_or_none_on_the_writers_own_thread() -> None:
    assert Townships().threaded
    check_all_or_nothing()
    writer = Townships()
    write(writer)
    assert writer.threads == {Townships.thread_name}
    assert not connection.in_atomic_block  # the caller's connection holds no transaction


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the writer thread needs a shared database"
)
def test_a_failing_end_on_the_writer_thread_comes_back_and_does_not_hang() -> None:
    done = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            write(Townships(fail_at_end=True))
        except BaseException as exc:
            outcome.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(30), "the caller waited for ever on the writer"
    assert isinstance(outcome[0], RuntimeError)
    assert written() == 0


def _calls_dunder_by_hand(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"__enter__", "__exit__"}
        ):
            found.append(f"{path}:{node.lineno}")
    return found


def test_no_transaction_is_entered_or_left_by_hand() -> None:
    root = Path(fangkong.__file__).parent
    found = [
        call
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.relative_to(root).parts
        for call in _calls_dunder_by_hand(path)
    ]
    assert found == []


def test_the_check_for_hand_driven_transactions_finds_one(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from django.db import transaction\n"
        "a = transaction.atomic()\n"
        "a.__enter__()\n"
        "a.__exit__(None, None, None)\n"
    )
    assert len(_calls_dunder_by_hand(module)) == 2
