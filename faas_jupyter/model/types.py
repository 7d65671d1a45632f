"""Dataloop's function input/output types (``dl.PackageInputType``, 34 values)."""
from __future__ import annotations

from enum import Enum


class PackageInputType(str, Enum):
    """The 17 Dataloop base types and each list form (``"Item[]"``)."""

    ITEM = "Item"
    DATASET = "Dataset"
    ANNOTATION = "Annotation"
    JSON = "Json"
    STRING = "String"
    NUMBER = "Number"
    INTEGER = "Integer"
    FLOAT = "Float"
    BOOLEAN = "Boolean"
    MODEL = "Model"
    EXECUTION = "Execution"
    SERVICE = "Service"
    PACKAGE = "Package"
    PROJECT = "Project"
    TASK = "Task"
    ASSIGNMENT = "Assignment"
    RECIPE = "Recipe"
    ITEM_ARRAY = "Item[]"
    DATASET_ARRAY = "Dataset[]"
    ANNOTATION_ARRAY = "Annotation[]"
    JSON_ARRAY = "Json[]"
    STRING_ARRAY = "String[]"
    NUMBER_ARRAY = "Number[]"
    INTEGER_ARRAY = "Integer[]"
    FLOAT_ARRAY = "Float[]"
    BOOLEAN_ARRAY = "Boolean[]"
    MODEL_ARRAY = "Model[]"
    EXECUTION_ARRAY = "Execution[]"
    SERVICE_ARRAY = "Service[]"
    PACKAGE_ARRAY = "Package[]"
    PROJECT_ARRAY = "Project[]"
    TASK_ARRAY = "Task[]"
    ASSIGNMENT_ARRAY = "Assignment[]"
    RECIPE_ARRAY = "Recipe[]"

    def __str__(self) -> str:  # f"{t}" gives "Item", as Dataloop prints it
        return self.value


VALID_TYPES: tuple[str, ...] = tuple(t.value for t in PackageInputType)
BASE_TYPES: tuple[PackageInputType, ...] = tuple(t for t in PackageInputType if not t.value.endswith("[]"))

# Types whose values are references to stored entities rather than plain JSON.
ENTITY_TYPES: frozenset[PackageInputType] = frozenset(
    PackageInputType(n) for n in ("Item", "Dataset", "Annotation", "Model", "Execution", "Service",
                                  "Package", "Project", "Task", "Assignment", "Recipe"))

# Dataloop's default FunctionIO name per type; every other type is named "config".
_DEFAULT_NAMES = {"Item": "item", "Dataset": "dataset", "Annotation": "annotation", "Project": "project",
                  "Package": "package", "Service": "service", "Execution": "execution", "Model": "model"}


def as_type(t: str | PackageInputType) -> PackageInputType:
    """``t`` as a PackageInputType; ValueError for an unknown string."""
    return t if isinstance(t, PackageInputType) else PackageInputType(t)


def is_array(t: str | PackageInputType) -> bool:
    """True for the list forms (``"Item[]"``)."""
    return as_type(t).value.endswith("[]")


def base_type(t: str | PackageInputType) -> PackageInputType:
    """The element type: ``Item[]`` -> ``Item``; a base type is returned unchanged."""
    return PackageInputType(as_type(t).value.removesuffix("[]"))


def array_of(t: str | PackageInputType) -> PackageInputType:
    """The list form of a base type: ``Item`` -> ``Item[]``."""
    return PackageInputType(base_type(t).value + "[]")


def is_entity(t: str | PackageInputType) -> bool:
    """True when values of ``t`` (or its elements) reference stored entities."""
    return base_type(t) in ENTITY_TYPES


def default_io_name(t: str | PackageInputType) -> str:
    """Dataloop's default input name: ``Item`` -> ``item`` ... anything else -> ``config``."""
    return _DEFAULT_NAMES.get(as_type(t).value, "config")
