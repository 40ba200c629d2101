"""`lint --annotate`: lint findings as Word comments anchored on exactly the flagged words."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docx_helpers import body_paragraph, full_featured, save, skeleton
from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.lint.finding import Finding
from ekspertrapport.lint.formatters.docx_comments import annotate_docx
from ekspertrapport.source.docx import document_from_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _finding(doc, text: str, rule: str = "health.diagnosis", occurrence: int = 0, **kw) -> Finding:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(text, start + 1)
    return Finding(rule=rule, category=rule.split(".")[0], severity="error", start=start, end=start + len(text),
                   text=text, message=kw.get("message", f"Melding om «{text}»."),
                   suggestion=kw.get("suggestion", "Beskriv funksjon i stedet."), location=doc.location(start),
                   suppressed=kw.get("suppressed", False))


def comment_ranges(path: Path) -> dict[str, str]:
    """comment id → the text between its commentRangeStart and commentRangeEnd, read from the saved XML."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    open_ids: set[str] = set()
    texts: dict[str, list[str]] = {}
    for element in root.iter():
        if element.tag == f"{W}commentRangeStart":
            open_ids.add(element.get(f"{W}id"))
            texts.setdefault(element.get(f"{W}id"), [])
        elif element.tag == f"{W}commentRangeEnd":
            open_ids.discard(element.get(f"{W}id"))
        elif element.tag in (f"{W}t", f"{W}delText") and element.text:
            for cid in open_ids:
                texts[cid].append(element.text)
        elif element.tag == f"{W}p":
            for cid in open_ids:
                texts[cid].append("\n\n")
    return {cid: "".join(parts).strip("\n") if parts and parts[0] == "\n\n" else "".join(parts) for cid, parts in texts.items()}


def comments(path: Path) -> dict[str, tuple[str, str, str]]:
    """comment id → (author, initials, text)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/comments.xml"))
    return {c.get(f"{W}id"): (c.get(f"{W}author"), c.get(f"{W}initials"),
                              "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in c.iter(f"{W}p")))
            for c in root.iter(f"{W}comment")}


@pytest.fixture()
def report_docx(tmp_path: Path) -> Path:
    doc = skeleton()
    para = body_paragraph(doc, "Stor arbeidsmengde og uklare roller i avdelingen over lang tid.")
    run = para.add_run(" Hun har fibromyalgi og ryggsmerter.")
    run.bold = True
    run.italic = True
    run.font.name = "Georgia"
    return save(doc, tmp_path / "rapport.docx")


def test_comments_anchor_exactly_on_flagged_words(report_docx: Path, tmp_path: Path) -> None:
    doc = document_from_docx(report_docx)
    findings = [_finding(doc, "fibromyalgi"), _finding(doc, "rygg"), _finding(doc, "Kari Nordmann", "identity.person"),
                _finding(doc, "uklare roller i avdelingen over lang tid. Hun", "style.x"),
                _finding(doc, "tre møter", "style.y")]
    before = report_docx.read_bytes()
    out = annotate_docx(report_docx, findings, tmp_path / "kommentert.docx")
    assert report_docx.read_bytes() == before  # the original is never modified
    ranges = comment_ranges(out)
    notes = comments(out)
    by_text = {ranges[cid]: notes[cid] for cid in ranges}
    for finding in findings:
        assert finding.text in by_text, (finding.text, ranges)
        author, initials, text = by_text[finding.text]
        assert (author, initials) == ("ekspertrapport", "ER")
        assert finding.message in text and "Forslag: Beskriv funksjon i stedet." in text and finding.rule in text


def test_split_runs_keep_their_formatting(report_docx: Path, tmp_path: Path) -> None:
    import docx

    doc = document_from_docx(report_docx)
    out = annotate_docx(report_docx, [_finding(doc, "fibromyalgi")], tmp_path / "k.docx")
    para = next(p for p in docx.Document(str(out)).paragraphs if "fibromyalgi" in p.text)
    assert para.text.endswith("Hun har fibromyalgi og ryggsmerter.")
    texts = [r.text for r in para.runs]
    assert "fibromyalgi" in texts  # the flagged words are a run of their own
    for run in para.runs:
        if run.text and run.text.strip() and ("fibromyalgi" in run.text or "rygg" in run.text or "Hun har" in run.text):
            assert run.bold and run.italic and run.font.name == "Georgia", run.text


def test_text_outside_body_listed_on_first_paragraph(tmp_path: Path) -> None:
    src = full_featured(tmp_path / "alt.docx")
    doc = document_from_docx(src)
    findings = [_finding(doc, "migrene"), _finding(doc, "depresjon"), _finding(doc, "astma"),
                _finding(doc, "diabetes"), _finding(doc, "Sertralin", "health.medication")]
    out = annotate_docx(src, findings, tmp_path / "k.docx")
    ranges, notes = comment_ranges(out), comments(out)
    summary = next(text for author, _, text in notes.values() if author == "ekspertrapport" and "utenfor" in text)
    for word, where in (("migrene", "topptekst"), ("depresjon", "fotnote 1"), ("astma", "tekstboks 1"),
                        ("diabetes", "kommentar 0")):
        assert word in summary and where in summary
    # deleted text in the body is anchored where it is (inside the tracked deletion)
    assert "Sertralin" in ranges.values()
    assert "Rapport fra ekspertbistand" in ranges.values()  # the summary sits on the first paragraph


def test_suppressed_findings_are_left_out_and_nothing_written_on_error(report_docx: Path, tmp_path: Path) -> None:
    doc = document_from_docx(report_docx)
    out = annotate_docx(report_docx, [_finding(doc, "fibromyalgi", suppressed=True)], tmp_path / "k.docx")
    assert comment_ranges(out) == {}
    stale = _finding(doc, "fibromyalgi")
    stale.text = "annen tekst"
    with pytest.raises(EkspertrapportError, match="passer ikke"):
        annotate_docx(report_docx, [stale], tmp_path / "ny.docx")
    assert not (tmp_path / "ny.docx").exists()


def test_refuses_to_overwrite_the_original(report_docx: Path) -> None:
    before = report_docx.read_bytes()
    with pytest.raises(EkspertrapportError, match="kopi"):
        annotate_docx(report_docx, [], report_docx)
    assert report_docx.read_bytes() == before


def test_bad_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "makro.docm"
    path.write_bytes(b"PK\x03\x04whatever")
    with pytest.raises(EkspertrapportError, match="makroer"):
        annotate_docx(path, [], tmp_path / "ut.docx")
    assert not (tmp_path / "ut.docx").exists()


def test_with_the_linter(report_docx: Path, tmp_path: Path, linter) -> None:
    result = linter.lint_document(document_from_docx(report_docx))
    active = [f for f in result.findings if not f.suppressed]
    out = annotate_docx(report_docx, active, tmp_path / "k.docx")
    anchored = set(comment_ranges(out).values())
    for finding in active:
        if finding.location and not {"part", "textbox"} & set(finding.location):
            assert finding.text in anchored, finding


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) er ikke installert")
def test_libreoffice_opens_annotated_file_and_shows_comments(tmp_path: Path) -> None:
    src = full_featured(tmp_path / "alt.docx")
    doc = document_from_docx(src)
    findings = [_finding(doc, "Kari Nordmann", "identity.person"), _finding(doc, "Sertralin"),
                _finding(doc, "migrene"), _finding(doc, "tre møter")]
    out = annotate_docx(src, findings, tmp_path / "kommentert.docx")
    result = subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + str(tmp_path / "lo"),
                             "--convert-to", "odt", "--outdir", str(tmp_path), str(out)],
                            capture_output=True, text=True, timeout=180)
    odt = tmp_path / "kommentert.odt"
    assert result.returncode == 0 and odt.exists(), result.stderr
    with zipfile.ZipFile(odt) as archive:
        content = archive.read("content.xml").decode("utf-8")
    # 3 anchored + 1 summary + the existing comment
    assert content.count("<office:annotation ") + content.count("<office:annotation>") == 5
    assert content.count("ekspertrapport") >= 4


def test_cli_lint_json_and_annotate(report_docx: Path, tmp_path: Path) -> None:
    """`ekspertrapport lint FIL.docx --format json --annotate UT.docx`: locations in JSON, comments in the copy."""
    import json

    from click.testing import CliRunner

    from ekspertrapport.cli import main

    before = report_docx.read_bytes()
    out = tmp_path / "kommentert.docx"
    result = CliRunner().invoke(main, ["lint", str(report_docx), "--format", "json", "--annotate", str(out)])
    assert result.exit_code in (0, 1), result.output
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert findings and all("location" in f for f in findings)
    assert report_docx.read_bytes() == before
    anchored = set(comment_ranges(out).values())
    assert {f["text"] for f in findings if not f["suppressed"]} <= anchored
