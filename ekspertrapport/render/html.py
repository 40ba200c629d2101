"""HTML preview: one self-contained page from ``templates/rapport.html.j2`` (autoescape on)."""

from __future__ import annotations

import functools
from pathlib import Path

from ..report import Report
from . import RenderOptions
from .content import build_view


@functools.lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("ekspertrapport", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    return env.get_template("rapport.html.j2")


def html_text(report: Report, options: RenderOptions) -> str:
    return _template().render(v=build_view(report, options)).strip() + "\n"


def html_bytes(report: Report, options: RenderOptions) -> bytes:
    return html_text(report, options).encode("utf-8")


def render_html(report: Report, path: str | Path, options: RenderOptions | None = None) -> Path:
    from . import render_html as _render

    return _render(report, path, options)
