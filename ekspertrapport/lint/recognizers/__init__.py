"""Our Norwegian recognizers, one module per family, discovered by the engine.

A module here plugs into the linter without any registration: the engine imports every module in this
package (except ``structure`` and ``style``, which are plain checks on the parsed report) and takes

* ``build_recognizers(language: str) -> list[EntityRecognizer]`` if the module defines it, else
* one instance per language (``cls(supported_language=language)``) of every concrete public
  ``presidio_analyzer.EntityRecognizer`` subclass *defined* in the module.

``supported_entities`` are rule ids from ``lint/rules/*.yaml``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType
from typing import Any

#: Modules in this package that are not presidio recognizers.
NOT_RECOGNIZERS = frozenset({"structure", "style"})


def recognizer_modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names if name not in NOT_RECOGNIZERS]


def build_all(languages: tuple[str, ...] = ("nb", "nn")) -> list[Any]:
    """One recognizer per class and language from every recognizer module."""
    from presidio_analyzer import EntityRecognizer

    recognizers: list[Any] = []
    for module in recognizer_modules():
        factory = getattr(module, "build_recognizers", None)
        for language in languages:
            if callable(factory):
                recognizers.extend(factory(language))
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if (issubclass(cls, EntityRecognizer) and cls.__module__ == module.__name__
                        and not cls.__name__.startswith("_") and not inspect.isabstract(cls)):
                    recognizers.append(cls(supported_language=language))
    return recognizers
