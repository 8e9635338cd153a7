"""The application core: configuration, the event store, and the command loop.

``_run`` loads a deal, resolves path ids (404), checks who acts (403), runs one
aggregate command (409 on a rule) and saves; when a concurrent save won the race it
re-runs the whole command on a fresh deal.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from application import access
from application.clock import Clock, SystemClock
from application.config import Settings, store_env
from application.errors import (
    DealNotFoundError,
    OwnerNotSalesRepError,
    UnknownUserError,
    VersionConflictError,
)
from application.transcodings import register_all
from application.users import User, UserDirectory
from domain.base import Context
from domain.deal import Deal
from domain.values import Actor

Command = Callable[[Deal, Context], None]
Authorize = Callable[[Deal], Actor]
MAX_ATTEMPTS = 60


@attrs.frozen
class Receipt:
    """What a command answers: never the aggregate itself."""

    deal_id: UUID
    version: int
    position: int
    events: list[str]


class DealtrailCore(Application[UUID]):
    name = "dealtrail"

    def __init__(self, settings: Settings | None = None, clock: Clock | None = None,
                 users: UserDirectory | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.clock = clock or SystemClock(self.settings.timezone)
        self.users = users if users is not None else UserDirectory(self.settings.users_file)
        self.policy = self.settings.policy()
        env = store_env(self.settings.database_url)
        if self.settings.snapshot_interval > 0:
            # per instance: the interval is a setting; the library reads it from self
            self.snapshotting_intervals = {  # type: ignore[misc]
                Deal: self.settings.snapshot_interval}
            env["IS_SNAPSHOTTING_ENABLED"] = "y"
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder)

    # -- the command loop ---------------------------------------------------------------
    def _context(self, actor: Actor) -> Context:
        return Context(actor=actor, now=self.clock.now(), today=self.clock.today(),
                       policy=self.policy)

    def load(self, deal_id: UUID, version: int | None = None) -> Deal:
        try:
            return self.repository.get(deal_id, version=version)
        except AggregateNotFoundError:
            raise DealNotFoundError(f"no deal {deal_id}", deal_id=str(deal_id)) from None

    def _run(self, deal_id: UUID, authorize: Authorize, command: Command,
             expected_version: int | None = None,
             lookups: Iterable[Callable[[Deal], Any]] = ()) -> Receipt:
        """Path ids (404) → ownership (403) → rules (409), then save; retry on a lost race."""
        lookups = list(lookups)
        for attempt in range(MAX_ATTEMPTS):
            deal = self.load(deal_id)
            for lookup in lookups:
                lookup(deal)
            actor = authorize(deal)
            if expected_version is not None and deal.version != expected_version:
                raise VersionConflictError(
                    f"the deal is at version {deal.version}, not {expected_version}",
                    expected=expected_version, actual=deal.version)
            command(deal, self._context(actor))
            try:
                return self._save(deal)
            except IntegrityError:
                if expected_version is not None:
                    raise VersionConflictError("another command changed the deal first",
                                               expected=expected_version) from None
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        msg = f"gave up after {MAX_ATTEMPTS} concurrent retries"
        raise RuntimeError(msg)

    def _save(self, deal: Deal) -> Receipt:
        names = [type(e).__name__ for e in deal.pending_events]
        recordings = self.save(deal)
        position = recordings[-1].notification.id if recordings else 0
        return Receipt(deal.id, deal.version, position, names)

    # -- access helpers -------------------------------------------------------------------
    def _step(self, user: User, named: Callable[[Deal], str | None] | None = None) -> Authorize:
        access.require_any(user, access.STEP_ROLES if named is None else (*user.roles,),
                           "this step")
        return lambda deal: access.step_actor(user, deal.owner, named(deal) if named else None)

    def _review(self, user: User, allowed: tuple[str, ...], role: str | None) -> Authorize:
        actor = access.reviewer_actor(user, allowed, role)

        def authorize(deal: Deal) -> Actor:
            access.not_own_deal(actor, deal.owner)
            return actor

        return authorize

    def _check_user(self, name: str, field: str) -> None:
        if self.users.get(name) is None:
            raise UnknownUserError(f"{name!r} is not a user", field=field, name=name)

    def _check_sales_rep(self, name: str) -> None:
        owner = self.users.get(name)
        if owner is None or not owner.has("sales_rep"):
            raise OwnerNotSalesRepError(f"{name!r} does not hold sales_rep", owner=name)

