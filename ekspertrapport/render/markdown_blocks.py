"""Turn a section body (Markdown) into a small neutral block list that every renderer draws.

The body is parsed once, with markdown-it-py (CommonMark), into:

* :class:`Paragraph` — inline :class:`Run` objects with bold / italic / code flags;
* :class:`Heading` — a sub-heading inside a section (``###`` → level 3, ``####`` → level 4);
* :class:`ListBlock` — a bullet or numbered list whose items hold blocks (so lists nest);
* :class:`Quote` — a block quote, holding blocks;
* :class:`Table` — a GitHub-style pipe table (header row, body rows, cells of runs).

Anything else is reduced to text: code blocks become plain paragraphs, links keep their text (and the
address when it differs), images their alt text; raw HTML (the writer's guidance comments) is dropped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import ClassVar, Union

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    #: A hard line break ("\n") inside a paragraph is its own run with text "\n".

    @property
    def is_break(self) -> bool:
        return self.text == "\n"


@dataclass
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Heading:
    kind: ClassVar[str] = "heading"
    level: int
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class ListBlock:
    kind: ClassVar[str] = "list"
    ordered: bool
    start: int = 1
    items: list[list[Block]] = field(default_factory=list)


@dataclass
class Quote:
    kind: ClassVar[str] = "quote"
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Table:
    kind: ClassVar[str] = "table"
    header: list[list[Run]] = field(default_factory=list)
    rows: list[list[list[Run]]] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return max([len(self.header), *(len(row) for row in self.rows)], default=0)


Block = Union[Paragraph, Heading, ListBlock, Quote, Table]


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Pipe tables are not CommonMark, but experts write them (and Word sources give them).
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")


def parse_blocks(markdown: str) -> list[Block]:
    """Parse a section body into blocks (empty list for an empty body)."""
    tokens = _parser().parse(markdown or "")
    blocks, _ = _blocks(tokens, 0, None)
    return blocks


def _blocks(tokens: list[Token], i: int, closing: str | None) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if closing is not None and tok.type == closing:
            return out, i + 1
        if tok.type == "paragraph_open":
            inline = tokens[i + 1]
            runs = _runs(inline.children or [])
            if any(r.text.strip() for r in runs):
                out.append(Paragraph(runs))
            i += 3
        elif tok.type == "heading_open":
            level = max(3, int(tok.tag[1]))  # "#"/"##" cannot occur inside a section; render as sub-heading
            runs = _runs(tokens[i + 1].children or [])
            if any(r.text.strip() for r in runs):
                out.append(Heading(min(level, 4), runs))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            ordered = tok.type == "ordered_list_open"
            start = int(tok.attrGet("start") or 1) if ordered else 1
            block = ListBlock(ordered=ordered, start=start)
            close = tok.type.replace("_open", "_close")
            i += 1
            while tokens[i].type != close:
                if tokens[i].type == "list_item_open":
                    item, i = _blocks(tokens, i + 1, "list_item_close")
                    block.items.append(item)
                else:
                    i += 1
            i += 1
            out.append(block)
        elif tok.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            out.append(Quote(inner))
        elif tok.type == "table_open":
            table, row, in_head = Table(), [], False
            i += 1
            while tokens[i].type != "table_close":
                kind = tokens[i].type
                if kind in ("thead_open", "thead_close"):
                    in_head = kind == "thead_open"
                elif kind == "tr_open":
                    row = []
                elif kind in ("th_open", "td_open"):
                    inline = tokens[i + 1]
                    row.append(_runs(inline.children or []) if inline.type == "inline" else [])
                elif kind == "tr_close":
                    if in_head:
                        table.header = row
                    else:
                        table.rows.append(row)
                i += 1
            i += 1
            out.append(table)
        elif tok.type in ("fence", "code_block"):
            lines = tok.content.rstrip("\n").split("\n")
            runs: list[Run] = []
            for n, line in enumerate(lines):
                if n:
                    runs.append(Run("\n"))
                runs.append(Run(line, code=True))
            out.append(Paragraph(runs))
            i += 1
        else:  # html_block, hr and anything unknown: nothing to show
            i += 1
    return out, i


def _runs(children: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    link_href: list[str | None] = []
    link_text: list[str] = []

    def add(text: str, **kw: bool) -> None:
        if not text:
            return
        run = Run(text, bold=bold > 0, italic=italic > 0, **kw)
        if link_href:
            link_text.append(text)
        if runs and not run.is_break and not runs[-1].is_break and (runs[-1].bold, runs[-1].italic, runs[-1].code) == (run.bold, run.italic, run.code):
            runs[-1] = Run(runs[-1].text + text, run.bold, run.italic, run.code)
        else:
            runs.append(run)

    for tok in children:
        kind = tok.type
        if kind == "text":
            add(tok.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            runs.append(Run("\n"))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "code_inline":
            add(tok.content, code=True)
        elif kind == "link_open":
            link_href.append(tok.attrGet("href"))
            link_text.clear()
        elif kind == "link_close":
            href = link_href.pop() if link_href else None
            shown = "".join(link_text)
            target = (href or "").removeprefix("mailto:")
            if target and target != shown:
                add(f" ({target})")
        elif kind == "image":
            add(tok.content or "")
        # html_inline (comments) and anything else: dropped
    # Trim outer whitespace so that paragraphs do not start or end with a space.
    if runs and not runs[0].is_break:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].bold, runs[0].italic, runs[0].code)
    if runs and not runs[-1].is_break:
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].bold, runs[-1].italic, runs[-1].code)
    return [r for r in runs if r.text]


def plain_text(blocks: list[Block]) -> str:
    """The blocks' text, one paragraph per line (for tests and quick checks)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            lines.append(block.text)
        elif isinstance(block, ListBlock):
            for item in block.items:
                lines.append(plain_text(item))
        elif isinstance(block, Quote):
            lines.append(plain_text(block.blocks))
        elif isinstance(block, Table):
            for row in [block.header, *block.rows]:
                lines.append(" | ".join("".join(r.text for r in cell) for cell in row))
    return "\n".join(lines)
