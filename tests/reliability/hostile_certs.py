"""Certificates a hostile server could send: names with HTML/JS, terminal escape sequences, megabyte-long fields.

Shared by the fuzz test (seeds to mutate), the report escaping tests and the live hostile-server test.
"""
from __future__ import annotations

import datetime
import functools

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
# OSC title change + bell, CSI colour, CSI clear screen, a C1 CSI and a CR that would overwrite the line
ESCAPES = "\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\x1b[2J\x9b1m\rOK"
TERMINAL_BYTES = ("\x1b", "\x07", "\x9b", "\r")
MEGABYTE = "M" * (1 << 20)


def _key(kind):
    return ec.generate_private_key(ec.SECP256R1()) if kind == "ecdsa" else \
        rsa.generate_private_key(public_exponent=65537, key_size=2048)


def build(cn=SCRIPT, ou=ESCAPES, o=IMG, san=(IMG, "\x1b[2Jevil.example", "localhost"), big_field=None,
          key=None, kind="ecdsa"):
    """(DER, key) of a self-signed certificate carrying the hostile strings."""
    key = key or _key(kind)
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn, _validate=False),
             x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou, _validate=False),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, o, _validate=False)]
    if big_field:
        attrs.append(x509.NameAttribute(NameOID.LOCALITY_NAME, big_field, _validate=False))
    name = x509.Name(attrs)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=30)))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in san]), False)
    cert = builder.sign(key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.DER), key


@functools.lru_cache(maxsize=None)
def hostile_der():
    return build()[0]


@functools.lru_cache(maxsize=None)
def megabyte_der():
    return build(big_field=MEGABYTE)[0]


def write_pem(der, key, directory):
    """cert.pem and key.pem for an ssl server; returns their paths."""
    cert = x509.load_der_x509_certificate(der)
    cert_path, key_path = directory / "hostile.pem", directory / "hostile.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
