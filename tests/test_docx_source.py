"""Word files as report sources: same report as Markdown, all visible text extracted and located,
bad input refused with Norwegian messages."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from docx_helpers import (
    MARKDOWN, MEASURES, PARTIES, SECTIONS, TWO_TRACKS, assert_refused, body_paragraph, full_featured, save, skeleton,
)
from ekspertrapport.document import READERS, document_from_path
from ekspertrapport.errors import EkspertrapportError, ReportError
from ekspertrapport.source import load_report
from ekspertrapport.source.docx import document_from_docx, read_docx
from ekspertrapport.source.docx_safety import MAX_PARTS
from ekspertrapport.source.docx_text import describe_location
from ekspertrapport.source.markdown import parse_markdown


def test_registers_reader() -> None:
    assert READERS[".docx"] is document_from_docx


def test_hand_filled_skeleton_gives_same_report_as_markdown(tmp_path: Path) -> None:
    path = save(skeleton(), tmp_path / "rapport.docx")
    report = load_report(path)
    expected = parse_markdown(MARKDOWN).report
    assert report.canonical_content() == expected.canonical_content()
    assert report.fingerprint() == expected.fingerprint()


def test_lost_heading_styles_found_from_text(tmp_path: Path) -> None:
    path = save(skeleton(heading_style=None), tmp_path / "uten-stiler.docx")
    report = load_report(path)
    assert report.canonical_content() == parse_markdown(MARKDOWN).report.canonical_content()


def test_norwegian_overskrift_styles_and_nynorsk_labels(tmp_path: Path) -> None:
    doc = skeleton(parties=[(("Næraste leiar" if k == "Nærmeste leder" else "Arbeidstakar" if k == "Arbeidstaker"
                              else k), ("Nynorsk" if k == "Målform" else v)) for k, v in PARTIES],
                   sections=[("Årsaker til sjukefråværet" if h.startswith("Årsaker") else
                              "Vurdering og tilrådingar" if h.startswith("Vurdering") else h, ps) for h, ps in SECTIONS])
    style = doc.styles["Heading 2"]
    style.name = "Overskrift 2"
    report = load_report(save(doc, tmp_path / "nn.docx"))
    assert report.malform == "nn"
    assert report.meta.arbeidsgiver.leder == "Per Leder"
    assert [s.key for s in report.sections] == ["bakgrunn", "gjennomforing", "arsaker", "vurdering"]


def test_lists_and_emphasis_become_markdown(tmp_path: Path) -> None:
    doc = skeleton()
    para = body_paragraph(doc, "Vi hadde tre møter og en arbeidsplassvurdering.")
    run = para.add_run(" Viktig")
    run.bold = True
    item = doc.add_paragraph("punkt en", style="List Bullet")
    para._p.addnext(item._p)
    report = load_report(save(doc, tmp_path / "liste.docx"))
    body = report.section("gjennomforing").body
    assert "arbeidsplassvurdering. **Viktig**" in body
    assert "\n\n- punkt en\n\n" in body


def test_measures_values_tolerant_and_validated(tmp_path: Path) -> None:
    measures = [("Samtaler", "ARBEIDSGJEVAR", "fra uke 23", "Evalueres", "Annet arbeid samme arbeidsgiver"),
                ("Ny stilling", "sjefen", "2025-07-01", "Møte", "tull")]
    path = save(skeleton(measures=measures), tmp_path / "tiltak.docx")
    parsed = read_docx(path).parsed
    messages = [str(p) for p in parsed.problems]
    assert any("tiltakstabellen, rad 3 (Ansvarlig)" in m and "«sjefen»" in m for m in messages), messages
    assert any("tiltakstabellen, rad 3 (Spor)" in m and "«tull»" in m for m in messages), messages
    assert parsed.front_matter["tiltak"][0] == {"hva": "Samtaler", "ansvarlig": "arbeidsgiver", "frist": "fra uke 23",
                                                "oppfolging": "Evalueres", "spor": "annet-arbeid-samme-arbeidsgiver"}
    with pytest.raises(ReportError):
        load_report(path)


def test_invalid_party_value_located_by_table_row(tmp_path: Path) -> None:
    parties = [(k, "123456789" if k == "Organisasjonsnummer" else v) for k, v in PARTIES]
    path = save(skeleton(parties=parties), tmp_path / "orgnr.docx")
    with pytest.raises(ReportError) as info:
        load_report(path)
    assert "partstabellen, rad 2 (Organisasjonsnummer)" in info.value.message
    assert "«Organisasjonsnummer»" in info.value.message


def test_empty_skeleton_reports_missing_and_empty_parts(tmp_path: Path) -> None:
    parties = [(k, "[Fyll inn]") for k, _ in PARTIES]
    path = save(skeleton(parties=parties, sections=[(h, []) for h, _ in SECTIONS], measures=[]), tmp_path / "tom.docx")
    parsed = read_docx(path).parsed
    text = "\n".join(str(p) for p in parsed.problems)
    assert "delen «Bakgrunn og bestilling» er tom" in text
    assert "«Arbeidsgiver» mangler" in text


def test_all_visible_text_extracted_and_located(tmp_path: Path) -> None:
    doc = document_from_docx(full_featured(tmp_path / "alt.docx"))
    expected = {
        "Topptekst: Kari har migrene": {"part": "header1", "paragraph": 1},
        "ring 912 34 567": {"part": "footer1", "paragraph": 1},
        "Hun bruker Sertralin.": {"paragraph": 7, "deleted": True},
        "Hun fikk nye oppgaver.": {"paragraph": 7, "inserted": True},
        "Fotnote om depresjon.": {"part": "footnotes", "footnote": "1"},
        "Tekstboks med astma": {"textbox": 1, "paragraph": 1},
        "fastlegen sier diabetes": {"part": "comments", "comment": "0", "author": "Leder"},
        "Kari Nordmann": {"table": 1, "row": 4, "cell": 2},
    }
    for text, location in expected.items():
        offset = doc.text.index(text)
        assert doc.location(offset) == location, text
        assert any(a <= offset and offset + len(text) <= b for a, b in doc.regions), text
    assert doc.text.count("Tekstboks med astma") == 1  # the VML fallback copy is not read twice
    assert describe_location({"table": 1, "row": 2, "cell": 2}) == "tabell 1, rad 2, celle 2"
    assert "slettet" in describe_location({"paragraph": 7, "deleted": True})
    # Deleted text is not part of the report's content.
    body = doc.parsed.report.section("gjennomforing").body
    assert "Sertralin" not in body and "Hun fikk nye oppgaver." in body


def test_guidance_labels_and_codes_are_masked(tmp_path: Path) -> None:
    doc = document_from_path(save(skeleton(), tmp_path / "r.docx"))
    masked = doc.masked_text()
    assert "[Skriv her" not in masked
    assert "974760673" not in masked and "Organisasjonsnummer" not in masked
    assert "Kari Nordmann" in masked and "Faste oppfølgingssamtaler" in masked
    assert "Arbeidstakers godkjenning" not in masked
    assert doc.kind == "docx" and doc.is_report


def test_non_skeleton_word_file_is_linted_as_text_with_missing_parts(tmp_path: Path) -> None:
    import docx

    plain = docx.Document()
    plain.add_paragraph("Hei, her er et notat om møtet i går.")
    path = save(plain, tmp_path / "notat.docx")
    doc = document_from_docx(path)
    assert "notat om møtet" in doc.text
    text = "\n".join(str(p) for p in doc.parsed.problems)
    assert "fant ikke partstabellen" in text and "fant ikke tiltakstabellen" in text
    assert "delen «Bakgrunn og bestilling» mangler" in text
    with pytest.raises(ReportError) as info:
        load_report(path)
    assert "partstabellen" in info.value.message


# -- bad input ------------------------------------------------------------------------------------
def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _valid_parts(tmp_path: Path) -> dict[str, bytes]:
    data = save(skeleton(), tmp_path / "gyldig.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "skadet.docx"
    path.write_bytes(b"dette er ikke et word-dokument")
    assert_refused(path, "ikke et Word-dokument")


def test_truncated_file(tmp_path: Path) -> None:
    data = save(skeleton(), tmp_path / "hel.docx").read_bytes()
    path = tmp_path / "avkuttet.docx"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path, "skadet eller ufullstendig")


def test_damaged_xml_part(tmp_path: Path) -> None:
    parts = _valid_parts(tmp_path)
    parts["word/document.xml"] = parts["word/document.xml"][:-200]
    assert_refused(_zip(tmp_path / "xml.docx", parts), "skadet")


def test_password_protected_docx(tmp_path: Path) -> None:
    path = tmp_path / "passord.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512)
    assert_refused(path, "passordbeskyttet")


def test_old_binary_doc(tmp_path: Path) -> None:
    path = tmp_path / "gammel.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    with pytest.raises(EkspertrapportError, match="gammelt Word-dokument") as refused:
        load_report(path)  # what render and approve use: the same precise message as lint, no word of macros
    assert "Lagre som" in refused.value.message and "makro" not in refused.value.message
    assert_refused(path, "Lagre som", ".docx")
    renamed = tmp_path / "gammel.docx"
    renamed.write_bytes(path.read_bytes())
    assert_refused(renamed, ".doc", "Lagre som", ".docx")


def test_docm_and_macro_contentassert_refused(tmp_path: Path) -> None:
    docm = tmp_path / "makro.docm"
    docm.write_bytes(save(skeleton(), tmp_path / "x.docx").read_bytes())
    with pytest.raises(EkspertrapportError, match="makroer"):
        read_docx(docm)
    with pytest.raises(EkspertrapportError, match=r"makroer \(\.docm\) støttes ikke"):
        load_report(docm)
    assert_refused(docm, "makroer")
    parts = _valid_parts(tmp_path)
    parts["word/vbaProject.bin"] = b"\x00" * 100
    assert_refused(_zip(tmp_path / "forkledd.docx", parts), "makroer")
    parts = _valid_parts(tmp_path)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"document.main+xml", b"document.macroEnabled.main+xml")
    assert_refused(_zip(tmp_path / "makrotype.docx", parts), "makro")


def test_zip_bombassert_refused(tmp_path: Path) -> None:
    parts = _valid_parts(tmp_path)
    parts["word/media/bombe.xml"] = b"\x00" * (20 * 1024 * 1024)  # compresses ~1000:1
    assert_refused(_zip(tmp_path / "bombe.docx", parts), "zip-bombe")


def test_absurd_number_of_partsassert_refused(tmp_path: Path) -> None:
    parts = _valid_parts(tmp_path)
    for index in range(MAX_PARTS + 1):
        parts[f"word/x/{index}.xml"] = b"<a/>"
    assert_refused(_zip(tmp_path / "deler.docx", parts), "urimelig mange deler")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EkspertrapportError, match="finnes ikke"):
        document_from_path(tmp_path / "borte.docx")


def test_same_model_objects_as_markdown(tmp_path: Path) -> None:
    report = load_report(save(skeleton(), tmp_path / "r.docx"))
    assert report.meta == parse_markdown(MARKDOWN).report.meta  # dates are dates, numbers numbers


def test_word_file_rendered_by_the_tool_reads_back(tmp_path: Path) -> None:
    render = pytest.importorskip("ekspertrapport.render")
    report = parse_markdown(TWO_TRACKS).report
    read = load_report(render.render_docx(report, tmp_path / "rendret.docx"))
    assert read.meta == report.meta
    assert [(s.key, s.body) for s in read.sections] == [(s.key, s.body) for s in report.sections]
    # ... and in nynorsk, whose labels differ («Nærmaste leiar», «Timar brukte»)
    nynorsk = parse_markdown(TWO_TRACKS.replace("malform: nb", "malform: nn")).report
    read = load_report(render.render_docx(nynorsk, tmp_path / "rendret-nn.docx"))
    assert read.meta == nynorsk.meta


SENSITIVE = " Hun har migrene og bruker Sertralin. Ring 912 34 567 eller skriv til kari@gmail.com."


def test_same_findings_as_markdown(tmp_path: Path, linter) -> None:
    from ekspertrapport.document import document_from_markdown

    sections = [(h, [p + SENSITIVE if h == "Gjennomføring" and i == 0 else p for i, p in enumerate(ps)])
                for h, ps in SECTIONS]
    path = save(skeleton(sections=sections), tmp_path / "rapport.docx")
    markdown = MARKDOWN.replace("arbeidsplassvurdering.\n", "arbeidsplassvurdering." + SENSITIVE + "\n")
    # A blank line after each heading, as Word has between paragraphs: the name model reads a word right
    # after «## Heading\n» as mid-sentence (reported to the lint engine; not a difference in the readers).
    markdown = re.sub(r"^(## .*)\n(?!\n)", r"\1\n\n", markdown, flags=re.MULTILINE)
    from_word = linter.lint_document(document_from_path(path)).findings
    from_markdown = linter.lint_document(document_from_markdown(markdown, "rapport.md")).findings

    def key(findings):
        return sorted((f.rule, f.text, f.suppressed) for f in findings)

    assert key(from_word) == key(from_markdown)
    assert any(f.rule == "identity.phone" for f in from_word)
    for finding in from_word:
        assert finding.location is not None and path.exists()
        assert document_from_path(path).text[finding.start:finding.end] == finding.text


def test_suppressions_in_word(tmp_path: Path, linter) -> None:
    doc = skeleton()
    first = body_paragraph(doc, "Vi hadde tre møter og en arbeidsplassvurdering.")
    first.add_run(" Ring 912 34 567.")
    second = body_paragraph(doc, "Arbeidstaker prøvde ut nye oppgaver i to uker.")
    second.add_run(" Ring 913 45 678.")
    third = body_paragraph(doc, "Stor arbeidsmengde og uklare roller i avdelingen over lang tid.")
    third.add_run(" Ring 914 56 789.")
    typed = doc.add_paragraph("<!-- ekspertrapport: tillat identity.phone -- sentralbordet, ikke privat -->")
    first._p.addprevious(typed._p)
    doc.add_comment(second.runs, text="ekspertrapport: tillat identity.phone -- jobbnummer", author="Eva")
    path = save(doc, tmp_path / "tillat.docx")
    document = document_from_path(path)
    assert "<!--" not in document.masked_text()
    phones = {f.text: f for f in linter.lint_document(document).findings if f.rule == "identity.phone"}
    assert phones["912 34 567"].suppressed and phones["913 45 678"].suppressed
    assert not phones["914 56 789"].suppressed
    assert load_report(path).section("gjennomforing").body.startswith("Vi hadde")


def test_real_skeleton_filled_in_by_hand(tmp_path: Path) -> None:
    """The skeleton from `ekspertrapport new --docx`, filled in the way a Word user does: typing over
    the placeholders (which keeps their grey italic formatting) and adding paragraphs."""
    scaffold = pytest.importorskip("ekspertrapport.scaffold_docx")
    doc = scaffold.build_skeleton("nb")
    values = dict(PARTIES)
    values["Målform"] = "nb"
    for row in doc.tables[0].rows:
        label, cell = row.cells[0].text, row.cells[1]
        runs = cell.paragraphs[0].runs
        if label in values and runs:
            runs[0].text = values[label]  # typed over «[Fyll inn]»
    contents = dict(SECTIONS)
    paragraphs = list(doc.paragraphs)
    for index, para in enumerate(paragraphs):
        if para.style.name == "Heading 2" and para.text in contents:
            guidance = []
            for following in paragraphs[index + 1:]:
                if not following.text.startswith("["):
                    break
                guidance.append(following)
            first, *rest = contents[para.text]
            guidance[0].runs[0].text = first
            anchor = guidance[0]
            for extra in guidance[1:]:
                extra._p.getparent().remove(extra._p)
            for text in rest:
                new = doc.add_paragraph(text)
                anchor._p.addnext(new._p)
                anchor = new
    measures = doc.tables[1]
    for cell, text in zip(measures.rows[1].cells, ("Faste oppfølgingssamtaler mellom leder og arbeidstaker annenhver uke",
                                                     "arbeidsgiver", "2025-06-01", "Evalueres i felles møte etter seks uker",
                                                     "samme-arbeid")):
        cell.paragraphs[0].runs[0].text = text
    path = save(doc, tmp_path / "utfylt.docx")
    report = load_report(path)
    expected = parse_markdown(MARKDOWN).report
    assert report.meta == expected.meta
    assert report.canonical_content() == expected.canonical_content()


def test_renders_the_same_as_markdown(tmp_path: Path) -> None:
    render = pytest.importorskip("ekspertrapport.render")
    from pypdf import PdfReader

    from_word = render.render_pdf(load_report(save(skeleton(), tmp_path / "r.docx")), tmp_path / "fra-word.pdf")
    from_markdown = render.render_pdf(parse_markdown(MARKDOWN).report, tmp_path / "fra-markdown.pdf")
    texts = [[page.extract_text() for page in PdfReader(path).pages] for path in (from_word, from_markdown)]
    assert texts[0] == texts[1]


def test_damaged_parts_never_crash(tmp_path: Path) -> None:
    """Random damage inside the XML parts: either read, or a Norwegian error; never a traceback."""
    import random

    parts = _valid_parts(tmp_path)
    names = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    rnd = random.Random(4)
    for attempt in range(60):
        damaged = dict(parts)
        name = rnd.choice(names)
        data = bytearray(damaged[name])
        for _ in range(rnd.randint(1, 5)):
            data[rnd.randrange(len(data))] = rnd.choice(b'<>/"= abcwpt:0123')
        if rnd.random() < 0.3:
            data = data[: rnd.randrange(len(data))]
        damaged[name] = bytes(data)
        path = _zip(tmp_path / f"skadet{attempt}.docx", damaged)
        try:
            document_from_docx(path)
        except EkspertrapportError as exc:
            assert exc.exit_status == 2


def test_plain_word_text_is_not_read_as_markdown(tmp_path: Path) -> None:
    from ekspertrapport.render.markdown_blocks import Paragraph, parse_blocks

    doc = skeleton()
    para = body_paragraph(doc, "Vi hadde tre møter og en arbeidsplassvurdering.")
    para.text = "1. januar var vi på befaring, med *stjerner* og <vinkler>."
    body = load_report(save(doc, tmp_path / "r.docx")).section("gjennomforing").body
    blocks = parse_blocks(body)
    assert isinstance(blocks[0], Paragraph)
    assert blocks[0].text == "1. januar var vi på befaring, med *stjerner* og <vinkler>."


def test_duplicate_section_is_a_problem(tmp_path: Path) -> None:
    sections = SECTIONS + [("Gjennomføring", ["Mer om gjennomføringen."])]
    parsed = read_docx(save(skeleton(sections=sections), tmp_path / "dobbel.docx")).parsed
    problem = next(p for p in parsed.problems if "står to ganger" in p.message)
    assert problem.field is None and "avsnitt" in str(problem)


def test_strict_open_xmlassert_refused(tmp_path: Path) -> None:
    parts = _valid_parts(tmp_path)
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert_refused(_zip(tmp_path / "strict.docx", parts), "Strict Open XML")


def test_table_in_a_section_is_read_as_a_table(tmp_path: Path) -> None:
    from ekspertrapport.render.markdown_blocks import Table, parse_blocks

    doc = skeleton()
    para = body_paragraph(doc, "Vi hadde tre møter og en arbeidsplassvurdering.")
    table = doc.add_table(rows=3, cols=2)
    for r, row in enumerate([("Oppgave", "Andel"), ("Plukk | kontroll", "60 %"), ("Varemottak", "- 25 %")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    para._p.addnext(table._tbl)
    body = load_report(save(doc, tmp_path / "tabell.docx")).section("gjennomforing").body
    blocks = parse_blocks(body)
    found = next(b for b in blocks if isinstance(b, Table))
    cells = [["".join(r.text for r in cell) for cell in row] for row in [found.header, *found.rows]]
    assert cells == [["Oppgave", "Andel"], ["Plukk | kontroll", "60 %"], ["Varemottak", "- 25 %"]]
    assert [b.text for b in blocks if not isinstance(b, Table)] == [
        "Vi hadde tre møter og en arbeidsplassvurdering.", "Arbeidstaker prøvde ut nye oppgaver i to uker."]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (1, "Sjefen", "«Sjefen» er ikke en gyldig verdi for Ansvarlig; skriv Arbeidsgiver, Arbeidstaker, Begge eller Annen"),
        (4, "Hjemme", "«Hjemme» er ikke en gyldig verdi for Spor; skriv Samme arbeid, Annet arbeid samme arbeidsgiver "
                      "eller Annen arbeidsgiver"),
    ],
)
def test_invalid_choice_in_the_measures_table_names_the_column_and_the_allowed_values(tmp_path, column, value, expected):
    row = list(MEASURES[0])
    row[column] = value
    path = save(skeleton(measures=[tuple(row)]), tmp_path / "rapport.docx")
    with pytest.raises(ReportError) as info:
        load_report(path)
    assert expected in info.value.message
