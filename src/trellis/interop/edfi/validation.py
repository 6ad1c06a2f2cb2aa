"""Checks an exported document against our JSON Schema for its Ed-Fi resource.

The schemas live in ``trellis/interop/data/edfi_<resource>.json`` (draft 2020-12), with the
shapes they share in ``edfi_common.json``. This module needs ``jsonschema``, a development
dependency: the tests import it, the export itself never does.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry, Resource

from trellis.interop.edfi.export import RESOURCES

_COMMON = "common"


def schema(resource_name: str) -> dict[str, Any]:
    """The JSON Schema of one exported resource (or of the shared shapes, ``"common"``)."""
    if resource_name not in RESOURCES and resource_name != _COMMON:
        raise KeyError(f"No Ed-Fi schema for {resource_name!r}.")
    path = resources.files("trellis.interop").joinpath("data", f"edfi_{resource_name}.json")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(resource_name: str) -> Any:
    common = Resource.from_contents(schema(_COMMON))
    registry: Registry[Any] = Registry().with_resource(common.id() or "", common)
    return Draft202012Validator(
        schema(resource_name),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def validate(resource_name: str, document: dict[str, Any]) -> list[str]:
    """Every way the document breaks its resource's schema, each as ``path: message``; an
    empty list when it conforms."""
    errors = sorted(_validator(resource_name).iter_errors(document), key=lambda e: e.json_path)
    return [f"{error.json_path}: {error.message}" for error in errors]
