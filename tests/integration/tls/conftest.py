"""Fixtures for the tls_verify integration tests: one PKI per session and the servers, started once per session
and stopped by PID at the end (each also exits by itself after tls_fixtures.LIFETIME seconds)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tls_fixtures as tf  # noqa: E402

# The "2008 R2 / IIS 7.5 after hardening" suite list: ECDHE_RSA with CBC only (no ECDHE_RSA GCM before 2016)
R2_SUITES = "ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA"


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return tf.make_pki(tmp_path_factory.mktemp("pki"))


class Servers:
    """Starts servers lazily by name, keeps them for the session, stops them all by PID."""

    def __init__(self, workdir: Path, pki) -> None:
        self.workdir = workdir
        self.pki = pki
        self.running = {}

    def __getitem__(self, name: str) -> tf.ServerProcess:
        if name not in self.running:
            self.running[name] = self._start(name)
        return self.running[name]

    def _start(self, name: str) -> tf.ServerProcess:
        w, p = self.workdir, self.pki
        if name == "r2_hardened":  # TLS 1.2 only, server order, ECDHE-RSA CBC
            return tf.tls_server(w, p, ciphers=R2_SUITES, min_version="1.2", max_version="1.2", server_order=True)
        if name == "r2_tls10":  # the same host before TLS 1.2 was enabled: TLS 1.0 only
            return tf.tls_server(w, p, ciphers="ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0",
                                 min_version="1.0", max_version="1.0", server_order=True)
        if name == "broad":  # TLS 1.2 + 1.3, OpenSSL defaults, client order
            return tf.tls_server(w, p, min_version="1.2", max_version="1.3", server_order=False)
        if name == "ecdsa_client_order":
            return tf.tls_server(w, p, cert="ecdsa", server_order=False, min_version="1.2", max_version="1.2",
                                 ciphers="ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                         "ECDHE-ECDSA-AES128-GCM-SHA256")
        if name == "sha1":
            return tf.tls_server(w, p, cert="rsa_sha1", ciphers="@SECLEVEL=0:" + R2_SUITES, min_version="1.2",
                                 max_version="1.2", server_order=True)
        if name == "modern":  # what a 2022 host hardened for ATS + HTTP/2 looks like
            return tf.tls_server(w, p, min_version="1.2", max_version="1.3", server_order=True,
                                 ciphers="ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256")
        if name == "openssl":
            return tf.openssl_server(w, p, "ARIA128-GCM-SHA256:CAMELLIA256-SHA:AES256-SHA:"
                                           "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0")
        if name == "nginx":  # scanner-anchors server A: 2008 R2-like suites with HTTP/2 on
            return tf.nginx_server(w, p, "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:AES128-SHA")
        if name in ("reset", "silent", "http", "garbage", "badlen", "endless", "drip"):
            return tf.ServerProcess(name, w)
        if name == "sslv2":  # a 2008 R2 left with its default-on SSL 2.0 server (tls_servers.py)
            return tf.ServerProcess(name, w, "--cert", str(p["rsa"]))
        raise KeyError(name)

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, pki):
    s = Servers(tmp_path_factory.mktemp("servers"), pki)
    yield s
    s.stop_all()


@pytest.fixture(scope="session")
def have_nginx():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx not installed (system-packages.txt)")
