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
