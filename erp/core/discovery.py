"""Find the per-app contribution modules (`demo`, `tests.urlspecs`, `queryplans`, …) of the project's own apps."""

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def app_modules(submodule: str) -> Iterator[ModuleType]:
    """Each `erp.<app>.<submodule>` that exists, in INSTALLED_APPS order. Import errors inside a module propagate."""
    for config in apps.get_app_configs():
        if not config.name.startswith("erp."):
            continue
        name = f"{config.name}.{submodule}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if name == missing or name.startswith(missing + "."):
                continue
            raise
