"""NAV intake: ``check`` (verdict per received file) and ``measures export``.

The "Done when" folder (a clean signed NAV copy, a tampered copy, a report with health details, a
corrupt file and an incomplete foreign PDF) is built once per session with the other parts' APIs;
rules of the batch (precedence, order, jobs, bad input, output shapes) use a light stand-in linter.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from ekspertrapport import check as check_module
from ekspertrapport.check import COLUMNS, CheckRow, Verdict, check_paths
from ekspertrapport.cli import main
from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.intake import completeness
from ekspertrapport.intake.completeness import find_approval
from ekspertrapport.intake.measures import export_measures
from ekspertrapport.intake.tables import rows_from_text

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "rapport_nb.md"

# --- a light stand-in for the linter: flags a few words, like the real one would ---------------------

_FLAGS = {"fibromyalgi": ("health.diagnosis", "health", "error"),
          "01017012345": ("identity.fodselsnummer", "identity", "error"),
          "kanskje": ("style.hedging", "style", "info")}


class StubLinter:
    def lint_document(self, document):
        findings = []
        lowered = document.text.lower()
        for word, (rule, category, severity) in _FLAGS.items():
            start = lowered.find(word)
            if start >= 0:
                findings.append(SimpleNamespace(rule=rule, category=category, severity=severity, suppressed=False,
                                                start=start, end=start + len(word), text=word, message="",
                                                location=None))
        return SimpleNamespace(path=document.path, findings=findings)


def stub_check(paths, **kwargs):
    kwargs.setdefault("linter_factory", StubLinter)
    kwargs.setdefault("jobs", 1)
    return check_paths(paths, **kwargs)


# --- report texts --------------------------------------------------------------------------------------

APPROVED = "Arbeidstaker har lest gjennom rapporten og har ingen innvendinger til innhold. 12.05.2025"

FOREIGN_TEXT = """Sluttrapport ekspertbistand
Arbeidsgiver: Fjellbakken Sykehjem AS
Arbeidstaker: Ola Hansen
Periode: 03.02.2025 – 28.03.2025
NAV-referanse: 2025/654321

## Bakgrunn
Arbeidsgiver og arbeidstaker ba om bistand for å finne en vei tilbake til fast turnus.

## Årsaker til sykefraværet
Fraværet henger sammen med mange nattevakter på rad, lite hviletid og uklare oppgaver.

## Vurdering
Arbeidstaker kan gå tilbake til egen stilling med justert turnus.

| Tiltak | Ansvarlig | Frist | Oppfølging |
|---|---|---|---|
| Turnus uten mer enn to netter på rad | Arbeidsgiver | 01.05.2025 | Evalueres etter seks uker |
| Fast ukentlig samtale med leder | Begge | fra uke 15 | Leder kaller inn |

{approval}
"""


def foreign_text(approval: str = APPROVED, extra: str = "") -> str:
    return FOREIGN_TEXT.format(approval=approval) + extra


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def foreign_pdf(path: Path, *, approval: str | None = APPROVED, health: str = "", ruled: bool = True) -> Path:
    """A report made with another tool (reportlab directly): headings, parties, a measures table
    (with ruling lines, or without, and with a cell that wraps over two lines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    story = [Paragraph("Sluttrapport ekspertbistand", styles["Title"]),
             Paragraph("Arbeidsgiver: Fjellbakken Sykehjem AS", styles["Normal"]),
             Paragraph("Arbeidstaker: Ola Hansen", styles["Normal"]),
             Paragraph("Periode: 03.02.2025 - 28.03.2025", styles["Normal"]),
             Paragraph("Bakgrunn og bestilling", styles["Heading2"]),
             Paragraph("Arbeidsgiver og arbeidstaker ba om bistand for å komme tilbake til fast turnus.", styles["Normal"]),
             Paragraph("Årsaker til sykefraværet", styles["Heading2"]),
             Paragraph("Fraværet henger sammen med mange nattevakter på rad og lite hviletid. " + health,
                       styles["Normal"]),
             Paragraph("Vurdering og anbefalinger", styles["Heading2"]),
             Paragraph("Arbeidstaker kan gå tilbake til egen stilling med justert turnus.", styles["Normal"]),
             Table([["Tiltak", "Ansvarlig", "Frist", "Oppfølging"],
                    [Paragraph("Turnus uten mer enn to netter på rad, og minst elleve timer fri mellom vaktene",
                               styles["Normal"]), "Arbeidsgiver", "01.05.2025", "Evalueres etter seks uker"],
                    ["Fast ukentlig samtale", "Begge", "fra uke 15", "Leder kaller inn"]],
                   colWidths=[200, 80, 70, 130],
                   style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")] if ruled else []))]
    if approval:
        story.append(Paragraph(approval, styles["Normal"]))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


# --- completeness rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Arbeidstaker har lest gjennom rapporten og har ingen innvendinger til innhold.",
    "Arbeidstakeren har lest rapporten og har ingen innvendinger.",
    "Arbeidstakaren har lese gjennom rapporten og har ingen innvendingar til innhaldet.",
    "Rapporten er godkjent av arbeidstaker.",
    "Godkjent av arbeidstaker 12.05.2025",
    "Arbeidstaker har godkjent rapporten.",
    "Rapporten er godkjend av arbeidstakaren.",
    "Arbeidstaker har lest\ngjennom rapporten og har\ningen innvendinger til innhold.",
])
def test_approval_variants_are_found(text):
    assert find_approval(" ".join(text.split())) is not None


@pytest.mark.parametrize("text", [
    "Rapporten er ikke godkjent av arbeidstaker.",
    "Rapporten er ikkje godkjend av arbeidstakaren.",
    "Arbeidstaker skal lese gjennom rapporten før den sendes.",
    "Arbeidstakers godkjenning",
    "",
])
def test_missing_or_negated_approval_is_not_found(text):
    assert find_approval(text) is None


def test_approval_date_and_name():
    assert find_approval("Rapporten er godkjent av arbeidstaker Kari Nordmann 12.05.2025.") == ("Kari Nordmann", "2025-05-12")
    assert find_approval("Godkjent av arbeidstaker 3. mars 2025") == (None, "2025-03-03")
    # the approval block of our own rendering, where the worker had remarks (no «ingen innvendinger»)
    block = "Arbeidstakers godkjenning Arbeidstaker har lest gjennom rapporten. Godkjent av: Kari Nordmann Dato: 12.05.2025"
    assert find_approval(block) == ("Kari Nordmann", "2025-05-12")
    assert find_approval("Arbeidstakaren si godkjenning Godkjend av Ola Nordmann 1.2.2025") == ("Ola Nordmann", "2025-02-01")
    assert find_approval("Arbeidstakers godkjenning Godkjent av: Dato:") is None  # an empty template block


def test_measures_table_in_text():
    rows = rows_from_text(foreign_text())
    assert [r.hva for r in rows] == ["Turnus uten mer enn to netter på rad", "Fast ukentlig samtale med leder"]
    assert [r.ansvarlig for r in rows] == ["Arbeidsgiver", "Begge"]
    assert rows[1].frist == "fra uke 15"


def test_foreign_text_is_complete(tmp_path):
    from ekspertrapport.document import document_from_path

    facts = completeness.from_document(document_from_path(write(tmp_path / "r.txt", foreign_text())))
    assert facts.missing() == []
    assert facts.approved_at is None or facts.approved_at == "2025-05-12"
    assert facts.measures_with_responsible == 2


def test_foreign_text_missing_everything(tmp_path):
    from ekspertrapport.document import document_from_path

    facts = completeness.from_document(document_from_path(write(tmp_path / "r.txt", "Et notat om noe helt annet.\n")))
    reasons = " | ".join(facts.missing())
    for word in ("godkjenning", "årsakene", "tiltak", "perioden", "partene"):
        assert word in reasons


# --- verdicts and precedence -----------------------------------------------------------------------------


def test_verdict_precedence():
    row = CheckRow(path="x")
    for level in (Verdict.MANGLER, Verdict.PERSONVERN, Verdict.UGYLDIG, Verdict.FEIL):
        row.add(level, f"grunn {level.value}")
        assert row.decide().verdict == level
        assert row.reasons[0] == f"grunn {level.value}"  # most serious first
    assert row.reasons == ["grunn FEIL", "grunn UGYLDIG", "grunn PERSONVERN", "grunn MANGLER"]
    assert CheckRow(path="y").decide().verdict == Verdict.OK


def test_verdicts_for_text_reports(tmp_path):
    write(tmp_path / "a_ok.txt", foreign_text())
    write(tmp_path / "b_health.txt", foreign_text(extra="Hun har fibromyalgi.\n"))
    write(tmp_path / "c_incomplete.txt", foreign_text(approval=""))
    write(tmp_path / "d_source.md", FIXTURE.read_text(encoding="utf-8"))  # a source is not approved
    report = stub_check([tmp_path])
    verdicts = {Path(r.path).name: r.verdict for r in report}
    assert verdicts == {"a_ok.txt": Verdict.OK, "b_health.txt": Verdict.PERSONVERN,
                        "c_incomplete.txt": Verdict.MANGLER, "d_source.md": Verdict.MANGLER}
    rows = {Path(r.path).name: r for r in report.rows}
    assert rows["b_health.txt"].findings_by_category["health"] == 1
    assert "health.diagnosis" in rows["b_health.txt"].reasons[0]
    assert "fibromyalgi" not in " ".join(rows["b_health.txt"].reasons)  # the output itself never leaks it
    assert rows["a_ok.txt"].approval_found and rows["a_ok.txt"].measures_count == 2
    assert rows["d_source.md"].measures_count == 3
    assert report.exit_status == 1


def test_all_ok_exits_0(tmp_path):
    write(tmp_path / "a.txt", foreign_text())
    report = stub_check([tmp_path])
    assert [r.verdict for r in report] == [Verdict.OK]
    assert report.exit_status == 0
    assert report.summary()["verdicts"]["OK"] == 1


# --- bad input -------------------------------------------------------------------------------------------


def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "tom").mkdir()
    with pytest.raises(EkspertrapportError, match="mappen er tom"):
        stub_check([tmp_path / "tom"])
    result = CliRunner().invoke(main, ["check", str(tmp_path / "tom")])
    assert result.exit_code == 2
    assert "tom" in result.output


def test_empty_subfolder_is_a_note(tmp_path):
    write(tmp_path / "a.txt", foreign_text())
    (tmp_path / "tom").mkdir()
    report = stub_check([tmp_path], recursive=True)
    assert [r.verdict for r in report] == [Verdict.OK]
    assert any("tom" in n for n in report.notes)


def test_other_types_and_subfolders_are_listed_with_a_reason(tmp_path):
    write(tmp_path / "a.txt", foreign_text())
    write(tmp_path / "bilde.png", "x")
    write(tmp_path / "gammel.doc", "x")
    write(tmp_path / "~$a.docx", "x")
    write(tmp_path / "under" / "b.txt", foreign_text())
    rows = {Path(r.path).name: r for r in stub_check([tmp_path])}
    assert rows["bilde.png"].verdict == Verdict.HOPPET_OVER and "png" in rows["bilde.png"].reasons[0]
    assert ".docx" in rows["gammel.doc"].reasons[0]
    assert rows["~$a.docx"].verdict == Verdict.HOPPET_OVER
    assert rows["under"].verdict == Verdict.HOPPET_OVER and "--recursive" in rows["under"].reasons[0]
    recursive = {Path(r.path).name: r.verdict for r in stub_check([tmp_path], recursive=True)}
    assert recursive["b.txt"] == Verdict.OK and "under" not in recursive


def test_symlink_loop_and_dangling_link(tmp_path):
    write(tmp_path / "a.txt", foreign_text())
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "finnes-ikke.pdf", tmp_path / "brutt.pdf")
    os.symlink("selv.pdf", tmp_path / "selv.pdf")
    rows = {r.path: r for r in stub_check([tmp_path], recursive=True)}
    loop = rows[str(tmp_path / "sub" / "loop")]
    assert loop.verdict == Verdict.HOPPET_OVER and "løkke" in loop.reasons[0]
    assert rows[str(tmp_path / "brutt.pdf")].verdict == Verdict.FEIL
    assert rows[str(tmp_path / "selv.pdf")].verdict == Verdict.FEIL
    assert rows[str(tmp_path / "a.txt")].verdict == Verdict.OK


def test_unreadable_file_does_not_stop_the_batch(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", foreign_text())
    locked = write(tmp_path / "b.txt", foreign_text())
    write(tmp_path / "c.txt", foreign_text())
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads everything: simulate the OS refusing
        real_open = open

        def refusing_open(file, *args, **kwargs):
            if str(file) == str(locked):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(check_module, "open", refusing_open, raising=False)
    rows = list(stub_check([tmp_path]))
    assert [r.verdict for r in rows] == [Verdict.OK, Verdict.FEIL, Verdict.OK]
    assert "tilgang" in rows[1].reasons[0]


def test_crashing_reader_does_not_stop_the_batch(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", foreign_text())
    write(tmp_path / "b.txt", foreign_text(extra="KRASJ"))

    class CrashingLinter(StubLinter):
        def lint_document(self, document):
            if "KRASJ" in document.text:
                raise ValueError("noe gikk galt")
            return super().lint_document(document)

    rows = list(stub_check([tmp_path], linter_factory=CrashingLinter))
    assert [r.verdict for r in rows] == [Verdict.OK, Verdict.FEIL]
    assert "ValueError" in rows[1].reasons[0]


def test_large_empty_and_corrupt_files(tmp_path):
    write(tmp_path / "a_stor.md", "x" * 2048)
    write(tmp_path / "b_tom.md", "")
    (tmp_path / "c_skadet.pdf").write_bytes(b"%PDF-1.7\n\x00\x01garbage")
    (tmp_path / "d_skadet.docx").write_bytes(b"PK\x03\x04 not really a zip")
    rows = list(stub_check([tmp_path], max_bytes=1024))
    assert [r.verdict for r in rows] == [Verdict.FEIL] * 4
    assert "for stor" in rows[0].reasons[0]
    assert "tom" in rows[1].reasons[0]


def test_duplicates_are_marked_and_still_listed(tmp_path):
    write(tmp_path / "b.txt", foreign_text())
    shutil.copy(tmp_path / "b.txt", tmp_path / "a.txt")
    shutil.copy(tmp_path / "b.txt", tmp_path / "c.txt")
    rows = list(stub_check([tmp_path]))
    assert [r.duplicate_of for r in rows] == [None, str(tmp_path / "a.txt"), str(tmp_path / "a.txt")]
    assert all(r.verdict == Verdict.OK for r in rows)
    assert "duplikat" in rows[1].reasons[-1]


def test_same_path_twice_is_listed_once(tmp_path):
    path = write(tmp_path / "a.txt", foreign_text())
    assert len(list(stub_check([path, path, tmp_path]))) == 1


# --- order, parallelism, output ------------------------------------------------------------------------


def _mixed_folder(root: Path) -> Path:
    for i in range(6):
        write(root / f"r{i:02d}_ok.txt", foreign_text(extra=f"Rapport nummer {i}.\n"))
        write(root / f"r{i:02d}_helse.md", foreign_text(extra=f"Fibromyalgi {i}.\n"))
    write(root / "z.png", "x")
    (root / "y_skadet.pdf").write_bytes(b"%PDF-1.4 broken")
    return root


def test_order_is_sorted_and_jobs_do_not_change_the_result(tmp_path):
    folder = _mixed_folder(tmp_path)
    one = [r.to_json() for r in stub_check([folder], jobs=1)]
    two = [r.to_json() for r in stub_check([folder], jobs=2)]
    assert one == two
    assert [r["path"] for r in one] == sorted(r["path"] for r in one)
    assert {r["verdict"] for r in one} == {"OK", "PERSONVERN", "FEIL", "HOPPET_OVER"}


def test_progress_callback_sees_every_row(tmp_path):
    folder = _mixed_folder(tmp_path)
    seen = []
    report = stub_check([folder], progress=lambda row, done, total: seen.append((row.path, done, total)))
    rows = report.rows
    assert [s[0] for s in seen] == [r.path for r in rows]
    assert seen[-1][1:] == (len(rows), len(rows))


def test_cli_json_and_csv_have_the_same_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(check_module, "default_linter_factory", StubLinter)
    folder = _mixed_folder(tmp_path / "inn")
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(folder), "--format", "json", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"files", "summary"}
    assert all(list(row) == list(COLUMNS) for row in data["files"])
    assert data["summary"]["total"] == len(data["files"]) == 14
    assert data["summary"]["verdicts"]["PERSONVERN"] == 6
    assert "14 fil(er)" in result.stderr

    out = tmp_path / "resultat.csv"
    result = runner.invoke(main, ["check", str(folder), "--format", "csv", "--output", str(out), "--jobs", "1"])
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["path"] for r in rows] == [r["path"] for r in data["files"]]
    assert [r["verdict"] for r in rows] == [r["verdict"] for r in data["files"]]

    result = runner.invoke(main, ["check", str(folder / "r00_ok.txt"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


# --- measures export --------------------------------------------------------------------------------------


def test_measures_export_from_text_tables_counts_copies_once(tmp_path):
    write(tmp_path / "a.txt", foreign_text())
    write(tmp_path / "b.txt", foreign_text())  # the same report again
    write(tmp_path / "c.md", FIXTURE.read_text(encoding="utf-8"))
    write(tmp_path / "d.txt", "Ingen tabell her.\n")
    result = export_measures([tmp_path])
    assert result.reports == 2
    assert [m.hva[:6] for m in result.measures] == ["Turnus", "Fast u", "Faste ", "Gradert"[:6], "Utprøv"]
    foreign = result.measures[0]
    assert (foreign.referanse, foreign.arbeidsgiver, foreign.ansvarlig) == ("2025/654321", "Fjellbakken Sykehjem AS",
                                                                            "Arbeidsgiver")
    ours = result.measures[2]
    assert (ours.referanse, ours.orgnr, ours.ansvarlig, ours.spor) == ("2025/123456", "974760673", "arbeidsgiver",
                                                                       "samme-arbeid")
    assert result.copies == [{"fil": str(tmp_path / "b.txt"), "samme_som": str(tmp_path / "a.txt")}]
    assert [s["fil"] for s in result.skipped] == [str(tmp_path / "d.txt")]

    cli = CliRunner().invoke(main, ["measures", "export", str(tmp_path), "--format", "json"])
    assert cli.exit_code == 1  # d.txt gave no measures
    assert len(json.loads(cli.stdout)["measures"]) == 5


# --- the "Done when" folder: real signing, verification, readers and linter ---------------------------------


def _need(module: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} er ikke på plass ennå")


@pytest.fixture(scope="session")
def intake_folder(tmp_path_factory):
    """done/: nav.pdf (clean signed NAV copy), endret.pdf (tampered), helse.pdf, skadet.pdf, mangler.pdf."""
    _need("ekspertrapport.lock.approve")
    _need("ekspertrapport.source.pdf")
    _need("ekspertrapport.lint.engine")  # approval lints the report first
    from ekspertrapport.lock.approve import ApprovalRefused

    root = tmp_path_factory.mktemp("intake")
    try:
        signed = _approve(root)
    except ApprovalRefused as exc:  # the linter refuses the clean fixture: a false positive to fix there
        pytest.skip(f"godkjenningen av testrapporten ble stoppet av linteren: {exc.message}")
    folder = root / "done"
    folder.mkdir()
    nav = next(p for p in signed if "nav" in p.name.lower() and p.suffix == ".pdf")
    shutil.copy(nav, folder / "a_nav.pdf")
    data = bytearray(nav.read_bytes())
    index = data.find(b"/Producer")
    assert index > 0
    data[index + 1:index + 9] = b"Qroducer"  # one changed byte-range inside the signed part
    (folder / "b_endret.pdf").write_bytes(bytes(data))
    foreign_pdf(folder / "c_helse.pdf", health="Hun har fibromyalgi og bruker medisiner.")
    (folder / "d_skadet.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage \x00\xff" * 20)
    foreign_pdf(folder / "e_mangler.pdf", approval=None, ruled=False)
    return SimpleNamespace(root=root, folder=folder, signed=signed)


def _approve(root: Path) -> list[Path]:
    """Approve the fixture report with a fresh key (config dir in the temp folder); the locked copies."""
    from ekspertrapport.lock.approve import approve_report
    from ekspertrapport.lock.keys import init_key

    source = root / "kilde" / "rapport.md"
    source.parent.mkdir()
    # The render fixture, without the one proper noun that is not a party («avdeling Blåbær»).
    source.write_text(FIXTURE.read_text(encoding="utf-8").replace(" på avdeling Blåbær", ""), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # the key goes to a config dir of our own, not the user's
        patch.setenv("EKSPERTRAPPORT_CONFIG_DIR", str(root / "config"))
        key = init_key("Eva Ekspert", "Eksempel BHT AS")
        outcome = approve_report(source, by="Kari Nordmann", method="signatur", out_dir=root / "ut",
                                 approval_date="2025-05-12", key=key)
    from ekspertrapport.lock.keys import certificate_pem, create_key

    (root / "ekspert.pem").write_text(certificate_pem(key), encoding="ascii")
    (root / "annen.pem").write_text(certificate_pem(create_key("Noen Andre", "Annet AS")), encoding="ascii")
    return sorted(p for p in outcome.files if p.suffix in (".pdf", ".docx"))


def test_done_when_folder_gets_exactly_the_five_verdicts(intake_folder):
    report = check_paths([intake_folder.folder], jobs=1)
    rows = {Path(r.path).name: r for r in report}
    verdicts = {name: r.verdict.value for name, r in rows.items()}
    expected = {"a_nav.pdf": "OK", "b_endret.pdf": "UGYLDIG", "c_helse.pdf": "PERSONVERN",
                "d_skadet.pdf": "FEIL", "e_mangler.pdf": "MANGLER"}
    assert verdicts == expected, [r.to_json() for r in report.rows]
    assert rows["a_nav.pdf"].signature == "signert-gyldig"
    assert rows["a_nav.pdf"].approved_by == "Kari Nordmann" and rows["a_nav.pdf"].measures_count == 3
    assert rows["b_endret.pdf"].signature == "signert-ugyldig"
    assert rows["e_mangler.pdf"].signature == "usignert"
    assert any("godkjenning" in r for r in rows["e_mangler.pdf"].reasons)
    assert rows["e_mangler.pdf"].measures_count == 2 and rows["c_helse.pdf"].measures_count == 2


@pytest.mark.parametrize("ruled", [True, False])
def test_measures_table_in_a_foreign_pdf(tmp_path, ruled):
    from ekspertrapport.intake.tables import rows_from_pdf

    rows = rows_from_pdf(foreign_pdf(tmp_path / "r.pdf", ruled=ruled))
    assert [(r.hva, r.ansvarlig, r.frist, r.oppfolging) for r in rows] == [
        ("Turnus uten mer enn to netter på rad, og minst elleve timer fri mellom vaktene", "Arbeidsgiver",
         "01.05.2025", "Evalueres etter seks uker"),
        ("Fast ukentlig samtale", "Begge", "fra uke 15", "Leder kaller inn")]


def test_done_when_folder_with_stub_linter(intake_folder):
    """The same folder without the real linter: signatures, readers and completeness on their own."""
    verdicts = {Path(r.path).name: r.verdict.value for r in stub_check([intake_folder.folder])}
    assert verdicts == {"a_nav.pdf": "OK", "b_endret.pdf": "UGYLDIG", "c_helse.pdf": "PERSONVERN",
                        "d_skadet.pdf": "FEIL", "e_mangler.pdf": "MANGLER"}


def test_measures_export_counts_recipient_copies_once(intake_folder):
    result = export_measures([p for p in intake_folder.signed])
    assert result.reports == 1
    assert len(result.measures) == 3
    assert {m.versjon for m in result.measures} == {1}
    assert {m.kilde for m in result.measures} == {"låst rapport"}
    assert len(result.copies) == len(intake_folder.signed) - 1


# --- bounded time, crashing workers, the Python API -------------------------------------------------------


class SlowLinter(StubLinter):
    def lint_document(self, document):
        if "SAKTE" in document.text:
            import time

            time.sleep(5)
        return super().lint_document(document)


def test_a_file_that_takes_too_long_is_feil(tmp_path):
    write(tmp_path / "a.txt", foreign_text(extra="SAKTE"))
    write(tmp_path / "b.txt", foreign_text())
    rows = list(stub_check([tmp_path], linter_factory=SlowLinter, timeout=0.3))
    assert [r.verdict for r in rows] == [Verdict.FEIL, Verdict.OK]
    assert "for lang tid" in rows[0].reasons[0]


class DyingLinter(StubLinter):
    def lint_document(self, document):
        if "DREP" in document.text:
            os._exit(3)  # a worker dying hard (like a crash in a C library or the OOM killer)
        return super().lint_document(document)


def test_a_worker_that_dies_costs_only_its_own_file(tmp_path):
    for i in range(10):
        write(tmp_path / f"r{i}.txt", foreign_text(extra="DREP" if i == 4 else f"nummer {i}"))
    rows = list(stub_check([tmp_path], linter_factory=DyingLinter, jobs=2))
    assert [r.verdict for r in rows] == [Verdict.OK] * 4 + [Verdict.FEIL] + [Verdict.OK] * 5
    assert "stoppet" in rows[4].reasons[0]


def test_python_api_is_exported():
    import ekspertrapport

    assert ekspertrapport.check_paths is check_paths


def test_bad_arguments_exit_2(tmp_path):
    write(tmp_path / "a.txt", foreign_text())
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(tmp_path), "--jobs", "0"]).exit_code == 2
    assert runner.invoke(main, ["check", str(tmp_path), "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["check"]).exit_code == 2
    with pytest.raises(EkspertrapportError):
        check_paths([])


def test_only_missing_paths_exit_2_but_one_missing_among_others_is_a_row(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "finnes-ikke.pdf")])
    assert result.exit_code == 2 and "finnes ikke" in result.output
    write(tmp_path / "a.txt", foreign_text())
    rows = list(stub_check([tmp_path / "a.txt", tmp_path / "finnes-ikke.pdf"]))
    assert [r.verdict for r in rows] == [Verdict.OK, Verdict.FEIL]


def test_measures_export_csv_columns(tmp_path):
    from ekspertrapport.intake.measures import COLUMNS as MEASURE_COLUMNS

    write(tmp_path / "a.txt", foreign_text())
    out = tmp_path / "tiltak.csv"
    result = CliRunner().invoke(main, ["measures", "export", str(tmp_path / "a.txt"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(MEASURE_COLUMNS)
    assert [(r["hva"][:6], r["ansvarlig"], r["kilde"]) for r in rows] == [("Turnus", "Arbeidsgiver", "tiltakstabell"),
                                                                         ("Fast u", "Begge", "tiltakstabell")]


def test_trust_decides_whose_signature_is_valid(intake_folder):
    nav = intake_folder.folder / "a_nav.pdf"
    trusted = list(stub_check([nav], trust=intake_folder.root / "ekspert.pem"))[0]
    assert (trusted.verdict, trusted.signature, trusted.signer) == (Verdict.OK, "signert-gyldig", "Eva Ekspert")
    other = list(stub_check([nav], trust=intake_folder.root / "annen.pem"))[0]
    assert (other.verdict, other.signature) == (Verdict.UGYLDIG, "signert-ugyldig")
    assert "klarert" in other.reasons[0]


def test_measures_export_of_the_intake_folder(intake_folder):
    result = export_measures([intake_folder.folder])
    by_file = {}
    for m in result.measures:
        by_file.setdefault(Path(m.fil).name, []).append(m)
    assert {name: len(rows) for name, rows in by_file.items()} == {"a_nav.pdf": 3, "c_helse.pdf": 2}
    assert {m.kilde for m in by_file["a_nav.pdf"]} == {"låst rapport"}
    assert by_file["a_nav.pdf"][0].referanse == "2025/123456" and by_file["a_nav.pdf"][0].versjon == 1
    assert by_file["c_helse.pdf"][0].ansvarlig == "Arbeidsgiver"
    skipped = {Path(s["fil"]).name: s["grunn"] for s in result.skipped}
    assert set(skipped) == {"b_endret.pdf", "d_skadet.pdf"}
    assert "ikke verifiserer" in skipped["b_endret.pdf"]
    # e_mangler.pdf has the same employer and measures table as c_helse.pdf: counted as the same report
    assert [Path(c["fil"]).name for c in result.copies] == ["e_mangler.pdf"]


def foreign_docx(path: Path, *, approval: str | None = APPROVED) -> Path:
    """A Word report from another tool: labels, headings, a measures table, the approval statement."""
    import docx

    document = docx.Document()
    document.add_heading("Sluttrapport ekspertbistand", 1)
    for line in ("Arbeidsgiver: Fjellbakken Sykehjem AS", "Arbeidstaker: Ola Hansen", "Periode: 03.02.2025 - 28.03.2025"):
        document.add_paragraph(line)
    for heading, body in (("Bakgrunn og bestilling", "Arbeidsgiver og arbeidstaker ba om bistand."),
                          ("Årsaker til sykefraværet", "Mange nattevakter på rad og lite hviletid over lang tid."),
                          ("Vurdering og anbefalinger", "Arbeidstaker kan gå tilbake med justert turnus.")):
        document.add_heading(heading, 2)
        document.add_paragraph(body)
    table = document.add_table(rows=3, cols=3)
    for i, cells in enumerate([["Tiltak", "Ansvarlig", "Frist"], ["Ny turnus", "Arbeidsgiver", "01.05.2025"],
                               ["Ukentlig samtale", "Begge", "fra uke 15"]]):
        for j, value in enumerate(cells):
            table.cell(i, j).text = value
    if approval:
        document.add_paragraph(approval)
    document.save(str(path))
    return path


def test_foreign_word_reports(tmp_path):
    foreign_docx(tmp_path / "a_komplett.docx")
    foreign_docx(tmp_path / "b_uten_godkjenning.docx", approval=None)
    rows = list(stub_check([tmp_path]))
    assert [(r.verdict, r.type, r.measures_count, r.signature) for r in rows] == [
        (Verdict.OK, "docx", 2, "usignert"), (Verdict.MANGLER, "docx", 2, "usignert")]
    assert rows[0].approved_at == "2025-05-12"
    assert rows[1].reasons == ["mangler arbeidstakers godkjenning av rapporten"]


def test_a_word_copy_alone_counts_with_its_pdfs(intake_folder, tmp_path):
    word = next(p for p in intake_folder.signed if p.suffix == ".docx")
    shutil.copy(word, tmp_path / "kopi.docx")
    alone = export_measures([tmp_path / "kopi.docx"])
    assert (alone.reports, len(alone.measures)) == (1, 3)
    assert {m.kilde for m in alone.measures} == {"låst Word-kopi"} and alone.measures[0].versjon == 1
    shutil.copy(intake_folder.folder / "a_nav.pdf", tmp_path / "nav.pdf")
    both = export_measures([tmp_path])
    assert (both.reports, len(both.measures)) == (1, 3)
    row = list(stub_check([tmp_path / "kopi.docx"]))[0]
    assert row.signature == "usignert" and "Word-kopi" in row.reasons[-1]


def test_csv_cells_from_received_reports_cannot_be_formulas():
    from ekspertrapport.intake.output import csv_value

    assert csv_value('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_value("@SUM(A1)") == "'@SUM(A1)" and csv_value("+1") == "'+1"
    assert csv_value(-3) == "-3" and csv_value(True) == "ja" and csv_value(None) == ""
    assert csv_value(["a", "b"]) == "a; b"


def test_table_output_with_odd_file_names(tmp_path, monkeypatch):
    monkeypatch.setattr(check_module, "default_linter_factory", StubLinter)
    write(tmp_path / "rapport [endelig].txt", foreign_text())
    write(tmp_path / "[bold]x.txt", foreign_text(approval=""))
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "MANGLER" in result.output and "OK 1" in result.output
    out = tmp_path / "tabell.txt"
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--jobs", "1", "--output", str(out)])
    table = out.read_text(encoding="utf-8")
    assert "[bold]x.txt" in table and "rapport [endelig].txt" in table


def test_with_other_threads_running_workers_are_not_forked(tmp_path):
    import threading

    folder = _mixed_folder(tmp_path)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert check_module._pool_context().get_start_method() != "fork"
        rows = [r.to_json() for r in stub_check([folder], jobs=2)]
    finally:
        stop.set()
        thread.join()
    assert rows == [r.to_json() for r in stub_check([folder], jobs=1)]


def test_a_text_too_long_to_lint_is_feil(tmp_path, monkeypatch):
    monkeypatch.setattr(check_module, "MAX_TEXT_CHARS", 1000)
    write(tmp_path / "lang.txt", foreign_text(extra="Mye tekst. " * 200))
    row = list(stub_check([tmp_path]))[0]
    assert row.verdict == Verdict.FEIL and "for lang" in row.reasons[0]


def test_an_approval_statement_in_a_guidance_comment_does_not_count(tmp_path):
    text = foreign_text(approval="<!-- Skriv til slutt: «Arbeidstaker har lest gjennom rapporten og har ingen "
                                 "innvendinger til innhold.» -->")
    row = list(stub_check([write(tmp_path / "r.md", text)]))[0]
    assert row.verdict == Verdict.MANGLER and not row.approval_found


def test_encrypted_and_textless_pdfs_are_feil(tmp_path):
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    source = foreign_pdf(tmp_path / "kilde.pdf")
    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt("hemmelig")
    with open(tmp_path / "a_kryptert.pdf", "wb") as handle:
        writer.write(handle)
    blank = canvas.Canvas(str(tmp_path / "b_skannet.pdf"))
    blank.rect(50, 50, 200, 200, fill=1)  # a page with a picture-like shape and no text
    blank.save()
    source.unlink()
    rows = list(stub_check([tmp_path]))
    assert [(Path(r.path).name, r.verdict) for r in rows] == [("a_kryptert.pdf", Verdict.FEIL),
                                                             ("b_skannet.pdf", Verdict.FEIL)]
    assert "passord" in rows[0].reasons[0].lower() or "kryptert" in rows[0].reasons[0].lower()
    assert "tekst" in rows[1].reasons[0]
