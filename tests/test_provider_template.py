"""Rendering into a BHT provider's own Word template (docxtpl), and template errors that say where."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from docx_helpers import MARKDOWN
from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.render.provider import render_with_template
from ekspertrapport.source.markdown import parse_markdown

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "leverandor-mal.docx"
RICH = MARKDOWN.replace("Vi hadde tre møter og en arbeidsplassvurdering.",
                        "Vi hadde **tre møter** og *en* arbeidsplassvurdering.\n\n- første punkt\n- andre punkt")
RICH = RICH.replace("navn: Solsikken Barnehage AS", "navn: Solsikken & Co <Barnehage> AS")


@pytest.fixture(scope="module")
def report():
    return parse_markdown(RICH).report


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
        for table in section.header.tables:
            for row in table.rows:
                parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_sample_template_renders_a_report(report, tmp_path: Path) -> None:
    out = render_with_template(report, SAMPLE, tmp_path / "fjordhelse.docx")
    result = docx.Document(str(out))
    text = _all_text(result)
    for expected in ("Rapport fra ekspertbistand", "Solsikken & Co <Barnehage> AS (org.nr. 974 760 673)",
                     "Kari Nordmann, Pedagogisk leder", "14.03.2025 – 02.05.2025", "Bakgrunn og bestilling",
                     "Faste oppfølgingssamtaler mellom leder og arbeidstaker annenhver uke", "01.06.2025",
                     "Arbeidstakers godkjenning", "Ikke godkjent av arbeidstaker ennå", "Fjordhelse BHT AS",
                     "NAV-referanse" if False else "2025/123456", "UTKAST"):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    headings = [p.text for p in result.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["Bakgrunn og bestilling", "Gjennomføring", "Årsaker til sykefraværet", "Vurdering og anbefalinger"]
    para = next(p for p in result.paragraphs if "arbeidsplassvurdering" in p.text)
    assert [r.text for r in para.runs if r.bold] == ["tre møter"] and [r.text for r in para.runs if r.italic] == ["en"]
    bullets = [p.text for p in result.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["første punkt", "andre punkt"]
    # the provider's letterhead survives: logo image and its own styles
    with zipfile.ZipFile(out) as archive:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in archive.namelist())
    assert result.styles["Heading 1"].font.name == "Trebuchet MS"


def test_markdown_table_in_a_section_is_a_word_table(tmp_path: Path) -> None:
    source = RICH.replace("Vi hadde **tre møter**", "| Oppgave | Andel |\n|---|---|\n| Plukk | 60 % |\n\nVi hadde **tre møter**")
    out = render_with_template(parse_markdown(source).report, SAMPLE, tmp_path / "tabell.docx")
    result = docx.Document(str(out))
    table = next(t for t in result.tables if t.rows[0].cells[0].text == "Oppgave")
    assert [[c.text for c in row.cells] for row in table.rows] == [["Oppgave", "Andel"], ["Plukk", "60 %"]]
    assert "| Oppgave |" not in _all_text(result)


def test_approval_and_nynorsk(tmp_path: Path) -> None:
    from ekspertrapport.render import RenderOptions
    from ekspertrapport.report import Approval

    nn = parse_markdown(MARKDOWN.replace("malform: nb", "malform: nn").replace("## Årsaker til sykefraværet",
                                                                           "## Årsaker til sjukefråværet")
                        .replace("## Vurdering og anbefalinger", "## Vurdering og tilrådingar")).report
    approval = Approval(by="Kari Nordmann", date=date(2025, 5, 10), method="signatur",
                        statement="Arbeidstakaren har lese gjennom rapporten og har ingen innvendingar til innhaldet.")
    out = render_with_template(nn, SAMPLE, tmp_path / "nn.docx", RenderOptions(draft=False, approval=approval))
    text = _all_text(docx.Document(str(out)))
    assert "Arbeidstakaren si godkjenning" in text and "ingen innvendingar" in text
    assert "Kari Nordmann, 10.05.2025" in text and "UTKAST" not in text


def _broken(tmp_path: Path, text: str, where: str = "table") -> Path:
    template = docx.Document(str(SAMPLE))
    if where == "table":
        template.tables[0].rows[1].cells[1].text = text
    else:
        template.add_paragraph(text)
    path = tmp_path / "mal.docx"
    template.save(str(path))
    return path


@pytest.mark.parametrize("tag, name", [("{{ arbeidsgiver.navnn }}", "navnn"), ("{{ ukjent_variabel }}", "ukjent_variabel"),
                                       ("{{ seksjon.bakgrunn.tittel }}", "tittel")])
def test_unknown_variable_names_tag_and_place(report, tmp_path: Path, tag: str, name: str) -> None:
    path = _broken(tmp_path, tag)
    with pytest.raises(EkspertrapportError) as info:
        render_with_template(report, path, tmp_path / "ut.docx")
    message = info.value.message
    assert f"ukjent variabel «{name}»" in message and tag in message and "tabell 1, rad 2, celle 2" in message
    assert not (tmp_path / "ut.docx").exists()


@pytest.mark.parametrize("tag, shown", [("{{ arbeidsgiver.navn ", "{{ arbeidsgiver.navn"), ("{{ a b }}", "{{ a b }}"),
                                        ("{% for x in seksjoner %}", "{% for x in seksjoner %}"),
                                        ("{% endif %}", "{% endif %}")])
def test_syntax_errors_name_tag_and_place(report, tmp_path: Path, tag: str, shown: str) -> None:
    path = _broken(tmp_path, tag)
    with pytest.raises(EkspertrapportError) as info:
        render_with_template(report, path, tmp_path / "ut.docx")
    assert shown in info.value.message and "tabell 1, rad 2, celle 2" in info.value.message
    assert not (tmp_path / "ut.docx").exists()


def test_unknown_variable_in_body_paragraph(report, tmp_path: Path) -> None:
    path = _broken(tmp_path, "Hilsen {{ firma.navn }}", where="body")
    with pytest.raises(EkspertrapportError, match=r"«firma».*\{\{ firma.navn \}\}.*avsnitt \d+"):
        render_with_template(report, path, tmp_path / "ut.docx")


def test_template_without_the_report_parts_is_refused(report, tmp_path: Path) -> None:
    """A letterhead without tags (or with only a few) would give a «report» without its content."""
    plain = docx.Document()
    plain.add_paragraph("Fjordhelse BHT AS, Strandkaien 12")
    plain.save(str(tmp_path / "brevark.docx"))
    with pytest.raises(EkspertrapportError, match="ingen jinja2-tagger"):
        render_with_template(report, tmp_path / "brevark.docx", tmp_path / "ut.docx")
    plain.add_paragraph("{{ tittel }} for {{ arbeidsgiver.navn }}")
    plain.save(str(tmp_path / "bare-tittel.docx"))
    with pytest.raises(EkspertrapportError, match="setter ikke inn rapportens deler"):
        render_with_template(report, tmp_path / "bare-tittel.docx", tmp_path / "ut.docx")
    assert not (tmp_path / "ut.docx").exists()


def test_bad_template_files(report, tmp_path: Path) -> None:
    corrupt = tmp_path / "mal.docx"
    corrupt.write_bytes(b"ikke en mal")
    with pytest.raises(EkspertrapportError, match="ikke et Word-dokument"):
        render_with_template(report, corrupt, tmp_path / "ut.docx")
    docm = tmp_path / "mal.docm"
    docm.write_bytes(SAMPLE.read_bytes())
    with pytest.raises(EkspertrapportError, match="makroer"):
        render_with_template(report, docm, tmp_path / "ut.docx")


def test_sample_template_script_builds_a_working_template(report, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_provider_template", REPO / "samples" / "make_provider_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "mal.docx")
    out = render_with_template(report, built, tmp_path / "ut.docx")
    assert "Fjordhelse BHT AS" in _all_text(docx.Document(str(out)))


def test_render_report_with_template(report, tmp_path: Path) -> None:
    from ekspertrapport.render import render_report

    paths = render_report(report, tmp_path, "docx", template=SAMPLE)
    assert "Fjordhelse BHT AS" in _all_text(docx.Document(str(paths[0])))


def test_documented_variables_match_the_context(report) -> None:
    from ekspertrapport.render import RenderOptions
    from ekspertrapport.render.content import build_view
    from ekspertrapport.render.provider import build_context

    context = build_context(report, build_view(report, RenderOptions()), lambda blocks: None)
    doc = (REPO / "docs" / "leverandormal.md").read_text(encoding="utf-8")
    for name in context:
        assert f"`{name}" in doc, name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) er ikke installert")
def test_libreoffice_converts_rendered_template(report, tmp_path: Path) -> None:
    out = render_with_template(report, SAMPLE, tmp_path / "fjordhelse.docx")
    result = subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + str(tmp_path / "lo"),
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and (tmp_path / "fjordhelse.pdf").exists(), result.stderr


def test_word_template_dotx_is_accepted(report, tmp_path: Path) -> None:
    with zipfile.ZipFile(SAMPLE) as archive, zipfile.ZipFile(tmp_path / "mal.dotx", "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            out.writestr(info, data)
    out_path = render_with_template(report, tmp_path / "mal.dotx", tmp_path / "ut.docx")
    assert "Fjordhelse BHT AS" in _all_text(docx.Document(str(out_path)))


@pytest.mark.parametrize("tag, expected", [
    ("{{ seksjon.videre.overskrift }}", "mangler i denne rapporten"),  # optional part not in this report
    ("{{ seksjon.bakgrunn.innhold }}", "{{p"),  # formatted paragraphs need the p-tag
    ("{{ tiltak[5].hva }}", "no element 5"),
])
def test_other_template_mistakes_are_explained(report, tmp_path: Path, tag: str, expected: str) -> None:
    path = _broken(tmp_path, tag, where="body")
    with pytest.raises(EkspertrapportError) as info:
        render_with_template(report, path, tmp_path / "ut.docx")
    assert expected in info.value.message and not (tmp_path / "ut.docx").exists()
    if "tiltak[5]" not in tag:
        assert tag in info.value.message and "avsnitt" in info.value.message
