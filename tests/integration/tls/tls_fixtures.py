"""Helpers for the tls_verify integration tests: a throw-away PKI made at test time, and server processes that
bind 127.0.0.1, exit by themselves, and are stopped by PID."""
from __future__ import annotations

import datetime
import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
SERVER_SCRIPT = HERE / "tls_servers.py"
LIFETIME = 300  # seconds: every server exits by itself (the session outlives 90 s on a loaded machine)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(key, path: Path) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))


def make_pki(directory: Path) -> Dict[str, Path]:
    """root CA -> intermediate CA -> leaves (RSA 2048 SHA-256, ECDSA P-256, RSA SHA-1-signed, RSA 1024)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    out: Dict[str, Path] = {}

    def ca(cn, key, issuer_cert=None, issuer_key=None):
        builder = (x509.CertificateBuilder().subject_name(_name(cn))
                   .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if issuer_cert is not None:
            builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                            critical=False)
        return builder.sign(issuer_key or key, hashes.SHA256())

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = ca("tlsops test root", root_key)
    int_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    inter = ca("tlsops test intermediate", int_key, root, root_key)
    (directory / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    out["ca"] = directory / "root.pem"

    def leaf(name, key, digest, days=397):
        cert = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(inter.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(int_key.public_key()), critical=False)
                .sign(int_key, digest))
        chain = cert.public_bytes(serialization.Encoding.PEM) + inter.public_bytes(serialization.Encoding.PEM)
        (directory / (name + ".pem")).write_bytes(chain)
        _write_key(key, directory / (name + ".key"))
        out[name] = directory / (name + ".pem")
        out[name + "_key"] = directory / (name + ".key")

    leaf("rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048), hashes.SHA256())
    leaf("ecdsa", ec.generate_private_key(ec.SECP256R1()), hashes.SHA256(), days=80)
    # cryptography refuses to sign with SHA-1, so the SHA-1 leaf is signed by the openssl command line
    _write_key(int_key, directory / "intermediate.key")
    (directory / "intermediate.pem").write_bytes(inter.public_bytes(serialization.Encoding.PEM))
    sha1_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_key(sha1_key, directory / "rsa_sha1.key")
    csr = (x509.CertificateSigningRequestBuilder().subject_name(_name("localhost"))
           .sign(sha1_key, hashes.SHA256()))
    (directory / "rsa_sha1.csr").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    (directory / "rsa_sha1.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                            "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "x509", "-req", "-in", str(directory / "rsa_sha1.csr"), "-CA",
                    str(directory / "intermediate.pem"), "-CAkey", str(directory / "intermediate.key"),
                    "-CAcreateserial", "-sha1", "-days", "397", "-extfile", str(directory / "rsa_sha1.ext"),
                    "-out", str(directory / "rsa_sha1.leaf")], check=True, capture_output=True)
    (directory / "rsa_sha1.pem").write_bytes((directory / "rsa_sha1.leaf").read_bytes()
                                             + inter.public_bytes(serialization.Encoding.PEM))
    out["rsa_sha1"] = directory / "rsa_sha1.pem"
    out["rsa_sha1_key"] = directory / "rsa_sha1.key"
    return out


class ServerProcess:
    def __init__(self, mode: str, workdir: Path, *args: str) -> None:
        port_file = workdir / ("port-%s-%d-%f" % (mode, os.getpid(), time.time()))
        self.proc = subprocess.Popen([sys.executable, str(SERVER_SCRIPT), mode, "--port-file", str(port_file),
                                      "--lifetime", str(LIFETIME)] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while not port_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError("server %s failed: %s" % (mode, self.proc.stderr.read().decode()))
            if time.time() > deadline:
                self.stop()
                raise RuntimeError("server %s did not start" % mode)
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.pid = self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(3)
        if self.proc.stderr:
            self.proc.stderr.close()


def tls_server(workdir: Path, pki: Dict[str, Path], cert: str = "rsa", ciphers: Optional[str] = None,
               min_version: str = "1.2", max_version: str = "1.3", server_order: bool = False,
               alpn: Optional[str] = "h2,http/1.1", cert2: Optional[str] = None, curve: Optional[str] = None,
               require_sni: Optional[str] = None) -> ServerProcess:
    args: List[str] = ["--cert", str(pki[cert]), "--key", str(pki[cert + "_key"]), "--min", min_version,
                       "--max", max_version]
    if cert2:
        args += ["--cert2", str(pki[cert2]), "--key2", str(pki[cert2 + "_key"])]
    if ciphers:
        args += ["--ciphers", ciphers]
    if server_order:
        args.append("--server-order")
    if alpn:
        args += ["--alpn", alpn]
    if curve:
        args += ["--curve", curve]
    if require_sni:
        args += ["--require-sni", require_sni]
    return ServerProcess("tls", workdir, *args)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count: int) -> List[int]:
    """``count`` distinct free ports: ``free_port`` may hand out a port twice once its probe socket is closed."""
    ports: List[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class CommandServer(ServerProcess):
    """A third-party server (openssl s_server, nginx) under ``timeout``, so it exits by itself; stopped by PID."""

    def __init__(self, cmd: List[str], port: int, cwd: Optional[Path] = None) -> None:
        import socket

        self.proc = subprocess.Popen(["timeout", str(LIFETIME)] + cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=cwd)
        self.pid = self.proc.pid
        self.port = port
        deadline = time.time() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited: %s" % (cmd[0], self.proc.stderr.read().decode()))
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError("%s did not start listening" % cmd[0]) from None
                time.sleep(0.05)


def openssl_server(workdir: Path, pki: Dict[str, Path], ciphers: str, protocol: Optional[str] = "-tls1_2",
                   server_order: bool = True, extra: Sequence[str] = ()) -> CommandServer:
    """``openssl s_server`` (Debian's openssl) on 127.0.0.1; ``extra`` adds options such as ``-prioritize_chacha``,
    ``-dhparam F``, ``-servername N -cert2 C -key2 K``, ``-Verify 1 -verifyCAfile F``."""
    port = free_port()
    cmd = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", str(pki["rsa"]),
           "-key", str(pki["rsa_key"]), "-cipher", ciphers, "-www", "-quiet", "-naccept", "10000"]
    if protocol:
        cmd.append(protocol)
    if server_order:
        cmd.append("-serverpref")
    return CommandServer(cmd + list(extra), port)


NGINX_CONF = """
daemon off;
master_process on;
worker_processes {workers};
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/cb; proxy_temp_path {prefix}/px; fastcgi_temp_path {prefix}/fc;
  uwsgi_temp_path {prefix}/uw; scgi_temp_path {prefix}/sc;
  server {{
{listens}
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols {protocols};
    ssl_ciphers {ciphers};
    ssl_prefer_server_ciphers {prefer};
    ssl_ecdh_curve prime256v1:secp384r1;
    ssl_session_tickets off;
    location / {{ return 200 "ok"; }}
  }}
}}
"""


def nginx_process(prefix: Path, conf: str, port: int) -> CommandServer:
    """nginx (Debian's) run with the configuration text ``conf``, which keeps its pid, log and temporary files under
    ``prefix``; ready once ``port`` accepts. The one place a test or benchmark starts nginx."""
    import shutil

    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return CommandServer([nginx, "-c", str(prefix / "nginx.conf"), "-p", str(prefix)], port)


def nginx_server(workdir: Path, pki: Dict[str, Path], ciphers: str, protocols: str = "TLSv1.2",
                 server_order: bool = True, ports: Sequence[int] = (), workers: int = 1,
                 http2: bool = True) -> CommandServer:
    """One nginx with the RSA certificate on ``ports`` (default: one free port), as a web server is deployed: the
    single-server tests and benchmarks take the default, the batch benchmarks give many ports and two workers."""
    ports = list(ports) or [free_port()]
    listens = "\n".join("    listen 127.0.0.1:%d ssl%s;" % (port, " http2" if http2 else "") for port in ports)
    prefix = workdir / ("nginx-%d" % ports[0])
    conf = NGINX_CONF.format(prefix=prefix, workers=workers, listens=listens, cert=pki["rsa"], key=pki["rsa_key"],
                             protocols=protocols, ciphers=ciphers, prefer="on" if server_order else "off")
    return nginx_process(prefix, conf, ports[0])
