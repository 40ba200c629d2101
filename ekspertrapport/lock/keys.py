"""The expert's signing key: a private key and an X.509 certificate in a PKCS#12 file.

``keys init`` makes a self-signed certificate naming the expert (CN) and the organisation (O), country
NO, key usage digitalSignature + nonRepudiation, valid three years, and stores it with owner-only
permissions in the user's config directory. Any PKCS#12 file with exactly one key and its certificate
(for example a Norwegian enterprise certificate) can be used instead with ``--key``.

Every way loading can fail has its own Norwegian message: missing file, corrupt file, wrong
passphrase, no key, several keys, a certificate that does not match the key, has expired or is not
yet valid, or may not be used for signing.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..errors import EkspertrapportError
from ..fileio import atomic_write_bytes, read_bytes

CONFIG_ENV = "EKSPERTRAPPORT_CONFIG_DIR"
KEY_FILE_NAME = "ekspert.p12"
VALIDITY = timedelta(days=3 * 365)
INIT_HINT = "ekspertrapport keys init --name «ditt navn» --org «virksomheten din»"

Algorithm = Literal["ec", "rsa"]


def config_dir() -> Path:
    """The user's config directory (``$EKSPERTRAPPORT_CONFIG_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("ekspertrapport"))


def default_key_path() -> Path:
    return config_dir() / "keys" / KEY_FILE_NAME


@dataclass
class SigningKey:
    """A loaded key with its certificate (and any intermediate certificates from the PKCS#12 file)."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    path: Path | None = None

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def cert_sha256(self) -> str:
        return cert_sha256(self.certificate)

    @property
    def common_name(self) -> str:
        return _name_attr(self.certificate.subject, NameOID.COMMON_NAME)

    @property
    def organisation(self) -> str:
        return _name_attr(self.certificate.subject, NameOID.ORGANIZATION_NAME)

    def signer(self):
        """A pyHanko signer for this key (imported here: pyHanko is slow to import)."""
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key_der = self.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in self.chain]
        return signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(self.cert_der),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )

    def describe(self) -> dict[str, str]:
        """Certificate details for ``keys show`` (Norwegian labels are added by the CLI)."""
        cert = self.certificate
        return {
            "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "name": self.common_name,
            "organisation": self.organisation,
            "serial": format(cert.serial_number, "x"),
            "valid_from": cert.not_valid_before_utc.isoformat(),
            "valid_to": cert.not_valid_after_utc.isoformat(),
            "key": _key_description(self.private_key),
            "self_signed": str(cert.issuer == cert.subject).lower(),
            "sha256": self.cert_sha256,
            "path": str(self.path) if self.path else "",
        }


def cert_sha256(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, as colon-free lower-case hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _name_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _key_description(key) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return f"RSA-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "EC P-256", "secp384r1": "EC P-384"}.get(key.curve.name, f"EC {key.curve.name}")
    return type(key).__name__


# --- creating a key -------------------------------------------------------------------------------


def create_key(name: str, org: str, *, algorithm: Algorithm = "ec", now: datetime | None = None) -> SigningKey:
    """A new private key and self-signed certificate for the expert (nothing is written)."""
    name, org = (name or "").strip(), (org or "").strip()
    if not name:
        raise EkspertrapportError("mangler navn: bruk --name «ditt navn» (navnet står i sertifikatet og i signaturen).")
    if not org:
        raise EkspertrapportError("mangler virksomhet: bruk --org «virksomheten din» (står i sertifikatet).")
    if algorithm == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    elif algorithm == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise EkspertrapportError(f"ukjent nøkkeltype «{algorithm}»; bruk «ec» (P-256) eller «rsa» (RSA-3072).")
    now = now or datetime.now(UTC)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
    ])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(usage, critical=True)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return SigningKey(key, cert)


def to_pkcs12(key: SigningKey, passphrase: bytes | None) -> bytes:
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(
        b"ekspertrapport", key.private_key, key.certificate, key.chain or None, encryption
    )


def init_key(name: str, org: str, *, algorithm: Algorithm = "ec", passphrase: bytes | None = None,
             path: str | os.PathLike | None = None) -> SigningKey:
    """Create a key and store it as PKCS#12 (file 0600, directory 0700); never replaces an existing key."""
    target = Path(path) if path else default_key_path()
    if target.exists():
        raise EkspertrapportError(
            f"{target}: det finnes allerede en nøkkel her, og ekspertrapport overskriver den ikke "
            "(dokumenter som er signert med den, må fortsatt kunne kontrolleres). "
            "Vis den med «ekspertrapport keys show», eller lagre en ny et annet sted med --out."
        )
    key = create_key(name, org, algorithm=algorithm)
    if path is None:
        _make_private_dir(target.parent)  # our own key folder: owner only
    else:
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise EkspertrapportError(f"{target.parent}: kan ikke opprette mappen ({exc.strerror or exc}).") from None
    data = to_pkcs12(key, passphrase)
    atomic_write_bytes(target, data, exclusive=True, mode=0o600)
    key.path = target
    return key


def _make_private_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(directory, 0o700)
    except OSError as exc:
        raise EkspertrapportError(f"{directory}: kan ikke opprette nøkkelmappen ({exc.strerror or exc}).") from None


# --- loading a key --------------------------------------------------------------------------------


def read_passphrase_file(path: str | os.PathLike) -> bytes:
    """The passphrase is the file's first line (without the line break)."""
    data = read_bytes(path, limit=64 * 1024)
    first = data.splitlines()[0] if data.strip() else b""
    if not first:
        raise EkspertrapportError(f"{path}: passordfilen er tom.")
    return first


def load_key(path: str | os.PathLike | None = None, passphrase: bytes | None = None, *,
             now: datetime | None = None) -> SigningKey:
    """Load and check a PKCS#12 key; ``path`` None means the key made by ``keys init``."""
    explicit = path is not None
    p = Path(path) if explicit else default_key_path()
    if not p.exists():
        if explicit:
            raise EkspertrapportError(f"{p}: nøkkelfilen finnes ikke.")
        raise EkspertrapportError(
            f"fant ingen signeringsnøkkel ({p}). Lag en med «{INIT_HINT}», "
            "eller bruk en eksisterende PKCS#12-fil (for eksempel et virksomhetssertifikat) med --key FIL.p12."
        )
    data = read_bytes(p, limit=1024 * 1024)
    if explicit is False:
        _tighten_permissions(p)
    visible_keys = _count_visible_keys(data, p)
    if visible_keys > 1:
        raise EkspertrapportError(
            f"{p}: PKCS#12-filen inneholder {visible_keys} private nøkler; ekspertrapport trenger en fil med "
            "nøyaktig én nøkkel og sertifikatet til den. Eksporter signeringsnøkkelen alene."
        )
    try:
        bundle = pkcs12.load_pkcs12(data, passphrase or None)
    except ValueError:
        if passphrase:
            raise EkspertrapportError(f"{p}: feil passord for nøkkelfilen.") from None
        raise EkspertrapportError(
            f"{p}: nøkkelfilen er beskyttet med passord; oppgi det med --passphrase-file FIL."
        ) from None
    except Exception as exc:  # noqa: BLE001 - the OpenSSL binding raises assorted types for bad input
        raise EkspertrapportError(f"{p}: nøkkelfilen kan ikke leses ({exc}).") from None
    if bundle.key is None:
        raise EkspertrapportError(f"{p}: PKCS#12-filen inneholder ingen privat nøkkel, bare sertifikater.")
    if bundle.cert is None:
        raise EkspertrapportError(f"{p}: PKCS#12-filen inneholder ingen sertifikat for nøkkelen.")
    if not isinstance(bundle.key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise EkspertrapportError(f"{p}: nøkkeltypen støttes ikke; bruk en RSA- eller EC-nøkkel.")
    cert = bundle.cert.certificate
    if cert.public_key().public_numbers() != bundle.key.public_key().public_numbers():
        raise EkspertrapportError(f"{p}: sertifikatet i filen hører ikke til den private nøkkelen.")
    key = SigningKey(bundle.key, cert, [c.certificate for c in bundle.additional_certs], p)
    check_certificate(key, now=now)
    return key


def check_certificate(key: SigningKey, *, now: datetime | None = None) -> None:
    """Refuse a certificate that is expired, not yet valid or not meant for signing."""
    cert, now = key.certificate, now or datetime.now(UTC)
    where = f"{key.path}: " if key.path else ""
    if now > cert.not_valid_after_utc:
        raise EkspertrapportError(
            f"{where}sertifikatet for {key.common_name or 'nøkkelen'} utløp {cert.not_valid_after_utc:%d.%m.%Y}. "
            f"Lag en ny nøkkel med «{INIT_HINT}» (lagret et annet sted), eller forny virksomhetssertifikatet."
        )
    if now < cert.not_valid_before_utc:
        raise EkspertrapportError(
            f"{where}sertifikatet er ikke gyldig før {cert.not_valid_before_utc:%d.%m.%Y %H:%M} (UTC); "
            "sjekk klokken på maskinen eller bruk et annet sertifikat."
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise EkspertrapportError(
            f"{where}sertifikatet kan ikke brukes til signering (nøkkelbruk mangler digitalSignature og "
            "nonRepudiation); bruk signeringssertifikatet, ikke krypteringssertifikatet."
        )


def _count_visible_keys(data: bytes, path: Path) -> int:
    """Private keys in the file's unencrypted safe contents; also rejects files that are not PKCS#12.

    Keys are normally stored in (individually encrypted) bags that are visible without the passphrase;
    a file that hides its keys inside an encrypted container counts as 0 here and is checked by the
    loader instead.
    """
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        safe = pfx.authenticated_safe
        count = 0
        for info in safe:
            if info["content_type"].native != "data":
                continue
            contents = asn1_pkcs12.SafeContents.load(info["content"].native)
            count += sum(1 for bag in contents
                         if bag["bag_id"].native in ("key_bag", "pkcs8_shrouded_key_bag"))
        return count
    except Exception:  # noqa: BLE001 - asn1crypto raises ValueError/TypeError/KeyError for bad DER
        raise EkspertrapportError(
            f"{path}: filen er ikke en gyldig PKCS#12-fil (.p12/.pfx); den kan være skadet eller av feil type."
        ) from None


def _tighten_permissions(path: Path) -> None:
    """Tighten permissions of our own key file if someone loosened them."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass


def load_trust_certificates(path: str | os.PathLike) -> list[x509.Certificate]:
    """Certificates to trust for ``verify --trust``: PEM (one or more) or DER."""
    data = read_bytes(path, limit=1024 * 1024)
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise EkspertrapportError(f"{path}: filen er ikke et sertifikat (forventet PEM eller DER).") from None
    if not certs:
        raise EkspertrapportError(f"{path}: fant ingen sertifikater i filen.")
    return certs


def certificate_pem(key: SigningKey) -> str:
    return key.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
