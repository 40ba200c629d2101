"""Worker approval that locks the report: keys, approve, verify, revise, the audit log (issue 5).

Keys are made once per session in a temporary config dir; most tests lint with a stub linter (they
are about locking), the tests about refusal and the clean sample use the real one.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest
from click.testing import CliRunner
from lock_helpers import REMARKS, CleanLinter, copy_source, tree_snapshot

from ekspertrapport.cli import main
from ekspertrapport.errors import EkspertrapportError, LockedError
from ekspertrapport.lock import audit, keys
from ekspertrapport.lock.approve import ApprovalRefused, approve_report, revise_report
from ekspertrapport.lock.manifest import MANIFEST_NAME
from ekspertrapport.lock.payload import read_locked_payload
from ekspertrapport.lock.state import audit_path, load_state, state_dir
from ekspertrapport.lock.verify import verify_file

# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def lock_env(tmp_path_factory):
    """A config dir with the expert's key (passphrase protected), made once."""
    root = tmp_path_factory.mktemp("lock")
    config = root / "config"
    passphrase_file = root / "passord.txt"
    passphrase_file.write_text("hemmelig passord\n", encoding="utf-8")
    key = keys.init_key("Eva Ekspert", "Eksempel BHT AS", passphrase=b"hemmelig passord", path=config / "keys" / "ekspert.p12")
    pem = root / "eva.pem"
    pem.write_text(keys.certificate_pem(key), encoding="ascii")
    other = keys.create_key("Mallory", "Annen AS")
    other_pem = root / "mallory.pem"
    other_pem.write_text(keys.certificate_pem(other), encoding="ascii")
    return SimpleNamespace(root=root, config=config, key=key, passphrase_file=passphrase_file, pem=pem,
                           other_pem=other_pem)


@pytest.fixture
def config_env(lock_env, monkeypatch):
    monkeypatch.setenv("EKSPERTRAPPORT_CONFIG_DIR", str(lock_env.config))
    return lock_env


def _approve(lock_env, directory: Path, **kwargs):
    source = kwargs.pop("source", None) or copy_source(directory / "kilde")
    kwargs.setdefault("by", "Kari Nordmann")
    kwargs.setdefault("method", "e-post")
    kwargs.setdefault("out_dir", directory / "ut")
    kwargs.setdefault("approval_date", "2025-05-12")
    kwargs.setdefault("key", lock_env.key)
    kwargs.setdefault("linter", CleanLinter())
    return source, approve_report(source, **kwargs)


@pytest.fixture(scope="session")
def locked(lock_env, tmp_path_factory):
    """One approved report with remarks (not shared): the locked folder, read-only for the tests."""
    root = tmp_path_factory.mktemp("locked")
    source, outcome = _approve(lock_env, root, remarks_file=REMARKS)
    by_name = {p.name: p for p in outcome.files}
    pdfs = {r: next(p for p in outcome.files if p.name.endswith(f"-{r}.pdf")) for r in ("arbeidstaker", "arbeidsgiver", "nav")}
    docx = next(p for p in outcome.files if p.suffix == ".docx")
    return SimpleNamespace(source=source, outcome=outcome, out=outcome.out_dir, pdfs=pdfs, docx=docx,
                           manifest=outcome.manifest, files=by_name)


@pytest.fixture
def health_linter(linter):
    """The real linter, once it flags a diagnosis as an error (skip with the reason until then)."""
    findings = linter.lint_text("Hun har fått diagnosen depresjon (F32.1).")
    if not any(f.severity == "error" and f.rule.startswith("health") and not f.suppressed for f in findings):
        pytest.skip("lint-motoren flagger ikke diagnoser som feil ennå (helsereglene er ikke på plass)")
    return linter


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _copy_folder(locked, tmp_path: Path) -> Path:
    target = tmp_path / "kopi"
    shutil.copytree(locked.out, target)
    return target


# --- keys ---------------------------------------------------------------------------------------------


def test_keys_init_stores_private_key_and_show_prints_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setenv("EKSPERTRAPPORT_CONFIG_DIR", str(tmp_path / "cfg"))
    result = run("keys", "init", "--name", "Eva Ekspert", "--org", "Eksempel BHT AS")
    assert result.exit_code == 0, result.output
    path = tmp_path / "cfg" / "keys" / "ekspert.p12"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    key = keys.load_key()
    assert key.common_name == "Eva Ekspert" and key.organisation == "Eksempel BHT AS"
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = key.certificate
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "NO"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_encipherment
    assert timedelta(days=3 * 365 - 1) < cert.not_valid_after_utc - cert.not_valid_before_utc < timedelta(days=3 * 365 + 1)
    shown = run("keys", "show")
    assert shown.exit_code == 0 and key.cert_sha256 in shown.output and "selvutstedt" in shown.output
    again = run("keys", "init", "--name", "Eva Ekspert", "--org", "Eksempel BHT AS")
    assert again.exit_code == 2 and "overskriver den ikke" in again.output
    assert keys.load_key().cert_sha256 == key.cert_sha256  # untouched


def test_rsa_key_signs_and_verifies(tmp_path):
    key = keys.create_key("Eva Ekspert", "Eksempel BHT AS", algorithm="rsa")
    assert key.describe()["key"] == "RSA-3072"
    from reportlab.pdfgen import canvas

    from ekspertrapport.lock.sign import certify_pdf

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Hei")
    c.save()
    (tmp_path / "a.pdf").write_bytes(certify_pdf(buf.getvalue(), key))
    result = verify_file(tmp_path / "a.pdf")
    # Signature checks pass; the file is not a locked report (no payload), so it is still invalid.
    assert result.checks["intact"] and result.checks["signature_valid"] and result.checks["certified_no_changes"]
    assert result.checks["payload"] is False and not result.valid


def _write_p12(path: Path, key: keys.SigningKey, passphrase: bytes | None = None) -> Path:
    path.write_bytes(keys.to_pkcs12(key, passphrase))
    return path


def _two_key_p12(path: Path) -> Path:
    from asn1crypto import cms
    from asn1crypto import pkcs12 as asn1_pkcs12

    a, b = keys.create_key("A", "B"), keys.create_key("C", "D")
    infos = [*asn1_pkcs12.Pfx.load(keys.to_pkcs12(a, None)).authenticated_safe,
             *asn1_pkcs12.Pfx.load(keys.to_pkcs12(b, None)).authenticated_safe]
    auth = asn1_pkcs12.AuthenticatedSafe(infos)
    pfx = asn1_pkcs12.Pfx({"version": 3, "auth_safe": cms.ContentInfo({"content_type": "data", "content": auth.dump()})})
    path.write_bytes(pfx.dump())
    return path


def _bad_keys(tmp_path: Path, lock_env) -> dict[str, tuple[list[str], str]]:
    """name → (extra approve arguments, expected Norwegian message part)."""
    now = datetime.now(UTC)
    expired = _write_p12(tmp_path / "utlopt.p12", keys.create_key("Eva", "Org", now=now - timedelta(days=4 * 365)))
    future = _write_p12(tmp_path / "fremtid.p12", keys.create_key("Eva", "Org", now=now + timedelta(days=30)))
    corrupt = tmp_path / "skadet.p12"
    corrupt.write_bytes(b"\x30\x82\x01\x00 ikke pkcs12" * 5)
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12

    cert_only = tmp_path / "bare-sertifikat.p12"
    cert_only.write_bytes(pkcs12.serialize_key_and_certificates(b"x", None, lock_env.key.certificate, None, NoEncryption()))
    wrong = tmp_path / "feil-passord.txt"
    wrong.write_text("feil\n", encoding="utf-8")
    default = str(lock_env.config / "keys" / "ekspert.p12")
    return {
        "wrong passphrase": (["--key", default, "--passphrase-file", str(wrong)], "feil passord"),
        "no passphrase": (["--key", default], "beskyttet med passord"),
        "corrupt": (["--key", str(corrupt)], "ikke en gyldig PKCS#12-fil"),
        "expired": (["--key", str(expired)], "utløp"),
        "not yet valid": (["--key", str(future)], "ikke gyldig før"),
        "two keys": (["--key", str(_two_key_p12(tmp_path / "to.p12"))], "2 private nøkler"),
        "no key": (["--key", str(cert_only)], "ingen privat nøkkel"),
        "missing file": (["--key", str(tmp_path / "finnes-ikke.p12")], "finnes ikke"),
    }


def test_every_bad_key_is_exit_2_in_norwegian_and_nothing_is_written(tmp_path, config_env):
    source = copy_source(tmp_path / "kilde")
    before = tree_snapshot(tmp_path / "kilde")
    for name, (args, expected) in _bad_keys(tmp_path, config_env).items():
        out = tmp_path / f"ut-{name.replace(' ', '-')}"
        result = run("approve", source, "--by", "Kari Nordmann", "--method", "e-post", "--out", out, *args)
        assert result.exit_code == 2, (name, result.output)
        assert result.output.startswith("feil:") and expected in result.output, (name, result.output)
        assert not out.exists(), name
    assert tree_snapshot(tmp_path / "kilde") == before  # no state folder, no log


def test_missing_key_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("EKSPERTRAPPORT_CONFIG_DIR", str(tmp_path / "tom"))
    source = copy_source(tmp_path / "kilde")
    result = run("approve", source, "--by", "Kari Nordmann", "--method", "e-post", "--out", tmp_path / "ut")
    assert result.exit_code == 2
    assert "ekspertrapport keys init --name" in result.output and "--key" in result.output
    assert not (tmp_path / "ut").exists()


# --- approve --------------------------------------------------------------------------------------------


def test_report_with_a_diagnosis_is_refused(tmp_path, lock_env, health_linter):
    linter = health_linter
    source = copy_source(tmp_path / "kilde")
    text = source.read_text(encoding="utf-8").replace(
        "lite tid til planlegging.", "lite tid til planlegging. Hun har fått diagnosen depresjon (F32.1).")
    source.write_text(text, encoding="utf-8")
    with pytest.raises(ApprovalRefused) as refused:
        _approve(lock_env, tmp_path, source=source, linter=linter)
    assert refused.value.exit_status == 1
    assert any(f.category == "health" or f.rule.startswith("health") for f in refused.value.findings)
    assert "kan ikke godkjennes" in refused.value.message
    assert not (tmp_path / "ut").exists()
    entries = audit.verify_chain(audit_path(source)).entries
    assert [e["event"] for e in entries] == ["lint", "refusal"]
    assert "depresjon" not in audit_path(source).read_text(encoding="utf-8")  # rule ids, never the text
    assert load_state(source).current.status == "open"


def test_refusal_via_cli_is_exit_1_listing_findings(tmp_path, config_env, health_linter):
    source = copy_source(tmp_path / "kilde")
    text = source.read_text(encoding="utf-8").replace("lite tid til planlegging.", "lite tid til planlegging. Diagnose: F32.1.")
    source.write_text(text, encoding="utf-8")
    result = run("approve", source, "--by", "Kari Nordmann", "--method", "e-post", "--out", tmp_path / "ut",
                 "--passphrase-file", config_env.passphrase_file)
    assert result.exit_code == 1, result.output
    assert "rapport.md:" in result.output and "[health." in result.output
    assert not (tmp_path / "ut").exists()


def test_clean_sample_is_approved_with_the_real_linter(tmp_path, lock_env, linter):
    _, outcome = _approve(lock_env, tmp_path, linter=linter)
    assert len([p for p in outcome.files if p.suffix == ".pdf"]) == 3
    assert outcome.lint["errors"] == 0


def test_suppressions_are_recorded_with_their_reasons(tmp_path, lock_env, health_linter):
    linter = health_linter
    source = copy_source(tmp_path / "kilde")
    text = source.read_text(encoding="utf-8").replace(
        "Fraværet henger sammen",
        "<!-- ekspertrapport: tillat health -- arbeidstaker ba selv om at søvnvansker nevnes -->\n"
        "Arbeidstaker har hatt søvnvansker.\n\nFraværet henger sammen")
    source.write_text(text, encoding="utf-8")
    _, outcome = _approve(lock_env, tmp_path, source=source, linter=linter)
    assert len([p for p in outcome.files if p.suffix == ".pdf"]) == 3
    assert outcome.seconds < 30
    events = [e for e in audit.verify_chain(audit_path(source)).entries]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "lint" and "approval" in kinds and "lock" in kinds and "verification" in kinds
    suppressions = [e["data"] for e in events if e["event"] == "suppression"]
    assert suppressions and all(s["reason"] == "arbeidstaker ba selv om at søvnvansker nevnes" for s in suppressions)


def test_three_signed_pdfs_certified_no_changes_covering_the_whole_file(locked, lock_env):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(lock_env.key.cert_der)
    for recipient, path in locked.pdfs.items():
        with path.open("rb") as handle:
            reader = PdfFileReader(handle)
            (sig,) = reader.embedded_signatures
            status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))
            assert status.intact and status.valid and status.trusted, recipient
            assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            assert status.modification_level == ModificationLevel.NONE and status.docmdp_ok
            assert sig.docmdp_level == MDPPerm.NO_CHANGES
            assert str(sig.sig_object["/Reason"]) == "Godkjent av arbeidstaker, låst av ekspertrapport"
            assert sig.self_reported_timestamp is not None
        meta = pypdf.PdfReader(path).metadata
        assert meta["/EkspertrapportFingeravtrykk"] == locked.outcome.fingerprint
        assert meta["/EkspertrapportMottaker"] == recipient and meta["/EkspertrapportVersjon"] == "1"
        last_page = pypdf.PdfReader(path).pages[-1].extract_text()
        assert locked.outcome.fingerprint in last_page.replace("\n", "")


def test_recipient_marks_approval_and_remarks_appendix(locked):
    texts = {r: "\n".join(page.extract_text() for page in pypdf.PdfReader(p).pages) for r, p in locked.pdfs.items()}
    assert "Kopi til NAV" in texts["nav"] and "Kopi til arbeidsgiver" in texts["arbeidsgiver"]
    for text in texts.values():
        assert "Arbeidstakers godkjenning" in text and "Kari Nordmann" in text
        assert "ingen innvendinger" not in text  # the worker has remarks: no «no objections» statement
    assert "opplæringsansvaret var den viktigste" in texts["arbeidstaker"]
    assert "opplæringsansvaret var den viktigste" not in texts["arbeidsgiver"]
    assert "opplæringsansvaret var den viktigste" not in texts["nav"]
    # Nor in the machine-readable payload, the manifest or the Word copy of those who may not see them.
    assert read_locked_payload(locked.pdfs["arbeidstaker"])["approval"]["remarks"]
    assert read_locked_payload(locked.pdfs["nav"])["approval"]["remarks"] is None
    assert "opplæringsansvaret" not in locked.manifest.read_text(encoding="utf-8")
    with zipfile.ZipFile(locked.docx) as archive:
        assert not any("opplæringsansvaret" in archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_shared_remarks_go_to_every_copy(tmp_path, lock_env):
    _, outcome = _approve(lock_env, tmp_path, remarks_file=REMARKS, share_remarks=True)
    for path in outcome.files:
        if path.suffix == ".pdf":
            text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
            assert "opplæringsansvaret var den viktigste" in text, path.name


def test_standard_statement_in_both_malformer(tmp_path, lock_env):
    _, outcome = _approve(lock_env, tmp_path / "nb")
    assert outcome.approval.statement == "Arbeidstaker har lest gjennom rapporten og har ingen innvendinger til innhold."
    source = copy_source(tmp_path / "nn" / "kilde")
    source.write_text(source.read_text(encoding="utf-8").replace("malform: nb", "malform: nn")
                      .replace("Årsaker til sykefraværet", "Årsaker til sjukefråværet")
                      .replace("Vurdering og anbefalinger", "Vurdering og tilrådingar"), encoding="utf-8")
    _, outcome = _approve(lock_env, tmp_path / "nn", source=source)
    assert outcome.approval.statement == "Arbeidstakaren har lese gjennom rapporten og har ingen innvendingar til innhaldet."
    nav = next(p for p in outcome.files if p.name.endswith("-nav.pdf"))
    assert "Arbeidstakaren si godkjenning" in "\n".join(p.extract_text() for p in pypdf.PdfReader(nav).pages)


def test_docx_copy_is_read_only_with_fingerprint_properties(locked):
    from ekspertrapport.lock.docx import read_docx_lock

    properties, read_only = read_docx_lock(locked.docx.read_bytes(), str(locked.docx))
    assert read_only
    assert properties["EkspertrapportFingeravtrykk"] == locked.outcome.fingerprint
    assert properties["EkspertrapportVersjon"] == "1" and properties["EkspertrapportGodkjentAv"] == "Kari Nordmann"
    with zipfile.ZipFile(locked.docx) as archive:
        settings = archive.read("word/settings.xml").decode("utf-8")
        assert 'w:documentProtection w:edit="readOnly" w:enforcement="1"' in settings
        assert "docProps/custom.xml" in archive.read("[Content_Types].xml").decode("utf-8")
    import docx

    assert docx.Document(str(locked.docx)).paragraphs  # still opens


def test_manifest_lists_every_file_with_its_hash(locked, lock_env):
    manifest = json.loads(locked.manifest.read_text(encoding="utf-8"))
    assert manifest["version"] == 1 and manifest["fingerprint"] == locked.outcome.fingerprint
    assert manifest["signer"]["certificate_sha256"] == lock_env.key.cert_sha256
    assert manifest["recipients"] == ["arbeidsgiver", "arbeidstaker", "nav"]
    assert manifest["approval"]["by"] == "Kari Nordmann" and manifest["approval"]["has_remarks"] is True
    assert manifest["tool_version"]
    for entry in manifest["files"]:
        assert hashlib.sha256((locked.out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert len(manifest["files"]) == 4
    assert sorted(p.name for p in locked.out.iterdir()) == sorted([*(e["name"] for e in manifest["files"]), MANIFEST_NAME])


def test_read_locked_payload_gives_measures(locked):
    payload = read_locked_payload(locked.pdfs["nav"])
    assert payload["recipient"] == "nav" and payload["version"] == 1
    assert len(payload["content"]["meta"]["tiltak"]) == 2
    assert hashlib.sha256(payload["canonical_content"].encode("utf-8")).hexdigest() == payload["fingerprint"]


# --- verify -----------------------------------------------------------------------------------------------


def test_verify_passes_untouched_copies(locked, lock_env):
    result = run("verify", *sorted(locked.out.iterdir()))
    assert result.exit_code == 0, result.output
    assert "GYLDIG" in result.output and "ikke klarert" in result.output and "Kari Nordmann" in result.output
    trusted = run("verify", locked.pdfs["nav"], "--trust", lock_env.pem, "--format", "json")
    assert trusted.exit_code == 0
    data = json.loads(trusted.output)
    (entry,) = data["results"]
    assert entry["details"]["trusted"] is True and entry["details"]["recipient"] == "nav"
    assert entry["details"]["approval"]["by"] == "Kari Nordmann" and entry["details"]["version"] == 1
    assert all(entry["checks"].values())
    other = run("verify", locked.pdfs["nav"], "--trust", lock_env.other_pem)
    assert other.exit_code == 1 and "ikke klarert" in other.output


def _pypdf_rewrite(src: Path, dst: Path, change) -> Path:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(src))
    change(writer)
    with dst.open("wb") as handle:
        writer.write(handle)
    return dst


@pytest.mark.parametrize("case", ["rewritten", "added page", "changed metadata", "incremental update", "flipped byte",
                                  "flipped signature byte", "truncated"])
def test_verify_fails_changed_pdf(locked, tmp_path, case):
    src = locked.pdfs["arbeidsgiver"]
    dst = tmp_path / "endret.pdf"
    data = bytearray(src.read_bytes())
    if case == "rewritten":
        _pypdf_rewrite(src, dst, lambda w: None)
    elif case == "added page":
        _pypdf_rewrite(src, dst, lambda w: w.add_blank_page())
    elif case == "changed metadata":
        _pypdf_rewrite(src, dst, lambda w: w.add_metadata({"/EkspertrapportGodkjentAv": "Noen andre"}))
    elif case == "incremental update":
        writer = pypdf.PdfWriter(src, incremental=True)
        writer.add_metadata({"/Title": "Endret"})
        with dst.open("wb") as handle:
            writer.write(handle)
    elif case == "flipped byte":
        data[len(data) // 3] ^= 0x01
        dst.write_bytes(bytes(data))
    elif case == "flipped signature byte":
        start = data.index(b"/Contents <") + len(b"/Contents <")
        data[start + 40] ^= 0x20  # hex digit → its other case, or another character
        dst.write_bytes(bytes(data))
    else:
        dst.write_bytes(bytes(data[:-200]))
    result = run("verify", dst)
    assert result.exit_code in (1, 2), result.output
    assert "GYLDIG (" not in result.output.replace("UGYLDIG (", "")


def test_verify_fails_edited_docx_and_edited_manifest(locked, tmp_path):
    folder = _copy_folder(locked, tmp_path)
    docx = folder / locked.docx.name
    parts = {}
    with zipfile.ZipFile(docx) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    parts["word/document.xml"] = parts["word/document.xml"].replace("arbeidsbelastning".encode(), "arbeidsglede".encode())
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = run("verify", docx)
    assert result.exit_code == 1 and "endret etter låsing" in result.output
    assert run("verify", folder / MANIFEST_NAME).exit_code == 1

    folder2 = _copy_folder(locked, tmp_path / "b")
    manifest = folder2 / MANIFEST_NAME
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"e-post"', '"signatur"'), encoding="utf-8")
    assert run("verify", manifest).exit_code == 1
    assert run("verify", folder2 / locked.docx.name).exit_code == 1


def test_docx_without_manifest_cannot_be_confirmed(locked, tmp_path):
    lone = tmp_path / locked.docx.name
    shutil.copy(locked.docx, lone)
    result = run("verify", lone)
    assert result.exit_code == 1 and "manifest.json" in result.output


def test_verify_unreadable_is_exit_2(tmp_path):
    (tmp_path / "tom.pdf").write_bytes(b"")
    (tmp_path / "tekst.pdf").write_bytes(b"dette er ikke en pdf")
    (tmp_path / "rar.docx").write_bytes(b"PK\x03\x04 ikke zip")
    for name in ("tom.pdf", "tekst.pdf", "rar.docx", "finnes-ikke.pdf"):
        result = run("verify", tmp_path / name)
        assert result.exit_code == 2, (name, result.output)


def test_verify_goes_by_content_when_the_suffix_is_odd(locked, tmp_path):
    renamed = tmp_path / "kopi-fra-epost.bin"
    shutil.copyfile(locked.pdfs["nav"], renamed)
    result = run("verify", renamed)
    assert result.exit_code == 0 and "GYLDIG (PDF)" in result.output
    source = tmp_path / "rapport.md"
    shutil.copyfile(locked.source, source)
    result = run("verify", source)
    assert result.exit_code == 2 and "(PDF)" not in result.output and "bare låste kopier" in result.output


def test_unsigned_pdf_is_invalid(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "usignert.pdf"))
    c.drawString(72, 720, "Rapport")
    c.save()
    result = run("verify", tmp_path / "usignert.pdf")
    assert result.exit_code == 1 and "ingen signatur" in result.output


# --- locked means locked ----------------------------------------------------------------------------------


def test_changed_source_is_refused_until_revised_and_v1_stays_untouched(tmp_path, lock_env, config_env):
    source, v1 = _approve(lock_env, tmp_path)
    v1_files = tree_snapshot(v1.out_dir)
    # Unchanged source: approving again is refused, rendering again is fine.
    with pytest.raises(LockedError, match="allerede godkjent"):
        _approve(lock_env, tmp_path, source=source, out_dir=tmp_path / "ut-igjen")
    again = run("render", source, "--out", tmp_path / "utkast")
    assert again.exit_code == 0 and "allerede godkjent og låst" in again.output and str(v1.out_dir) in again.output
    source.write_text(source.read_text(encoding="utf-8").replace("to samtaler", "tre samtaler"), encoding="utf-8")
    with pytest.raises(LockedError, match="ekspertrapport revise"):
        _approve(lock_env, tmp_path, source=source, out_dir=tmp_path / "ut2")
    rendered = run("render", source, "--out", tmp_path / "utkast2")
    assert rendered.exit_code == 2 and "ekspertrapport revise" in rendered.output
    assert not (tmp_path / "utkast2").exists() and not (tmp_path / "ut2").exists()

    assert run("revise", source).exit_code == 0
    assert load_state(source).current.version == 2
    # Version 2 may not go into the folder that holds version 1.
    with pytest.raises(LockedError, match="allerede en låst rapport"):
        _approve(lock_env, tmp_path, source=source, out_dir=v1.out_dir)
    _, v2 = _approve(lock_env, tmp_path, source=source, out_dir=tmp_path / "ut2")
    assert v2.version == 2 and v2.fingerprint != v1.fingerprint
    assert all("-v2-" in p.name for p in v2.files if p.suffix != ".json")
    assert read_locked_payload(next(p for p in v2.files if p.suffix == ".pdf"))["version"] == 2
    assert tree_snapshot(v1.out_dir) == v1_files
    assert run("verify", v1.out_dir / MANIFEST_NAME).exit_code == 0
    state = load_state(source)
    assert [(v.version, v.status) for v in state.versions] == [(1, "approved"), (2, "approved")]
    revise_again = run("revise", source)
    assert revise_again.exit_code == 0
    again = run("revise", source)
    assert again.exit_code == 2 and "ikke godkjent ennå" in again.output


def test_draft_rendered_after_revise_is_the_new_version(tmp_path, lock_env, config_env):
    source, _ = _approve(lock_env, tmp_path)
    source.write_text(source.read_text(encoding="utf-8").replace("to samtaler", "tre samtaler"), encoding="utf-8")
    assert run("revise", source).exit_code == 0
    rendered = run("render", source, "--out", tmp_path / "utkast2", "--format", "pdf")
    assert rendered.exit_code == 0, rendered.output
    (pdf,) = (tmp_path / "utkast2").iterdir()
    assert pdf.name.endswith("-v2-utkast.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Versjon: 2" in text


def _severity_linter(rule: str):
    class SeverityLinter:
        """Reports one error unless the configuration found for the file turns it down to a warning."""

        def lint_document(self, document, config=None, **_):
            finding = SimpleNamespace(rule=rule, severity="error", suppressed=False, line=3,
                                      message="Funn", suppression_reason=None)
            if config is not None:
                finding.severity = config.severity_for(finding.rule, finding.severity)
            return SimpleNamespace(path=document.path, findings=[finding], error=None)

    return SeverityLinter()


def test_approve_uses_the_same_lint_configuration_as_lint(tmp_path, lock_env):
    with pytest.raises(ApprovalRefused):
        _approve(lock_env, tmp_path / "uten", linter=_severity_linter("structure.measure-incomplete"))
    source = copy_source(tmp_path / "med" / "kilde")
    (source.parent / "ekspertrapport.toml").write_text('[severity]\n"structure.measure-incomplete" = "warning"\n',
                                                        encoding="utf-8")
    _, outcome = _approve(lock_env, tmp_path / "med", source=source, linter=_severity_linter("structure.measure-incomplete"))
    assert outcome.lint["errors"] == 0 and outcome.lint["warnings"] == 1
    assert outcome.lint["config"]["path"].endswith("ekspertrapport.toml")
    assert outcome.lint["config"]["severity"] == {"structure.measure-incomplete": "warning"}
    logged = [json.loads(line) for line in audit_path(source).read_text(encoding="utf-8").splitlines()]
    assert any(e["event"] == "lint" and e["data"].get("config", {}).get("severity") for e in logged)
    shown = run("log", source).output
    assert "ekspertrapport.toml: structure.measure-incomplete → warning" in shown


@pytest.mark.parametrize("setting", ['[severity]\n"identity.person" = "warning"\n', 'disable = ["identity"]\n',
                                     '[severity]\n"health" = "info"\n'])
def test_config_cannot_turn_privacy_rules_off_or_down_for_approval(tmp_path, lock_env, setting):
    rule = "health.diagnosis" if "health" in setting else "identity.person"
    source = copy_source(tmp_path / "kilde")
    (source.parent / "ekspertrapport.toml").write_text(setting, encoding="utf-8")
    with pytest.raises(ApprovalRefused):
        _approve(lock_env, tmp_path, source=source, linter=_severity_linter(rule))
    logged = [json.loads(line) for line in audit_path(source).read_text(encoding="utf-8").splitlines()]
    lint_events = [e for e in logged if e["event"] == "lint"]
    assert lint_events and lint_events[-1]["data"]["config"]["ignored_for_approval"]


def test_refusal_of_a_word_source_says_where_in_the_document(tmp_path, lock_env):
    class DeletedTextLinter:
        def lint_document(self, document, **_):
            finding = SimpleNamespace(rule="health.symptom", severity="error", suppressed=False, line=81,
                                      message="Symptomer skal ikke stå i rapporten.", suppression_reason=None,
                                      text="vondt i ryggen", location={"paragraph": 11, "deleted": True})
            return SimpleNamespace(path=document.path, findings=[finding], error=None)

    with pytest.raises(ApprovalRefused) as refused:
        _approve(lock_env, tmp_path, linter=DeletedTextLinter())
    message = refused.value.message
    assert "(avsnitt 11, slettet tekst (sporede endringer))" in message and "«vondt i ryggen»" in message
    assert ":81:" not in message


def test_revise_log_and_verify_refuse_in_norwegian_without_side_effects(tmp_path, config_env):
    source = copy_source(tmp_path / "kilde")
    result = run("revise", source)
    assert result.exit_code == 2 and "ikke godkjent ennå" in result.output
    assert not state_dir(source).exists()  # a refused revise leaves no state folder behind
    result = run("log", tmp_path / "finnes-ikke.md")
    assert result.exit_code == 2 and "filen finnes ikke" in result.output
    for args in (("log", source, "--format", "yaml"), ("verify", source, "--format", "xml"),
                 ("keys", "init", "--name", "A", "--org", "B", "--algorithm", "dsa", "--out", tmp_path / "k.p12")):
        result = run(*args)
        assert result.exit_code == 2 and "ugyldig verdi" in result.output and "Invalid value" not in result.output
    assert not (tmp_path / "k.p12").exists()


def test_source_that_no_longer_parses_is_refused(tmp_path, lock_env):
    source, _ = _approve(lock_env, tmp_path)
    source.write_text("---\nmalform: nb\n---\n## Bakgrunn\n", encoding="utf-8")
    result = run("render", source, "--out", tmp_path / "utkast")
    assert result.exit_code == 2 and "revise" in result.output
    with pytest.raises(EkspertrapportError):
        _approve(lock_env, tmp_path, source=source, out_dir=tmp_path / "ut2")
    assert not (tmp_path / "ut2").exists()


def test_concurrent_approvals_cannot_both_lock(tmp_path, lock_env):
    source = copy_source(tmp_path / "kilde")
    outcomes, errors = [], []

    def worker(n: int) -> None:
        try:
            outcomes.append(_approve(lock_env, tmp_path, source=source, out_dir=tmp_path / f"ut{n}")[1])
        except EkspertrapportError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 1 and len(errors) == 1 and isinstance(errors[0], LockedError)
    assert audit.verify_chain(audit_path(source)).intact
    assert load_state(source).current.fingerprint == outcomes[0].fingerprint
    loser = tmp_path / ("ut0" if outcomes[0].out_dir.name == "ut1" else "ut1")
    assert not loser.exists() or not any(loser.iterdir())


# --- audit log ---------------------------------------------------------------------------------------------


def test_audit_log_chain_intact_and_tampering_detected(tmp_path, lock_env):
    source, _ = _approve(lock_env, tmp_path)
    result = run("log", source)
    assert result.exit_code == 0 and "Kjeden er intakt" in result.output and "godkjenning" in result.output
    log_path = audit_path(source)
    original = log_path.read_text(encoding="utf-8")

    lines = original.splitlines(keepends=True)
    log_path.write_text(original.replace('"method":"e-post"', '"method":"signatur"', 1), encoding="utf-8")
    tampered = run("log", source)
    assert tampered.exit_code == 1 and "BRUTT" in tampered.output

    log_path.write_text("".join(lines[:-1]), encoding="utf-8")  # last entry removed
    assert run("log", source).exit_code == 1

    log_path.write_text("".join([lines[1], lines[0], *lines[2:]]), encoding="utf-8")  # reordered
    assert run("log", source).exit_code == 1

    log_path.write_text(original, encoding="utf-8")
    assert run("log", source, "--format", "json").exit_code == 0
    # A broken log is never extended.
    log_path.write_text(original.replace('"method":"e-post"', '"method":"signatur"', 1), encoding="utf-8")
    with pytest.raises(EkspertrapportError, match="brutt logg"):
        revise_report(source)


def test_verify_can_record_in_the_log(locked, tmp_path):
    source = copy_source(tmp_path / "kilde")
    result = run("verify", locked.pdfs["nav"], "--log", source)
    assert result.exit_code == 0
    (entry,) = audit.verify_chain(audit_path(source)).entries
    assert entry["event"] == "verification" and entry["data"]["status"] == "gyldig"


# --- bad input --------------------------------------------------------------------------------------------


def test_bad_approve_input_is_exit_2_in_norwegian_with_nothing_written(tmp_path, config_env, locked):
    source = copy_source(tmp_path / "kilde")
    broken = tmp_path / "kilde" / "odelagt.md"
    broken.write_text("---\nmalform: nb\narbeidsgiver: [\n---\n", encoding="utf-8")
    pw = ["--passphrase-file", str(config_env.passphrase_file)]
    out = tmp_path / "ut"
    cases = {
        "missing --by": ([source, "--method", "e-post", "--out", out, *pw], "mangler --by"),
        "empty --by": ([source, "--by", " ", "--method", "e-post", "--out", out, *pw], "mangler --by"),
        "bad method": ([source, "--by", "Kari", "--method", "sms", "--out", out, *pw], "godkjenningsmåte"),
        "missing --out": ([source, "--by", "Kari", "--method", "e-post", *pw], "mangler --out"),
        "bad date": ([source, "--by", "Kari", "--method", "e-post", "--date", "31.02.2025", "--out", out, *pw], "ugyldig dato"),
        "future date": ([source, "--by", "Kari", "--method", "e-post", "--date", "2999-01-01", "--out", out, *pw], "fremtiden"),
        "missing remarks": ([source, "--by", "Kari", "--method", "e-post", "--remarks", tmp_path / "nei.md", "--out", out, *pw], "finnes ikke"),
        "share without remarks": ([source, "--by", "Kari", "--method", "e-post", "--share-remarks", "--out", out, *pw], "merknader"),
        "unparsable source": ([broken, "--by", "Kari", "--method", "e-post", "--out", out, *pw], "odelagt.md"),
        "missing source": ([tmp_path / "borte.md", "--by", "Kari", "--method", "e-post", "--out", out, *pw], "finnes ikke"),
        "out holds a locked version": ([source, "--by", "Kari", "--method", "e-post", "--out", locked.out, *pw], "allerede en låst rapport"),
    }
    locked_before = tree_snapshot(locked.out)
    before = tree_snapshot(tmp_path / "kilde")
    for name, (args, expected) in cases.items():
        result = run("approve", *args)
        assert result.exit_code == 2, (name, result.output)
        assert result.output.startswith("feil:") and expected in result.output, (name, result.output)
        assert not out.exists(), name
    assert tree_snapshot(tmp_path / "kilde") == before
    assert tree_snapshot(locked.out) == locked_before


def test_failure_while_locking_leaves_nothing_half_written(tmp_path, lock_env, monkeypatch):
    import ekspertrapport.lock.approve as approve_module

    def broken_check(staging):
        raise EkspertrapportError("simulert feil")

    monkeypatch.setattr(approve_module, "_self_check", broken_check)
    source = copy_source(tmp_path / "kilde")
    with pytest.raises(EkspertrapportError, match="simulert"):
        _approve(lock_env, tmp_path, source=source)
    assert list((tmp_path / "ut").iterdir()) == []  # no staging folder, no file
    assert load_state(source).current.status == "open"
    monkeypatch.undo()
    _, outcome = _approve(lock_env, tmp_path, source=source)  # and the next attempt works
    assert outcome.version == 1


def test_cli_approve_with_passphrase_file_end_to_end(tmp_path, config_env):
    source = copy_source(tmp_path / "kilde")
    out = tmp_path / "ut"
    import ekspertrapport.lock.approve as approve_module

    original = approve_module._lint
    approve_module._lint = lambda source, linter=None: original(source, CleanLinter())
    try:
        result = run("approve", source, "--by", "Kari Nordmann", "--method", "muntlig", "--date", "12.05.2025",
                     "--out", out, "--passphrase-file", config_env.passphrase_file)
    finally:
        approve_module._lint = original
    assert result.exit_code == 0, result.output
    assert "Versjon 1 godkjent av Kari Nordmann" in result.output
    assert run("verify", out / MANIFEST_NAME, "--trust", config_env.pem).exit_code == 0
    assert state_dir(source).is_dir()
