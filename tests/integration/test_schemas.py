"""GET /schemas/events and /schemas/asyncapi: every event type and version has a JSON
Schema, and every event of the worked example validates against its own."""

from __future__ import annotations

from collections.abc import Iterator

# jsonschema ships no types and types-jsonschema is not among the dev dependencies
import jsonschema  # type: ignore[import-untyped]
import pytest

from application.schemas import catalogue, event_schema
from domain.events import EVENT_TYPES, FollowUpLogged
from tests.conftest import STORES
from tests.integration.test_feed_support import Site, bearer, open_site

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


def test_every_event_type_has_a_schema_for_every_version() -> None:
    schemas = catalogue()["events"]

    for cls in EVENT_TYPES:
        for version in range(1, getattr(cls, "class_version", 1) + 1):
            schema = schemas[f"dealtrail.deal.{cls.__name__}.v{version}"]
            jsonschema.Draft202012Validator.check_schema(schema)
    assert len(schemas) == len(EVENT_TYPES) + 1  # FollowUpLogged has v1 and v2


def test_a_v1_schema_lacks_the_fields_its_upcaster_adds() -> None:
    v1, v2 = event_schema(FollowUpLogged, 1), event_schema(FollowUpLogged, 2)

    assert "outcome" not in v1["properties"]
    assert v2["properties"]["outcome"] == {"type": "string"}
    assert "outcome" not in v2["required"]


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_every_event_of_the_worked_example_validates_against_its_schema(site: Site) -> None:
    site.xx_keji()
    published = site.client.get("/schemas/events", headers=bearer("feed")).json()

    events = site.all_events("feed")

    assert len({e["type"] for e in events}) >= 15
    for event in events:
        jsonschema.validate(event, published["envelope"], format_checker=FORMATS)
        jsonschema.validate(event["data"], published["events"][event["type"]],
                            format_checker=FORMATS)


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_a_wrong_payload_fails_its_schema(site: Site) -> None:
    site.xx_keji()
    event = next(e for e in site.all_events() if e["type"].endswith("ContractDrafted.v1"))
    schema = catalogue()["events"][event["type"]]
    event["data"]["amount"] = 285000.5

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event["data"], schema, format_checker=FORMATS)


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_the_asyncapi_document_names_every_event_and_both_channels(site: Site) -> None:
    answer = site.client.get("/schemas/asyncapi", headers=bearer("feed"))

    doc = answer.json()
    assert answer.status_code == 200 and doc["asyncapi"] == "3.0.0"
    assert set(doc["channels"]) == {"stream", "webhook"}
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert "dealtrail.deal.FollowUpLogged.v2" in names and len(names) == len(EVENT_TYPES)
    assert "#/$defs/" not in answer.text
