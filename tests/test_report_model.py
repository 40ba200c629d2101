"""The report source format: valid sources load, every kind of invalid source names the problem and the line."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from ekspertrapport.errors import EkspertrapportError, ReportError
from ekspertrapport.report import Spor
from ekspertrapport.source.markdown import load_report, parse_markdown

VALID = textwrap.dedent(
    """\
    ---
    malform: nb
    arbeidsgiver:
      navn: Solsikken Barnehage AS
      orgnr: "974760673"
      leder: Per Leder
    arbeidstaker:
      navn: Kari Nordmann
      stilling: Pedagogisk leder
    ekspert:
      navn: Eva Ekspert
      kompetanse: Psykologspesialist i arbeids- og organisasjonspsykologi
      virksomhet: Eksempel BHT AS
      kontakt: eva@eksempel-bht.no
    nav:
      referanse: "2025/123456"
    periode:
      fra: 2025-03-14
      til: 2025-05-02
    ressursbruk:
      timer: 18
      kostnad: 21500
    tiltak:
      - hva: Faste oppfølgingssamtaler mellom leder og arbeidstaker annenhver uke
        ansvarlig: arbeidsgiver
        frist: 2025-06-01
        oppfolging: Evalueres i felles møte etter seks uker
        spor: samme-arbeid
      - hva: Prøve ut oppgaver i administrasjonen
        ansvarlig: begge
        frist: fra uke 23
        oppfolging: Vurderes i dialogmøte
        spor: annet-arbeid-samme-arbeidsgiver
    ---

    ## Bakgrunn og bestilling
    <!-- veiledning: skriv bestillingen -->
    Arbeidsgiver og arbeidstaker ba om hjelp til å finne ut hvordan **arbeidsdagen** kan organiseres.

    ## Gjennomføring
    - Oppstartsmøte med alle parter
    - Arbeidsplassvurdering

    ## Årsaker til sykefraværet
    Høyt tempo i garderobesituasjonene og lite tid til planlegging.

    ## Vurdering og anbefalinger
    Det er realistisk å komme tilbake i samme stilling med tilrettelegging.
    """
)


def write(tmp_path, text: str, name: str = "rapport.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(text: str) -> list[str]:
    return [str(p) for p in parse_markdown(text, "rapport.md").problems]


def replace(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def line_of(needle: str, text: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_valid_source_loads(tmp_path):
    report = load_report(write(tmp_path, VALID))
    assert report.malform == "nb"
    assert report.meta.arbeidsgiver.orgnr == "974760673"
    assert report.meta.periode.fra == date(2025, 3, 14)
    assert [s.key for s in report.ordered_sections()] == ["bakgrunn", "gjennomforing", "arsaker", "vurdering"]
    assert report.meta.tiltak[1].frist == "fra uke 23"
    assert [spor for spor, _ in report.measures_by_spor()] == [Spor.SAMME_ARBEID, Spor.ANNET_ARBEID]


def test_guidance_comments_are_not_content(tmp_path):
    report = load_report(write(tmp_path, VALID))
    assert "veiledning" not in report.section("bakgrunn").body
    assert report.section("bakgrunn").body.startswith("Arbeidsgiver og arbeidstaker")


def test_fingerprint_is_stable_and_content_sensitive(tmp_path):
    a = load_report(write(tmp_path, VALID, "a.md"))
    b = load_report(write(tmp_path, VALID.replace("\n\n## Gjennomføring", "\n\n\n## Gjennomføring"), "b.md"))
    c = load_report(write(tmp_path, VALID.replace("lite tid", "liten tid"), "c.md"))
    assert a.fingerprint() == b.fingerprint()  # whitespace around sections does not change the content
    assert a.fingerprint() != c.fingerprint()
    assert len(a.fingerprint()) == 64


def test_nynorsk_headings(tmp_path):
    text = (
        VALID.replace("malform: nb", "malform: nn")
        .replace("## Årsaker til sykefraværet", "## Årsaker til sjukefråværet")
        .replace("## Vurdering og anbefalinger", "## Vurdering og tilrådingar")
    )
    report = load_report(write(tmp_path, text))
    assert report.malform == "nn"
    assert report.section("arsaker").heading == "Årsaker til sjukefråværet"


def test_orgnr_int_in_yaml_is_accepted(tmp_path):
    report = load_report(write(tmp_path, replace('orgnr: "974760673"', "orgnr: 974760673")))
    assert report.meta.arbeidsgiver.orgnr == "974760673"


@pytest.mark.parametrize(
    ("old", "new", "expected", "line_needle"),
    [
        ('orgnr: "974760673"', 'orgnr: "97476067"',
         "arbeidsgiver.orgnr «97476067» er ikke et gyldig organisasjonsnummer (9 siffer med kontrollsiffer)", "orgnr:"),
        ('orgnr: "974760673"', 'orgnr: "974760674"', "ikke et gyldig organisasjonsnummer", "orgnr:"),
        ("til: 2025-05-02", "til: 2025-03-01", "periode: fra (2025-03-14) er etter til (2025-03-01)", "periode:"),
        ("fra: 2025-03-14", "fra: 14.03.2025", "periode.fra «14.03.2025» er ikke en gyldig dato", "fra:"),
        ("malform: nb", "malform: se", "malform «se» er ikke en gyldig verdi; bruk nb (bokmål) eller nn (nynorsk)", "malform:"),
        ("ansvarlig: arbeidsgiver", "ansvarlig: sjefen",
         "tiltak[1].ansvarlig «sjefen» er ikke en gyldig verdi; tillatte verdier: arbeidsgiver, arbeidstaker, begge, annen", "ansvarlig: sjefen"),
        ("spor: samme-arbeid", "spor: hjem", "tiltak[1].spor «hjem» er ikke en gyldig verdi", "spor: hjem"),
        ("  navn: Kari Nordmann\n", "", "arbeidstaker.navn mangler (påkrevd felt)", "arbeidstaker:"),
        ("  kompetanse: Psykologspesialist i arbeids- og organisasjonspsykologi\n", "", "ekspert.kompetanse mangler", "ekspert:"),
        ("malform: nb\n", "malform: nb\nfarge: blå\n", "ukjent felt «farge»", "farge:"),
        ("  timer: 18", "  timer: mange", "ressursbruk.timer «mange» må være et tall", "timer:"),
    ],
)
def test_invalid_fields_name_field_and_line(old, new, expected, line_needle):
    text = replace(old, new)
    problems = problems_of(text)
    matching = [p for p in problems if expected in p]
    assert matching, problems
    assert matching[0].startswith(f"rapport.md:{line_of(line_needle, text)}: ")


def test_no_measures_and_no_reason_is_rejected():
    start, end = VALID.index("tiltak:"), VALID.index("---\n\n##")
    text = VALID[:start] + VALID[end:]
    assert any("minst ett tiltak" in p for p in problems_of(text))
    text_with_reason = VALID[:start] + "ingen_tiltak_begrunnelse: Arbeidsforholdet er avsluttet.\n" + VALID[end:]
    assert problems_of(text_with_reason) == []


def test_malformed_yaml_gives_line():
    text = replace("  leder: Per Leder", "  leder: [Per Leder")
    problems = problems_of(text)
    assert len(problems) == 1
    assert "ugyldig YAML" in problems[0]
    line = int(problems[0].split(":")[1])
    assert abs(line - line_of("leder:", text)) <= 1


def test_missing_front_matter():
    body = VALID[VALID.index("## Bakgrunn"):]
    assert any("mangler front matter" in p and p.startswith("rapport.md:1:") for p in problems_of(body))


def test_unterminated_front_matter():
    text = VALID[: VALID.index("---\n\n##")]
    assert any("ikke avsluttet" in p for p in problems_of(text))


def test_missing_required_section_is_named():
    start = VALID.index("## Årsaker")
    end = VALID.index("## Vurdering")
    problems = problems_of(VALID[:start] + VALID[end:])
    assert any("delen «Årsaker til sykefraværet» mangler" in p for p in problems)


def test_section_with_only_guidance_is_empty():
    text = replace("Høyt tempo i garderobesituasjonene og lite tid til planlegging.", "<!-- skriv årsakene her -->")
    problems = problems_of(text)
    assert any("delen «Årsaker til sykefraværet» er tom" in p and p.startswith(f"rapport.md:{line_of('## Årsaker', text)}:")
               for p in problems), problems


def test_duplicate_section_and_measures_heading_are_problems():
    text = VALID + "\n## Gjennomføring\nMer.\n\n## Forslag til tiltak\nnoe\n"
    problems = problems_of(text)
    assert any("står to ganger" in p for p in problems)
    assert any("tiltakene skrives i front matter" in p for p in problems)


def test_every_problem_reported_at_once(tmp_path):
    text = replace('orgnr: "974760673"', 'orgnr: "123"').replace("spor: samme-arbeid", "spor: x")
    with pytest.raises(ReportError) as info:
        load_report(write(tmp_path, text))
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "filen er tom"),
        (b"   \n\n", "filen er tom"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binærfil"),
        ("---\nmalform: nb\narbeidsgiver: Bø\n".encode("latin-1"), "ikke gyldig UTF-8"),
    ],
)
def test_unreadable_content(tmp_path, content, expected):
    path = tmp_path / "rapport.md"
    path.write_bytes(content)
    with pytest.raises(EkspertrapportError, match=expected):
        load_report(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(EkspertrapportError, match="finnes ikke"):
        load_report(tmp_path / "mangler.md")
    with pytest.raises(EkspertrapportError, match="er en mappe"):
        load_report(tmp_path)


def test_windows_line_endings_give_the_same_report(tmp_path) -> None:
    """A source saved on Windows (\\r\\n) is the same report, with the same fingerprint."""
    unix = parse_markdown(VALID).report
    windows = parse_markdown(VALID.replace("\n", "\r\n")).report
    assert windows is not None
    assert [s.heading for s in windows.sections] == [s.heading for s in unix.sections]
    assert [s.body for s in windows.sections] == [s.body for s in unix.sections]
    assert windows.fingerprint() == unix.fingerprint()
    path = tmp_path / "rapport.md"
    path.write_bytes(VALID.replace("\n", "\r\n").encode("utf-8"))
    assert load_report(path).fingerprint() == unix.fingerprint()


def test_template_placeholders_left_in_are_problems():
    text = replace("  navn: Kari Nordmann", '  navn: "Fyll inn"').replace(
        "    oppfolging: Vurderes i dialogmøte", '    oppfolging: "[Fyll inn]"')
    problems = problems_of(text)
    line = line_of('navn: "Fyll inn"', text)
    assert f"rapport.md:{line}: arbeidstaker.navn er ikke fylt inn (det står fortsatt «Fyll inn»)" in problems
    assert any(p.startswith(f"rapport.md:{line_of('[Fyll inn]', text)}: tiltak[2].oppfolging er ikke fylt inn") for p in problems)


def test_freshly_scaffolded_report_names_every_unfilled_field(tmp_path):
    from ekspertrapport.scaffold import write_new_report

    path = write_new_report(tmp_path / "ny.md")
    problems = [str(p) for p in parse_markdown(path.read_text(encoding="utf-8"), "ny.md").problems]
    for field in ("arbeidsgiver.navn", "arbeidstaker.navn", "ekspert.navn", "tiltak[1].hva"):
        assert any(f"{field} er ikke fylt inn" in p for p in problems), field
    assert any("delen «Gjennomføring» er tom" in p for p in problems)
