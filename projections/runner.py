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

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from application.sql import Connections
from projections.base import (
    DealCache,
    Projection,
    Rebuilt,
    Touched,
    checksum,
    layouts,
    positions,
    read_positions,
    tracking_metadata,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@contextmanager
def bulk() -> Iterator[None]:
    """No cyclic garbage collection during one catch-up batch: the batch's events, deals
    and rows all live until it commits, so the collector would only scan them again and
    again (a third of a rebuild's time); refcounting frees them when the batch ends and
    the collector runs as usual between batches. Not used by the live ``step``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Runner:
    def __init__(self, app: Any, engine: Engine, projections: Sequence[Projection],
                 batch_size: int = 200, poll_interval: float = 0.05,
                 rebuild_batch_size: int = 20_000) -> None:
        self.app, self.engine = app, engine
        self.projections = {p.name: p for p in projections}
        self.batch_size, self.poll_interval = batch_size, poll_interval
        # A rebuild runs alone on empty tables: bigger transactions, so a deal's rows are
        # rewritten once per 20,000 events rather than once per 200.
        self.rebuild_batch_size = max(batch_size, rebuild_batch_size)
        self.cache = DealCache(app)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._advanced = threading.Condition()
        self.connections = Connections(engine)
        self.create()

    def connect(self, begin: bool = False) -> AbstractContextManager[Connection]:
        return self.connections.use(begin)

    # -- schema ---------------------------------------------------------------------------
    def create(self) -> None:
        """Create what is missing. A read model whose tables changed since its rows were
        written (another column, another index: its ``layout``) is dropped and rebuilt
        from position 0, so an upgrade never serves or writes rows of the old shape."""
        with self.connect(begin=True) as conn:
            tracking_metadata.create_all(conn)
            have = {r[0] for r in conn.execute(positions.select()).all()}
            stored = dict(conn.execute(select(layouts.c.name, layouts.c.layout)).all())
            for name, p in self.projections.items():
                if name in have and stored.get(name) != p.layout:
                    log.warning("read model %s: its tables changed; rebuilding it", name)
                    p.drop(conn)
                    conn.execute(update(positions).where(positions.c.name == name)
                                 .values(position=0))
                p.create(conn)
                if stored.get(name) != p.layout:
                    conn.execute(delete(layouts).where(layouts.c.name == name))
                    conn.execute(insert(layouts).values(name=name, layout=p.layout))
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

    def step(self, names: Sequence[str] | None = None, stop: int | None = None,
             batch_size: int | None = None) -> int:
        """Apply one batch (``batch_size`` notifications, by default the runner's) to
        the named read models (all by default), not past ``stop``; answer how many
        notifications it applied (0: they are caught up)."""
        names = list(names or self.projections)
        with self.connect(begin=True) as conn:
            conn.execute(update(positions).where(positions.c.name.in_(names))
                         .values(position=positions.c.position))
            reached = read_positions(conn, names)
            start = min(reached.values())
            if stop is not None and start >= stop:
                return 0
            batch = self.app.recorder.select_notifications(
                start, batch_size or self.batch_size, stop=stop, inclusive_of_start=False)
            behind = [(self.projections[name], reached[name]) for name in names]
            for projection, _ in behind:
                projection.begin_batch()
            # Rebuilt read models take the batch by deal; the others event by event.
            by_deal = [(p, at) for p, at in behind if isinstance(p, Rebuilt)]
            by_event = [(p, at) for p, at in behind if not isinstance(p, Rebuilt)]
            for projection, at in by_event:
                projection.prepare(conn, [n for n in batch if n.id > at])
            touched = {at: Touched() for _, at in by_deal}
            decode = self.app.mapper.to_domain_event
            for notification in batch:
                event = decode(notification)
                deal = self.cache.after(event)
                for projection, at in by_event:
                    if notification.id > at:
                        projection.handle(conn, event, deal)
                for at, summary in touched.items():
                    if notification.id > at:
                        summary.add(event, deal)
            for projection, at in by_deal:
                projection.touch(touched[at])
            for projection, _ in behind:
                projection.flush(conn)
            if batch:
                last = batch[-1].id
                conn.execute(update(positions).where(positions.c.name.in_(names))
                             .values(position=last))
        if batch:
            with self._advanced:
                self._advanced.notify_all()
        return len(batch)

    def catch_up(self, names: Sequence[str] | None = None,
                 progress: Progress | None = None, stop: int | None = None,
                 batch_size: int | None = None) -> int:
        """Apply batches until the read models reach ``stop``, by default the head seen
        at the start."""
        target, applied = (self.head() if stop is None else stop), 0
        while min(self.positions_of(names).values(), default=target) < target:
            with bulk():
                count = self.step(names, stop=target, batch_size=batch_size)
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
        return self.catch_up(names, progress, batch_size=self.rebuild_batch_size)

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
