"""The engine: Python API, presidio wiring, overlaps, suppressions, configuration, rule files, offline."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.lint.config import LintConfig, find_config, read_config
from ekspertrapport.lint.finding import Finding, resolve_overlaps
from ekspertrapport.lint.rules import parse_rule_file

FNR = "01010012356"  # valid check digits


# -- public API ----------------------------------------------------------------------------------

def test_lint_text_api():
    import ekspertrapport

    findings = ekspertrapport.lint_text(f"Fødselsnummer {FNR}.")
    assert [(f.rule, f.text) for f in findings] == [("identity.fodselsnummer", FNR)]
    f = findings[0]
    assert isinstance(f, Finding) and f.category == "identity" and f.severity == "error"
    assert (f.line, f.column, f.start, f.end) == (1, 15, 14, 25)
    assert f.explanation and f.suggestion


def test_lint_text_nynorsk():
    import ekspertrapport

    [f] = ekspertrapport.lint_text(f"Fødselsnummer {FNR}.", malform="nn")
    assert f.message == "Fødselsnummer eller D-nummer skal ikkje stå i rapporten."


def test_linter_is_reusable_and_shares_the_pipeline(linter):
    from ekspertrapport.lint import Linter
    from ekspertrapport.lint.engine import shared_analyzer

    other = Linter()
    assert other.analyzer is linter.analyzer is shared_analyzer()
    for _ in range(3):
        assert len(other.lint_text(f"Nr {FNR}")) == 1


def test_registry_holds_only_our_recognizers(linter):
    analyzer = linter.analyzer
    modules = {type(r).__module__ for r in analyzer.registry.recognizers}
    assert all(m.startswith("ekspertrapport.lint.recognizers.") for m in modules)
    assert analyzer.supported_languages == ["nb", "nn"]
    assert "identity.fodselsnummer" in analyzer.get_supported_entities("nn")


def test_lint_document_offsets_index_the_file_text(linter, repo_root):
    path = repo_root / "tests/fixtures/lint/rapport-ok.md"
    text = path.read_text(encoding="utf-8").replace("siden januar.", f"siden januar. Nr {FNR}.")
    result = linter.lint_text(text)
    [f] = result
    assert text[f.start:f.end] == f.text == FNR


def test_guidance_comments_are_not_linted(linter):
    assert linter.lint_text(f"<!-- Skriv ikke fødselsnummer som {FNR} her. -->\nHei.") == []


def test_lemmas_come_from_spacy_lookups_data():
    from ekspertrapport.lint.nlp import build_pipeline

    doc = build_pipeline()("Smertene og legene gikk.")
    assert [t.lemma_ for t in doc] == ["smerte", "og", "lege", "gå", "."]


# -- speed work keeps results: spaCy's tokens, lemmas, masked text, presidio's results -------------

TOKENIZER_TEXTS = [
    "", " ", "  ", "\n", " Hei", "Hei ", "Hei  ", "a  b", "a \n b", "a\t\tb", "a\u00a0b", "\n\nHei der.\n\n",
    "F.eks. kl. 08.00, bl.a. ca. 3 000,50 kr, dvs. nr. 5; jf. s. 3 (f.eks.) f.eks./bl.a. f.eks .",
    "«Hun sa: NAV-veilederen kommer.» — 10–12 timer (ca. 50 %).",
    "Se https://www.nav.no/sykmeldt?x=1, eller post@nav.no. Tlf. +47 912 34 567.",
    "Kari Nordmann (f. 01.01.1980) og O'Brien's bil XD andelsnr 1.-2. mai",
]


def test_caching_tokenizer_gives_spacys_tokens():
    import spacy

    from ekspertrapport.lint.nlp import build_pipeline

    reference = spacy.blank("nb").tokenizer
    tokenizer = build_pipeline().tokenizer
    words = " ".join(TOKENIZER_TEXTS).split()
    texts = TOKENIZER_TEXTS + [" ".join(words[i:] + words[:i]) for i in range(0, len(words), 7)]
    for _ in range(2):  # cold chunks, then cached ones
        for text in texts:
            got = [(t.idx, t.text, t.whitespace_) for t in tokenizer(text)]
            assert got == [(t.idx, t.text, t.whitespace_) for t in reference(text)], text


def test_lemmas_are_the_same_when_cached():
    import spacy

    from ekspertrapport.lint.nlp import build_pipeline, lemmatize

    nlp = build_pipeline()
    text = "Smertene og legene gikk. SMERTENE gikk f.eks. 3 ganger, og legene: «gikk»."
    first = [(t.text, t.lemma_) for t in nlp(text)]
    assert first == [(t.text, t.lemma_) for t in nlp(text)]
    assert ("SMERTENE", "smerte") in first and ("3", "3") in first and ("«", "«") in first
    other = lemmatize(spacy.blank("nb")(text))  # a Doc from another vocabulary
    assert [(t.text, t.lemma_) for t in other] == first


def test_words_of_letters_skip_the_affix_rules_only_where_they_never_split_them():
    import random
    import re

    import spacy

    from ekspertrapport.lint.nlp import build_pipeline, letters_never_split

    reference = spacy.blank("nb").tokenizer
    assert letters_never_split(reference)
    assert build_pipeline().tokenizer.token_match is not None
    letters = [chr(c) for c in range(0x250) if chr(c).isalpha()] + list("αβγжщأبשדกขあ中文ßÆØÅæøåİı")
    rng = random.Random(5)
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    text = " ".join(words + ["xD", "XD", "kl", "km", "Km"])
    tokenizer = build_pipeline().tokenizer
    assert [t.text for t in tokenizer(text)] == [t.text for t in reference(text)]

    class Rules:  # a rule that can split a word of letters must be noticed
        prefix_search = infix_finditer = None

    for pattern, splits in [(r"(?<=a)b$", True), (r"\w+$", True), (r"[^x]$", True), (r"(?i)\.$", True),
                            (r"(?<=[0-9])km$", False), (r"\.\.+$", False), (r"(?<=[a-z])-(?=[a-z])", False)]:
        Rules.suffix_search = re.compile(pattern).search
        assert letters_never_split(Rules) is not splits, pattern


def test_masked_text_is_the_documents(repo_root):
    import random

    from ekspertrapport.document import Document, document_from_markdown, document_from_path
    from ekspertrapport.lint.engine import masked_text

    paths = sorted((repo_root / "tests/fixtures/lint").glob("*.md")) + sorted((repo_root / "samples").glob("*.md"))
    documents = [document_from_path(p) for p in paths] + [document_from_markdown("Hei <!-- x -->\npå\n\ndeg.")]
    rng = random.Random(3)
    text = "ab\ncd ef\n\ngh ij\nkl"
    for _ in range(200):  # unsorted, overlapping, empty and out-of-range regions
        regions = [tuple(sorted((rng.randint(0, len(text) + 2), rng.randint(0, len(text) + 2))))
                   for _ in range(rng.randint(0, 4))]
        documents.append(Document("<tekst>", text, "nb", regions, [], None, [], kind="text"))
    for document in documents:
        assert masked_text(document) == document.masked_text()


def test_artifacts_compute_offsets_and_lemmas_on_demand(linter):
    import json

    artifacts = linter.analyzer.nlp_engine.process_text("Legene gikk hjem.", "nb")
    assert artifacts.tokens_indices == [0, 7, 12, 16]
    assert artifacts.lemmas == ["lege", "gå", "hjem", "."]
    assert artifacts.keywords == [] and artifacts.entities == []
    assert json.loads(artifacts.to_json())["lemmas"] == artifacts.lemmas


def test_skipping_presidios_context_pass_changes_nothing(linter, repo_root):
    analyzer = linter.analyzer
    text = (repo_root / "samples/rapport-med-feil.md").read_text(encoding="utf-8")
    enhancer = analyzer.context_aware_enhancer

    def results():
        found = analyzer.analyze(text=text, language="nb", return_decision_process=True)
        return [(r.entity_type, r.start, r.end, r.score) for r in found]

    lean = results()
    enhancer.is_noop = False  # presidio's own pass
    try:
        full = results()
    finally:
        del enhancer.is_noop
    assert lean == full and lean


def test_context_is_set_during_a_lint(linter, monkeypatch):
    from ekspertrapport.lint import context
    from ekspertrapport.lint.recognizers import identity

    seen = []
    original = identity.EmailRecognizer.analyze

    def spy(self, text, entities, nlp_artifacts=None):
        seen.append(context.current())
        return original(self, text, entities, nlp_artifacts)

    monkeypatch.setattr(identity.EmailRecognizer, "analyze", spy)
    linter.lint_text("Hei.", malform="nn")
    assert seen and seen[0].malform == "nn" and not seen[0].full_report
    assert context.current().malform == "nb"  # reset afterwards


# -- overlaps ------------------------------------------------------------------------------------

def _f(rule, start, end, severity="error", text=None):
    return Finding(rule, rule.split(".")[0], severity, start, end, text or "x" * (end - start), "m")


def test_overlaps_keep_most_specific_and_merge_duplicates():
    kept = resolve_overlaps([
        _f("health.diagnosis", 0, 17), _f("health.symptom", 11, 17),        # contained, same category
        _f("health.symptom", 30, 35, "warning"), _f("health.diagnosis", 32, 40),  # higher severity wins
        _f("identity.person", 50, 55), _f("identity.person", 53, 60),       # same rule: merged
        _f("identity.person", 70, 75), _f("health.diagnosis", 72, 80),      # different categories: both
        _f("identity.person", 90, 95), _f("health.treatment", 90, 95),      # same span: both
        _f("identity.person", 101, 104), _f("health.treatment", 100, 110),  # strictly inside: dropped
    ])
    assert [(f.rule, f.start, f.end) for f in kept] == [
        ("health.diagnosis", 0, 17), ("health.diagnosis", 32, 40), ("identity.person", 50, 60),
        ("identity.person", 70, 75), ("health.diagnosis", 72, 80), ("health.treatment", 90, 95),
        ("identity.person", 90, 95), ("health.treatment", 100, 110)]
    assert kept[2].text == "x" * 10


def _resolve_overlaps_reference(findings):
    """resolve_overlaps as first written: every finding compared with every kept one."""
    from ekspertrapport.lint.finding import _merge, severity_rank

    ranked = sorted(findings, key=lambda f: (-severity_rank(f.severity), -(f.end - f.start), -f.score, f.start))
    kept = []
    for finding in ranked:
        keep = True
        for other in kept:
            if finding.start >= other.end or other.start >= finding.end:
                continue
            if other.rule == finding.rule:
                if finding.start < other.start or finding.end > other.end:
                    _merge(other, finding)
                keep = False
                break
            if other.category == finding.category:
                keep = False
                break
            if other.start <= finding.start and finding.end <= other.end and (finding.end - finding.start) < (other.end - other.start):
                keep = False
                break
        if keep:
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))


def test_overlaps_are_those_of_the_pairwise_comparison():
    import random

    rng = random.Random(4)
    rules = ["health.diagnosis", "health.symptom", "identity.person", "special-category.religion"]
    for _ in range(3000):
        spans = [(rng.choice(rules), s, s + rng.randint(0, 12), rng.choice(["info", "warning", "error"]),
                  rng.choice([0.7, 0.85, 1.0]), rng.choice([None, "a", "b"]))
                 for s in (rng.randint(0, 60) for _ in range(rng.randint(0, 25)))]

        def findings():
            return [Finding(r, r.split(".")[0], sev, s, e, "x" * (e - s), "m", explanation=why, score=score)
                    for r, s, e, sev, score, why in spans]

        fast, slow = resolve_overlaps(findings()), _resolve_overlaps_reference(findings())
        assert [(f.rule, f.start, f.end, f.text, f.explanation, f.severity) for f in fast] == \
            [(f.rule, f.start, f.end, f.text, f.explanation, f.severity) for f in slow]


# -- suppressions --------------------------------------------------------------------------------

def test_suppression_applies_to_next_paragraph_only(linter):
    text = (f"Første {FNR}.\n\n<!-- ekspertrapport: tillat identity.fodselsnummer -- arbeidstaker ba om det -->\n"
            f"Andre {FNR}\nsamme avsnitt {FNR}.\n\nTredje {FNR}.")
    findings = [f for f in linter.lint_text(text) if f.rule == "identity.fodselsnummer"]
    assert [f.suppressed for f in findings] == [False, True, True, False]
    assert findings[1].suppression_reason == "arbeidstaker ba om det"
    assert findings[1].to_json()["suppression_reason"] == "arbeidstaker ba om det"


def test_suppression_by_category_prefix(linter):
    findings = linter.lint_text(f"<!-- ekspertrapport: tillat identity, structure.invalid -- avtalt -->\nnr {FNR}.")
    assert [(f.rule, f.suppressed) for f in findings] == [("identity.fodselsnummer", True)]


@pytest.mark.parametrize(("comment", "message"), [
    ("<!-- ekspertrapport: tillat identity.fodselsnummer -->", "mangler begrunnelse"),
    ("<!-- ekspertrapport: tillat health.nonsense -- fordi -->", "ukjent regel-id «health.nonsense»"),
    ("<!-- ekspertrapport: ignorer alt -- fordi -->", "ugyldig ekspertrapport-kommentar"),
])
def test_bad_suppressions_are_errors(linter, comment, message):
    with pytest.raises(EkspertrapportError) as exc:
        linter.lint_text(f"Tekst.\n\n{comment}\nNr {FNR}.")
    assert message in exc.value.message and ":3:" in exc.value.message


# -- configuration -------------------------------------------------------------------------------

def test_config_disable_enable_and_severity(linter):
    text = f"Nr {FNR}, mobil 912 34 567, kari@gmail.com."
    rules = lambda config: sorted((f.rule, f.severity) for f in linter.lint_text(text, config=config))  # noqa: E731
    assert rules(LintConfig(disable=["identity"], enable=["identity.phone"])) == [("identity.phone", "error")]
    assert rules(LintConfig(severity={"identity": "warning", "identity.email": "info"})) == [
        ("identity.email", "info"), ("identity.fodselsnummer", "warning"), ("identity.phone", "warning")]


def test_config_file_discovery(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.ekspertrapport]\ndisable = ["style"]\nmax_words = 900\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    config = find_config(sub / "rapport.md")
    assert config.max_words == 900 and not config.is_enabled("style.length") and config.is_enabled("health.x")
    (tmp_path / "a" / "ekspertrapport.toml").write_text('fail_on = "warning"\n')
    from ekspertrapport.lint import config as config_module

    config_module._find_in.cache_clear()
    assert find_config(sub / "rapport.md").fail_on == "warning"
    assert find_config(tmp_path / "x.md").max_words == 900


@pytest.mark.parametrize(("content", "message"), [
    ("max_words = -3\n", "max_words: må være et positivt heltall"),
    ("disable = [\"helse\"]\n", "«helse» er ingen kjent regel"),
    ("[severity]\n\"identity\" = \"kritisk\"\n", "«kritisk» er ugyldig"),
    ("maxwords = 3\n", "maxwords: ukjent innstilling"),
    ("[lint]\n", "lint: ukjent innstilling"),
    ("disable = \"style\"\n", "disable: må være en liste"),
    ("[severity\n", "ugyldig TOML"),
])
def test_invalid_config_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "ekspertrapport.toml"
    path.write_text(content)
    with pytest.raises(EkspertrapportError) as exc:
        read_config(path)
    assert message in exc.value.message and str(path) in exc.value.message


# -- rule files ----------------------------------------------------------------------------------

GOOD = """
- id: health.x
  severity: error
  description: d
  message: {nb: a, nn: b}
  examples: {flag: [f], pass: [p]}
"""


@pytest.mark.parametrize(("name", "text", "message"), [
    ("health.yaml", GOOD.replace("severity: error", "severity: fatal"), "severity: ugyldig verdi"),
    ("health.yaml", GOOD.replace("  description: d\n", ""), "description: mangler"),
    ("health.yaml", GOOD + "  extra: 1\n", "extra: ukjent felt"),
    ("health.yaml", GOOD.replace("pass: [p]", "pass: []"), "examples.pass: er tom"),
    ("style.yaml", GOOD, "hører til kategorien «health»"),
    ("health.yaml", GOOD.replace("health.x", "Health X"), "ikke en gyldig regel-id"),
    ("health.yaml", "- id: [", "ikke gyldig YAML"),
])
def test_broken_rule_file_is_a_norwegian_error(name, text, message):
    with pytest.raises(EkspertrapportError) as exc:
        parse_rule_file(name, text)
    assert message in exc.value.message and name in exc.value.message


def test_good_rule_file_parses():
    [rule] = parse_rule_file("health.yaml", GOOD)
    assert rule.category == "health" and rule.message_for("nn") == "b" and rule.suggestion_for("nb") is None


# -- cheap imports and offline -------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["--help"], ["lint", "--help"]])
def test_import_and_help_are_cheap(args):
    code = textwrap.dedent(f"""
        import sys, contextlib, io, ekspertrapport, ekspertrapport.lint
        from ekspertrapport.cli import main
        if {args!r}:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
                main({args!r})
        print(sorted(m for m in ('presidio_analyzer', 'spacy', 'tldextract') if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


OFFLINE = textwrap.dedent("""
    import socket
    def refuse(*args, **kwargs):
        raise OSError("network access attempted")
    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse()
    socket.socket = NoSocket
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    import ekspertrapport
    findings = ekspertrapport.lint_text(
        "Fødselsnummer 01010012356, kari@gmail.com, se https://www.nav.no/skjema og bor i Storgata 12.")
    print(sorted(f.rule for f in findings))
""")


@pytest.mark.slow
def test_lint_is_offline_from_a_fresh_build(tmp_path):
    env = {**os.environ, "EKSPERTRAPPORT_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", OFFLINE], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rules = eval(proc.stdout.strip())  # noqa: S307 - our own subprocess output
    assert {"identity.fodselsnummer", "identity.email", "identity.address"} <= set(rules)
    assert list((tmp_path / "cache").glob("lemmas-nb-*.sqlite"))  # the lemma cache was built offline
