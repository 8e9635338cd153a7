"""The composition root: builds everything from configuration, once per process."""

from __future__ import annotations

from typing import Any

import attrs

from application.clock import Clock, SystemClock
from application.config import Settings
from application.service import Dealtrail
from application.users import UserDirectory
from application.webhooks import attach as attach_webhooks
from projections import attach as attach_projections


@attrs.define
class Container:
    """What a process runs on. Parts added by later features hang off ``extras``."""

    settings: Settings
    app: Dealtrail
    users: UserDirectory
    clock: Clock
    extras: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def build(cls, settings: Settings | None = None, clock: Clock | None = None,
              users: UserDirectory | None = None) -> Container:
        settings = settings or Settings.from_env()
        clock = clock or SystemClock(settings.timezone)
        users = users if users is not None else UserDirectory(settings.users_file)
        app = Dealtrail(settings, clock, users)
        container = cls(settings, app, users, clock)
        attach_webhooks(container)  # its worker starts with the other extras under serve
        attach_projections(container)  # started by serve unless --no-projections
        return container

    def close(self) -> None:
        for part in self.extras.values():
            if hasattr(part, "close"):
                part.close()
        self.app.close()
