"""Property-based: schemathesis drives every operation of the app's own OpenAPI (commands,
deal reads, read models, audit, feed, subscriptions) as admin; no answer is a 5xx and every answer conforms to the documented schema."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from application import examples as ex
from application.clock import FixedClock
from application.config import Settings
from application.examples import add_staff
from application.users import UserDirectory
from interfaces.container import Container
from interfaces.http.app import create_app
from tests.e2e.conftest import auth

pytestmark = pytest.mark.slow
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance)


DEAL = uuid.uuid4()


def _app() -> Any:
    """The app on the memory store with the XX科技 deal signed (so that generated
    requests reach the rules, not only 404), business today 2024-06-01."""
    users, clock = UserDirectory(), FixedClock(date(2024, 6, 1))
    staff = add_staff(users)
    container = Container.build(Settings(database_url="memory://"), clock, users)
    ex.run(container.app, clock, ex.xx_keji_steps(container.app, staff, DEAL), until="signed")
    clock.set(date(2024, 6, 1))
    container.extras["projections"].start()  # read models answer without waiting
    return create_app(container)


#: every operation but the live stream, which never ends by design (its resume and
#: disconnect behaviour is tested in tests/integration/test_feed_stream.py)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app()).exclude(
    path_regex=r"^/events/stream$")


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_makes_the_api_fail_or_break_its_schema(case: Any) -> None:
    if "deal_id" in (case.path_parameters or {}):
        case.path_parameters["deal_id"] = str(DEAL)
    case.call_and_validate(headers=auth("admin"), checks=CHECKS)
