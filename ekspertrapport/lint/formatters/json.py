"""``--format json``: the contract in ``spec/lint-json.md``, plus our added fields.

Added: per finding ``explanation``, ``suppressed``, ``suppression_reason`` (when suppressed) and
``location`` (Word/PDF); per file ``malform`` and, for a file that could not be linted, ``error``
(its Norwegian message; ``findings`` is then empty).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ... import __version__


def document(results: Iterable[Any]) -> dict[str, Any]:
    files = []
    for result in results:
        entry: dict[str, Any] = {"path": result.path, "findings": [f.to_json() for f in result.findings]}
        if result.error is not None:
            entry["error"] = result.error
        else:
            entry["malform"] = result.malform
        files.append(entry)
    return {"tool": {"name": "ekspertrapport", "version": __version__}, "files": files}


def render(results: Iterable[Any]) -> str:
    return json.dumps(document(results), ensure_ascii=False, indent=2) + "\n"
