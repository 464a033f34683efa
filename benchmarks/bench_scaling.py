#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How each figure grows with the work: prober vs suites accepted and vs endpoints (next to sslyze), planner vs hosts.

* Suites: one TLS 1.2 server each accepting 1, 5, 20, 40 suites (server order).  The prober (``tls_verify``'s
  engine, ``module_utils/tls/probe.run``: every protocol, every suite by elimination, order, groups, certificate,
  13 client simulations) and sslyze 6 (its Python API: suites of all six protocol versions + certificate info +
  elliptic curves, its defaults for concurrency) scan the same server; wall time, and TCP connections counted by
  the server itself.
* Endpoints: 1, 10, 50, 200 servers (5 suites each), each on its own 127.0.2.x address, probed as one batch;
  sslyze gets the same batch up to ``--sslyze-max-endpoints`` (default 10: sslyze opens ~570 connections per
  endpoint; 50 endpoints cost it ~40 s on this machine; the 200-endpoint batch vs sslyze is bench_probe's).
* Planner: ``compile_plan`` + ``predict`` (what ``schannel_plan`` does per host) for 100, 1,000 and 5,000 hosts of
  mixed Windows versions and profiles; ms per host and growth against linear.

    .venv/bin/python benchmarks/bench_scaling.py [--short] [--json out.json]

The TLS servers run in a child process (this script with ``--serve``), bind 127.0.0.0/8 only, exit by themselves
after ``--lifetime`` seconds and are stopped by PID.  Exit 1 when the prober or sslyze does not see exactly the
suites a server accepts, when an endpoint of a batch is missed, or when planning fails.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import selectors
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / ".cache" / "collections"))
sys.path.insert(0, str(REPO))

from bench_harden import machine_facts, print_facts, ratio, table  # noqa: E402

# TLS 1.2 suites Python's ssl serves with one RSA certificate (+ ffdhe2048 for DHE), strongest first
SUITES = [
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA", "ECDHE-RSA-AES128-SHA",
    "ECDHE-ARIA256-GCM-SHA384", "ECDHE-ARIA128-GCM-SHA256", "ECDHE-RSA-CAMELLIA256-SHA384",
    "ECDHE-RSA-CAMELLIA128-SHA256",
    "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-CHACHA20-POLY1305", "DHE-RSA-AES256-CCM",
    "DHE-RSA-AES128-CCM", "DHE-RSA-AES256-CCM8", "DHE-RSA-AES128-CCM8", "DHE-RSA-ARIA256-GCM-SHA384",
    "DHE-RSA-ARIA128-GCM-SHA256", "DHE-RSA-AES256-SHA256", "DHE-RSA-AES128-SHA256", "DHE-RSA-CAMELLIA256-SHA256",
    "DHE-RSA-CAMELLIA128-SHA256", "DHE-RSA-AES256-SHA", "DHE-RSA-AES128-SHA", "DHE-RSA-CAMELLIA256-SHA",
    "DHE-RSA-CAMELLIA128-SHA",
    "AES256-GCM-SHA384", "AES128-GCM-SHA256", "AES256-CCM", "AES128-CCM", "AES256-CCM8", "AES128-CCM8",
    "ARIA256-GCM-SHA384", "ARIA128-GCM-SHA256", "AES256-SHA256", "AES128-SHA256", "CAMELLIA256-SHA256",
    "CAMELLIA128-SHA256", "AES256-SHA", "AES128-SHA", "CAMELLIA256-SHA", "CAMELLIA128-SHA",
]


# --- the server farm (child process) ---------------------------------------------------------------------------

def make_credentials(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench-scaling.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("bench-scaling.test")]), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    # a named group (RFC 7919 ffdhe2048): instant, unlike generating fresh DH parameters
    subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                    "-out", str(folder / "dh.pem")], check=True, capture_output=True, timeout=30)


def serve(config: dict) -> int:
    """Serve every endpoint of ``config`` until the lifetime ends; count accepted TCP connections per endpoint."""
    folder = Path(config["folder"])
    deadline = time.monotonic() + float(config["lifetime"])
    selector = selectors.DefaultSelector()
    counts = {}
    lock = threading.Lock()
    endpoints = []
    for spec in config["endpoints"]:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(folder / "cert.pem"), str(folder / "key.pem"))
        ctx.load_dh_params(str(folder / "dh.pem"))
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
        ctx.set_ciphers(":".join(spec["suites"]) + ":@SECLEVEL=0")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((spec["address"], 0))
        sock.listen(256)
        sock.setblocking(False)
        key = "%s:%d" % sock.getsockname()
        counts[key] = 0
        endpoints.append({"address": spec["address"], "port": sock.getsockname()[1], "suites": spec["suites"]})
        selector.register(sock, selectors.EVENT_READ, (ctx, key))
    control = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    control.bind(("127.0.0.1", 0))
    control.listen(8)
    control.setblocking(False)
    selector.register(control, selectors.EVENT_READ, None)
    ready = {"pid": os.getpid(), "control": control.getsockname()[1], "endpoints": endpoints}
    tmp = folder / ".ready.tmp"
    tmp.write_text(json.dumps(ready))
    os.replace(tmp, folder / "ready.json")

    def handle(conn, ctx):
        conn.settimeout(5)
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(0.2)
                try:
                    tls.recv(1024)
                except (OSError, ssl.SSLError):
                    pass
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()

    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    while running[0] and time.monotonic() < deadline:
        for key, _mask in selector.select(timeout=0.5):
            try:
                conn, _addr = key.fileobj.accept()
            except (BlockingIOError, OSError):
                continue
            if key.data is None:  # control: answer the counts
                with lock:
                    conn.sendall(json.dumps(counts).encode())
                conn.close()
                continue
            conn.setblocking(True)
            with lock:
                counts[key.data[1]] += 1
            threading.Thread(target=handle, args=(conn, key.data[0]), daemon=True).start()
    return 0


class Farm:
    """The server child: started with its endpoints, asked for connection counts, stopped by its PID."""

    def __init__(self, folder: Path, specs: list, lifetime: float):
        folder.mkdir(parents=True, exist_ok=True)
        config = {"folder": str(folder), "lifetime": lifetime, "endpoints": specs}
        self.log = open(folder / "serve.log", "wb")
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", json.dumps(config)],
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        ready = folder / "ready.json"
        while not (ready.exists() and json.loads(ready.read_text()).get("pid") == self.proc.pid):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the TLS servers did not start: %s" % (folder / "serve.log").read_text()[-2000:])
            time.sleep(0.05)
        self.info = json.loads(ready.read_text())
        ready.unlink()

    def connections(self) -> int:
        with socket.create_connection(("127.0.0.1", self.info["control"]), timeout=10) as sock:
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        return sum(json.loads(data).values())

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


# --- the two scanners ----------------------------------------------------------------------------------------------

def run_prober(endpoints: list) -> dict:
    from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe

    targets = [probe.Target(host=e["address"], port=e["port"], sni="bench-scaling.test") for e in endpoints]
    options = probe.ProbeOptions(validate_certs=False)
    start = time.perf_counter()
    cpu = time.process_time()
    results = probe.run(targets, options)
    out = {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, "accepted": []}
    for res in results:
        if res.failed:
            out["accepted"].append(None)
            continue
        out["accepted"].append(sorted(name for proto in res.protocols.values() if proto.supported
                                      for name in proto.cipher_suites))
    return out


def run_sslyze(endpoints: list) -> dict:
    from sslyze import Scanner, ScanCommand, ServerNetworkLocation, ServerScanRequest

    commands = {ScanCommand.SSL_2_0_CIPHER_SUITES, ScanCommand.SSL_3_0_CIPHER_SUITES,
                ScanCommand.TLS_1_0_CIPHER_SUITES, ScanCommand.TLS_1_1_CIPHER_SUITES,
                ScanCommand.TLS_1_2_CIPHER_SUITES, ScanCommand.TLS_1_3_CIPHER_SUITES,
                ScanCommand.CERTIFICATE_INFO, ScanCommand.ELLIPTIC_CURVES}
    requests = [ServerScanRequest(server_location=ServerNetworkLocation(hostname=e["address"], port=e["port"],
                                                                        ip_address=e["address"]),
                                  scan_commands=commands) for e in endpoints]
    start = time.perf_counter()
    cpu = time.process_time()
    scanner = Scanner()
    scanner.queue_scans(requests)
    by_location = {}
    for result in scanner.get_results():
        names = None
        if result.scan_result is not None:
            names = []
            for attr in ("ssl_2_0_cipher_suites", "ssl_3_0_cipher_suites", "tls_1_0_cipher_suites",
                         "tls_1_1_cipher_suites", "tls_1_2_cipher_suites", "tls_1_3_cipher_suites"):
                attempt = getattr(result.scan_result, attr)
                if attempt.result is not None:
                    names += [s.cipher_suite.name for s in attempt.result.accepted_cipher_suites]
            names.sort()
        by_location[(result.server_location.ip_address, result.server_location.port)] = names
    return {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu,
            "accepted": [by_location.get((e["address"], e["port"])) for e in endpoints]}


def expected_names(suites: list) -> list:
    from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana
    return sorted(iana.SUITES_BY_OPENSSL_NAME[s].name for s in suites)


def check(label: str, endpoints: list, accepted: list, problems: list) -> None:
    for endpoint, names in zip(endpoints, accepted):
        want = expected_names(endpoint["suites"])
        if names != want:
            problems.append("%s: %s:%d accepts %d suites, seen %s" % (
                label, endpoint["address"], endpoint["port"], len(want), "nothing" if names is None else
                "%d (%s)" % (len(names), ", ".join(sorted(set(names) ^ set(want))[:6]))))


def scan_both(farm: Farm, endpoints: list, with_sslyze: bool, label: str, problems: list) -> dict:
    before = farm.connections()
    mine = run_prober(endpoints)
    mine["connections"] = farm.connections() - before
    check("prober " + label, endpoints, mine["accepted"], problems)
    theirs = None
    if with_sslyze:
        before = farm.connections()
        theirs = run_sslyze(endpoints)
        theirs["connections"] = farm.connections() - before
        check("sslyze " + label, endpoints, theirs["accepted"], problems)
    return {"prober": mine, "sslyze": theirs}


# --- the planner ------------------------------------------------------------------------------------------------

PROFILES = ("ios_ats", "mozilla_intermediate", "pci_dss_4", "best_practices", "strict", "fips_140", "os_default")
CERTS = ("rsa:2048", "rsa:4096", "ecdsa:p256")


def plan_fleet(count: int, seed: int = 7) -> dict:
    import tests.conftest  # noqa: F401  (links the checkout as ansible_collections.tlsops.schannel)
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import (apply_operations,
                                                                                            compile_plan)
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.predictor import predict
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import VERSION_KEYS
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

    rng = random.Random(seed)
    seeded = {}
    hosts = []
    for i in range(count):
        version = rng.choice(VERSION_KEYS)
        current = {}
        if i % 3 == 0:  # a third of the fleet already carries some hardening
            if version not in seeded:
                plan = compile_plan(profiles.resolve_profile("best_practices"), {"windows_version": version})
                seeded[version] = apply_operations({}, plan.operations)
            current = seeded[version]
        hosts.append({"windows_version": version, "profile": rng.choice(PROFILES),
                      "certificate_key": rng.choice(CERTS), "http2": rng.random() < 0.5, "current_state": current})
    start = time.perf_counter()
    cpu = time.process_time()
    operations = 0
    for host in hosts:
        profile = profiles.resolve_profile(host["profile"])
        plan = compile_plan(profile, host, alternatives=profiles.alternatives(profile))
        predict(plan.state, plan.certificate, None, http2=host["http2"])
        operations += len(plan.operations)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"hosts": count, "wall_s": wall, "cpu_s": cpu, "ms_per_host": 1000.0 * wall / count,
            "cpu_ms_per_host": 1000.0 * cpu / count, "operations": operations}


def _interrupt(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


# --- main -------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="tiny inputs: proves every part still runs")
    parser.add_argument("--suites", default="1,5,20,40")
    parser.add_argument("--endpoints", default="1,10,50,200")
    parser.add_argument("--hosts", default="100,1000,5000")
    parser.add_argument("--sslyze-max-endpoints", type=int, default=10)
    parser.add_argument("--lifetime", type=float, default=600.0, help="the TLS servers exit by themselves after this")
    parser.add_argument("--json", help="also write the figures here (full mode default: benchmarks/results/scaling.json)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(json.loads(args.serve))
    if not args.short and not args.json:
        (HERE / "results").mkdir(exist_ok=True)
        args.json = str(HERE / "results" / "scaling.json")
    if args.short:
        args.suites, args.endpoints, args.hosts, args.sslyze_max_endpoints, args.lifetime = "1,5", "1,3", "20,60", \
            1, 120.0
    suite_counts = [int(x) for x in args.suites.split(",") if x]
    endpoint_counts = [int(x) for x in args.endpoints.split(",") if x]
    host_counts = [int(x) for x in args.hosts.split(",") if x]
    if max(suite_counts) > len(SUITES) or max(endpoint_counts) > 250:
        parser.error("at most %d suites and 250 endpoints" % len(SUITES))

    warnings.filterwarnings("ignore", message="Parsed a serial number")  # sslyze's trust store, not ours
    facts = machine_facts()
    print_facts(facts)
    import tests.conftest  # noqa: F401
    folder = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    make_credentials(folder)
    specs = [{"address": "127.0.1.%d" % (i + 1), "suites": SUITES[:k]} for i, k in enumerate(suite_counts)]
    specs += [{"address": "127.0.2.%d" % (i + 1), "suites": SUITES[:5]} for i in range(max(endpoint_counts))]
    problems = []
    figures = {"facts": facts, "suites": [], "endpoints": [], "planner": []}
    signal.signal(signal.SIGTERM, _interrupt)
    farm = Farm(folder, specs, args.lifetime)
    try:
        servers = farm.info["endpoints"]
        for k, endpoint in zip(suite_counts, servers):
            res = scan_both(farm, [endpoint], True, "%d suites" % k, problems)
            figures["suites"].append({"suites": k, **res})
            print("suites %d: prober %.2f s / %d conns, sslyze %.2f s / %d conns" % (
                k, res["prober"]["wall_s"], res["prober"]["connections"], res["sslyze"]["wall_s"],
                res["sslyze"]["connections"]), flush=True)
        batch = servers[len(suite_counts):]
        for n in endpoint_counts:
            res = scan_both(farm, batch[:n], n <= args.sslyze_max_endpoints, "%d endpoints" % n, problems)
            figures["endpoints"].append({"endpoints": n, **res})
            print("endpoints %d: prober %.2f s / %d conns%s" % (
                n, res["prober"]["wall_s"], res["prober"]["connections"],
                ", sslyze %.2f s / %d conns" % (res["sslyze"]["wall_s"], res["sslyze"]["connections"])
                if res["sslyze"] else ""), flush=True)
    finally:
        farm.stop()
    plan_fleet(20, seed=1)  # warm up: profile files read and cached, as after a play's first host
    for n in host_counts:
        res = plan_fleet(n)
        figures["planner"].append(res)
        print("planner %d hosts: %.2f s (CPU %.2f s)" % (n, res["wall_s"], res["cpu_s"]), flush=True)

    print("\nProber vs suites accepted (one TLS 1.2 server, server order; connections counted by the server)\n")
    rows = []
    for item in figures["suites"]:
        p, s = item["prober"], item["sslyze"]
        rows.append([item["suites"], "%.2f" % p["wall_s"], p["connections"], "%.2f" % s["wall_s"], s["connections"],
                     ratio(s["wall_s"], p["wall_s"]), ratio(s["connections"], p["connections"])])
    table(["suites accepted", "prober s", "prober conns", "sslyze s", "sslyze conns", "sslyze/prober time",
           "sslyze/prober conns"], rows)
    print("\nProber vs endpoints (5 suites each, one batch; sslyze up to %d endpoints)\n" % args.sslyze_max_endpoints)
    rows = []
    for item in figures["endpoints"]:
        p, s = item["prober"], item["sslyze"]
        n = item["endpoints"]
        rows.append([n, "%.2f" % p["wall_s"], "%.1f" % (n / p["wall_s"]), p["connections"],
                     "%.2f" % s["wall_s"] if s else "not run", "%.1f" % (n / s["wall_s"]) if s else "-",
                     s["connections"] if s else "-", ratio(s["wall_s"], p["wall_s"]) if s else "-"])
    table(["endpoints", "prober s", "prober endpoints/s", "prober conns", "sslyze s", "sslyze endpoints/s",
           "sslyze conns", "throughput ratio"], rows)
    print("\nPlanner vs hosts (compile_plan + predict, 13 clients, mixed versions and profiles)\n")
    rows = []
    base = figures["planner"][0] if figures["planner"] else None
    for item in figures["planner"]:
        growth = item["wall_s"] / base["wall_s"] if base["wall_s"] else 0.0
        rows.append([item["hosts"], "%.2f" % item["wall_s"], "%.2f" % item["cpu_s"], "%.2f" % item["ms_per_host"],
                     "%.1fx for %.0fx hosts" % (growth, item["hosts"] / base["hosts"]),
                     "%.2f s (CPU %.2f s)" % (item["ms_per_host"], item["cpu_ms_per_host"])])
    table(["hosts", "wall s", "CPU s", "ms/host", "growth vs %d hosts" % (base["hosts"] if base else 0),
           "at this rate 1,000 hosts take (target < 5 s)"], rows)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str))
    for problem in problems:
        print("PROBLEM: %s" % problem)
    import shutil
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
