"""A long import on PostgreSQL prepares its next batches in a second process while this one writes.

Half of an import's work needs nothing the batches before it write: reading the sheet, parsing the cells, making
each row's person and finding that person's candidates in the registry (``Runner.prepare``). The other half is the
writing: the actions, the links, the notes, the commit. On two cores the halves take about as long as each other, so
for ``MIN_ROWS`` rows or more a helper process (``serve``) prepares the batches, up to some thirty in front of the
one being written (``PIPE_BYTES`` in the pipe, ``AHEAD`` more waiting in the helper's ``Outbox``), and this process
writes them in order (``Runner.batches``).

The persons a batch creates reach the helper after that batch commits (``Helper.created``): until then the helper's
check of later rows cannot know them. Each prepared batch says the last batch whose persons the helper knew
(``Prepared.known_through``), and the writer checks its rows against the persons of the batches after that
(``trove.imports.matching.RecentPersons``), so that a row about a person the batch just before created is linked to
them, as it is when one process does everything.

The helper only reads, on a connection of its own, so it runs only where it sees what the writer commits: on
PostgreSQL, outside a transaction (not inside a test's). If it stops (killed, an error), the writer prepares the rest
itself from the row after the last batch it received; if the writer stops, the helper sees its parent gone and stops
too. ``IMPORT_HELPER_PROCESS=false`` turns it off (a machine with one core gains nothing from it).

Nothing read from the file leaves the two processes: what passes between them goes through a pipe between a parent
and its child, and the helper reports an error by its type only, as the job runner does. The batches name the same
communes, countries and registry persons again and again: those go by reference (``dumps``, ``Helper.batches``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import logging
import multiprocessing
import os
import pickle
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import translation
from django.utils.functional import lazy

from trove.core.collection import fewer_collections

try:
    import fcntl
except ImportError:  # not on Linux: the pipe keeps its default size
    fcntl = None

logger = logging.getLogger(__name__)

MIN_ROWS = 2_000  # fewer rows take less time than starting the helper (a second or two)
# The pipe holds about five prepared batches, and the helper keeps up to ``AHEAD`` more waiting to be sent: either
# process may be slower for a while without the other waiting. The helper is the quicker while the registry is small
# (few candidates a row) and the slower later; what it gains early is spent later.
PIPE_BYTES = 1 << 20
AHEAD = 24
WAIT_SECONDS = 1.0  # how often either side looks whether the other is still there


@dataclass(frozen=True)
class Order:
    """What the helper needs to prepare the batches of one run (passed to the new process)."""

    batch: int
    user: int
    start: int | None
    keep: bool
    batch_size: int
    language: str
    database: dict  # the connection's settings: under tests, the test database's name
    files: str  # ATTACHMENTS_ROOT, where the stored workbook is (moved by tests)
    key_digest: str  # the helper's fingerprints and blind indexes must be the writer's


@dataclass(frozen=True)
class End:
    """The helper's last message: every row prepared, or the type of the error that stopped it."""

    error: str = ""


def _key_digest() -> str:
    return hashlib.sha256(settings.BLIND_INDEX_KEY.encode()).hexdigest()


def worth_it(runner, start: int | None) -> bool:
    """Whether this run should prepare its batches in a helper process."""
    if not settings.IMPORT_HELPER_PROCESS or connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    return runner.rows_left(start) >= MIN_ROWS


# What passes from the helper to the writer -----------------------------------------------------------------------
# Pickled whole, a model instance copies its state and is rebuilt by looking its class up and restoring that state;
# a lazy translation is rebuilt by making a new proxy class. The batches' unpickling took a tenth of the writer's time
# and their pickling a tenth of the helper's, for the same few thousand communes and countries sent again with every
# batch. Communes and countries now go by reference and are taken from what the writer has read already (its
# ``PlaceReader`` and ``CountryReader``, one query per commune for the run); a registry person of which only the id
# is loaded (a candidate) by its id; lazy translations through one proxy class per function.


def _record(kind: str, pk):
    """A commune, country or registry person sent by reference, read from the database (``_Unpickler`` takes them
    from the run's readers instead)."""
    from trove.geo.models import AdminUnit, Country
    from trove.people.models import Person

    if kind == "person":
        return Person.from_db(DEFAULT_DB_ALIAS, ["id"], [pk])
    return (AdminUnit if kind == "unit" else Country)._base_manager.get(pk=pk)


class _Pickler(pickle.Pickler):
    def __init__(self, file) -> None:
        from trove.geo.models import AdminUnit, Country
        from trove.people.models import Person

        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.models = AdminUnit, Country, Person  # looked up once a batch, not for every object pickled

    def reducer_override(self, obj):  # not called for strings, numbers, lists, dicts…: no cost for most objects
        unit, country, person = self.models
        if isinstance(obj, unit) and obj.pk is not None:
            return _record, ("unit", obj.pk)
        if isinstance(obj, country):
            return _record, ("country", obj.pk)
        if isinstance(obj, person) and obj.pk is not None and obj.__dict__.keys() <= {"_state", "id"}:
            return _record, ("person", obj.pk)
        return NotImplemented


def dumps(item) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer).dump(item)
    return buffer.getvalue()


@functools.cache
def _proxy(func, *resultclasses):
    return lazy(func, *resultclasses)


def _lazy_unpickle(func, args, kwargs, *resultclasses):
    return _proxy(func, *resultclasses)(*args, **kwargs)


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, context) -> None:
        super().__init__(io.BytesIO(data))
        self.context = context

    def find_class(self, module: str, name: str):
        if module == __name__ and name == "_record":
            return self.record
        if module == "django.utils.functional" and name == "_lazy_proxy_unpickle":
            return _lazy_unpickle
        return super().find_class(module, name)

    def record(self, kind: str, pk):
        if kind == "unit":
            return self.context.places.by_pk(pk)
        if kind == "country":
            return self.context.countries.by_code(pk)
        return _record(kind, pk)


def loads(data: bytes, context):
    """What ``dumps`` made, the communes and countries taken from ``context`` (the writer's ``WriteContext``)."""
    return _Unpickler(data, context).load()


class Helper:
    """The writer's side: the helper process, the batches it sends, the persons sent back to it. Each direction is
    a pipe whose other end only the helper holds, so that either side sees the other go (an end of file, a broken
    pipe) even in the middle of a message."""

    def __init__(self, runner, process, batches, persons) -> None:
        self.runner = runner
        self.process = process
        self._batches = batches
        self._persons = persons
        self.finished = False

    @classmethod
    def start(cls, runner, *, start: int | None, keep: bool, batch_size: int) -> Helper:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connection or thread
        batches, batches_in = context.Pipe(duplex=False)
        persons_out, persons = context.Pipe(duplex=False)
        database = {name: connection.settings_dict.get(name) for name in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
        order = Order(batch=runner.batch.pk, user=runner.context.acting_user.pk, start=start, keep=keep,
                      batch_size=batch_size, language=translation.get_language() or settings.LANGUAGE_CODE,
                      database=database, files=str(settings.ATTACHMENTS_ROOT), key_digest=_key_digest())
        process = context.Process(target=serve, args=(order, batches_in, persons_out), name="trove-import-helper",
                                  daemon=True)
        if fcntl is not None:
            with contextlib.suppress(AttributeError, OSError):  # Linux: a pipe of several batches, not one
                fcntl.fcntl(batches.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        process.start()
        batches_in.close()
        persons_out.close()
        return cls(runner, process, batches, persons)

    def batches(self):
        """The prepared batches in order, until the last or until the helper stops."""
        while True:
            try:
                if not self._batches.poll(WAIT_SECONDS):
                    if self.process.is_alive():
                        continue
                    raise EOFError
                item = loads(self._batches.recv_bytes(), self.runner.context)
            except (EOFError, OSError):
                logger.warning("import %s: the helper process stopped (exit code %s); preparing here",
                               self.runner.batch.pk, self.process.exitcode)
                return
            if isinstance(item, End):
                if item.error:
                    logger.warning("import %s: the helper process stopped (%s); preparing here",
                                   self.runner.batch.pk, item.error)
                self.finished = not item.error
                return
            yield item

    def created(self, prepared) -> None:
        """The persons the batch ``prepared`` created, now committed: the helper's next checks know them. A person
        whose profile is the one the helper worked out for their row (the row's data was written as it was read)
        goes as that row's number: the helper still holds the profile (``Sent``)."""
        helpers = _row_profiles(prepared)
        persons = [(pk, number if helpers.get(number) is profile else profile)
                   for (pk, profile), number in zip(prepared.created, prepared.created_rows, strict=True)]
        with contextlib.suppress(OSError):  # the helper is gone: the next ``batches`` step says so
            self._persons.send((prepared.seq, persons))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=10)
        self._batches.close()
        self._persons.close()


# The helper's side --------------------------------------------------------------------------------------------------

def _listen(persons, heard: queue.SimpleQueue) -> None:
    """Take the writer's messages as they come (the writer never waits on the helper), until it closes its end."""
    try:
        while True:
            heard.put(persons.recv())
    except (EOFError, OSError):
        heard.put(None)


def serve(order: Order, batches, persons) -> None:
    """The helper process: prepare every batch of the run, in order. Sending a batch waits while the pipe is full,
    so the helper is only a few batches ahead."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")
    import django

    django.setup()
    from django.test.utils import override_settings

    connection.settings_dict.update(order.database)
    # Changed as tests change it, so that the private storage follows (``setting_changed``).
    override_settings(ATTACHMENTS_ROOT=Path(order.files)).enable()
    heard: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_listen, args=(persons, heard), daemon=True).start()
    outbox = Outbox(batches)
    try:
        with fewer_collections(), contextlib.suppress(WriterGone):  # the writer stopped: nobody takes batches
            _serve(order, outbox, heard)
    except Exception as error:  # noqa: BLE001 - the writer prepares the rest; it logs the type, never the text
        with contextlib.suppress(WriterGone):
            outbox.put(End(error=type(error).__name__))
    finally:
        outbox.close()
        connection.close()


class WriterGone(Exception):
    pass


class Outbox:
    """The batches waiting to be sent, up to ``AHEAD``, sent in order by a thread of their own: preparing the next
    batch does not wait while the pipe is full. Only that thread writes to the pipe."""

    def __init__(self, batches) -> None:
        self._waiting: queue.Queue = queue.Queue(maxsize=AHEAD)
        self._batches = batches
        self._gone = threading.Event()
        self._thread = threading.Thread(target=self._send, daemon=True)
        self._thread.start()

    def _send(self) -> None:
        while (item := self._waiting.get()) is not None:
            try:
                self._batches.send_bytes(dumps(item))
            except Exception:  # noqa: BLE001 - a broken pipe: the writer is gone (the helper stops; see ``serve``)
                self._gone.set()
                return

    def put(self, item) -> None:
        while not self._gone.is_set():
            try:
                self._waiting.put(item, timeout=WAIT_SECONDS)
                return
            except queue.Full:
                continue
        raise WriterGone

    def close(self) -> None:
        """Wait until everything put is sent (or the writer is gone)."""
        while self._thread.is_alive():
            with contextlib.suppress(queue.Full):
                self._waiting.put(None, timeout=WAIT_SECONDS)
                break
        while self._thread.is_alive() and not self._gone.is_set():
            self._thread.join(timeout=WAIT_SECONDS)


def _serve(order: Order, outbox: Outbox, heard: queue.SimpleQueue) -> None:
    from trove.core.models import User
    from trove.imports.engine import Runner
    from trove.imports.models import ImportBatch

    if _key_digest() != order.key_digest:
        outbox.put(End(error="KeyMismatch"))
        return
    translation.activate(order.language)
    batch = ImportBatch.objects.select_related("owner_agency__unit").get(pk=order.batch)
    runner = Runner(batch, User.objects.get(pk=order.user))
    rows = runner.source_rows(start=order.start)
    known_through = -1
    sent = Sent()
    for seq in itertools.count():
        chunk = list(itertools.islice(rows, order.batch_size))
        if not chunk:
            break
        while True:  # the persons of the batches written since the last one, without waiting for more
            try:
                message = heard.get_nowait()
            except queue.Empty:
                break
            if message is None:
                raise WriterGone
            written, persons = message
            runner.matcher.keep(sent.profiles(written, persons))
            known_through = written
        prepared = runner.prepare(chunk, keep=order.keep)
        prepared.seq, prepared.known_through = seq, known_through
        sent.add(prepared)
        outbox.put(prepared)
    outbox.put(End())


def _row_profiles(prepared) -> dict[int, object]:
    """Row number -> the profile the helper worked out for the row's person."""
    return {number: profile for number, (profile, _probes) in prepared.profiles.items()}


class Sent:
    """The profiles of the rows of the batches sent and not yet written, by batch: the writer names a new person's
    profile by its row when it is the one worked out here, which saves pickling it there and rebuilding it here
    (a sixth of the helper's time at 100,000 rows)."""

    def __init__(self) -> None:
        self._batches: dict[int, dict[int, object]] = {}

    def add(self, prepared) -> None:
        self._batches[prepared.seq] = _row_profiles(prepared)

    def profiles(self, seq: int, persons: list[tuple[int, object]]) -> list[tuple[int, object]]:
        """``(person id, profile)`` for the persons batch ``seq`` created, each given by its profile or its row."""
        rows = self._batches.pop(seq, {})
        for done in [done for done in self._batches if done < seq]:
            del self._batches[done]
        return [(pk, rows[found] if isinstance(found, int) else found) for pk, found in persons]
