"""Rendering a validated report to Word, PDF and HTML, and the ``render`` command.

Outputs are checked on what a reader gets (styles, extracted text, outline, metadata), never on raw
bytes. Fixtures live in ``tests/fixtures/render/``; the realistic reports in ``samples/`` are used
when they exist.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from pypdf import PdfReader

from ekspertrapport.cli import main
from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.report import Approval, Report
from ekspertrapport.render import (RenderOptions, build_bytes, output_basename, parse_formats, render_docx,
                                   render_html, render_pdf, render_report)
from ekspertrapport.render.markdown_blocks import Heading, ListBlock, Paragraph, Table, parse_blocks
from ekspertrapport.source import load_report
from ekspertrapport.texts import texts

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "render"
NB = FIXTURES / "rapport_nb.md"
NN = FIXTURES / "rapport_nn.md"
SECTIONS_NB = ["Bakgrunn og bestilling", "Gjennomføring", "Årsaker til sykefraværet", "Vurdering og anbefalinger",
               "Videre deltakelse i arbeidslivet"]
SECTIONS_NN = ["Bakgrunn og bestilling", "Gjennomføring", "Årsaker til sjukefråværet", "Vurdering og tilrådingar"]
FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


# --- helpers ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_nb() -> Report:
    return load_report(NB)


@pytest.fixture(scope="module")
def report_nn() -> Report:
    return load_report(NN)


def approval(malform: str = "nb", remarks: str | None = None) -> Approval:
    return Approval(by="Kari Nordmann", date=date(2025, 5, 9), method="e-post",
                    statement=texts(malform).approval_statement, remarks=remarks, share_remarks=bool(remarks))


def approved_options(**kw) -> RenderOptions:
    values = dict(draft=False, approval=approval(remarks="Fristen for **tiltak 2** er for kort.\n\n- punkt en\n"
                                                          "- punkt to"),
                  recipient="nav", version=2, fingerprint=FINGERPRINT, include_remarks=True,
                  extra_metadata={"ER-Version": "2", "ER-Fingerprint": FINGERPRINT})
    values.update(kw)
    return RenderOptions(**values)


def open_docx(report: Report, options: RenderOptions | None = None):
    return docx.Document(io.BytesIO(build_bytes(report, "docx", options)))


def pdf_reader(report: Report, options: RenderOptions | None = None) -> PdfReader:
    return PdfReader(io.BytesIO(build_bytes(report, "pdf", options)))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def all_texts(document) -> list[str]:
    """Every paragraph's text, body and table cells, in document order."""
    from docx.text.paragraph import Paragraph as DocxParagraph

    return [DocxParagraph(p, document).text for p in document.element.body.iter(qn("w:p"))]


def table_starting_with(document, text: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == text)


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def assert_in_order(text: str, needles: list[str]) -> None:
    positions = []
    for needle in needles:
        assert needle in text, f"{needle!r} not found"
        positions.append(text.index(needle, positions[-1] if positions else 0))
    assert positions == sorted(positions), f"out of order: {list(zip(needles, positions))}"


# --- fixed texts ------------------------------------------------------------------------------------

def test_texts_bokmal_and_nynorsk_define_the_same_names():
    nb, nn = texts("nb"), texts("nn")
    assert nb.names() == nn.names()
    for name in nb.names():
        assert getattr(nb, name).strip() and getattr(nn, name).strip(), name


def test_texts_match_the_spec_and_the_issue():
    nb, nn = texts("nb"), texts("nn")
    assert nb.title == "Rapport fra ekspertbistand"
    assert nb.recipients_line == "Rapporten sendes arbeidstaker og arbeidsgiver, med kopi til NAV."
    assert nn.recipients_line == "Rapporten blir send til arbeidstakaren og arbeidsgivaren, med kopi til NAV."
    assert nb.approval_heading == "Arbeidstakers godkjenning"
    assert nn.approval_heading == "Arbeidstakaren si godkjenning"
    assert nb.approval_statement == "Arbeidstaker har lest gjennom rapporten og har ingen innvendinger til innhold."
    assert nn.approval_statement == ("Arbeidstakaren har lese gjennom rapporten og har ingen innvendingar til "
                                     "innhaldet.")
    assert nb.not_approved == "Ikke godkjent av arbeidstaker ennå"
    assert nn.not_approved == "Ikkje godkjend av arbeidstakaren enno"
    assert nb.remarks_heading == "Vedlegg: Arbeidstakers merknader"
    assert nb.measures_heading == nn.measures_heading == "Forslag til tiltak"
    assert nb.page(2, 5) == "Side 2 av 5"
    assert nb.draft_mark == nn.draft_mark == "UTKAST"
    assert texts("nb") is texts("nb")  # cached


def test_unknown_malform_in_texts_is_a_norwegian_error():
    with pytest.raises(EkspertrapportError, match="ukjent målform"):
        texts("se")


def test_renderers_hard_code_no_fixed_text():
    for name in ("docx.py", "pdf.py", "html.py", "content.py", "__init__.py"):
        code = (ROOT / "ekspertrapport" / "render" / name).read_text(encoding="utf-8")
        for text in ("UTKAST", "Side ", "Forslag til tiltak", "godkjenning", "Arbeidsgiver", "Kopi til"):
            assert f'"{text}' not in code, f"{name} hard-codes {text!r}"


# --- Markdown blocks ----------------------------------------------------------------------------------

def test_markdown_blocks_carry_formatting_lists_and_subheadings():
    blocks = parse_blocks("Et **fett** og *kursivt* ord\nover to linjer.\n\n### Under\n\n- a\n- b\n  1. c\n\n"
                          "3. tre\n4. fire\n\n<!-- veiledning -->\nSe [NAV](https://nav.no).")
    p, h, bullets, numbers, link = blocks
    assert isinstance(p, Paragraph) and p.text == "Et fett og kursivt ord over to linjer."
    assert [r.text for r in p.runs if r.bold] == ["fett"] and [r.text for r in p.runs if r.italic] == ["kursivt"]
    assert isinstance(h, Heading) and (h.level, h.text) == (3, "Under")
    assert isinstance(bullets, ListBlock) and not bullets.ordered and len(bullets.items) == 2
    assert isinstance(bullets.items[1][1], ListBlock) and bullets.items[1][1].ordered
    assert isinstance(numbers, ListBlock) and numbers.ordered and numbers.start == 3
    assert link.text == "Se NAV (https://nav.no)."
    assert parse_blocks("") == [] and parse_blocks("<!-- bare veiledning -->") == []


TABLE_BODY = ("Fordeling en vanlig dag:\n\n| Oppgave | Andel av dagen |\n|---|---|\n| **Plukk** | 60 % |\n"
              "| Varemottak & kontroll | 40 % |\n\nEtter tabellen.")


def _with_table(report: Report) -> Report:
    sections = [s.model_copy(update={"body": TABLE_BODY}) if s.key == "gjennomforing" else s for s in report.sections]
    return report.model_copy(update={"sections": sections})


def test_markdown_pipe_table_is_a_table_block():
    intro, table, after = parse_blocks(TABLE_BODY)
    assert isinstance(table, Table) and table.columns == 2
    assert ["".join(r.text for r in cell) for cell in table.header] == ["Oppgave", "Andel av dagen"]
    assert [["".join(r.text for r in cell) for cell in row] for row in table.rows] == \
        [["Plukk", "60 %"], ["Varemottak & kontroll", "40 %"]]
    assert table.rows[0][0][0].bold and after.text == "Etter tabellen."


def test_markdown_table_is_a_real_table_in_word_pdf_and_html(report_nb):
    report = _with_table(report_nb)
    d = open_docx(report)
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "Oppgave")
    assert [[c.text for c in row.cells] for row in table.rows] == \
        [["Oppgave", "Andel av dagen"], ["Plukk", "60 %"], ["Varemottak & kontroll", "40 %"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    text = pdf_text(pdf_reader(report))
    assert "Varemottak & kontroll" in text and "|" not in text and "---" not in text
    html = build_bytes(report, "html").decode("utf-8")
    assert "<th>Oppgave</th>" in html and "<td>Varemottak &amp; kontroll</td>" in html


# --- file names and options --------------------------------------------------------------------------

def test_output_basename_is_stable_descriptive_and_ascii(report_nb, report_nn):
    assert output_basename(report_nb) == "ekspertrapport-solsikken-barnehage-as-2025-05-02-v1-utkast"
    assert output_basename(report_nb, approved_options(recipient="arbeidsgiver", version=3)) == \
        "ekspertrapport-solsikken-barnehage-as-2025-05-02-v3-arbeidsgiver"
    assert output_basename(report_nn, RenderOptions(draft=False, recipient="nav")) == \
        "ekspertrapport-fjordbygda-sjukeheim-2025-03-28-v1-nav"
    for name in (output_basename(report_nb), output_basename(report_nn)):
        assert name.isascii() and re.fullmatch(r"[a-z0-9-]+", name)
        assert "kari" not in name and "ase" not in name  # the worker's name stays out of file names


def test_parse_formats():
    assert parse_formats("docx,pdf") == ("docx", "pdf")
    assert parse_formats(" PDF , html,pdf") == ("pdf", "html")
    for bad in ("odt", "docx,rtf", "", ","):
        with pytest.raises(EkspertrapportError, match="format"):
            parse_formats(bad)


def test_render_options_are_checked():
    with pytest.raises(EkspertrapportError, match="mottaker"):
        RenderOptions(recipient="lege")  # type: ignore[arg-type]
    with pytest.raises(EkspertrapportError, match="versjon"):
        RenderOptions(version=0)


# --- Word -------------------------------------------------------------------------------------------

def test_docx_uses_real_heading_styles_in_standard_order(report_nb):
    d = open_docx(report_nb)
    assert styled(d, "Title") == ["Rapport fra ekspertbistand"]
    assert styled(d, "Heading 1") == SECTIONS_NB + ["Forslag til tiltak", "Arbeidstakers godkjenning"]
    assert styled(d, "Heading 2") == ["Arbeidsplassvurderingen"]
    assert "Dokumentinformasjon" in all_texts(d)


def test_docx_carries_markdown_formatting(report_nb):
    d = open_docx(report_nb)
    runs = [r for p in d.paragraphs for r in p.runs]
    assert any(r.text == "ekspertbistand" and r.bold for r in runs)
    assert any(r.text == "arbeidsplassvurdering" and r.italic for r in runs)
    assert len(styled(d, "List Bullet")) == 4
    numbered = [p for p in d.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered][0].startswith("at planleggingstiden")
    assert len(numbered) == 3 and all(p._p.pPr.numPr is not None for p in numbered)
    assert "<!--" not in "\n".join(p.text for p in d.paragraphs)  # guidance is never rendered


def test_docx_parties_table_and_recipients_line(report_nb):
    d = open_docx(report_nb)
    parties = {row.cells[0].text: row.cells[1].text for row in d.tables[0].rows}
    assert parties["Arbeidsgiver"] == "Solsikken Barnehage AS"
    assert parties["Organisasjonsnummer"] == "974 760 673"
    assert parties["Kompetanse"] == "Psykologspesialist i arbeids- og organisasjonspsykologi"
    assert parties["Periode"] == "14.03.2025–02.05.2025"
    assert parties["NAV-referanse"] == "2025/123456"
    assert parties["Timer brukt"] == "18"
    assert "Rapporten sendes arbeidstaker og arbeidsgiver, med kopi til NAV." in [p.text for p in d.paragraphs]


def test_docx_measures_are_a_real_table_grouped_by_spor(report_nb):
    d = open_docx(report_nb)
    table = d.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Tiltak", "Ansvarlig", "Frist", "Oppfølging"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on page breaks
    assert set(rows[1]) == {"Tilbake til samme arbeid hos arbeidsgiveren"}  # merged group row
    assert rows[2] == ["Faste oppfølgingssamtaler mellom leder og arbeidstaker annenhver uke", "Arbeidsgiver",
                       "01.06.2025", "Evalueres i felles møte etter seks uker"]
    assert rows[3][1:3] == ["Arbeidsgiver og arbeidstaker", "fra uke 23"]
    assert set(rows[4]) == {"Annet arbeid hos samme arbeidsgiver"}
    assert rows[5][0].startswith("Utprøving av rollen") and len(rows) == 6


def test_docx_draft_approval_header_footer_and_properties(report_nb):
    d = open_docx(report_nb)
    texts_ = [p.text for p in d.paragraphs]
    heading = texts_.index("Arbeidstakers godkjenning")
    assert texts_[heading + 1] == "Ikke godkjent av arbeidstaker ennå"
    section = d.sections[0]
    assert "UTKAST" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]
    assert "NAV-referanse: 2025/123456" in footer.text and "Side" in footer.text and " av " in footer.text
    instructions = " ".join(e.text for e in footer._p.iter(qn("w:instrText")))
    assert "PAGE" in instructions and "NUMPAGES" in instructions
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    props = d.core_properties
    assert props.author == "Eva Ekspert"
    assert props.title.startswith("Rapport fra ekspertbistand")


def test_docx_approved_copy_for_nav(report_nb):
    from ekspertrapport.render.docx import read_custom_properties

    d = open_docx(report_nb, approved_options())
    texts_ = [p.text for p in d.paragraphs]
    assert "Ikke godkjent av arbeidstaker ennå" not in texts_
    assert texts("nb").approval_statement in texts_
    approval_rows = {row.cells[0].text: row.cells[1].text for row in table_starting_with(d, "Godkjent av").rows}
    assert approval_rows == {"Godkjent av": "Kari Nordmann", "Dato": "09.05.2025", "Godkjenningsmåte": "E-post"}
    assert styled(d, "Heading 1")[-1] == "Vedlegg: Arbeidstakers merknader"
    header = d.sections[0].header.paragraphs[0].text
    assert "Kopi til NAV" in header and "UTKAST" not in header
    assert "Versjon: 2" in all_texts(d) and FINGERPRINT in all_texts(d)
    custom = read_custom_properties(d)
    assert custom["ER-Fingerprint"] == FINGERPRINT and custom["ekspertrapport-versjon"] == "2"


def test_docx_remarks_left_out_unless_asked(report_nb):
    d = open_docx(report_nb, approved_options(include_remarks=False, recipient="arbeidsgiver"))
    assert "Vedlegg: Arbeidstakers merknader" not in styled(d, "Heading 1")
    assert "Fristen for" not in "\n".join(p.text for p in d.paragraphs)
    assert "Kopi til arbeidsgiver" in d.sections[0].header.paragraphs[0].text


def test_docx_nynorsk(report_nn):
    d = open_docx(report_nn)
    assert styled(d, "Title") == ["Rapport frå ekspertbistand"]
    assert styled(d, "Heading 1") == SECTIONS_NN + ["Forslag til tiltak", "Arbeidstakaren si godkjenning"]
    assert "Ikkje godkjend av arbeidstakaren enno" in [p.text for p in d.paragraphs]
    rows = [[c.text for c in row.cells] for row in d.tables[1].rows]
    assert rows[0] == ["Tiltak", "Ansvarleg", "Frist", "Oppfølging"]
    assert set(rows[1]) == {"Tilbake til same arbeid hos arbeidsgivaren"}
    assert d.core_properties.language == "nn-NO"


def test_docx_without_measures_states_the_reason(tmp_path):
    text = NB.read_text(encoding="utf-8")
    text = re.sub(r"tiltak:\n(  .*\n|    .*\n)+", "ingen_tiltak_begrunnelse: Arbeidsforholdet er avsluttet.\n", text)
    source = tmp_path / "ingen.md"
    source.write_text(text, encoding="utf-8")
    d = open_docx(load_report(source))
    assert "Ingen tiltak foreslått" in styled(d, "Heading 2")
    assert any("Begrunnelse: Arbeidsforholdet er avsluttet." == p.text for p in d.paragraphs)
    assert not any(t.rows[0].cells[0].text == "Tiltak" for t in d.tables)


# --- PDF --------------------------------------------------------------------------------------------

def test_pdf_text_in_reading_order_with_aeoeaa(report_nb):
    reader = pdf_reader(report_nb)
    text = pdf_text(reader)
    assert_in_order(text, ["Rapport fra ekspertbistand", "Nærmeste leder", "Per Leder", "Rapporten sendes",
                           *SECTIONS_NB, "Forslag til tiltak", "Tiltak", "Ansvarlig", "Frist", "Oppfølging",
                           "Tilbake til samme arbeid hos arbeidsgiveren", "Faste oppfølgingssamtaler",
                           "Annet arbeid hos samme arbeidsgiver", "Arbeidstakers godkjenning",
                           "Ikke godkjent av arbeidstaker ennå", "Fingeravtrykk"])
    for word in ("støynivå", "Årsaker til sykefraværet", "Nærmeste", "Blåbær", "planleggingstid"):
        assert word in text
    assert "UTKAST" in reader.pages[0].extract_text()
    n = len(reader.pages)
    assert f"Side 1 av {n}" in text and f"Side {n} av {n}" in text


def test_pdf_outline_lists_every_section(report_nb):
    reader = pdf_reader(report_nb, approved_options())
    titles = outline_titles(reader)
    assert titles[:len(SECTIONS_NB) + 1] == SECTIONS_NB[:2] + ["Arbeidsplassvurderingen"] + SECTIONS_NB[2:]
    for title in ("Forslag til tiltak", "Arbeidstakers godkjenning", "Vedlegg: Arbeidstakers merknader"):
        assert title in titles


def test_pdf_metadata_fonts_and_page_size(report_nb):
    reader = pdf_reader(report_nb, approved_options())
    meta = reader.metadata
    assert meta.title.startswith("Rapport fra ekspertbistand") and meta.author == "Eva Ekspert"
    assert "Solsikken Barnehage AS" in meta.subject
    assert meta["/ER-Fingerprint"] == FINGERPRINT and meta["/ER-Version"] == "2"
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"


def test_pdf_approved_copy_marks_every_page_and_prints_version_and_fingerprint(report_nb):
    reader = pdf_reader(report_nb, approved_options())
    for page in reader.pages:
        page_text = page.extract_text()
        assert "Kopi til NAV" in page_text and "UTKAST" not in page_text
    text = pdf_text(reader)
    assert_in_order(text, ["Arbeidstakers godkjenning", texts("nb").approval_statement, "Godkjent av",
                           "Kari Nordmann", "09.05.2025", "E-post", "Vedlegg: Arbeidstakers merknader",
                           "Fristen for", "tiltak 2", "punkt en"])
    last = reader.pages[-1].extract_text()
    assert "Versjon: 2" in last and FINGERPRINT in last.replace("\n", "")


def test_pdf_nynorsk(report_nn):
    text = pdf_text(pdf_reader(report_nn))
    assert_in_order(text, ["Rapport frå ekspertbistand", "Nærmaste leiar", *SECTIONS_NN, "Forslag til tiltak",
                           "Arbeidstakaren si godkjenning", "Ikkje godkjend av arbeidstakaren enno"])
    assert "Åse Ødegård" in text and "Rapporten blir send til arbeidstakaren og arbeidsgivaren" in text


def test_pdf_wraps_long_measures_and_text(report_nb):
    long_text = " ".join(["Lang beskrivelse av et tiltak med æøå"] * 60)
    measures = [m.model_copy(update={"hva": long_text, "oppfolging": long_text}) for m in report_nb.meta.tiltak] * 4
    report = report_nb.model_copy(update={"meta": report_nb.meta.model_copy(update={"tiltak": measures})})
    reader = pdf_reader(report)
    assert len(reader.pages) > 3
    text = pdf_text(reader)
    assert text.count("Oppfølging") >= 2  # header row repeated on the next page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reading_order(report_nb, tmp_path):
    path = render_pdf(report_nb, tmp_path / "r.pdf")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert_in_order(out, ["Rapport fra ekspertbistand", *SECTIONS_NB, "Forslag til tiltak",
                          "Arbeidstakers godkjenning"])
    assert "Årsaker til sykefraværet" in out


# --- HTML -------------------------------------------------------------------------------------------

def test_html_is_self_contained_and_escaped(report_nb, tmp_path):
    measures = [report_nb.meta.tiltak[0].model_copy(update={"hva": "Møte <script>alert(1)</script> & plan"})]
    report = report_nb.model_copy(update={"meta": report_nb.meta.model_copy(update={"tiltak": measures})})
    path = render_html(report, tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; plan" in html
    assert_in_order(html, ["<h1 class=\"title\">Rapport fra ekspertbistand", *[f"<h2>{s}</h2>" for s in SECTIONS_NB],
                           "<h2>Forslag til tiltak</h2>", "<h2>Arbeidstakers godkjenning</h2>"])
    assert "<strong>ekspertbistand</strong>" in html and "<em>arbeidsplassvurdering</em>" in html
    assert "<ul>" in html and "<ol>" in html and "</ol>" in html and "&lt;/ol&gt;" not in html
    assert "http://" not in html and "https://" not in html.replace("https://nav.no", "")  # nothing external
    assert 'lang="nb"' in html and "UTKAST" in html


# --- render_report ----------------------------------------------------------------------------------

def test_render_report_writes_every_format(report_nb, tmp_path):
    paths = render_report(report_nb, tmp_path / "ut", ("docx", "pdf", "html"))
    assert [p.suffix for p in paths] == [".docx", ".pdf", ".html"]
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == sorted(p.name for p in paths)


def test_render_report_writes_nothing_when_a_format_fails(report_nb, tmp_path, monkeypatch):
    import ekspertrapport.render.pdf as pdf_module

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(pdf_module, "pdf_bytes", boom)
    out = tmp_path / "ut"
    with pytest.raises(RuntimeError):
        render_report(report_nb, out, ("docx", "pdf"))
    assert not out.exists()
    out.mkdir()
    with pytest.raises(RuntimeError):
        render_report(report_nb, out, ("docx", "pdf"))
    assert list(out.iterdir()) == []  # no temporary files either


def test_render_report_with_a_firm_template_calls_the_provider(report_nb, tmp_path, monkeypatch):
    calls = []

    def render_with_template(report, template_path, out_path, options):
        calls.append((template_path, out_path, options))
        Path(out_path).write_bytes(b"firm docx")

    module = types.ModuleType("ekspertrapport.render.provider")
    module.render_with_template = render_with_template
    monkeypatch.setitem(sys.modules, "ekspertrapport.render.provider", module)
    template = tmp_path / "firma.docx"
    template.write_bytes(b"x")
    paths = render_report(report_nb, tmp_path / "ut", ("docx", "pdf"), template=template)
    assert paths[0].read_bytes() == b"firm docx" and paths[1].suffix == ".pdf"
    assert calls[0][0] == template


def test_single_renderers_write_atomically(report_nb, tmp_path):
    for func, name in ((render_docx, "a.docx"), (render_pdf, "a.pdf"), (render_html, "a.html")):
        path = func(report_nb, tmp_path / name)
        assert path.exists() and path.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.html", "a.pdf"]  # no temp files left


# --- the command line ---------------------------------------------------------------------------------

def run_cli(*args: str):
    return CliRunner().invoke(main, ["render", *args])


def test_cli_renders_docx_and_pdf_by_default(tmp_path):
    result = run_cli(str(NB), "--out", str(tmp_path / "ut"))
    assert result.exit_code == 0, result.output
    printed = result.stdout.split()
    assert [Path(p).suffix for p in printed] == [".docx", ".pdf"]
    assert all(Path(p).exists() for p in printed)


def test_cli_format_option(tmp_path):
    result = run_cli(str(NN), "--out", str(tmp_path), "--format", "html")
    assert result.exit_code == 0, result.output
    assert [p.suffix for p in tmp_path.iterdir()] == [".html"]


@pytest.mark.parametrize("fmt", ["odt", "docx,rtf", ""])
def test_cli_bad_format_is_rejected(tmp_path, fmt):
    result = run_cli(str(NB), "--out", str(tmp_path / "ut"), "--format", fmt)
    assert result.exit_code == 2
    assert "format" in result.stderr and "tillatte formater er docx, pdf, html" in result.stderr
    assert not (tmp_path / "ut").exists()


def test_cli_requires_out(tmp_path):
    result = run_cli(str(NB))
    assert result.exit_code == 2 and "mangler --out" in result.stderr


def test_cli_template_that_does_not_exist(tmp_path):
    result = run_cli(str(NB), "--out", str(tmp_path / "ut"), "--template", str(tmp_path / "mangler.docx"))
    assert result.exit_code == 2 and "Word-malen finnes ikke" in result.stderr
    assert not (tmp_path / "ut").exists()


def _mutate(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


VALID = NB.read_text(encoding="utf-8")

def _case(content: str | bytes, line_of: str | int | None, words: list[str]):
    """A bad source, the line its message must name (a needle in ``content``, a number, or None), and words."""
    if isinstance(line_of, str):
        text = content if isinstance(content, str) else VALID
        line_of = _line_of(text, line_of)
    return content, line_of, words


_EMPTY_SECTION = re.sub(r"## Årsaker til sykefraværet\n.*?\n\n", "## Årsaker til sykefraværet\n<!-- fyll ut -->\n\n",
                        VALID, flags=re.S)

#: name → (source text or bytes, the line the message must name (None: no line), words the message must hold)
BAD_SOURCES = {
    "malformed-yaml": _case(_mutate(VALID, "  leder: Per Leder", "  leder: [Per Leder"), "arbeidstaker:", ["YAML"]),
    "missing-front-matter": _case(VALID[VALID.index("## Bakgrunn"):], 1, ["front matter"]),
    "unknown-malform": _case(_mutate(VALID, "malform: nb", "malform: se"), "malform: se", ["malform", "nb", "nn"]),
    "invalid-orgnr": _case(_mutate(VALID, '"974760673"', '"974760676"'), '"974760676"', ["organisasjonsnummer"]),
    "fra-after-til": _case(_mutate(VALID, "fra: 2025-03-14", "fra: 2025-06-14"), "periode:", ["fra", "til"]),
    "missing-section": _case(_mutate(VALID, "## Gjennomføring\n", "Gjennomføring:\n"), None,
                             ["Gjennomføring", "mangler"]),
    "empty-section": _case(_EMPTY_SECTION, "## Årsaker", ["tom"]),
    "unknown-spor": _case(_mutate(VALID, "spor: annet-arbeid-samme-arbeidsgiver", "spor: nytt-arbeid"),
                          "spor: nytt-arbeid", ["spor", "samme-arbeid"]),
    "unknown-ansvarlig": _case(_mutate(VALID, "ansvarlig: arbeidstaker", "ansvarlig: lege"), "ansvarlig: lege",
                               ["ansvarlig", "arbeidsgiver"]),
    "empty-file": _case("", None, ["tom"]),
    "binary-file": _case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None, ["binærfil"]),
    "not-utf8": _case(VALID.encode("utf-8").replace("Blåbær".encode("utf-8"), "Blåbær".encode("latin-1")), "Blåbær", ["UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_cli_rejects_bad_input_with_line_and_writes_nothing(tmp_path, case):
    content, line, words = BAD_SOURCES[case]
    source = tmp_path / "rapport.md"
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / "ut"
    result = run_cli(str(source), "--out", str(out))
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert message.startswith("feil:") and "Traceback" not in result.output
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert f"rapport.md:{line}:" in message if line is not None else "rapport.md" in message, message
    assert not out.exists()


def test_cli_source_that_does_not_exist(tmp_path):
    result = run_cli(str(tmp_path / "finnes-ikke.md"), "--out", str(tmp_path / "ut"))
    assert result.exit_code == 2 and "finnes ikke" in result.stderr
    assert not (tmp_path / "ut").exists()


def test_cli_output_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "ut"
    blocker.write_text("ikke en mappe", encoding="utf-8")
    result = run_cli(str(NB), "--out", str(blocker))
    assert result.exit_code == 2 and "ikke en mappe" in result.stderr
    result = run_cli(str(NB), "--out", str(blocker / "under"))
    assert result.exit_code == 2 and "kan ikke opprette mappen" in result.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write to read-only folders")
def test_cli_output_folder_without_write_access(tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = run_cli(str(NB), "--out", str(out))
        assert result.exit_code == 2 and "skrivetilgang" in result.stderr
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


# --- samples and robustness -------------------------------------------------------------------------------

SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name.lower() != "readme.md") \
    if (ROOT / "samples").is_dir() else []


@pytest.mark.skipif(not SAMPLES, reason="no samples yet")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_render_in_every_format(sample, tmp_path):
    from ekspertrapport.sections import BY_KEY

    report = load_report(sample)
    paths = render_report(report, tmp_path, ("docx", "pdf", "html"))
    headings = [BY_KEY[s.key].heading(report.malform) if s.key else s.heading for s in report.ordered_sections()]
    t = texts(report.malform)
    expected = headings + [t.measures_heading, t.approval_heading]
    titles = outline_titles(PdfReader(str(paths[1])))
    assert [title for title in titles if title in expected] == expected
    d = docx.Document(str(paths[0]))
    assert styled(d, "Heading 1") == expected
    assert all(f"<h2>{h}</h2>" in paths[2].read_text(encoding="utf-8") for h in expected)


def test_rendering_never_crashes_on_odd_but_valid_bodies(report_nb):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    alphabet = st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
        list("æøåÆØÅ*_#-<>&`[]()\n\n 1.\x0b\x0c\x1b\x00") + ["\n- ", "\n1. ", "**", "\n### ", "<!--", "-->", "ČŋŧŽ", "\u00ad", "|", "\n| a | b |\n|---|:-:|\n| "])
    bodies = st.lists(alphabet, min_size=1, max_size=80).map("".join).filter(lambda s: s.strip())

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies)
    def check(body):
        sections = [s.model_copy(update={"body": body}) for s in report_nb.sections]
        report = report_nb.model_copy(update={"sections": sections})
        for fmt in ("docx", "pdf", "html"):
            assert build_bytes(report, fmt)

    check()


def test_extra_metadata_keys_may_carry_the_pdf_slash(report_nb):
    reader = pdf_reader(report_nb, RenderOptions(extra_metadata={"/ER-Manifest": "sha256:abc"}))
    assert reader.metadata["/ER-Manifest"] == "sha256:abc"
    with pytest.raises(EkspertrapportError, match="metadatanavn"):
        RenderOptions(extra_metadata={"to ord": "x"})


def test_cli_checks_the_lock_hook_before_reading(tmp_path, monkeypatch):
    from ekspertrapport.cli import render as render_cli
    from ekspertrapport.errors import LockedError

    seen = []

    def locked(source):
        seen.append(source)
        raise LockedError(f"{source}: rapporten er godkjent og låst.")

    monkeypatch.setattr(render_cli, "_check_not_locked", locked)
    result = run_cli(str(NB), "--out", str(tmp_path / "ut"))
    assert result.exit_code == 2 and "låst" in result.stderr
    assert seen == [NB] and not (tmp_path / "ut").exists()


@pytest.mark.skipif(not (ROOT / "samples" / "leverandor-mal.docx").exists(), reason="no provider template sample")
def test_cli_renders_into_a_provider_template(tmp_path):
    result = run_cli(str(NB), "--out", str(tmp_path), "--template", str(ROOT / "samples" / "leverandor-mal.docx"))
    assert result.exit_code == 0, result.output
    written = [Path(p) for p in result.stdout.split()]
    assert [p.suffix for p in written] == [".docx", ".pdf"]
    text = "\n".join(p.text for p in docx.Document(str(written[0])).paragraphs)
    assert "Bakgrunn og bestilling" in text or "ekspertbistand" in text


def _fill_scaffold(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace('"Fyll inn"', '"Utfylt tekst med æøå"').replace('orgnr: ""', 'orgnr: "974760673"')
    text = re.sub(r"(?m)^(## .+)$", r"\1\n\nInnhold skrevet av eksperten, med **fet** og *kursiv* tekst: æ ø å.\n", text)
    path.write_text(text, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_new_fill_render_and_libreoffice_converts_the_docx(tmp_path):
    from ekspertrapport.cli import COMMANDS, _available

    if not _available(COMMANDS["new"][0]):
        pytest.skip("ekspertrapport new is not available")
    source = tmp_path / "rapport.md"
    assert CliRunner().invoke(main, ["new", str(source)]).exit_code == 0
    _fill_scaffold(source)
    result = run_cli(str(source), "--out", str(tmp_path / "ut"))
    assert result.exit_code == 0, result.output
    docx_path = Path(result.stdout.split()[0])
    profile = (tmp_path / "lo-profile").as_uri()
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path / "lo"), str(docx_path)], capture_output=True, text=True, timeout=180)
    assert converted.returncode == 0, converted.stderr
    assert "Error" not in converted.stderr and "error" not in converted.stdout.lower()
    pdf = PdfReader(str(tmp_path / "lo" / (docx_path.stem + ".pdf")))
    text = pdf_text(pdf)
    assert_in_order(text, ["Rapport fra ekspertbistand", *SECTIONS_NB, "Forslag til tiltak", "Arbeidstakers godkjenning"])
    assert "Side 1 av" in text and "UTKAST" in text


def test_demo_finds_the_samples_from_any_folder(tmp_path, monkeypatch):
    from ekspertrapport.demo import find_samples

    import ekspertrapport

    monkeypatch.chdir(tmp_path)  # not the repository root
    beside_package = Path(ekspertrapport.__file__).resolve().parents[1] / "samples"
    if beside_package.is_dir():  # an editable install: the samples beside the package are used
        assert find_samples() == ROOT / "samples"
    else:  # an installed wheel carries no samples: a clear message says how to point at them
        with pytest.raises(EkspertrapportError, match="--samples"):
            find_samples()
    assert find_samples(ROOT / "samples") == ROOT / "samples"
    with pytest.raises(EkspertrapportError, match="--samples"):
        find_samples(tmp_path)


def test_pdf_measures_heading_never_alone_at_the_foot_of_a_page(report_nb):
    """A measure taller than a page gives one table per spor; the heading must stay with the first one."""
    long = " ".join(["Arbeidsgiver går gjennom arbeidsplanene med verneombudet og legger fram et forslag."] * 45)
    for filler in range(0, 40):  # push the heading to every position near the foot of page 1
        body = "\n\n".join(["Et avsnitt som fyller opp siden med vanlig tekst om arbeidsdagen."] * filler)
        sections = [s.model_copy(update={"body": body or s.body}) if s.key == "gjennomforing" else s
                    for s in report_nb.sections]
        measures = [report_nb.meta.tiltak[0].model_copy(update={"hva": long})] + list(report_nb.meta.tiltak[1:])
        meta = report_nb.meta.model_copy(update={"tiltak": measures})
        reader = pdf_reader(report_nb.model_copy(update={"sections": sections, "meta": meta}))
        pages = [page.extract_text() for page in reader.pages]
        page = next(p for p in pages if "Forslag til tiltak" in p)
        assert texts("nb").spor(report_nb.meta.tiltak[0].spor) in page.split("Forslag til tiltak", 1)[1], filler


def test_render_writes_all_files_or_none(report_nb, tmp_path, monkeypatch):
    """A failure while writing the second file (disk full) leaves neither file behind."""
    original = Path.write_bytes
    calls = []

    def failing(self, data):
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(EkspertrapportError, match="kan ikke skrive filen .No space left on device"):
        render_report(report_nb, tmp_path / "ut", "docx,pdf")
    assert list((tmp_path / "ut").iterdir()) == []


def test_docx_measure_taller_than_a_page_may_split(report_nb):
    """Word cuts off the rest of a row that may not split but does not fit on a page: only short rows are kept whole."""
    long = " ".join(["Arbeidsgiver går gjennom arbeidsplanene med verneombudet og legger fram et forslag."] * 40)
    measures = [report_nb.meta.tiltak[0].model_copy(update={"hva": long})] + list(report_nb.meta.tiltak[1:])
    report = report_nb.model_copy(update={"meta": report_nb.meta.model_copy(update={"tiltak": measures})})
    table = open_docx(report).tables[1]
    split = {row.cells[0].text[:30]: row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
             for row in table.rows[1:]}
    assert split[long[:30]] is False
    assert all(keep for text, keep in split.items() if text != long[:30])
