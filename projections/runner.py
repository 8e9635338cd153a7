"""The projection runner: follows the application's notification log and feeds every
read model that is behind, exactly once.

One batch is one transaction on the read-model database: it first touches every
tracking row (taking SQLite's write lock, and PostgreSQL's row locks, so two runners
never apply the same batch), reads the positions, applies each notification to each
read model whose position is below it, and writes the new positions. Rows and
positions commit together; a process killed anywhere loses the whole batch, and the
next run starts again from the stored positions.

New events are found by polling (``poll_interval``, SQLite and PostgreSQL alike; the
library's recorders make the committed log gap-free in insert order, see
``application.feed``). A command's receipt carries its log position, so a reader
that must see its own write waits with ``wait_for(position)``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, update
from sqlalchemy.pool import StaticPool

from projections.base import (
    DealCache,
    Projection,
    checksum,
    positions,
    read_positions,
    tracking_metadata,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class Runner:
    def __init__(self, app: Any, engine: Engine, projections: Sequence[Projection],
                 batch_size: int = 200, poll_interval: float = 0.05) -> None:
        self.app, self.engine = app, engine
        self.projections = {p.name: p for p in projections}
        self.batch_size, self.poll_interval = batch_size, poll_interval
        self.cache = DealCache(app)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._advanced = threading.Condition()
        # One shared connection (the in-memory database): a reader closing its use of it
        # would roll back the runner's open transaction, so uses take turns.
        self._shared = threading.RLock() if isinstance(engine.pool, StaticPool) else None
        self.create()

    @contextmanager
    def connect(self, begin: bool = False) -> Iterator[Connection]:
        with self._shared or nullcontext(), (
                self.engine.begin() if begin else self.engine.connect()) as conn:
            yield conn

    # -- schema ---------------------------------------------------------------------------
    def create(self) -> None:
        with self.connect(begin=True) as conn:
            tracking_metadata.create_all(conn)
            for p in self.projections.values():
                p.create(conn)
            have = {r[0] for r in conn.execute(positions.select()).all()}
            missing = [{"name": n, "position": 0} for n in self.projections if n not in have]
            if missing:
                conn.execute(positions.insert(), missing)

    def reset(self, names: Sequence[str]) -> None:
        """Drop the named read models' tables and start them again from position 0."""
        with self.connect(begin=True) as conn:
            for name in names:
                self.projections[name].drop(conn)
                self.projections[name].create(conn)
                conn.execute(update(positions).where(positions.c.name == name).values(position=0))
        self.cache.clear()

    # -- following the log --------------------------------------------------------------
    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def positions(self) -> dict[str, int]:
        with self.connect() as conn:
            return read_positions(conn, self.projections)

    def position(self, name: str | None = None) -> int:
        found = self.positions()
        return found[name] if name else min(found.values(), default=0)

    def step(self, names: Sequence[str] | None = None, stop: int | None = None) -> int:
        """Apply one batch to the named read models (all by default), not past ``stop``;
        answer how many notifications it applied (0: they are caught up)."""
        names = list(names or self.projections)
        with self.connect(begin=True) as conn:
            conn.execute(update(positions).where(positions.c.name.in_(names))
                         .values(position=positions.c.position))
            reached = read_positions(conn, names)
            start = min(reached.values())
            if stop is not None and start >= stop:
                return 0
            batch = self.app.recorder.select_notifications(
                start, self.batch_size, stop=stop, inclusive_of_start=False)
            for name in names:
                self.projections[name].begin_batch()
            for notification in batch:
                event = self.app.mapper.to_domain_event(notification)
                deal = self.cache.after(event)
                for name in names:
                    if notification.id > reached[name]:
                        self.projections[name].handle(conn, event, deal)
            for name in names:
                self.projections[name].flush(conn)
            if batch:
                last = batch[-1].id
                conn.execute(update(positions).where(positions.c.name.in_(names))
                             .values(position=last))
        if batch:
            with self._advanced:
                self._advanced.notify_all()
        return len(batch)

    def catch_up(self, names: Sequence[str] | None = None,
                 progress: Progress | None = None, stop: int | None = None) -> int:
        """Apply batches until the read models reach ``stop``, by default the head seen
        at the start."""
        target, applied = (self.head() if stop is None else stop), 0
        while min(self.positions_of(names).values(), default=target) < target:
            count = self.step(names, stop=target)
            if count == 0:
                break
            applied += count
            if progress is not None:
                progress(min(self.positions_of(names).values()), target)
        return applied

    def checksums(self) -> dict[str, str]:
        """Each read model's checksum (``projections.base.checksum``)."""
        with self.connect() as conn:
            return {name: checksum(conn, p) for name, p in self.projections.items()}

    def positions_of(self, names: Sequence[str] | None) -> dict[str, int]:
        found = self.positions()
        return {n: found[n] for n in (names or self.projections)}

    def rebuild(self, names: Sequence[str] | None = None,
                progress: Progress | None = None) -> int:
        names = list(names or self.projections)
        self.reset(names)
        return self.catch_up(names, progress)

    # -- in the background -------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="projections",
                                        daemon=True)
        self._thread.start()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                applied = self.step()
            except Exception:  # keep following the log; the batch rolled back as a whole
                log.exception("projection batch failed; retrying")
                self.cache.clear()
                applied = 0
            if applied == 0:
                self._stop.wait(self.poll_interval)

    def wait_for(self, position: int, timeout: float = 5.0, name: str | None = None) -> int:
        """Wait until the read model (all of them by default) has reached ``position``
        or ``timeout`` seconds have passed; answer the position reached."""
        deadline = time.monotonic() + timeout
        reached = self.position(name)
        while reached < position:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            with self._advanced:
                self._advanced.wait(min(left, self.poll_interval))
            reached = self.position(name)
        return reached

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.engine.dispose()
