"""Property: changing any part of a locked file or its manifest is detected by ``verify``.

One locked folder is made per module; each example copies it, changes one file (flip, replace,
insert or delete bytes anywhere) and checks that verification no longer says «gyldig».
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lock_helpers import CleanLinter, copy_source

from ekspertrapport.lock import keys
from ekspertrapport.lock.approve import approve_report
from ekspertrapport.lock.manifest import MANIFEST_NAME
from ekspertrapport.lock.verify import verify_file

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop")
    key = keys.create_key("Eva Ekspert", "Eksempel BHT AS")
    source = copy_source(root / "kilde")
    outcome = approve_report(source, by="Kari Nordmann", method="digital", out_dir=root / "ut",
                             approval_date="2025-05-12", key=key, linter=CleanLinter())
    return outcome.out_dir


@pytest.fixture(scope="module")
def originals(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@st.composite
def edits(draw, size: int):
    """(kind, position, payload) for a file of ``size`` bytes."""
    kind = draw(st.sampled_from(["flip", "replace", "insert", "delete"]))
    position = draw(st.integers(0, size - 1))
    if kind == "flip":
        return kind, position, draw(st.integers(1, 255))
    if kind == "replace":
        return kind, position, draw(st.binary(min_size=1, max_size=8))
    if kind == "insert":
        return kind, position, draw(st.binary(min_size=1, max_size=8))
    return kind, position, draw(st.integers(1, 16))


def apply(data: bytes, edit) -> bytes:
    kind, pos, arg = edit
    out = bytearray(data)
    if kind == "flip":
        out[pos] ^= arg
    elif kind == "replace":
        out[pos:pos + len(arg)] = arg
    elif kind == "insert":
        out[pos:pos] = arg
    else:
        del out[pos:pos + arg]
    return bytes(out)


def _check(folder: Path, originals: dict[str, bytes], name: str, verify_name: str, data) -> None:
    edit = data.draw(edits(len(originals[name])))
    changed = apply(originals[name], edit)
    if changed == originals[name]:
        return  # «replace» with the same bytes changes nothing
    target = folder / name
    try:
        target.write_bytes(changed)
        result = verify_file(folder / verify_name)
        assert not result.valid, (name, edit)
    finally:
        target.write_bytes(originals[name])


def _name(originals, suffix: str, recipient: str = "") -> str:
    return next(n for n in originals if n.endswith(suffix) and recipient in n)


@SETTINGS
@given(data=st.data())
def test_any_change_to_a_locked_pdf_is_detected(folder, originals, data):
    name = _name(originals, ".pdf", data.draw(st.sampled_from(["arbeidstaker", "arbeidsgiver", "nav"])))
    _check(folder, originals, name, name, data)


@SETTINGS
@given(data=st.data())
def test_any_change_to_the_manifest_is_detected(folder, originals, data):
    _check(folder, originals, MANIFEST_NAME, MANIFEST_NAME, data)


@SETTINGS
@given(data=st.data())
def test_any_change_to_the_word_copy_is_detected(folder, originals, data):
    name = _name(originals, ".docx")
    _check(folder, originals, name, name, data)


def test_untouched_folder_verifies(folder, originals):
    for name in originals:
        assert verify_file(folder / name).valid, name
