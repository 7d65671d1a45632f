"""Plain-text forms of every widget, for terminals, nbconvert and kernels without widgets
(the tables shared with the commands are `faas_jupyter.commands.tables`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from faas_jupyter import _text
from faas_jupyter.commands import tables

if TYPE_CHECKING:
    from collections.abc import Iterable

    from faas_jupyter.model.package import FunctionIO, PackageFunction
    from faas_jupyter.workspace.services import Service
    from faas_jupyter.workspace.packages import Package


def revisions_text(pkg: Package) -> str:
    return tables.revisions_text(pkg.name, pkg.revisions)


def io_rows(ios: Iterable[FunctionIO]) -> list[list]:
    return [[io.name, io.type.value, repr(io.default) if io.has_default else "(required)",
             io.description or ""] for io in ios]


IO_HEADERS = ["name", "type", "default", "description"]


def deploy_text(pkg: Package) -> str:
    lines = [f"package {pkg.name} {pkg.version}: modules"]
    for m in pkg.modules:
        lines += ["", f"module {m.name} (functions: {', '.join(f.name for f in m.functions) or '-'})",
                  "init inputs:", _text.table(io_rows(m.init_inputs), IO_HEADERS)]
    lines += ["", f"deploy with: pkg.deploy(service_name=..., module_name={pkg.modules[0].name!r}, "
                  "init_input={...}, runtime='kernel')" if pkg.modules else ""]
    return "\n".join(lines)


def function_text(service: Service, function: PackageFunction) -> str:
    return (f"service {service.name}, function {function.name}: inputs\n"
            f"{_text.table(io_rows(function.input), IO_HEADERS)}\n\n"
            f"run with: svc.execute({function.name!r}, execution_input={{...}})")
