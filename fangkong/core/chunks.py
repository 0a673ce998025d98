"""The chunked writer: many chunks of one import written in ONE transaction, all or nothing.

An import checks its file chunk by chunk and hands each checked chunk to a `ChunkWriter`
(`send`), then ends with `commit` (the closing write, e.g. the one audit entry) or `abort`.
Each kind says how a chunk is written (`write_chunk`) and how it ends (`write_end`); the
resident import (`people.importing.writing.BatchWriter`) and the quarantine lab import
(`quarantine.lab_import.ResultWriter`) are the two kinds.

The transaction is one ordinary `with transaction.atomic()` block in `_session`, a generator
that receives the chunks one by one: it is never entered or left by hand, and it lives on one
thread only.

- Threaded (the worker's normal case): a thread with its own database connection runs the
  session and takes the chunks from a small queue, so the database's work (index maintenance
  is most of an insert) overlaps with the caller's checks of the next chunk. The caller's
  thread never touches that transaction; it only sends chunks and waits for the end.
- Inline, when the caller is already inside a transaction (a second connection could not see
  its uncommitted rows; tests run this way) or on an in-memory SQLite database: the same
  session runs on the caller's thread and connection, a chunk at a time.

An error in the writer is kept and raised in the caller at its next `send` or at `commit`
(a busy SQLite database, or what the kind's `refusal` makes readable, as a DomainError);
then nothing is written.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator
from typing import Generic, Literal, TypeVar

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from .errors import DomainError

#: page cache of the writer's own SQLite connection (the connection is closed afterwards)
SQLITE_CACHE_KIB = 256 * 1024

T = TypeVar("T")
E = TypeVar("E")

_Item = tuple[Literal["chunk"], T] | tuple[Literal["end"], E] | tuple[Literal["abort"], None]


class ChunkWriter(Generic[T, E]):
    """Writes the chunks (T) of one import and its end (E) in one transaction."""

    #: the writer thread's name
    thread_name = "fangkong-writer"

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.threaded = not connection.in_atomic_block and not (
            connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
        )
        self._queue: queue.Queue[_Item[T, E]] = queue.Queue(maxsize=3)
        self._thread: threading.Thread | None = None
        self._inline: Generator[None, _Item[T, E], None] | None = None
        self._begun = threading.Event()

    # -- what a kind says

    def begin(self) -> None:
        """Inside the transaction, before the first chunk (on the writer's connection)."""

    def write_chunk(self, chunk: T) -> None:
        raise NotImplementedError

    def write_end(self, end: E) -> None:
        """The closing write, just before the commit."""
        raise NotImplementedError

    def refusal(self, error: BaseException) -> DomainError | None:
        """The readable refusal for an error of the writer, or None to raise it as it is."""
        return None

    # -- the caller's side

    def start(self) -> None:
        """Open the transaction (on the writer's thread when threaded)."""
        if self.threaded:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()
            self._begun.wait()
        else:
            self._inline = self._session(own_connection=False)
            self._step(None)

    def send(self, chunk: T) -> None:
        """Write one chunk (threaded: queue it; the writer may still be busy with the last)."""
        self._raise_if_failed()
        if self._thread is not None:
            self._queue.put(("chunk", chunk))
        else:
            self._step(("chunk", chunk))
            self._raise_if_failed()

    def commit(self, end: E) -> None:
        """Write the end and commit; DomainError (or the writer's error) if anything failed,
        and then nothing is written."""
        if self._thread is not None:
            self._queue.put(("end", end))
            self._thread.join()
            self._thread = None
        elif self._inline is not None:
            self._step(("end", end))
        self._raise_if_failed()

    def abort(self) -> None:
        """Roll back everything written so far (nothing when already committed)."""
        if self._thread is not None:
            self._queue.put(("abort", None))
            self._thread.join()
            self._thread = None
        elif self._inline is not None:
            session, self._inline = self._inline, None
            session.close()  # GeneratorExit at the session's `yield`: the atomic block rolls back

    # -- the session: one transaction, one thread

    def _session(self, *, own_connection: bool) -> Generator[None, _Item[T, E], None]:
        with transaction.atomic():
            if own_connection and connection.vendor == "postgresql":
                # Check foreign keys row by row while the chunks go in (overlapping with the
                # caller's checks), instead of all at COMMIT (Django declares them DEFERRABLE
                # INITIALLY DEFERRED).
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.begin()
            while True:
                item = yield
                if item[0] == "abort":
                    transaction.set_rollback(True)
                    return
                if item[0] == "end":
                    self.write_end(item[1])
                    return
                self.write_chunk(item[1])

    def _step(self, item: _Item[T, E] | None) -> None:
        """Inline: run the session up to its next chunk."""
        assert self._inline is not None
        try:
            if item is None:
                next(self._inline)
            else:
                self._inline.send(item)
        except StopIteration:
            self._inline = None
        except BaseException as exc:  # the session is over and rolled back
            self._inline = None
            self.error = exc

    def _run(self) -> None:
        session = self._session(own_connection=True)
        ended = False  # the caller sent its last item (the end or abort)
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    # A batch touches the table's indexes at random places: with SQLite's
                    # default 2 MB page cache it would spill and re-read pages all along.
                    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            next(session)
            self._begun.set()
            while True:
                item = self._queue.get()
                ended = item[0] != "chunk"
                try:
                    session.send(item)
                except StopIteration:
                    break
        except BaseException as exc:  # handed to the caller at its next send() or commit()
            self.error = exc
            self._begun.set()
            while not ended:  # drain, so the caller never blocks on a full queue
                ended = self._queue.get()[0] != "chunk"
        finally:
            session.close()
            connection.close()

    def _raise_if_failed(self) -> None:
        error = self.error
        if error is None:
            return
        if isinstance(error, OperationalError) and "locked" in str(error):
            raise DomainError(
                _(
                    "Nothing was written: the database was busy with other work. Start the "
                    "import again in a minute."
                )
            ) from error
        refused = self.refusal(error)
        if refused is not None:
            raise refused from error
        raise error
