"""Read a Markdown report source: YAML front matter + ``##`` sections (``spec/rapportformat.md``).

:func:`parse_markdown` is lenient: it returns what it could read and every problem it found, so
that the linter can report structure problems as findings. :func:`load_report` is strict: it raises
:class:`~ekspertrapport.errors.ReportError` listing every problem with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Problem, ReportError
from ..fileio import read_text
from ..report import FrontMatter, Report, Section
from ..sections import APPROVAL_HEADINGS, BY_KEY, MEASURES_HEADINGS, REQUIRED_KEYS, match_heading, normalise_heading
from .validation import field_path, problems_from_validation

# Files saved on Windows end their lines with \r\n: every line pattern tolerates the \r.
_FENCE_RE = re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*\r?$", re.MULTILINE)
#: Front-matter values that are the report's prose (linted). The rest are the parties' names (allowed
#: by definition), identifiers and codes.
PROSE_KEYS = frozenset({"hva", "oppfolging", "frist", "stilling", "kompetanse", "virksomhet",
                        "ingen_tiltak_begrunnelse", "kontakt"})


@dataclass
class ParsedSource:
    """Everything read from one source file, with offsets into ``text`` (the file as read)."""

    path: str
    text: str
    malform: str = "nb"
    front_matter: dict[str, Any] | None = None
    front_matter_span: tuple[int, int] | None = None  # the YAML between the fences
    body_start: int = 0
    sections: list[Section] = field(default_factory=list)
    comments: list[tuple[int, int]] = field(default_factory=list)
    prose_spans: list[tuple[int, int, str]] = field(default_factory=list)  # front-matter (start, end, key)
    meta: FrontMatter | None = None  # valid front matter, even where the body has problems
    report: Report | None = None
    problems: list[Problem] = field(default_factory=list)

    def line_of_offset(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def _split_front_matter(text: str) -> tuple[tuple[int, int] | None, int]:
    """(span of the YAML text, offset where the body starts); (None, 0) without front matter."""
    if not re.match(r"---[ \t]*\r?\n", text):
        return None, 0
    first_nl = text.index("\n") + 1
    close = _FENCE_RE.search(text, first_nl)
    if close is None:
        return (first_nl, len(text)), len(text)
    body = close.end()
    if body < len(text) and text[body] == "\n":
        body += 1
    return (first_nl, close.start()), body


#: libyaml's loader when available (about ten times faster); same marks and same safe constructors.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers and value offsets) and the Python data built from it."""
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _node_lines(node: yaml.Node, base_line: int, path: tuple[Any, ...] = (), out=None) -> dict:
    """Map every path in the YAML tree to the 1-based line in the file where it is written."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + base_line)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            out[child] = key.start_mark.line + base_line
            _node_lines(value, base_line, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, base_line, (*path, index), out)
    return out


def _prose_spans(node: yaml.Node, base: int, key: str | None = None) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            spans += _prose_spans(v, base, str(k.value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            spans += _prose_spans(item, base, key)
    elif isinstance(node, yaml.ScalarNode) and key in PROSE_KEYS and node.value:
        start, end = node.start_mark.index + base, node.end_mark.index + base
        spans.append((start, end, key))
    return spans


def parse_markdown(text: str, path: str = "rapport.md") -> ParsedSource:
    parsed = ParsedSource(path=path, text=text)
    span, body_start = _split_front_matter(text)
    parsed.body_start = body_start
    parsed.front_matter_span = span
    if span is None:
        parsed.problems.append(Problem(path, 1, "mangler front matter: filen må begynne med en linje «---», "
                                       "deretter feltene (arbeidsgiver, arbeidstaker, ekspert, periode, tiltak) og en ny linje «---»"))
    else:
        _read_front_matter(parsed, span)
    _read_body(parsed)
    if parsed.front_matter is not None and not any(p.line and p.line <= parsed.line_of_offset(body_start) for p in parsed.problems):
        _build_report(parsed)
    return parsed


def _read_front_matter(parsed: ParsedSource, span: tuple[int, int]) -> None:
    start, end = span
    base_line = parsed.line_of_offset(start)
    yaml_text = parsed.text[start:end]
    if end == len(parsed.text) and not _FENCE_RE.search(parsed.text, start):
        parsed.problems.append(Problem(parsed.path, base_line - 1, "front matter er ikke avsluttet: mangler linjen «---» etter feltene"))
        return
    try:
        node, data = _load_yaml(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + base_line if mark else base_line
        what = exc.problem or "ugyldig YAML"
        parsed.problems.append(Problem(parsed.path, line, f"ugyldig YAML i front matter ({what}); sjekk innrykk, kolon og anførselstegn"))
        return
    except yaml.YAMLError as exc:
        parsed.problems.append(Problem(parsed.path, base_line, f"ugyldig YAML i front matter ({exc})"))
        return
    if data is None:
        parsed.problems.append(Problem(parsed.path, base_line, "front matter er tom"))
        return
    if not isinstance(data, dict):
        parsed.problems.append(Problem(parsed.path, base_line, "front matter må bestå av felt på formen «navn: verdi»"))
        return
    parsed.front_matter = data
    parsed._lines = _node_lines(node, base_line)  # type: ignore[attr-defined]
    parsed.prose_spans = _prose_spans(node, start)
    malform = data.get("malform", "nb")
    parsed.malform = malform if malform in ("nb", "nn") else "nb"


def _read_body(parsed: ParsedSource) -> None:
    text, start = parsed.text, parsed.body_start
    parsed.comments = [(m.start(), m.end()) for m in _COMMENT_RE.finditer(text, start)]

    def in_comment(pos: int) -> bool:
        return any(a <= pos < b for a, b in parsed.comments)

    headings = [m for m in _HEADING_RE.finditer(text, start) if not in_comment(m.start())]
    sections: list[Section] = []
    level2 = [m for m in headings if len(m.group(1)) == 2]
    first = level2[0].start() if level2 else len(text)
    preamble = _strip_comments(text[start:first], parsed.comments, start)
    preamble = "\n".join(l for l in preamble.splitlines() if not re.match(r"#\s", l)).strip()
    if preamble:
        parsed.problems.append(Problem(parsed.path, parsed.line_of_offset(start) if start else 1,
                                       "tekst før første «##»-overskrift hører ikke til noen del av rapporten; flytt den inn under en overskrift"))
    seen: dict[str, int] = {}
    for index, match in enumerate(level2):
        end = level2[index + 1].start() if index + 1 < len(level2) else len(text)
        heading = match.group(2).strip()
        line = parsed.line_of_offset(match.start())
        norm = normalise_heading(heading)
        if norm in MEASURES_HEADINGS:
            parsed.problems.append(Problem(parsed.path, line, f"«{heading}»: tiltakene skrives i front matter under «tiltak» og settes inn som tabell av verktøyet; fjern overskriften"))
            continue
        if norm in APPROVAL_HEADINGS:
            parsed.problems.append(Problem(parsed.path, line, f"«{heading}»: godkjenningen skrives ikke i kilden; den registreres med «ekspertrapport approve»"))
            continue
        key = match_heading(heading)
        if key in seen:
            parsed.problems.append(Problem(parsed.path, line, f"delen «{heading}» står to ganger (første gang på linje {seen[key]}); slå dem sammen"))
            continue
        if key:
            seen[key] = line
        body = _strip_comments(text[match.end():end], parsed.comments, match.end()).strip().replace("\r\n", "\n")
        sections.append(Section(key=key, heading=heading, body=body, start=match.start(), end=end, line=line))
    parsed.sections = sections
    for key in REQUIRED_KEYS:
        spec = BY_KEY[key]
        section = next((s for s in sections if s.key == key), None)
        if section is None:
            parsed.problems.append(Problem(parsed.path, parsed.line_of_offset(len(text)),
                                           f"delen «{spec.heading(parsed.malform)}» mangler; legg til overskriften «## {spec.heading(parsed.malform)}» med innhold", key))
        elif not section.body:
            parsed.problems.append(Problem(parsed.path, section.line,
                                           f"delen «{section.heading}» er tom (veiledningskommentarer teller ikke som innhold)", key))


def _strip_comments(chunk: str, comments: list[tuple[int, int]], offset: int) -> str:
    """Remove HTML comments (guidance) from a chunk that starts at ``offset`` in the file."""
    out, pos = [], 0
    for a, b in comments:
        a, b = a - offset, b - offset
        if b <= 0 or a >= len(chunk):
            continue
        out.append(chunk[pos:max(a, 0)])
        pos = min(b, len(chunk))
    out.append(chunk[pos:])
    return "".join(out)


def _build_report(parsed: ParsedSource) -> None:
    lines: dict = getattr(parsed, "_lines", {})

    def line_of(loc: tuple[Any, ...]) -> int | None:
        loc = tuple(p for p in loc if isinstance(p, (int, str)) and not str(p).startswith("function"))
        while loc:
            if loc in lines:
                return lines[loc]
            loc = loc[:-1]
        return lines.get((), None)

    placeholders = [Problem(parsed.path, line_of(loc), f"{field_path(loc)} er ikke fylt inn (det står fortsatt «{value}»)",
                            field_path(loc))
                    for loc, value in _placeholders(parsed.front_matter)]
    try:
        meta = FrontMatter.model_validate(parsed.front_matter)
        if placeholders:
            parsed.problems[:0] = placeholders
            return
    except ValidationError as exc:
        problems = problems_from_validation(exc, parsed.path, line_of)
        fields = {p.field for p in problems}
        parsed.problems[:0] = problems + [p for p in placeholders if p.field not in fields]
        return
    parsed.meta = meta
    if not parsed.problems:
        parsed.report = Report(meta=meta, sections=parsed.sections)


#: What the template (``ekspertrapport new``) leaves in fields the writer has to fill in.
PLACEHOLDERS = frozenset({"fyll inn", "[fyll inn]", "åååå-mm-dd", "[åååå-mm-dd]"})


def _placeholders(data: Any, loc: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    if isinstance(data, dict):
        return [hit for key, value in data.items() for hit in _placeholders(value, (*loc, key))]
    if isinstance(data, list):
        return [hit for index, value in enumerate(data) for hit in _placeholders(value, (*loc, index))]
    if isinstance(data, str) and data.strip().lower() in PLACEHOLDERS:
        return [(loc, data.strip())]
    return []


def load_report(path: str | Path) -> Report:
    """Read and validate a Markdown source strictly; every problem is reported at once."""
    parsed = parse_markdown(read_text(path), str(path))
    if parsed.report is None:
        raise ReportError(sorted(parsed.problems, key=lambda p: p.line or 0))
    return parsed.report
