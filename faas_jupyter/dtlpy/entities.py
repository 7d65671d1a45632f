"""``dtlpy.entities``: the entity and package-spec names of the compatibility module."""
from __future__ import annotations

from faas_jupyter.dtlpy._entities import Annotation, AnnotationsList, Dataset, Item, ItemsList
from faas_jupyter.dtlpy._spec import (FunctionIO, InstanceCatalog, ItemStatus, KubernetesRabbitmqAutoscaler,
                                      KubernetesRPSAutoscaler, KubernetesRuntime, OnResetAction,
                                      PackageFunction, PackageInputType, PackageModule,
                                      PackageRequirement, TriggerAction, TriggerExecutionMode,
                                      TriggerResource, TriggerType)
from faas_jupyter.model.entities import ExecutionStatus

__all__ = ["Annotation", "AnnotationsList", "Dataset", "ExecutionStatus", "FunctionIO", "InstanceCatalog",
           "Item", "ItemStatus", "ItemsList", "KubernetesRPSAutoscaler", "KubernetesRabbitmqAutoscaler",
           "KubernetesRuntime", "OnResetAction", "PackageFunction", "PackageInputType", "PackageModule",
           "PackageRequirement", "TriggerAction", "TriggerExecutionMode", "TriggerResource", "TriggerType"]
