"""The published event contract (SPEC §8): a JSON Schema (draft 2020-12) for the
``data`` of every event type and version, generated from the event classes'
annotations and the attrs value classes; and an AsyncAPI 3.0 document for the feed,
the live stream and webhooks."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from application.feed import event_type
from domain.events import ENVELOPE, EVENT_TYPES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$",
           "description": "a decimal number as text"}
#: Fields an older stored version lacks, per (event name, version): the upcasters add them.
ADDED_SINCE: dict[str, dict[int, tuple[str, ...]]] = {"FollowUpLogged": {2: ("outcome",)}}


def type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one annotated type, in the form ``domain.chain.plain`` gives."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [type_schema(a, defs) for a in args]}
    if origin in (list, tuple):
        return {"type": "array", "items": type_schema(args[0], defs) if args else {}}
    if origin is dict or tp is dict:
        return {"type": "object"}
    if attrs.has(tp):
        value_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    return dict(SCALARS[tp])


SCALARS: dict[Any, dict[str, Any]] = {
    type(None): {"type": "null"}, bool: {"type": "boolean"}, int: {"type": "integer"},
    str: {"type": "string"}, Decimal: DECIMAL, date: {"type": "string", "format": "date"},
    datetime: {"type": "string", "format": "date-time"},
}


def value_schema(cls: type, defs: dict[str, Any]) -> None:
    """Add an attrs value class (and the classes it holds) to ``defs``."""
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # a placeholder stops recursion
    hints = typing.get_type_hints(cls)
    props, required = {}, []
    for f in attrs.fields(cls):
        props[f.name] = type_schema(hints[f.name], defs)
        options = getattr(f.validator, "options", None)
        if options is not None:
            props[f.name]["enum"] = list(options)
        if f.default is attrs.NOTHING:
            required.append(f.name)
    defs[cls.__name__] = {"type": "object", "properties": props, "required": required,
                          "additionalProperties": False}


def event_schema(cls: type, version: int | None = None) -> dict[str, Any]:
    """The schema of an event's ``data`` (its payload) in one version."""
    current = getattr(cls, "class_version", 1)
    version = version or current
    missing = {f for v, fs in ADDED_SINCE.get(cls.__name__, {}).items() if v > version
               for f in fs}
    hints = typing.get_type_hints(cls)
    defs: dict[str, Any] = {}
    props, required = {}, []
    for f in dataclasses.fields(cls):
        if f.name in ENVELOPE or f.name in missing:
            continue
        props[f.name] = type_schema(hints[f.name], defs)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    name = f"dealtrail.deal.{cls.__name__}.v{version}"
    schema = {"$schema": DRAFT, "$id": f"urn:dealtrail:schema:{name}", "title": name,
              "type": "object", "properties": props, "required": required,
              "additionalProperties": False}
    if defs:
        schema["$defs"] = defs
    return schema


def event_schemas() -> dict[str, dict[str, Any]]:
    """Every event type in every version, keyed by its CloudEvents ``type``."""
    out = {}
    for cls in EVENT_TYPES:
        for version in range(1, getattr(cls, "class_version", 1) + 1):
            schema = event_schema(cls, version)
            out[schema["title"]] = schema
    return out


def envelope_schema() -> dict[str, Any]:
    """The CloudEvents 1.0 envelope every feed item and webhook body has."""
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "subject", "time",
                     "datacontenttype", "data", "position", "actor", "on"],
        "properties": {
            "specversion": {"const": "1.0"}, "id": {"type": "string",
                                                     "pattern": r"^[0-9a-f-]{36}:\d+$"},
            "source": {"const": "dealtrail"},
            "type": {"type": "string", "pattern": r"^dealtrail\.deal\.[A-Za-z]+\.v\d+$"},
            "subject": text, "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"const": "application/json"}, "data": {"type": "object"},
            "position": {"type": "integer", "minimum": 1},
            "actor": {"type": "object", "required": ["name", "role"],
                      "properties": {"name": text, "role": text}},
            "on": {"type": "string", "format": "date"},
        },
    }


def catalogue() -> dict[str, Any]:
    """What ``GET /schemas/events`` answers."""
    return {"envelope": envelope_schema(), "events": event_schemas(),
            "current": {cls.__name__: event_type(cls) for cls in EVENT_TYPES}}


def asyncapi() -> dict[str, Any]:
    """An AsyncAPI 3.0 document: the live stream (SSE) and webhook deliveries carry the
    same CloudEvents messages, one message per current event type."""
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for cls in EVENT_TYPES:
        name = cls.__name__
        schemas[name] = _hoisted(event_schema(cls), schemas)
        messages[name] = {
            "name": event_type(cls), "title": name, "contentType": "application/json",
            "payload": {"allOf": [{"$ref": "#/components/schemas/CloudEvent"},
                                  {"type": "object", "properties": {
                                      "data": {"$ref": f"#/components/schemas/{name}"}}}]},
        }
    schemas["CloudEvent"] = envelope_schema()
    refs = {n: {"$ref": f"#/components/messages/{n}"} for n in messages}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "dealtrail deal events", "version": "1.0.0",
                 "description": "Every deal event, in log order, as CloudEvents 1.0. "
                 "Pull: GET /events?after=N. Old stored versions are upcast on read."},
        "defaultContentType": "application/json",
        "channels": {
            "stream": {"address": "/events/stream", "messages": refs,
                       "description": "Server-Sent Events; id = position; resume with "
                       "Last-Event-ID."},
            "webhook": {"address": "{url}", "messages": refs,
                        "parameters": {"url": {"description": "the subscriber's url"}},
                        "description": "POST per event, in log order per subscription; "
                        "X-Dealtrail-Signature: sha256=<hex HMAC-SHA256 of the body>."},
        },
        "operations": {
            "receiveStream": {"action": "receive", "channel": {"$ref": "#/channels/stream"}},
            "receiveWebhook": {"action": "receive",
                               "channel": {"$ref": "#/channels/webhook"}},
        },
        "components": {"messages": messages, "schemas": schemas},
    }


def _hoisted(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Move a schema's ``$defs`` into the AsyncAPI components, pointing refs there."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/')
    moved = json.loads(text)
    schemas.update(moved.pop("$defs", {}))
    for key in ("$schema", "$id"):
        moved.pop(key, None)
    return moved  # type: ignore[no-any-return]
