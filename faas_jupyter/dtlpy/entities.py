"""``dtlpy.entities``: the entity and package-spec names of the compatibility module."""
from __future__ import annotations

from faas_jupyter.dtlpy._entities import Annotation, AnnotationsList, Dataset, Item, ItemsList
from faas_jupyter.dtlpy._spec import (FunctionIO, InstanceCatalog, ItemStatus, KubernetesRabbitmqAutoscaler,
                                      KubernetesRPSAutoscaler, KubernetesRuntime, OnResetAction,
                                      PackageFunction, PackageInputType, PackageModule,
                                      PackageRequirement, TriggerAction, TriggerExecutionMode,
                                      TriggerResource, TriggerType)
from faas_jupyter.model.entities import Execution, ExecutionStatus, Project, Service
from faas_jupyter.model.package import PackageSpec as Package  # dtlpy's Package: the package JSON

# Execution, Service, Project and Package are our model records: package code that names them in
# annotations imports; inputs of those types pass through as given (no entity lookup).
__all__ = ["Annotation", "AnnotationsList", "Dataset", "Execution", "ExecutionStatus", "Package", "Project",
           "Service", "FunctionIO", "InstanceCatalog",
           "Item", "ItemStatus", "ItemsList", "KubernetesRPSAutoscaler", "KubernetesRabbitmqAutoscaler",
           "KubernetesRuntime", "OnResetAction", "PackageFunction", "PackageInputType", "PackageModule",
           "PackageRequirement", "TriggerAction", "TriggerExecutionMode", "TriggerResource", "TriggerType"]
