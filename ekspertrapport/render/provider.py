"""Render a report into a BHT provider's own Word template (docxtpl / jinja2 tags).

The provider's template keeps its logo, letterhead, fonts and styles; jinja2 tags mark where the
parties, the sections, the measures table and the approval go. Every variable is documented in
``docs/leverandormal.md``; ``samples/leverandor-mal.docx`` is a worked example. The values come from
:func:`ekspertrapport.render.content.build_view`, so a provider template shows the same texts, dates and
labels as the standard Word/PDF output.

Section bodies (Markdown) are inserted with ``{{p seksjon.innhold }}`` as Word paragraphs written
directly (no docxcompose sub-documents): one paragraph per paragraph, in the template's own styles
(its default paragraph style; «List Bullet»/«List Number» and «Heading N» when the template has them,
else a typed bullet/number or bold text), bold and italic kept.

Unknown variables are errors (jinja2 ``StrictUndefined``), never silently empty; the message names the
tag and where it is in the template («avsnitt 12», «tabell 1, rad 2, celle 2», «topptekst»).
Template syntax errors are located the same way. Nothing is written unless rendering succeeded.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from ..errors import EkspertrapportError
from ..fileio import atomic_write_bytes
from ..report import Report
from ..source.docx_safety import as_document, check_docx
from .content import ReportView, build_view
from .markdown_blocks import Block, Heading, ListBlock, Paragraph, Quote, Run, Table

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN_RE = re.compile(r"\{[{%#]")


# -- context ----------------------------------------------------------------------------------------
def build_context(report: Report, view: ReportView, paragraphs) -> dict[str, Any]:
    """The variables a provider template can use (documented in docs/leverandormal.md)."""
    m, t = report.meta, view.t
    rows = {label: value for group in view.parties for label, value in group}
    ressurs = m.ressursbruk
    sections = []
    by_key: dict[str, Any] = {"bakgrunn": None, "gjennomforing": None, "arsaker": None, "vurdering": None, "videre": None}
    for section in view.sections:
        entry = {"nokkel": section.key or "", "overskrift": section.heading, "innhold": paragraphs(section.blocks),
                 "tekst": _plain(section.blocks)}
        sections.append(entry)
        if section.key:
            by_key[section.key] = entry
    measures = [{"hva": row.hva, "ansvarlig": row.ansvarlig, "frist": row.frist, "oppfolging": row.oppfolging,
                 "spor": group.heading, "spor_kode": group.spor}
                for group in view.measure_groups for row in group.rows]
    groups = [{"spor": g.heading, "spor_kode": g.spor, "rader": [m for m in measures if m["spor_kode"] == g.spor]}
              for g in view.measure_groups]
    approval_rows = dict(view.approval_rows)
    return {
        "tittel": view.title,
        "malform": report.malform,
        "utkast": view.draft,
        "utkast_merke": t.draft_mark if view.draft else "",
        "merker": " · ".join(view.header_marks),
        "arbeidsgiver": {"navn": m.arbeidsgiver.navn, "orgnr": rows.get(t.label_orgnr, m.arbeidsgiver.orgnr),
                         "leder": m.arbeidsgiver.leder or ""},
        "arbeidstaker": {"navn": m.arbeidstaker.navn, "stilling": m.arbeidstaker.stilling or ""},
        "ekspert": {"navn": m.ekspert.navn, "kompetanse": m.ekspert.kompetanse, "virksomhet": m.ekspert.virksomhet,
                    "kontakt": m.ekspert.kontakt or ""},
        "nav_referanse": (m.nav.referanse if m.nav and m.nav.referanse else ""),
        "periode": {"fra": m.periode.fra.strftime("%d.%m.%Y"), "til": m.periode.til.strftime("%d.%m.%Y"),
                    "tekst": rows.get(t.label_periode, "")},
        "ressursbruk": {"timer": rows.get(t.label_timer, "") if ressurs else "",
                        "kostnad": rows.get(t.label_kostnad, "") if ressurs else ""},
        "parter": [{"etikett": label, "verdi": value} for group in view.parties for label, value in group],
        "mottakere": view.recipients_line,
        "seksjoner": sections,
        "seksjon": by_key,
        "tiltak_overskrift": view.measures_heading,
        "tiltak_kolonner": dict(zip(("tiltak", "ansvarlig", "frist", "oppfolging"), view.measure_columns)),
        "tiltak": measures,
        "tiltak_grupper": groups,
        "ingen_tiltak": view.no_measures or "",
        "ingen_tiltak_begrunnelse": view.no_measures_reason[1] if view.no_measures_reason else "",
        "godkjenning": {
            "overskrift": view.approval_heading,
            "godkjent": view.approved,
            "tekst": "\n".join(view.approval_lines),
            "linjer": list(view.approval_lines),
            "av": approval_rows.get(t.approval_by_label, ""),
            "dato": approval_rows.get(t.approval_date_label, ""),
            "metode": approval_rows.get(t.approval_method_label, ""),
        },
        "merknader_overskrift": view.remarks_heading or "",
        "merknader": paragraphs(view.remarks_blocks) if view.remarks_heading else None,
        "versjon": dict(view.info_rows).get(t.version_label, "1"),
        "fingeravtrykk": view.fingerprint,
        "tekst": t.as_dict(),
    }


def _plain(blocks: list[Block]) -> str:
    from .markdown_blocks import plain_text

    return plain_text(blocks)


# -- Markdown blocks → paragraphs ------------------------------------------------------------------
class RawParagraphs:
    """WordprocessingML paragraphs inserted by a ``{{p var }}`` tag (not escaped: ``__html__``)."""

    def __init__(self, xml: str, text: str):
        self.xml, self.text = xml, text

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.text


class _ParagraphWriter:
    """Markdown blocks → ``w:p`` elements in the template's own styles (no docxcompose needed)."""

    def __init__(self, docx_document):
        ids = {s.name: s.style_id for s in docx_document.styles}
        self.bullet = ids.get("List Bullet")
        self.number = ids.get("List Number")
        self.headings = {n: i for n, i in ids.items() if n.startswith("Heading ")}

    def __call__(self, blocks: list[Block]) -> RawParagraphs:
        paragraphs: list = []
        self._blocks(paragraphs, blocks, depth=0)
        xml = "".join(etree.tostring(p, encoding="unicode") for p in paragraphs)
        return RawParagraphs(xml, _plain(blocks))

    def _blocks(self, out: list, blocks: list[Block], depth: int, quote: bool = False) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                out.append(self._paragraph(block.runs, None, indent=720 if quote else 0, italic=quote))
            elif isinstance(block, Heading):
                style = self.headings.get(f"Heading {min(block.level, 9)}")
                out.append(self._paragraph(block.runs, style, bold=style is None))
            elif isinstance(block, ListBlock):
                style = self.number if block.ordered else self.bullet
                for index, item in enumerate(block.items, block.start):
                    marker = f"{index}. " if block.ordered else "• "
                    for position, inner in enumerate(item):
                        if isinstance(inner, (Paragraph, Heading)):
                            typed = "" if style and not depth else (marker if position == 0 else "")
                            out.append(self._paragraph(inner.runs, style if not depth else None,
                                                       indent=360 * depth if depth or not style else 0, prefix=typed))
                        else:
                            self._blocks(out, [inner], depth + 1)
            elif isinstance(block, Quote):
                self._blocks(out, block.blocks, depth, quote=True)
            elif isinstance(block, Table):
                out.append(self._table(block))
                out.append(OxmlElement("w:p"))  # two tables must not touch, and a cell must end with a paragraph

    def _table(self, block: Table):
        """A ruled table across the text width, header row bold and repeated, in the template's fonts."""
        tbl = OxmlElement("w:tbl")
        tbl_pr = OxmlElement("w:tblPr")
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), "5000")
        width.set(qn("w:type"), "pct")
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "auto")
            borders.append(edge)
        tbl_pr.extend([width, borders])
        grid = OxmlElement("w:tblGrid")
        for _ in range(block.columns):
            grid.append(OxmlElement("w:gridCol"))
        tbl.extend([tbl_pr, grid])
        rows = ([block.header] if block.header else []) + block.rows
        for index, row in enumerate(rows):
            head = index == 0 and bool(block.header)
            tr = OxmlElement("w:tr")
            if head:
                tr_pr = OxmlElement("w:trPr")
                tr_pr.append(OxmlElement("w:tblHeader"))
                tr.append(tr_pr)
            for cell in row + [[]] * (block.columns - len(row)):
                tc = OxmlElement("w:tc")
                tc.append(self._paragraph(cell, None, bold=head))
                tr.append(tc)
            tbl.append(tr)
        return tbl

    @staticmethod
    def _paragraph(runs: list[Run], style: str | None, *, indent: int = 0, bold: bool = False, italic: bool = False,
                   prefix: str = ""):
        p = OxmlElement("w:p")
        if style or indent:
            ppr = OxmlElement("w:pPr")
            if style:
                pstyle = OxmlElement("w:pStyle")
                pstyle.set(qn("w:val"), style)
                ppr.append(pstyle)
            if indent:
                ind = OxmlElement("w:ind")
                ind.set(qn("w:left"), str(indent))
                ppr.append(ind)
            p.append(ppr)
        if prefix:
            runs = [Run(prefix), *runs]
        for run in runs:
            r = OxmlElement("w:r")
            if run.bold or run.italic or bold or italic:
                rpr = OxmlElement("w:rPr")
                if run.bold or bold:
                    rpr.append(OxmlElement("w:b"))
                if run.italic or italic:
                    rpr.append(OxmlElement("w:i"))
                r.append(rpr)
            if run.is_break:
                r.append(OxmlElement("w:br"))
            else:
                t = OxmlElement("w:t")
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = run.text
                r.append(t)
            p.append(r)
        return p


# -- locating tags for error messages ---------------------------------------------------------------
def _template_paragraphs(docx) -> list[tuple[str, str]]:
    """(where, text) of every paragraph of the template: body, table cells, headers and footers."""
    out: list[tuple[str, str]] = []
    body_index = table_index = 0
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    for item in docx.iter_inner_content():
        if isinstance(item, DocxParagraph):
            body_index += 1
            out.append((f"avsnitt {body_index}", item.text))
        elif isinstance(item, Table):
            table_index += 1
            for r, row in enumerate(item.rows, 1):
                for c, cell in enumerate(row.cells, 1):
                    out.append((f"tabell {table_index}, rad {r}, celle {c}", cell.text))
    for number, section in enumerate(docx.sections, 1):
        for kind, story in (("topptekst", section.header), ("bunntekst", section.footer),
                            ("topptekst (første side)", section.first_page_header),
                            ("bunntekst (første side)", section.first_page_footer)):
            if story.is_linked_to_previous and number > 1:
                continue
            for paragraph in story.paragraphs:
                out.append((kind, paragraph.text))
            for table in story.tables:
                for row in table.rows:
                    for cell in row.cells:
                        out.append((kind, cell.text))
    return out


def _find_tags(paragraphs: list[tuple[str, str]], name: str | None, attribute: bool) -> list[tuple[str, str]]:
    """Tags using ``name``: as an attribute (``x.name``) or as a variable of its own; (tag, where)."""
    if name is None:
        return []
    escaped = re.escape(name)
    pattern = re.compile(rf"\.{escaped}\b|\[['\"]{escaped}['\"]\]" if attribute else rf"(?<![\w.]){escaped}\b")
    return [(match.group(), where) for where, text in paragraphs for match in _TAG_RE.finditer(text)
            if pattern.search(match.group())]


def _where(found: list[tuple[str, str]]) -> str:
    if not found:
        return "i malen"
    if len(found) == 1:
        return f"i taggen «{found[0][0]}» ({found[0][1]})"
    listed = ", ".join(f"«{tag}» ({where})" for tag, where in found[:4])
    return f"i en av taggene {listed}"


def _undefined_message(template_path: Path, exc: jinja2.UndefinedError, paragraphs) -> str:
    text = str(exc)
    name, attribute = _undefined_name(text)
    see = "Se docs/leverandormal.md for variablene som finnes (stavemåten må være nøyaktig)."
    if name and text.startswith("'None' has no attribute"):
        return (f"{template_path}: «{name}» brukes på noe som mangler i denne rapporten {_where(_find_tags(paragraphs, name, True))} "
                "(f.eks. seksjon.videre når den valgfrie delen ikke er med); sett taggen inne i {%p if … %} … {%p endif %}.")
    if name:
        return f"{template_path}: ukjent variabel «{name}» {_where(_find_tags(paragraphs, name, attribute))}. {see}"
    return f"{template_path}: feil i en tagg i malen ({text}). {see}"


def _broken_tag(paragraphs: list[tuple[str, str]], env: jinja2.Environment) -> tuple[str, str] | None:
    """The first tag that does not parse on its own: unclosed, or a bad expression."""
    for where, text in paragraphs:
        for opening in _OPEN_RE.finditer(text):
            rest = text[opening.start():]
            closing = {"{{": "}}", "{%": "%}", "{#": "#}"}[opening.group()]
            end = rest.find(closing)
            if end < 0:
                return rest[:60], where
            tag = rest[:end + 2]
            if tag.startswith("{{"):
                inner = re.sub(r"^\{\{\s*[prc]?\s+(?=\S)", "{{ ", tag) if re.match(r"^\{\{[prc]\s", tag) else tag
                try:
                    env.parse(inner)
                except jinja2.TemplateSyntaxError:
                    return tag, where
    return None


_BLOCK_RE = re.compile(r"\{%[-+]?\s*(?:p|tr|tc|r)?\s*(for|if|endfor|endif)\b")


def _unclosed_block(paragraphs: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first {% for %}/{% if %} without its {% endfor %}/{% endif %} (or an end without a start)."""
    stack: list[tuple[str, str, str]] = []
    for where, text in paragraphs:
        for tag in _TAG_RE.finditer(text):
            match = _BLOCK_RE.match(tag.group())
            if not match:
                continue
            word = match.group(1)
            if word in ("for", "if"):
                stack.append((word, tag.group(), where))
            elif not stack or stack[-1][0] != word[3:]:
                return tag.group(), where
            else:
                stack.pop()
    return (stack[0][1], stack[0][2]) if stack else None


def _undefined_name(message: str) -> tuple[str | None, bool]:
    """(name, whether it is an attribute) from a jinja2 UndefinedError message."""
    match = re.search(r"has no attribute '([^']+)'", message)
    if match:
        return match.group(1), True
    match = re.search(r"'([^']+)' is undefined", message)
    return (match.group(1), False) if match else (None, False)


_PARAGRAPH_VALUE_RE = re.compile(r"\{\{(?!p\s)[^}]*\b(innhold|merknader)\b[^}]*\}\}")


def _check_paragraph_tags(template, template_path: Path, paragraphs) -> None:
    """Formatted paragraphs inserted with {{ }} instead of {{p }} end up inside a run: Word would refuse it."""
    rendered = template.docx  # not get_docx(): after rendering that reloads the template
    parts = [rendered.element] + [s.header._element for s in rendered.sections] + [s.footer._element for s in rendered.sections]
    for element in parts:
        if any(True for run in element.iter(qn("w:r")) for _ in run.iter(qn("w:p"))):
            found = [(m.group(), where) for where, text in paragraphs for m in _PARAGRAPH_VALUE_RE.finditer(text)]
            raise EkspertrapportError(
                f"{template_path}: formatert innhold må settes inn med «{{{{p … }}}}» alene i et avsnitt "
                f"{_where(found)}; skriv f.eks. «{{{{p s.innhold }}}}».")


# -- entry point ------------------------------------------------------------------------------------
def render_with_template(report: Report, template_path: str | Path, out_path: str | Path, options: Any = None) -> Path:
    """Render ``report`` into the provider template at ``template_path`` and write ``out_path`` atomically."""
    from docxtpl import DocxTemplate

    template_path = Path(template_path)
    data = as_document(check_docx(template_path))
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
    except Exception as exc:
        raise EkspertrapportError(f"{template_path}: Word-malen kan ikke åpnes ({type(exc).__name__}); "
                                  "lagre den på nytt som .docx i Word.") from None
    if options is None:
        from . import RenderOptions

        options = RenderOptions()
    view = build_view(report, options)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    paragraphs = _template_paragraphs(template.get_docx())
    tags = [match.group() for _, text in paragraphs for match in _TAG_RE.finditer(text)]
    if not any(re.search(r"\bseksjon(er)?\b", tag) for tag in tags):
        # Without them the «report» would be the letterhead alone: almost certainly the wrong file.
        found = "har ingen jinja2-tagger" if not tags else "setter ikke inn rapportens deler"
        raise EkspertrapportError(
            f"{template_path}: Word-malen {found} (f.eks. «{{%p for s in seksjoner %}}» … «{{{{p s.innhold }}}}»), "
            "så rapportens innhold ville mangle. Se docs/leverandormal.md og samples/leverandor-mal.docx.")
    try:
        context = build_context(report, view, _ParagraphWriter(template.get_docx()))
        template.render(context, env, autoescape=True)
        _check_paragraph_tags(template, template_path, paragraphs)
        buffer = io.BytesIO()
        template.save(buffer)
    except jinja2.UndefinedError as exc:
        raise EkspertrapportError(_undefined_message(template_path, exc, paragraphs)) from None
    except jinja2.TemplateSyntaxError as exc:
        found = _broken_tag(paragraphs, env) or _unclosed_block(paragraphs)
        where = _where([found] if found else [])
        raise EkspertrapportError(
            f"{template_path}: feil i malens jinja2-tagger {where}: {(exc.message or '').rstrip('.')}. Sjekk at hver «{{{{» har «}}}}», "
            "hver «{%» har «%}», og at hver {% for %}/{% if %} er avsluttet med {% endfor %}/{% endif %}.") from None
    except jinja2.TemplateError as exc:
        raise EkspertrapportError(f"{template_path}: Word-malen kunne ikke fylles ut ({exc}).") from None
    except (etree.XMLSyntaxError, ValueError, KeyError, IndexError) as exc:
        # docxtpl produced XML Word cannot use, typically a {%p %}/{%tr %}/{{p }} tag that shares its
        # paragraph or row with other text.
        raise EkspertrapportError(
            f"{template_path}: Word-malen kunne ikke fylles ut ({type(exc).__name__}: {exc}). Sjekk at tagger som "
            "{%p …%}, {%tr …%} og {{p …}} står alene i sitt avsnitt eller sin tabellrad.") from None
    return atomic_write_bytes(out_path, buffer.getvalue())
