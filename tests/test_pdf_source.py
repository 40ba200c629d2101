"""Received PDFs: text in reading order with page locations, sections and parts read back, bad input refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docx_helpers import MARKDOWN, TWO_TRACKS, assert_refused
from ekspertrapport.document import READERS, document_from_path
from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.source import pdf as pdf_source
from ekspertrapport.source.markdown import parse_markdown
from ekspertrapport.source.pdf import document_from_pdf, read_pdf

PAGES = [
    ["Rapport fra ekspertbistand", "Arbeidsgiver: Solsikken Barnehage AS", "Organisasjonsnummer: 974 760 673",
     "Arbeidstaker: Kari Nordmann", "Ekspert: Eva Ekspert", "Kompetanse: Psykolog", "Virksomhet: Eksempel BHT AS",
     "Periode: 14.03.2025 - 02.05.2025", "1. Bakgrunn og bestilling", "Arbeidsgiver ba om hjelp.",
     "2. Gjennomføring", "Vi hadde tre møter."],
    ["3. Årsaker til sykefraværet", "Stor arbeidsmengde. Ring meg på 912 34 567.", "4. Vurdering og anbefalinger",
     "Faste samtaler anbefales."],
]


def make_pdf(path: Path, pages=PAGES) -> Path:
    """A PDF made by another program: a few lines drawn with reportlab."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 780
        for line in lines:
            c.setFont("Helvetica-Bold" if line[:1].isdigit() else "Helvetica", 11)
            c.drawString(72, y, line)
            y -= 22
        c.showPage()
    c.save()
    return path


def test_registers_reader() -> None:
    assert READERS[".pdf"] is document_from_pdf


def test_text_in_order_with_page_locations(tmp_path: Path) -> None:
    doc = document_from_path(make_pdf(tmp_path / "rapport.pdf"))
    assert doc.kind == "pdf"
    order = [doc.text.index(line) for page in PAGES for line in page]
    assert order == sorted(order)
    assert doc.location(doc.text.index("Vi hadde tre møter")) == {"page": 1}
    assert doc.location(doc.text.index("912 34 567")) == {"page": 2}


def test_sections_and_parties_from_text(tmp_path: Path) -> None:
    doc = document_from_pdf(make_pdf(tmp_path / "rapport.pdf"))
    assert [s.key for s in doc.sections] == ["bakgrunn", "gjennomforing", "arsaker", "vurdering"]
    assert doc.sections[0].body == "Arbeidsgiver ba om hjelp."
    front = doc.parsed.front_matter
    assert front["arbeidsgiver"] == {"navn": "Solsikken Barnehage AS", "orgnr": "974760673"}
    assert front["periode"] == {"fra": date(2025, 3, 14), "til": date(2025, 5, 2)}
    # No measures table in this PDF: reported, located by page.
    assert any("tiltak" in str(p) for p in doc.parsed.problems)


def test_pdf_rendered_by_the_tool_reads_back_the_report(tmp_path: Path) -> None:
    render = pytest.importorskip("ekspertrapport.render")
    report = parse_markdown(MARKDOWN).report
    path = render.render_pdf(report, tmp_path / "rapport.pdf")
    parsed = read_pdf(path).parsed
    assert parsed.report is not None, [str(p) for p in parsed.problems]
    assert parsed.report.meta == report.meta
    assert [s.key for s in parsed.report.sections] == [s.key for s in report.sections]


def test_plain_pdf_without_headings_is_plain_text(tmp_path: Path) -> None:
    doc = document_from_pdf(make_pdf(tmp_path / "brev.pdf", [["Et brev uten rapportdeler."]]))
    assert doc.parsed is None and "brev uten" in doc.text


def test_lint_pdf_from_another_program(tmp_path: Path, linter) -> None:
    result = linter.lint_document(document_from_pdf(make_pdf(tmp_path / "rapport.pdf")))
    phone = [f for f in result.findings if f.rule == "identity.phone"]
    assert [f.text for f in phone] == ["912 34 567"]
    assert phone[0].location == {"page": 2}


# -- bad input ------------------------------------------------------------------------------------


def test_password_protected_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = PdfReader(make_pdf(tmp_path / "r.pdf"))
    for user, name in (("hemmelig", "passord.pdf"), ("", "eierpassord.pdf")):
        writer = PdfWriter()
        for page in source.pages:
            writer.add_page(page)
        writer.encrypt(user_password=user, owner_password="eier", algorithm="AES-128")
        with open(tmp_path / name, "wb") as handle:
            writer.write(handle)
    assert_refused(tmp_path / "passord.pdf", "passordbeskyttet")
    # Only an owner password (printing/copying restrictions): the text can still be read.
    assert "Bakgrunn og bestilling" in document_from_path(tmp_path / "eierpassord.pdf").text


def test_pdf_without_text(tmp_path: Path) -> None:
    path = tmp_path / "skannet.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(72, 600, 300, 100, fill=1)
    c.showPage()
    c.save()
    assert_refused(path, "ingen tekst som kan hentes ut", "OCR")


def test_corrupt_and_not_pdf(tmp_path: Path) -> None:
    garbage = tmp_path / "skadet.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    assert_refused(garbage, "skadet")
    other = tmp_path / "ikke.pdf"
    other.write_bytes(b"Hei, dette er tekst")
    assert_refused(other, "ikke en PDF")


def test_truncated_pdf_never_crashes(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "hel.pdf").read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        path = tmp_path / f"kuttet{cut}.pdf"
        path.write_bytes(data[:cut])
        try:
            document_from_path(path)
        except EkspertrapportError as exc:
            assert exc.exit_status == 2


def test_too_many_pages(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pdf_source, "MAX_PAGES", 1)
    assert_refused(make_pdf(tmp_path / "lang.pdf"), "2 sider", "grensen er 1")


def test_pdf_cannot_be_a_report_source(tmp_path: Path) -> None:
    from ekspertrapport.source import load_report

    with pytest.raises(EkspertrapportError, match="rapportkilde"):
        load_report(make_pdf(tmp_path / "r.pdf"))


def test_rendered_pdf_with_two_tracks_and_wrapped_cells(tmp_path: Path) -> None:
    render = pytest.importorskip("ekspertrapport.render")
    report = parse_markdown(TWO_TRACKS).report
    parsed = read_pdf(render.render_pdf(report, tmp_path / "rapport.pdf")).parsed
    assert parsed.report is not None, [str(p) for p in parsed.problems]
    assert parsed.report.meta.tiltak == report.meta.tiltak


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_rendered_pdf_without_measures_reads_back_the_reason(tmp_path: Path, malform: str) -> None:
    render = pytest.importorskip("ekspertrapport.render")
    head, rest = MARKDOWN.split("tiltak:\n", 1)
    markdown = head.replace("malform: nb", f"malform: {malform}") + \
        "ingen_tiltak_begrunnelse: Arbeidstaker har sagt opp og begynner i ny jobb 1. november, så tiltak hos " \
        "denne arbeidsgiveren er ikke aktuelt.\n---" + rest.split("---", 1)[1]
    report = parse_markdown(markdown).report
    parsed = read_pdf(render.render_pdf(report, tmp_path / "rapport.pdf")).parsed
    assert parsed.report is not None, [str(p) for p in parsed.problems]
    assert parsed.report.meta == report.meta


def test_rendered_pdf_with_many_measures_over_several_pages(tmp_path: Path) -> None:
    render = pytest.importorskip("ekspertrapport.render")
    long = " ".join(["Arbeidsgiver går gjennom arbeidsplanene sammen med verneombudet og legger fram et forslag."] * 45)
    measures = "".join(f"  - hva: \"{long if n == 0 else f'Tiltak nummer {n}'}\"\n    ansvarlig: begge\n"
                       f"    frist: 2025-06-0{1 + n % 9}\n    oppfolging: Evalueres i møte\n    spor: samme-arbeid\n"
                       for n in range(45))
    head, rest = MARKDOWN.split("tiltak:\n", 1)
    report = parse_markdown(head + "tiltak:\n" + measures + "---" + rest.split("---", 1)[1]).report
    path = render.render_pdf(report, tmp_path / "rapport.pdf")
    assert len(read_pdf(path).page_starts) >= 4
    parsed = read_pdf(path).parsed
    assert parsed.report is not None, [str(p) for p in parsed.problems]
    assert parsed.report.meta.tiltak == report.meta.tiltak


def test_fixed_texts_of_a_rendered_pdf_are_not_linted(tmp_path: Path) -> None:
    """Labels, headings and page furniture are the tool's words, not the expert's (as in Word sources)."""
    render = pytest.importorskip("ekspertrapport.render")
    report = parse_markdown(MARKDOWN).report
    doc = document_from_pdf(render.render_pdf(report, tmp_path / "rapport.pdf"))

    def linted(word: str) -> bool:
        start = doc.text.index(word)
        return any(a <= start and start + len(word) <= b for a, b in doc.regions)

    for fixed in ("Organisasjonsnummer", "Virksomhet", "Kompetanse", "Periode", "Timer brukt", "Fingeravtrykk",
                  "Dokumentinformasjon", "Side 1 av", "Årsaker til sykefraværet", "Oppfølging"):
        assert not linted(fixed), fixed
    for written in ("Solsikken Barnehage AS", "Psykologspesialist", "Stor arbeidsmengde",
                    "Faste oppfølgingssamtaler", "Evalueres i felles møte"):
        assert linted(written), written


def test_damaged_pdfs_never_crash(tmp_path: Path) -> None:
    """Random damaged bytes: either read, or a Norwegian error; never a traceback."""
    import random

    data = make_pdf(tmp_path / "hel.pdf").read_bytes()
    for seed in range(40):
        rnd = random.Random(seed)
        damaged = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            damaged = damaged[: rnd.randrange(len(damaged))]
        path = tmp_path / f"skadet{seed}.pdf"
        path.write_bytes(bytes(damaged))
        try:
            document_from_path(path)
        except EkspertrapportError as exc:
            assert exc.exit_status == 2


def test_measures_as_loose_text_are_reported_for_manual_check(tmp_path: Path) -> None:
    pages = [PAGES[0], PAGES[1] + ["Forslag til tiltak", "Vi foreslår faste samtaler med leder."]]
    parsed = read_pdf(make_pdf(tmp_path / "r.pdf", pages)).parsed
    assert any("kontroller tiltakene manuelt" in str(p) and "side 2" in str(p) for p in parsed.problems)
