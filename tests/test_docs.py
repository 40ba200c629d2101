"""Every command has Norwegian help text and is documented in the README (sqlite-utils' test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ekspertrapport.cli import COMMANDS, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_and_is_in_readme(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) >= 3
    assert f"ekspertrapport {name}" in README, f"README mangler et eksempel på «ekspertrapport {name}»"


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_unknown_command_exits_2():
    result = CliRunner().invoke(main, ["finnesikke"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["render"], "mangler argumentet KILDE"),
        (["lint", "--bogus", "x"], "ukjent valg: --bogus"),
        (["finnesikke"], "ukjent kommando «finnesikke»"),
        (["check", "--format", "xml", "x"], "ugyldig verdi for"),
    ],
)
def test_usage_errors_are_norwegian_and_exit_2(args, expected):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "from ekspertrapport.cli import main; main()", *args],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Error:" not in result.stderr and "Usage:" not in result.stderr
