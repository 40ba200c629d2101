"""Atomic writes never leave half-written output, and exclusive writes never replace a file."""

from __future__ import annotations

import os

import pytest

from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.fileio import atomic_write_text, atomic_writer, ensure_writable_dir, read_text


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "ut.txt"
    atomic_write_text(target, "første")
    atomic_write_text(target, "andre")
    assert target.read_text(encoding="utf-8") == "andre"
    assert [p.name for p in tmp_path.iterdir()] == ["ut.txt"]


def test_failed_write_leaves_target_and_no_temp_file(tmp_path):
    target = tmp_path / "ut.txt"
    target.write_text("original", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as tmp:
            tmp.write_text("halvferdig", encoding="utf-8")
            raise RuntimeError("krasj midt i skrivingen")
    assert target.read_text(encoding="utf-8") == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["ut.txt"]


def test_exclusive_write_never_overwrites(tmp_path):
    target = tmp_path / "låst.pdf"
    target.write_bytes(b"godkjent")
    with pytest.raises(EkspertrapportError, match="overskriver den ikke"):
        atomic_write_text(target, "ny", exclusive=True)
    assert target.read_bytes() == b"godkjent"


def test_exclusive_write_detects_file_appearing_meanwhile(tmp_path):
    target = tmp_path / "ut.txt"
    with pytest.raises(EkspertrapportError, match="finnes allerede"):
        with atomic_writer(target, exclusive=True) as tmp:
            tmp.write_text("min", encoding="utf-8")
            target.write_text("noen andres", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "noen andres"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.txt"]


def test_read_text_strips_bom(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("\ufeffhei på deg".encode("utf-8"))
    assert read_text(path) == "hei på deg"


def test_output_dir_that_is_a_file(tmp_path):
    path = tmp_path / "fil"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(EkspertrapportError, match="ikke en mappe"):
        ensure_writable_dir(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root kan skrive i skrivebeskyttede mapper")
def test_output_dir_not_writable(tmp_path):
    locked = tmp_path / "låst"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(EkspertrapportError, match="skrivetilgang"):
            ensure_writable_dir(locked)
    finally:
        locked.chmod(0o700)
