"""Benchmark the tls_verify probe engine against sslyze and testssl.sh on local servers (not a timed test).

1. One server, full probe: tls_verify's engine (protocols, every suite of the registry, order, groups, certificate
   + validation, ALPN/h2, 13 client simulations) vs ``sslyze --certinfo`` + all cipher-suite scans + curves vs a
   full ``testssl`` run. Wall time median/min/max over N runs (interpreter start included for every tool),
   TCP connections opened (counted by a forwarding proxy in a separate run), ratios.
2. Batch: 200 endpoints (one nginx listening on 200 ports) in one tls_verify batch vs one sslyze mass scan with the
   same scan commands: throughput (endpoints/s), peak RSS of the scanning process.

``--short``: one run each on tiny inputs (1 server, 3 endpoints, sslyze TLS 1.2 only, ``testssl --version``) to prove
the benchmark still runs; nothing is timed against targets. Results go to stdout and benchmarks/results/probe.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "integration" / "tls"))

import tls_fixtures as tf  # noqa: E402

PY = sys.executable
COLLECTIONS = str(REPO / ".cache" / "collections")
R2_SUITES = "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:AES128-SHA"  # scanner-anchors server A
# The batch endpoints serve Windows Server 2019's default suite list for an RSA certificate (DHE left out: nginx has
# no DH parameters here) with TLS 1.2 + 1.3: what a fleet of hardened-but-default IIS hosts looks like.
W2019_SUITES = ("ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:"
                "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:"
                "AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA")

BATCH_CIPHERS = {"w2019": W2019_SUITES, "high": "HIGH"}

# What the tls_verify module does around its work, without Ansible's own module harness (which any module pays):
# collection off during imports, probe.settle_imports() after them, then one probe.run.
PROBE_SNIPPET = r"""
import gc
gc.disable()
import json, sys, time
sys.path.insert(0, %(collections)r)
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe
probe.settle_imports()
started = time.monotonic()
ports = [int(p) for p in sys.argv[1].split(",")]
targets = [probe.Target("127.0.0.1", p, "localhost") for p in ports]
res = probe.run(targets, probe.ProbeOptions(ca_path=sys.argv[2], timeout=5, concurrency=int(sys.argv[3]),
                                            policies=("ios_ats", "http2", "mozilla_intermediate")))
print(json.dumps({"connections": sum(r.connections for r in res), "ok": sum(1 for r in res if r.supported_protocols),
                  "n": len(res), "work_s": time.monotonic() - started}))
"""


def compile_bytecode() -> None:
    """Compile the collection's Python files before timing, as pip did for sslyze when it was installed.

    Without this the probe would pay for compiling its own source on every run (this machine sets
    PYTHONDONTWRITEBYTECODE, so nothing is cached) while sslyze loads ready bytecode: a start-up cost of the
    benchmark's set-up, not of either tool. The files go to the usual ``__pycache__`` folders (git-ignored,
    left out of the collection tarball)."""
    import compileall

    compileall.compile_dir(str(REPO / "plugins"), quiet=1)


def timed(cmd, env=None):
    """Run ``cmd`` under GNU time: (wall seconds, peak RSS MB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tfile:
        started = time.monotonic()
        proc = subprocess.run(check=False, args=["/usr/bin/time", "-f", "%M", "-o", tfile.name] + cmd, capture_output=True, text=True,
                              env=env, timeout=1800)
        wall = time.monotonic() - started
        try:
            rss = int(tfile.read().strip().splitlines()[-1]) / 1024.0
        except (ValueError, IndexError):
            rss = float("nan")
    if proc.returncode not in (0, 1):  # sslyze exits 1 when a compliance check fails
        raise RuntimeError("%s failed (%d): %s" % (cmd[:3], proc.returncode, proc.stderr[-800:]))
    return wall, rss, proc.stdout


class CountingProxy:
    """127.0.0.1 TCP forwarder that counts accepted connections (how many a tool opens)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.count = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def pipe(reader, writer):
            try:
                while True:
                    data = await reader.read(65536)
                    if not data:
                        break
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        async def handle(reader, writer):
            self.count += 1
            try:
                r2, w2 = await asyncio.open_connection("127.0.0.1", self.target_port)
            except OSError:
                writer.close()
                return
            await asyncio.gather(pipe(reader, w2), pipe(r2, writer))

        async def start():
            self.server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
            self.port = self.server.sockets[0].getsockname()[1]
            self.ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def cmd_probe(ports, ca, concurrency=20, collections=None):
    return [PY, "-c", PROBE_SNIPPET % {"collections": collections or COLLECTIONS}, ",".join(map(str, ports)), str(ca),
            str(concurrency)]


def other_collections(tree: Path, workdir: Path) -> str:
    """A collections path for another checkout of this repository (``git worktree`` or ``git archive`` export),
    so its engine can run next to this one."""
    root = workdir / "other-collections"
    link = root / "ansible_collections" / "tlsops" / "schannel"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(tree.resolve())
    import compileall

    compileall.compile_dir(str(tree / "plugins"), quiet=1)
    return str(root)


def bench_compare(workdir, pki, tree: Path, runs: int, endpoints: int, ciphers: str, sslyze_runs: int):
    """This checkout's engine against another's (``--compare-with``), **alternating** run by run against the same
    servers, so both see the same machine load: wall, CPU (user+sys of the probe process) and connections, plus
    sslyze in the same rotation on the single server. On a shared machine the CPU and connection ratios are the
    figures to read."""
    import resource

    engines = {"other": other_collections(tree, workdir), "this": COLLECTIONS}

    def once(cmd):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        wall = time.monotonic() - started
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, proc.stdout

    def rotate(ports, concurrency, n, with_sslyze):
        table = {k: {"wall": [], "cpu": [], "connections": []} for k in list(engines) + (["sslyze"] if with_sslyze else [])}
        for i in range(n):
            for name, coll in engines.items():
                wall, cpu, stdout = once(cmd_probe(ports, pki["ca"], concurrency, coll))
                data = json.loads(stdout.strip().splitlines()[-1])
                for key, value in (("wall", wall), ("cpu", cpu), ("connections", data["connections"])):
                    table[name][key].append(value)
            if with_sslyze and i < sslyze_runs:
                wall, cpu, _out = once(cmd_sslyze(ports, pki["ca"]))
                table["sslyze"]["wall"].append(wall)
                table["sslyze"]["cpu"].append(cpu)
        out = {}
        for name, v in table.items():
            if not v["wall"]:
                continue
            out[name] = {"wall_s": stats(v["wall"]), "cpu_s": stats(v["cpu"]),
                         "connections": sorted(set(v["connections"]))}
            print("  %-6s wall median %.3f s (%.3f-%.3f), CPU median %.3f s, connections %s" % (
                name, statistics.median(v["wall"]), min(v["wall"]), max(v["wall"]), statistics.median(v["cpu"]),
                out[name]["connections"] or "n/a (see the single-server count)"), flush=True)
        this, other = out["this"], out["other"]
        out["this_over_other"] = {
            "cpu": round(this["cpu_s"]["median"] / other["cpu_s"]["median"], 3),
            "wall": round(this["wall_s"]["median"] / other["wall_s"]["median"], 3),
            "connections": round(this["connections"][0] / other["connections"][0], 3)}
        print("  this/other: CPU %(cpu).2fx, wall %(wall).2fx, connections %(connections).3fx" % out["this_over_other"])
        return out

    results = {"other_tree": str(tree), "load_1min_start": os.getloadavg()[0]}
    server = tf.nginx_server(workdir, pki, R2_SUITES)
    try:
        print("compare, single server (%d rounds):" % runs, flush=True)
        results["single"] = rotate([server.port], 20, runs, True)
    finally:
        server.stop()
    if endpoints:
        ports = tf.free_ports(endpoints)
        batch = tf.nginx_server(workdir, pki, ciphers, protocols="TLSv1.2 TLSv1.3", ports=ports, workers=2,
                                http2=False)
        try:
            print("compare, batch of %d endpoints (%d rounds):" % (endpoints, max(1, runs // 3)), flush=True)
            results["batch"] = rotate(ports, 50, max(1, runs // 3), False)
        finally:
            batch.stop()
    results["load_1min_end"] = os.getloadavg()[0]
    return results


def cmd_sslyze(ports, ca, short=False):
    scans = ["--tlsv1_2"] if short else ["--certinfo", "--certinfo_ca_file", str(ca), "--sslv2", "--sslv3", "--tlsv1",
                                         "--tlsv1_1", "--tlsv1_2", "--tlsv1_3", "--elliptic_curves"]
    return [PY, "-m", "sslyze", "--mozilla_config", "disable"] + scans + \
        ["127.0.0.1:%d" % p for p in ports]


def cmd_testssl(port, short=False):
    if short:
        return ["testssl", "--version"]
    return ["testssl", "--quiet", "--color", "0", "--warnings", "off", "--ip", "one", "127.0.0.1:%d" % port]


def work_time(name, stdout):
    """The tool's own time for the scan, without interpreter start and imports (sslyze/testssl print it)."""
    import re

    if name == "tls_verify":
        return json.loads(stdout.strip().splitlines()[-1])["work_s"]
    if name == "sslyze":
        m = re.search(r"SCANS COMPLETED IN ([0-9.]+) S", stdout, re.I)
        return float(m.group(1)) if m else None
    m = re.search(r"Done .*\[\s*([0-9]+)s\]", stdout)
    return float(m.group(1)) if m else None


def stats(values):
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3),
            "runs": len(values)}


def machine():
    import ssl

    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "host": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "openssl": ssl.OPENSSL_VERSION,
            "load_1min_start": os.getloadavg()[0]}


def bench_single(workdir, pki, runs, testssl_runs, short):
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        server = tf.nginx_server(workdir, pki, R2_SUITES)
        kind = "nginx 2008 R2-like (TLS 1.2, %s, server order, h2)" % R2_SUITES
    else:
        server = tf.tls_server(workdir, pki, ciphers=R2_SUITES, min_version="1.2", max_version="1.2",
                               server_order=True)
        kind = "python ssl 2008 R2-like"
    out = {"server": kind}
    try:
        port, ca = server.port, pki["ca"]
        tools = {"tls_verify": lambda p: cmd_probe([p], ca), "sslyze": lambda p: cmd_sslyze([p], ca, short),
                 "testssl": lambda p: cmd_testssl(p, short)}
        for name, make in tools.items():
            if name == "testssl" and not shutil.which("testssl"):
                out[name] = {"skipped": "testssl not installed"}
                continue
            if name == "testssl" and not short and testssl_runs < 1:
                out[name] = {"skipped": "--testssl-runs 0"}
                continue
            n = 1 if short else (testssl_runs if name == "testssl" else runs)
            walls, rss, works = [], [], []
            for _run in range(n):
                wall, peak, stdout = timed(make(port))
                walls.append(wall)
                rss.append(peak)
                work = None if short else work_time(name, stdout)
                if work is not None:
                    works.append(work)
            proxy = CountingProxy(port)
            try:
                _wall, _rss, stdout = timed(make(proxy.port))
                time.sleep(0.2)
                conns = proxy.count
            finally:
                proxy.close()
            out[name] = {"wall_s": stats(walls), "work_s": stats(works) if works else None,
                         "peak_rss_mb": round(max(rss), 1), "connections": conns,
                         "command": " ".join(make(port)[:3] + ["..."] if name == "tls_verify" else make(port))}
            print("  %-10s median %.2f s (min %.2f, max %.2f, %d runs), own scan time median %s, %d connections, "
                  "peak %.0f MB" % (name, statistics.median(walls), min(walls), max(walls), n,
                                    "%.2f s" % statistics.median(works) if works else "n/a", conns, max(rss)),
                  flush=True)
    finally:
        server.stop()
    if not short and "wall_s" in out.get("sslyze", {}):
        ours = out["tls_verify"]["wall_s"]["median"]
        out["ratio_sslyze_over_tls_verify"] = round(out["sslyze"]["wall_s"]["median"] / ours, 1)
        if out["sslyze"].get("work_s") and out["tls_verify"].get("work_s"):
            out["ratio_sslyze_over_tls_verify_work"] = round(
                out["sslyze"]["work_s"]["median"] / out["tls_verify"]["work_s"]["median"], 1)
        if "wall_s" in out.get("testssl", {}):
            out["ratio_testssl_over_tls_verify"] = round(out["testssl"]["wall_s"]["median"] / ours, 1)
    return out


def bench_batch(workdir, pki, count, short, ciphers=W2019_SUITES):
    ports = tf.free_ports(count)
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return {"skipped": "nginx not installed"}
    server = tf.nginx_server(workdir, pki, ciphers, protocols="TLSv1.2 TLSv1.3", ports=ports, workers=2, http2=False)
    out = {"endpoints": count, "server": "nginx, %d ports, TLS 1.2 + 1.3, %s, server order" % (count, ciphers)}
    try:
        wall, rss, stdout = timed(cmd_probe(ports, pki["ca"], concurrency=50))
        data = json.loads(stdout.strip().splitlines()[-1])
        assert data["ok"] == count, data
        out["tls_verify"] = {"wall_s": round(wall, 2), "endpoints_per_s": round(count / wall, 1),
                             "peak_rss_mb": round(rss, 1), "connections": data["connections"]}
        print("  tls_verify batch: %d endpoints in %.2f s (%.1f/s), peak %.0f MB, %d connections" % (
            count, wall, count / wall, rss, data["connections"]), flush=True)
        wall, rss, _stdout = timed(cmd_sslyze(ports, pki["ca"], short))
        out["sslyze"] = {"wall_s": round(wall, 2), "endpoints_per_s": round(count / wall, 2),
                         "peak_rss_mb": round(rss, 1)}
        print("  sslyze mass scan: %d endpoints in %.2f s (%.2f/s), peak %.0f MB" % (count, wall, count / wall, rss),
              flush=True)
        if not short:
            out["throughput_ratio"] = round(out["tls_verify"]["endpoints_per_s"] / out["sslyze"]["endpoints_per_s"], 1)
    finally:
        server.stop()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="only check that every benchmark still runs")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--testssl-runs", type=int, default=5, help="0 leaves testssl.sh out (it takes ~100 s a run)")
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--batch-ciphers", choices=sorted(BATCH_CIPHERS), default="w2019",
                        help="what the batch endpoints serve: Windows Server 2019's default list (12 suites), or "
                             "OpenSSL's HIGH (dozens, with ARIA/Camellia/CCM no Schannel has)")
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--compare-with", type=Path, metavar="TREE",
                        help="another checkout of this repository (git worktree, or git archive COMMIT | tar -x): "
                             "its engine and this one alternate against the same servers (single server + batch), "
                             "with sslyze in the rotation; nothing else runs")
    args = parser.parse_args(argv)
    tf.LIFETIME = 3600  # the servers must outlive the testssl runs; they are still stopped by PID at the end
    results = {"machine": machine()}
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as tmp:
        workdir = Path(tmp)
        pki = tf.make_pki(workdir)
        if args.compare_with:
            n = 1 if args.short else args.runs
            results["compare"] = bench_compare(workdir, pki, args.compare_with, n, 3 if args.short else args.endpoints,
                                               BATCH_CIPHERS[args.batch_ciphers], 1 if args.short else 5)
            if not args.short:
                (HERE / "results").mkdir(exist_ok=True)
                (HERE / "results" / ("probe-compare-%s.json" % args.batch_ciphers)).write_text(
                    json.dumps(results, indent=2))
            return 0
        if not args.skip_single:
            print("single server, full probe:", flush=True)
            results["single"] = bench_single(workdir, pki, args.runs, args.testssl_runs, args.short)
        if not args.skip_batch:
            print("batch:", flush=True)
            results["batch"] = bench_batch(workdir, pki, 3 if args.short else args.endpoints, args.short,
                                           BATCH_CIPHERS[args.batch_ciphers])
    single = results.get("single", {})
    if "ratio_sslyze_over_tls_verify" in single:
        print("ratios: sslyze/tls_verify %.1fx, testssl/tls_verify %sx" % (
            single["ratio_sslyze_over_tls_verify"], single.get("ratio_testssl_over_tls_verify", "n/a")))
    if "throughput_ratio" in results.get("batch", {}):
        print("batch throughput tls_verify/sslyze %.1fx" % results["batch"]["throughput_ratio"])
    results["machine"]["load_1min_end"] = os.getloadavg()[0]
    if not args.short:
        (HERE / "results").mkdir(exist_ok=True)
        name = "probe.json" if not (args.skip_single or args.skip_batch) else \
            ("probe-batch.json" if args.skip_single else "probe-single.json")
        if args.batch_ciphers != "w2019":
            name = name.replace(".json", "-%s.json" % args.batch_ciphers)
        (HERE / "results" / name).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
