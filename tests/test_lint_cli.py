"""``ekspertrapport lint``: formats, exit codes, multi-file runs, bad input, configuration."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from ekspertrapport.cli import main

FNR = "01010012356"


@pytest.fixture
def run(linter):  # the session linter makes sure the pipeline is loaded once
    def invoke(*args: str):
        return CliRunner().invoke(main, ["lint", *args])

    return invoke


@pytest.fixture
def files(tmp_path, repo_root):
    (tmp_path / "ren.txt").write_text("Arbeidstaker trenger en stille arbeidsplass.\n", encoding="utf-8")
    (tmp_path / "fnr.txt").write_text(f"Nr {FNR}.\n", encoding="utf-8")
    shutil.copy(repo_root / "tests/fixtures/lint/measure-incomplete.md", tmp_path / "tiltak.md")
    (tmp_path / "tom.md").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("blåbær".encode("latin-1"))
    (tmp_path / "binær.txt").write_bytes(b"\x00\x01\x02")
    return tmp_path


def test_clean_file_exits_0(run, files):
    result = run(str(files / "ren.txt"))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ingen funn")


def test_error_finding_exits_1(run, files):
    result = run(str(files / "fnr.txt"))
    assert result.exit_code == 1
    assert f"fnr.txt:1:4: error identity.fodselsnummer" in result.output


def test_fail_on_levels(run, files):
    path = str(files / "tiltak.md")  # one warning
    assert run(path).exit_code == 0
    assert run(path, "--fail-on", "warning").exit_code == 1
    assert run(path, "--fail-on", "info").exit_code == 1


def test_json_output_for_several_files(run, files):
    import jsonschema

    from test_lint_formatters import CONTRACT

    result = run("--format", "json", str(files / "ren.txt"), str(files / "fnr.txt"), str(files / "tiltak.md"))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    jsonschema.validate(data, CONTRACT)
    assert data["files"][2]["findings"][0]["rule"] == "structure.measure-incomplete"
    data["files"].pop()
    assert [len(f["findings"]) for f in data["files"]] == [0, 1]


def test_sarif_output(run, files):
    result = run("--format", "sarif", str(files / "fnr.txt"))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["runs"][0]["results"][0]["ruleId"] == "identity.fodselsnummer"


@pytest.mark.parametrize(("name", "message"), [
    ("finnes-ikke.md", "filen finnes ikke"),
    ("tom.md", "filen er tom"),
    ("latin1.txt", "ikke gyldig UTF-8"),
    ("binær.txt", "binærfil"),
    (".", "er en mappe"),
])
def test_bad_input_is_reported_and_others_still_linted(run, files, name, message):
    result = run("--format", "json", str(files / "fnr.txt"), str(files / name), str(files / "ren.txt"))
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("feil: ")
    data = json.loads(result.stdout)
    assert [len(f["findings"]) for f in data["files"]] == [1, 0, 0]
    assert message in data["files"][1]["error"]


def test_bad_input_in_text_mode(run, files):
    result = run(str(files / "tom.md"), str(files / "fnr.txt"))
    assert result.exit_code == 2
    assert "identity.fodselsnummer" in result.stdout and "filen er tom" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xml"], "ugyldig verdi «xml» for --format"),
    (["--fail-on", "kritisk"], "ugyldig verdi «kritisk» for --fail-on"),
    (["--malform", "se"], "ugyldig verdi «se» for --malform"),
    (["--annotate", "ut.docx"], "--annotate kan bare brukes med én .docx-fil"),
])
def test_bad_arguments_exit_2(run, files, args, message):
    result = run(*args, str(files / "ren.txt"))
    assert result.exit_code == 2 and message in result.stderr


def test_unknown_suppression_rule_is_exit_2(run, files):
    path = files / "tillat.txt"
    path.write_text(f"<!-- ekspertrapport: tillat identity.fnr -- fordi -->\nNr {FNR}.\n", encoding="utf-8")
    result = run(str(path), str(files / "fnr.txt"))
    assert result.exit_code == 2
    assert "ukjent regel-id «identity.fnr»" in result.stderr and "fnr.txt:1:4" in result.stdout


def test_config_from_the_input_directory(run, files):
    (files / "ekspertrapport.toml").write_text('fail_on = "warning"\n[severity]\n"identity" = "info"\n')
    assert run(str(files / "tiltak.md")).exit_code == 1  # fail_on from the config
    result = run(str(files / "fnr.txt"), "--fail-on", "error")
    assert result.exit_code == 0 and "info identity.fodselsnummer" in result.output


def test_explicit_config_and_invalid_config(run, files, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('disable = ["identity"]\n')
    assert run("--config", str(good), str(files / "fnr.txt")).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("max_words = 'mange'\n")
    result = run("--config", str(bad), str(files / "fnr.txt"))
    assert result.exit_code == 2 and "ugyldig konfigurasjon" in result.stderr and "max_words" in result.stderr


def test_malform_option(run, files):
    result = run("--malform", "nn", str(files / "fnr.txt"))
    assert "skal ikkje stå i rapporten" in result.output and "framlegg:" in result.output


def test_annotate_single_docx(run, files):
    docx = pytest.importorskip("docx")
    pytest.importorskip("ekspertrapport.lint.formatters.docx_comments")
    source = docx.Document()
    source.add_paragraph(f"Arbeidstaker oppga fødselsnummer {FNR} i møtet.")
    source.save(files / "notat.docx")
    result = run("--annotate", str(files / "kommentert.docx"), str(files / "notat.docx"))
    assert result.exit_code == 1, result.output
    assert "identity.fodselsnummer" in result.output and (files / "kommentert.docx").exists()
    assert run("--annotate", str(files / "x.docx"), str(files / "notat.docx"), str(files / "ren.txt")).exit_code == 2


def test_help_is_norwegian(run):
    result = CliRunner().invoke(main, ["lint", "--help"])
    assert result.exit_code == 0 and "Avslutningskoder" in result.output and "--fail-on" in result.output


def test_internal_error_in_one_file_does_not_stop_the_others(run, files, monkeypatch):
    from ekspertrapport.lint.engine import Linter

    original = Linter.lint_document

    def flaky(self, document, **kwargs):
        if document.path.endswith("ren.txt"):
            raise RuntimeError("boom")
        return original(self, document, **kwargs)

    monkeypatch.setattr(Linter, "lint_document", flaky)
    result = run("--format", "json", str(files / "ren.txt"), str(files / "fnr.txt"))
    assert result.exit_code == 2 and "intern feil under sjekken (RuntimeError: boom)" in result.stderr
    assert [len(f["findings"]) for f in json.loads(result.stdout)["files"]] == [0, 1]
