"""Lazy package exports (PEP 562): each public name is imported from its module on first use.

Every package ``__init__`` of the library maps its public names to the modules that define them
and gets ``__getattr__``/``__dir__`` from :func:`lazy_exports`, so importing a package costs
nothing until one of its names is used, and an app pays only for the constructs it uses.

Measured (benchmarks/README.md, "Speed-ups kept and removed"): an app of one default
``FargateWebService`` spends about 300 ms less CPU per process than with every module imported
up front (9 round trips of module-level jsii calls, and aws-cdk-lib modules it does not use);
nothing per service. Couples to each package's name-to-module map listing every public name,
which tests/test_lazy_imports.py checks (every public name resolves).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: dict[str, Any], module_of: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the package whose ``globals()`` is ``namespace``.

    ``module_of`` maps a public name to the module (relative to the package, e.g. ``"._task"``)
    that defines it; a resolved name is cached in ``namespace`` so later lookups are plain.
    ``__dir__`` lists the package's globals and its ``__all__``.
    """
    package = namespace["__name__"]

    def module_getattr(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value  # later lookups skip __getattr__
        return value

    def module_dir() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return module_getattr, module_dir
