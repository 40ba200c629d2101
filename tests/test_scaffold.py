"""``ekspertrapport new``: the Markdown template with guidance, the Word skeleton, the CLI, and the samples."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from ekspertrapport.cli.new import new
from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.scaffold import render_new_report, write_new_docx, write_new_report
from ekspertrapport.scaffold_docx import MEASURE_HEADER, skeleton_texts
from ekspertrapport.sections import SECTIONS, match_heading
from ekspertrapport.source.markdown import load_report, parse_markdown

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
TODAY = date(2026, 3, 2)

PARTY_LABELS = {
    "nb": ["Arbeidsgiver", "Organisasjonsnummer", "Nærmeste leder", "Arbeidstaker", "Stilling", "Ekspert",
           "Kompetanse", "Virksomhet", "Kontakt", "NAV-referanse", "Periode fra", "Periode til", "Timer brukt",
           "Kostnad (kr)", "Målform"],
    "nn": ["Arbeidsgivar", "Organisasjonsnummer", "Næraste leiar", "Arbeidstakar", "Stilling", "Ekspert",
           "Kompetanse", "Verksemd", "Kontakt", "NAV-referanse", "Periode frå", "Periode til", "Timar brukt",
           "Kostnad (kr)", "Målform"],
}
APPROVAL = {"nb": "Arbeidstakers godkjenning", "nn": "Arbeidstakaren si godkjenning"}
COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)


def _sections(text: str) -> dict[str, str]:
    """Heading → raw body (with comments) of each ``##`` section."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def fill_in(text: str) -> str:
    """Fill the placeholders of a freshly scaffolded source as an expert would (programmatically)."""
    values = iter(["Fjellheim Bygg AS", "Rune Fjellheim", "Mona Lie", "Tømrer", "Eva Ekspert",
                   "Fysioterapeut", "Eksempel BHT AS", "eva@eksempel-bht.no"])
    text = re.sub(r'^(  \w+: )"Fyll inn"', lambda m: f'{m.group(1)}"{next(values)}"', text, count=8,
                  flags=re.MULTILINE)
    text = text.replace('orgnr: ""', 'orgnr: "974760673"')
    text = re.sub(r"^(  timer:)", r"\1 12", text, flags=re.MULTILINE)
    text = re.sub(r"^(  kostnad:)", r"\1 15000", text, flags=re.MULTILINE)
    text = text.replace('- hva: "Fyll inn"', '- hva: "Faste samtaler mellom leder og arbeidstaker annenhver uke"')
    text = text.replace('frist: "Fyll inn"', 'frist: "fra uke 12"')
    text = text.replace('oppfolging: "Fyll inn"', 'oppfolging: "Evalueres i felles møte etter seks uker"')
    assert '"Fyll inn"' not in text.replace('# ingen_tiltak_begrunnelse: "Fyll inn"', "")
    return re.sub(r"(^## [^\n]+\n\n<!--.*?-->\n)", r"\1\nInnhold skrevet av eksperten.\n", text,
                  flags=re.MULTILINE | re.DOTALL)


# -- Markdown template ---------------------------------------------------------------------------------

@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_new_markdown_has_every_section_with_guidance(tmp_path: Path, malform: str) -> None:
    path = write_new_report(tmp_path / "rapport.md", malform, today=TODAY)
    text = path.read_text("utf-8")
    sections = _sections(text)
    assert list(sections) == [spec.heading(malform) for spec in SECTIONS]
    for heading, body in sections.items():
        assert match_heading(heading) is not None
        comments = COMMENT_RE.findall(body)
        assert comments and all(len(c.split()) >= 20 for c in comments), heading
        assert COMMENT_RE.sub("", body).strip() == "", f"{heading}: only guidance comments, no placeholder prose"
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["malform"] == malform
    assert front["periode"] == {"fra": TODAY, "til": TODAY}
    assert front["arbeidsgiver"]["orgnr"] == ""
    assert front["tiltak"][0]["ansvarlig"] == "arbeidsgiver" and front["tiltak"][0]["spor"] == "samme-arbeid"


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_new_markdown_guidance_covers_what_never_belongs(malform: str) -> None:
    comments = " ".join(COMMENT_RE.findall(render_new_report(malform, today=TODAY))).lower()
    for needle in ("diagnos", "symptom", "medisin", "behandling", "fastlege", "familiemedlem", "nav",
                   "fibromyalgi", "veksle mellom", "godkjen"):
        assert needle in comments, needle


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_new_markdown_field_comments_line_up(malform: str) -> None:
    front = render_new_report(malform, today=TODAY).split("\n---\n", 1)[0]
    columns = {line.index(" # ") for line in front.splitlines() if not line.lstrip().startswith("#") and " # " in line}
    assert len(columns) == 1, columns


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_new_markdown_reports_empty_sections_until_filled(malform: str) -> None:
    parsed = parse_markdown(render_new_report(malform, today=TODAY), "rapport.md")
    messages = " ".join(str(p) for p in parsed.problems)
    assert parsed.report is None
    for spec in SECTIONS:
        if spec.required:
            assert spec.heading(malform) in messages
    assert "organisasjonsnummer" in messages


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_filled_in_scaffold_parses(tmp_path: Path, malform: str) -> None:
    path = tmp_path / "rapport.md"
    path.write_text(fill_in(render_new_report(malform, today=TODAY)), "utf-8")
    report = load_report(path)
    assert report.meta.malform == malform
    assert report.meta.arbeidsgiver.orgnr == "974760673"
    assert [s.key for s in report.sections] == [spec.key for spec in SECTIONS]
    assert all(s.body == "Innhold skrevet av eksperten." for s in report.sections)
    assert report.meta.tiltak[0].frist == "fra uke 12"


def test_new_refuses_to_overwrite_and_leaves_original_untouched(tmp_path: Path) -> None:
    path = tmp_path / "rapport.md"
    original = b"---\nmalform: nb\n---\n\n## Bakgrunn og bestilling\n\nMitt arbeid \xc3\xa6\xc3\xb8\xc3\xa5\n"
    path.write_bytes(original)
    with pytest.raises(EkspertrapportError, match="finnes allerede"):
        write_new_report(path)
    with pytest.raises(EkspertrapportError, match="overskriver aldri"):
        write_new_docx(path, "nb")
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.md"]  # no temporary files left


def test_unknown_malform(tmp_path: Path) -> None:
    with pytest.raises(EkspertrapportError, match="målform"):
        write_new_report(tmp_path / "rapport.md", "se")
    with pytest.raises(EkspertrapportError, match="målform"):
        write_new_docx(tmp_path / "rapport.docx", "en")
    assert list(tmp_path.iterdir()) == []


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(EkspertrapportError, match="Mappen finnes ikke"):
        write_new_report(tmp_path / "finnes-ikke" / "rapport.md")


# -- Word skeleton -------------------------------------------------------------------------------------

@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_docx_skeleton_structure(tmp_path: Path, malform: str) -> None:
    doc = Document(str(write_new_docx(tmp_path / "rapport.docx", malform)))
    paragraphs = doc.paragraphs
    assert paragraphs[0].style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    expected = [spec.heading(malform) for spec in SECTIONS] + ["Forslag til tiltak", APPROVAL[malform]]
    assert headings == expected

    # every heading is followed by guidance: grey italic text fully enclosed in [ ]
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style.name == "Heading 2":
            guidance = paragraphs[index + 1]
            assert guidance.text.startswith("[") and guidance.text.endswith("]"), paragraph.text
            assert all(run.italic for run in guidance.runs)

    parties, measures = doc.tables
    assert [row.cells[0].text for row in parties.rows] == PARTY_LABELS[malform]
    values = {row.cells[0].text: row.cells[1].text for row in parties.rows}
    assert values["Målform"] == malform
    assert values["Periode til"] == "[ÅÅÅÅ-MM-DD]"
    assert all(v.startswith("[") and v.endswith("]") for k, v in values.items() if k != "Målform")

    assert tuple(c.text for c in measures.rows[0].cells) == MEASURE_HEADER == (
        "Tiltak", "Ansvarlig", "Frist", "Oppfølging", "Spor")
    assert measures.style.name == "Table Grid"
    assert len(measures.rows) == 2 and all(c.text.startswith("[") for c in measures.rows[1].cells)
    text = "\n".join(p.text for p in paragraphs)
    for value in ("arbeidsgiver", "arbeidstaker", "begge", "annen", "samme-arbeid",
                  "annet-arbeid-samme-arbeidsgiver", "annen-arbeidsgiver"):
        assert value in text
    assert doc.sections[0].header.paragraphs[0].text == "UTKAST"
    assert round(doc.sections[0].page_width.mm) == 210 and round(doc.sections[0].page_height.mm) == 297


def test_docx_guidance_has_no_brackets_inside() -> None:
    """Guidance is wrapped in [ ] by the code; a bracket inside would break «fully enclosed»."""
    for malform in ("nb", "nn"):
        assert not [s for s in _strings(skeleton_texts(malform)) if "[" in s or "]" in s]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return [s for v in value for s in _strings(v)]


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_docx_skeleton_reads_as_empty_report(tmp_path: Path, malform: str) -> None:
    """The Word reader sees the guidance as guidance: every required section is reported empty."""
    from ekspertrapport.source.docx import read_docx

    source = read_docx(write_new_docx(tmp_path / "rapport.docx", malform))
    assert source.parsed.report is None
    messages = " ".join(str(p) for p in source.parsed.problems)
    for spec in SECTIONS:
        if spec.required:
            assert f"«{spec.heading(malform)}» er tom" in messages
    assert "partstabellen" in messages and "tiltakstabellen" not in messages


# -- CLI -----------------------------------------------------------------------------------------------

def test_cli_new_markdown(tmp_path: Path) -> None:
    result = CliRunner().invoke(new, [str(tmp_path / "rapport.md"), "--malform", "nn"])
    assert result.exit_code == 0, result.output
    assert "## Årsaker til sjukefråværet" in (tmp_path / "rapport.md").read_text("utf-8")


def test_cli_new_docx_by_suffix_and_flag(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(new, [str(tmp_path / "a.docx")]).exit_code == 0
    assert runner.invoke(new, [str(tmp_path / "b"), "--docx"]).exit_code == 0
    assert Document(str(tmp_path / "a.docx")).paragraphs[0].text == "Rapport fra ekspertbistand"
    assert (tmp_path / "b.docx").exists()


def test_cli_new_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "rapport.md"
    path.write_text("min rapport\n", "utf-8")
    result = CliRunner().invoke(new, [str(path)])
    assert result.exit_code == 2
    assert "finnes allerede" in result.output
    assert path.read_text("utf-8") == "min rapport\n"


def test_cli_new_unknown_malform(tmp_path: Path) -> None:
    result = CliRunner().invoke(new, [str(tmp_path / "rapport.md"), "--malform", "se"])
    assert result.exit_code == 2
    assert "Ukjent målform «se»" in result.output and "Invalid value" not in result.output
    assert not (tmp_path / "rapport.md").exists()


def test_cli_new_refuses_a_file_type_that_is_no_report_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(new, [str(tmp_path / "rapport.pdf")])
    assert result.exit_code == 2 and "Markdown (.md) eller Word (.docx)" in result.output
    assert not (tmp_path / "rapport.pdf").exists()


def test_cli_help_is_norwegian() -> None:
    result = CliRunner().invoke(new, ["--help"])
    assert result.exit_code == 0
    assert "Lag en ny rapport" in result.output and "bokmål" in result.output


# -- samples -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["rapport-bokmal.md", "rapport-nynorsk.md", "rapport-med-feil.md"])
def test_samples_parse(name: str) -> None:
    report = load_report(SAMPLES / name)
    assert len(report.meta.tiltak) >= 3
    words = len((SAMPLES / name).read_text("utf-8").split())
    assert 700 <= words <= 1400, words


def test_clean_samples_cover_all_tracks() -> None:
    tracks = set()
    for name, malform in (("rapport-bokmal.md", "nb"), ("rapport-nynorsk.md", "nn")):
        report = load_report(SAMPLES / name)
        assert report.meta.malform == malform
        assert [s.heading for s in report.sections] == [spec.heading(malform) for spec in SECTIONS
                                                        if report.section(spec.key) is not None]
        tracks |= {t.spor.value for t in report.meta.tiltak}
        assert all(t.ansvarlig and t.frist and t.oppfolging for t in report.meta.tiltak)
    assert tracks == {"samme-arbeid", "annet-arbeid-samme-arbeidsgiver", "annen-arbeidsgiver"}


def test_dirty_sample_has_the_planted_structure_problems() -> None:
    report = load_report(SAMPLES / "rapport-med-feil.md")
    assert any(t.ansvarlig is None and t.frist is None for t in report.meta.tiltak)
    assert any((t.oppfolging or "").lower().startswith("følges opp ved behov") for t in report.meta.tiltak)
    readme = (SAMPLES / "README.md").read_text("utf-8")
    text = " ".join((SAMPLES / "rapport-med-feil.md").read_text("utf-8").split())
    planted = re.findall(r"^\| \d+ \| [^|]+ \| «([^»|]+)»", readme, flags=re.MULTILINE)
    assert len(planted) >= 25
    for quote in planted:  # every quoted problem in the README is really in the sample
        for piece in quote.split(" … "):
            assert piece.strip(" …") in text, piece


def test_word_sample_matches_markdown_sample() -> None:
    from ekspertrapport.source import load_report as load_any

    word = load_any(SAMPLES / "rapport-word.docx")
    markdown = load_report(SAMPLES / "rapport-bokmal.md")
    assert word.meta == markdown.meta

    def normalise(text: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"^\s*\d+\. ", "1. ", text, flags=re.MULTILINE)).strip()

    assert [(s.key, normalise(s.body)) for s in word.sections] == [
        (s.key, normalise(s.body)) for s in markdown.sections]
