"""faas_jupyter.dtlpy: the names deploy scripts and package code use, with dtlpy's constructors."""
from __future__ import annotations

import pytest

import faas_jupyter as faas
import faas_jupyter.dtlpy as dl
from faas_jupyter.errors import ValidationError


def test_the_documented_names_are_covered():
    for name in ("BaseServiceRunner", "Progress", "Context", "Item", "Dataset", "Annotation",
                 "PackageModule", "PackageFunction", "FunctionIO", "PackageInputType", "ExecutionStatus",
                 "KubernetesRuntime", "InstanceCatalog", "TriggerResource", "exceptions", "entities"):
        assert name in dl.COVERED and getattr(dl, name) is not None
    assert dl.BaseServiceRunner is faas.BaseServiceRunner and dl.ExecutionStatus is faas.ExecutionStatus
    # named in package code's annotations (def run(self, execution: dl.Execution)): they must exist
    assert {"Execution", "Service", "Project", "Package"} <= set(dl.COVERED)
    assert dl.Package is faas.PackageSpec


def test_a_name_that_needs_a_dataloop_server_says_it_is_not_covered():
    with pytest.raises(AttributeError, match="dtlpy.login is not covered.*ws.packages"):
        dl.login  # noqa: B018
    assert not hasattr(dl, "projects")


def test_package_input_type_has_dtlpys_member_names_and_our_values():
    assert dl.PackageInputType.ITEMS == "Item[]" and dl.PackageInputType.INT == "Integer"
    assert dl.PackageInputType.ITEM_ARRAY is dl.PackageInputType.ITEMS  # our names too
    assert str(dl.PACKAGE_INPUT_TYPE_ITEM) == "Item"
    assert faas.FunctionIO(name="x", type=dl.PackageInputType.FLOATS).type is faas.PackageInputType.FLOAT_ARRAY


def test_a_deploy_scripts_module_builds_our_model():
    module = dl.PackageModule(
        name="default_module", entry_point="main.py", class_name="ServiceRunner",
        init_inputs=[dl.FunctionIO(type=dl.PackageInputType.JSON, name="cfg", value={"t": 0.5})],
        functions=[dl.PackageFunction(name="run", inputs=[dl.FunctionIO(type="Item")],
                                      outputs=dl.FunctionIO(type="Json", name="out"),
                                      compute_config="small")])
    assert isinstance(module, faas.PackageModule)
    assert module.to_json() == faas.PackageModule.from_json(module.to_json()).to_json()
    fn = module.to_json()["functions"][0]
    assert fn["input"] == [{"name": "item", "type": "Item"}]  # dtlpy's default name by type
    assert fn["output"] == [{"name": "out", "type": "Json"}] and fn["computeConfig"] == "small"
    assert module.init_inputs[0].to_json(resource="service") == {"cfg": {"t": 0.5}}
    assert dl.PackageFunction(inputs={"a": "Integer"}).inputs[0].type is faas.PackageInputType.INTEGER


def test_function_io_needs_a_type():
    with pytest.raises(ValidationError, match="FunctionIO needs a type"):
        dl.FunctionIO(name="x")


def test_runtime_records_write_dataloops_json():
    runtime = dl.KubernetesRuntime(pod_type=dl.InstanceCatalog.REGULAR_XS, concurrency=4,
                                   autoscaler=dl.KubernetesRabbitmqAutoscaler(max_replicas=2))
    assert runtime.to_json()["podType"] == "regular-xs" and runtime.concurrency == 4
    assert runtime.to_json()["autoscaler"] == {"type": "rabbitmq", "minReplicas": 0, "maxReplicas": 2,
                                                "queueLength": 10}
    assert dl.PackageRequirement(name="numpy", version="1.26", operator=">=").to_json() == {
        "name": "numpy", "version": "1.26", "operator": ">="}


def test_init_input_values_take_dataloops_function_ios():
    from faas_jupyter.model.package import io_values
    assert io_values(dl.FunctionIO(type="Json", name="cfg", value={"t": 0.5})) == {"cfg": {"t": 0.5}}
    assert io_values([dl.FunctionIO(type="Float", name="a", value=1.0),
                      dl.FunctionIO(type="String", name="b", value="x")]) == {"a": 1.0, "b": "x"}
    assert io_values({"a": 1}) == {"a": 1} and io_values(None) == {}
    with pytest.raises(ValidationError, match="init_input takes"):
        io_values(3)
