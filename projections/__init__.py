"""Read models: SQL tables built from the event log, each with its tracked position.

``attach(container)`` hangs a (not yet started) ``Runner`` on the container as
``extras["projections"]``; ``dealtrail serve`` starts it unless ``--no-projections``.
"""

from __future__ import annotations

from typing import Any

from domain.policy import Policy
from projections.agenda import Agenda
from projections.approvals import Approvals
from projections.base import Projection
from projections.deals import Deals
from projections.follow_ups import FollowUps
from projections.maintenance import Maintenance
from projections.pipeline import Pipeline
from projections.receivables import Receivables

ENGINE_NAME = "readmodels"


def all_projections(policy: Policy) -> list[Projection]:
    return [FollowUps(), Approvals(), Receivables(), Pipeline(), Agenda(policy), Maintenance(),
            Deals()]


def build_runner(app: Any, engine: Any = None, **options: Any) -> Any:
    """A runner for every read model of ``app`` on the read-model database."""
    from application.sql import make_engine
    from projections.runner import Runner

    engine = engine if engine is not None else make_engine(app.settings.database_url,
                                                           ENGINE_NAME)
    return Runner(app, engine, all_projections(app.policy), **options)


def attach(container: Any) -> Any:
    """The container's projections (``extras["projections"]``), created once."""
    if "projections" not in container.extras:
        container.extras["projections"] = build_runner(container.app)
    return container.extras["projections"]
