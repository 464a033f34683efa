"""The twin's server certificate: key type/size and signature hash chosen per twin.

Spec strings: ``rsa:2048`` (default, SHA-256), ``rsa:1024``, ``rsa:4096``, ``ecdsa:p256``, ``ecdsa:p384``, and a
hash as ``sha1``/``sha256``/``sha384`` on its own (RSA 2048) or joined with ``+`` (``ecdsa:p256+sha1``).
Private keys are cached per key type in ``DIR/_keys`` so a fleet of twins does not spend its CPU on RSA key
generation; each twin still gets its own certificate (its name as CN and SAN, plus 127.0.0.1), issued by the state
folder's own CA (``DIR/_keys/ca.pem``, RSA 2048, SHA-256) as a real server certificate is: clients judge the leaf's
signature hash (a self-signed root's own signature is never checked), and ``tls_verify`` can validate the chain
with ``ca_path``.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

_CURVES = {"p256": (ec.SECP256R1, 256), "p384": (ec.SECP384R1, 384), "p521": (ec.SECP521R1, 521)}
_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@dataclasses.dataclass(frozen=True)
class CertSpec:
    key_type: str  # "rsa" | "ecdsa"
    key_size: int
    curve: str | None
    signature_hash: str

    @property
    def key_label(self) -> str:
        return f"rsa{self.key_size}" if self.key_type == "rsa" else f"ecdsa-{self.curve}"


def parse_spec(text: str | None) -> CertSpec:
    key_type, size, curve, sig = "rsa", 2048, None, "sha256"
    for token in (text or "rsa:2048").lower().replace("/", "+").split("+"):
        token = token.strip().replace("-", ":")
        if not token:
            continue
        if token in _HASHES:
            sig = token
        elif token.startswith("rsa"):
            key_type, curve = "rsa", None
            size = int(token.split(":", 1)[1]) if ":" in token else int(token[3:] or 2048)
        elif token.startswith(("ecdsa", "ec")):
            name = token.split(":", 1)[1] if ":" in token else "p256"
            if name not in _CURVES:
                raise ValueError(f"unknown ECDSA curve {name!r}; use one of {', '.join(_CURVES)}")
            key_type, curve, size = "ecdsa", name, _CURVES[name][1]
        else:
            raise ValueError(f"unknown certificate spec {text!r}; e.g. rsa:2048, rsa:1024, ecdsa:p256, sha1")
    return CertSpec(key_type, size, curve, sig)


@dataclasses.dataclass
class Certificate:
    spec: CertSpec
    cert_path: Path
    key_path: Path
    subject: str
    not_after: datetime.datetime
    thumbprint: str

    def facts(self) -> dict:
        """The certificate as ``win_schannel_info`` reports a binding's certificate."""
        return {
            "thumbprint": self.thumbprint,
            "subject": self.subject,
            "key_type": self.spec.key_type,
            "key_size": self.spec.key_size,
            "signature_hash": self.spec.signature_hash,
            "not_after": self.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def _private_key(spec: CertSpec, cache: Path, label: str | None = None):
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{label or spec.key_label}.pem"
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    if spec.key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=spec.key_size)
    else:
        key = ec.generate_private_key(_CURVES[spec.curve][0]())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    os.replace(tmp, path)  # a racing twin may win; either key is as good
    return key


# DER AlgorithmIdentifiers: what the builder signs with, and the SHA-1 ones a "sha1" twin presents.
_SHA256_ALG = {"rsa": bytes.fromhex("300d06092a864886f70d01010b0500"), "ecdsa": bytes.fromhex("300a06082a8648ce3d040302")}
_SHA1_ALG = {"rsa": bytes.fromhex("300d06092a864886f70d0101050500"), "ecdsa": bytes.fromhex("300906072a8648ce3d0401")}


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _der_body(data: bytes) -> bytes:
    if data[1] < 0x80:
        return data[2:]
    return data[2 + (data[1] & 0x7F):]


def _resign_sha1(cert: x509.Certificate, key, key_type: str) -> x509.Certificate:
    """Re-sign a SHA-256 certificate with SHA-1: ``cryptography`` no longer builds SHA-1 certificates, but Windows
    hosts still carry them, and clients' reactions to them are part of what the project predicts."""
    from cryptography.hazmat.primitives.asymmetric import padding
    tbs = _der(0x30, _der_body(cert.tbs_certificate_bytes).replace(_SHA256_ALG[key_type], _SHA1_ALG[key_type], 1))
    if key_type == "rsa":
        signature = key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    else:
        signature = key.sign(tbs, ec.ECDSA(hashes.SHA1()))
    der = _der(0x30, tbs + _SHA1_ALG[key_type] + _der(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(der)


def ensure_ca(key_cache: Path):
    """(CA certificate, CA key) of a state folder; the launcher creates it before any twin starts."""
    key_cache = Path(key_cache)
    ca_path = key_cache / "ca.pem"
    ca_key = _private_key(CertSpec("rsa", 2048, None, "sha256"), key_cache, label="ca-rsa2048")
    if ca_path.exists():
        return x509.load_pem_x509_certificate(ca_path.read_bytes()), ca_key
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tlsops twin CA")])
    ca = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=2)).not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    tmp = ca_path.with_name(f".ca.{os.getpid()}.tmp")
    tmp.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp, ca_path)
    return x509.load_pem_x509_certificate(ca_path.read_bytes()), ca_key


def load_or_create(twin_dir: Path, text: str | None, name: str, key_cache: Path, address: str = "127.0.0.1") -> Certificate:
    spec = parse_spec(text)
    cert_path, key_path = twin_dir / "cert.pem", twin_dir / "key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    else:
        key = _private_key(spec, Path(key_cache))
        ca, ca_key = ensure_ca(key_cache)
        now = datetime.datetime.now(datetime.timezone.utc)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        sans = [x509.DNSName(name), x509.DNSName("localhost")]
        sans += [x509.IPAddress(ipaddress.ip_address(a)) for a in dict.fromkeys(("127.0.0.1", address))]
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, _HASHES["sha256" if spec.signature_hash == "sha1" else spec.signature_hash]())
        )
        if spec.signature_hash == "sha1":
            cert = _resign_sha1(cert, ca_key, "rsa")
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    der = cert.public_bytes(serialization.Encoding.DER)
    return Certificate(
        spec=spec, cert_path=cert_path, key_path=key_path,
        subject="CN=" + cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
        not_after=cert.not_valid_after_utc,
        thumbprint=hashlib.sha1(der).hexdigest().upper(),
    )
