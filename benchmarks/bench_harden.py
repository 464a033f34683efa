#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Harden N Windows host twins with the role and with a win_regedit loop, side by side, in one run.

Both sides write the same registry values on the same fleet (mixed Windows versions 2008 R2 ... 2025, a 2008 R2
host starting from the field-report state): the role through ``playbooks/harden.yml`` (info -> plan -> two apply
modules), the baseline through ``benchmarks/baseline/harden_regedit.yml`` (one ``ansible.windows.win_regedit``
execution per value, values taken from the tlsops.schannel plan's own operations for each host).  Afterwards the
twins' registries are compared host by host: the benchmark fails when they differ, so the figures always compare
the same work.

Figures per fleet size: WinRM module executions per host (the twins' own counters), wall time, controller CPU
(user+sys of ansible-playbook and its forks), and baseline / role as a ratio.  Two modes:

* ``apply``: apply only (no reboot, no verification) -- the role's own cost vs the loop;
* ``loop``: the whole loop -- apply, reboot where needed, verify from outside (role: ``tls_verify``; baseline:
  ``win_reboot`` + one ``sslyze`` scan per host, what users verify with).

    .venv/bin/python benchmarks/bench_harden.py                 # N = 1, 10, 50 apply; N = 10 full loop
    .venv/bin/python benchmarks/bench_harden.py --short         # N = 1 apply, both sides at once (< 20 s)
    .venv/bin/python benchmarks/bench_harden.py --sizes 1,10 --loop-sizes 10 --json out.json
    .venv/bin/python benchmarks/bench_harden.py --fleet          # full loop at N = 50 and 200, forks 50 (README)

Controller CPU per host is the figure a 1,000-host rollout pays on its controller or AWX execution nodes.

Exit status 1 when a playbook fails, when the registries differ, or when the role needs more than 3 module
executions per host (the target).  Every twin started here binds 127.0.0.0/8, exits by itself after a bounded
lifetime and is stopped by PID (``tests.twin.api.stop_twins``) on the way out.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))
# imported for its side effect: it links the checkout into .cache/collections
import tests.conftest  # noqa: E402,F401 pylint: disable=unused-import
sys.path.insert(0, str(REPO / ".cache" / "collections"))  # after the link exists, or the import system caches a miss

ROLE_TARGET = 3  # module executions per host
VERSIONS = ("2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025")
BASELINE = HERE / "baseline" / "harden_regedit.yml"
HARDEN = REPO / "playbooks" / "harden.yml"


# --- machine facts (bench_scaling.py imports these) ----------------------------------------------------------------

def _version_of(dist: str) -> str:
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:  # noqa: BLE001 - a missing tool is a fact to print, not an error
        return "not installed"


def _testssl_version() -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "testssl.sh"], capture_output=True, text=True,
                             timeout=10, check=False).stdout.strip()
        if out:
            return out + " (Debian)"
    except (OSError, subprocess.SubprocessError):
        pass
    return "installed" if shutil.which("testssl") or shutil.which("testssl.sh") else "not installed"


def _collection_version(namespace: str, name: str) -> str:
    for base in [REPO / ".cache" / "collections"] + [Path(p) for p in sys.path]:
        manifest = base / "ansible_collections" / namespace / name / "MANIFEST.json"
        if manifest.is_file():
            try:
                return json.loads(manifest.read_text())["collection_info"]["version"]
            except (OSError, ValueError, KeyError):
                continue
    return "not installed"


def machine_facts() -> dict:
    """What the figures depend on: cores, memory, load, Python, OpenSSL, ansible-core, the peer tools, the date."""
    import ssl
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = "%.1f" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    commit = commit or os.environ.get("TLSOPS_BENCH_COMMIT", "?")  # a `git archive` export has no .git
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(), "cpu": cpu, "memory_gib": mem_gib,
        "load_1_5_15": "%.1f %.1f %.1f" % os.getloadavg(),
        "os": platform.platform(terse=True),
        "python": platform.python_version(), "openssl": ssl.OPENSSL_VERSION,
        "ansible_core": _version_of("ansible-core"), "ansible_windows": _collection_version("ansible", "windows"),
        "sslyze": _version_of("sslyze"), "testssl": _testssl_version(), "commit": commit,
    }


def print_facts(facts: dict, out=sys.stdout) -> None:
    out.write("machine: %(cores)s cores (%(cpu)s), %(memory_gib)s GiB, load %(load_1_5_15)s, %(os)s\n"
              "tools:   Python %(python)s (%(openssl)s), ansible-core %(ansible_core)s, ansible.windows "
              "%(ansible_windows)s, sslyze %(sslyze)s, testssl.sh %(testssl)s\n"
              "run:     %(date)s, commit %(commit)s\n" % facts)
    out.flush()


def table(headers, rows, out=sys.stdout) -> None:
    """A Markdown table (pastes into benchmarks/README.md as is)."""
    out.write("| " + " | ".join(headers) + " |\n")
    out.write("|" + "|".join(["---"] * len(headers)) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(str(c) for c in row) + " |\n")
    out.flush()


def ratio(a, b) -> str:
    return "%.1fx" % (a / b) if b else "n/a"


# --- the fleet --------------------------------------------------------------------------------------------------

class Stop(Exception):
    pass


def _on_signal(signum, _frame):
    raise Stop("signal %d" % signum)


def fleet_specs(count: int) -> list:
    """Mixed versions; every 2008 R2 host starts in the field-report state (TLS 1.2 off, wrong suite names)."""
    specs = []
    for i in range(count):
        version = VERSIONS[i % len(VERSIONS)]
        scenario = ":rsa:2048:ios_ats_failure" if version == "2008r2" else ""
        specs.append("h%03d:%s%s" % (i, version, scenario))
    return specs


def plan_values(doc: dict, profile_name: str, certificate: bool = True) -> dict:
    """Per host, the registry values the tlsops.schannel plan writes, as win_regedit items (same facts as the role:
    Windows version, current registry, and the certificate key when the role knows it: only when it verifies the
    IIS port, whose binding names the certificate; without an endpoint the plan keeps RSA and ECDSA suites)."""
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import compile_plan
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

    profile = profiles.resolve_profile(profile_name)
    values = {}
    for name, twin in doc["twins"].items():
        current = json.loads(Path(twin["registry_file"]).read_text())
        facts = {"windows_version": twin["version"], "current_state": current}
        if certificate:
            facts["certificate_key"] = twin["cert"].split("+")[0]
        plan = compile_plan(profile, facts,
                            alternatives=profiles.alternatives(profile))
        if plan.errors:
            raise RuntimeError("%s: the plan has error findings: %s" % (name, plan.errors))
        values[name] = [dict((k, op.get(k)) for k in ("path", "name", "state", "type", "data"))
                        for op in plan.operations]
    return values


def dsc_resources(values: list) -> int:
    """How many win_dsc tasks SChannelDsc needs for the same values, one per resource instance (Protocol per
    protocol, Cipher / Hash / KeyExchangeAlgorithm per key, CipherSuites once): derived, not run."""
    keys = set()
    for item in values:
        parts = item["path"].split("\\")
        if "Protocols" in parts:
            keys.add(("Protocol", parts[parts.index("Protocols") + 1]))
        elif "Cryptography" in parts:
            keys.add(("CipherSuites", ""))
        else:
            keys.add(("key", item["path"]))
    return len(keys)


def env(tmp: Path) -> dict:
    out = dict(os.environ)
    out.update(ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections"), ANSIBLE_HOST_KEY_CHECKING="False",
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_DEPRECATION_WARNINGS="False", ANSIBLE_LOCAL_TEMP=str(tmp / "ansible-local"),
               ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="8",
               PATH="%s%s%s" % (VENV_BIN, os.pathsep, os.environ.get("PATH", "")))
    return out


class Run:
    """One ansible-playbook run: wall time, controller CPU (rusage of the process and its reaped forks), log."""

    def __init__(self, label, cmd, tmp: Path):
        self.label, self.cmd = label, cmd
        self.log = tmp / ("%s.log" % label)
        self.started = time.perf_counter()
        with open(self.log, "wb") as fh:
            self.proc = subprocess.Popen(cmd, cwd=str(REPO), env=env(tmp), stdout=fh, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        self.rc = self.wall = self.cpu = None

    def poll(self, kill: bool = False) -> bool:
        """True once finished (records rc, wall time and CPU); ``kill`` ends a run that overran, by its PID."""
        if self.rc is not None:
            return True
        if kill:
            self.proc.kill()
        pid, status, usage = os.wait4(self.proc.pid, 0 if kill else os.WNOHANG)
        if not pid:
            return False
        self.wall = time.perf_counter() - self.started
        self.rc = self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.cpu = usage.ru_utime + usage.ru_stime
        return True

    def wait(self, timeout: float) -> "Run":
        wait_all([self], timeout)
        return self

    def slowest(self) -> list:
        """The slowest tasks from profile_tasks' recap: [(seconds, task name)]."""
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            head, sep, tail = line.rpartition(" ")
            if sep and tail.endswith("s") and " --" in head:
                try:
                    out.append((float(tail[:-1]), head.rstrip(" -").split(" : ", 1)[-1]))
                except ValueError:
                    continue
        return out

    def tail(self, lines=40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_all(runs, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        finished = [run.poll() for run in runs]  # poll every run, no short-circuit: each records its own end
        if all(finished):
            return
        if time.monotonic() > deadline:
            for run in runs:
                run.poll(kill=True)
            return
        time.sleep(0.02)


class HostCost:
    """Emulates what a module execution costs on the Windows side, which the twin answers at once: a WinRM proxy in
    front of each twin that holds every WinRS ``Command`` request (one per module execution, one per win_reboot
    command) for ``delay`` seconds.  Real Windows starts powershell.exe and loads the module wrapper there; the
    delay is an assumption given on the command line (``--host-cost``), not a Windows measurement."""

    COMMAND = b"windows/shell/Command</"

    def __init__(self, delay: float):
        import asyncio
        import threading
        self.delay = delay
        self.delayed = 0
        self.loop = asyncio.new_event_loop()
        self.servers = []
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    async def _pipe_requests(self, reader, writer):
        import asyncio
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length) if length else b""
            if self.COMMAND in body:
                self.delayed += 1
                await asyncio.sleep(self.delay)
            writer.write(head + body)
            await writer.drain()

    @staticmethod
    async def _pipe(reader, writer):
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()

    async def _client(self, creader, cwriter, address, port):
        import asyncio
        try:
            ureader, uwriter = await asyncio.open_connection(address, port)
        except OSError:
            cwriter.close()
            return
        tasks = [asyncio.ensure_future(self._pipe_requests(creader, uwriter)),
                 asyncio.ensure_future(self._pipe(ureader, cwriter))]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for w in (uwriter, cwriter):
                w.close()

    def front(self, address: str, port: int) -> int:
        """A proxy on ``address`` for the twin's WinRM port; returns the proxy's port."""
        import asyncio

        async def start():
            return await asyncio.start_server(lambda r, w: self._client(r, w, address, port), address, 0)
        server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.servers.append(server)
        return server.sockets[0].getsockname()[1]

    def inventory(self, state: Path) -> Path:
        """A copy of the twins' inventory whose WinRM ports point at proxies."""
        text = (state / "inventory.yml").read_text()
        doc = json.loads(text.split("\n", 1)[1] if text.startswith("#") else text)
        for _name, hvars in doc["all"]["children"]["twins"]["hosts"].items():
            hvars["ansible_port"] = self.front(hvars["ansible_host"], int(hvars["ansible_port"]))
        out = state / "inventory-host-cost.yml"
        out.write_text(json.dumps(doc, indent=1))
        return out

    def close(self) -> None:
        for server in self.servers:
            self.loop.call_soon_threadsafe(server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def role_cmd(state: Path, tmp: Path, profile: str, forks: int, loop: bool, inventory: Path) -> list:
    extra = {"schannel_target": "twins", "schannel_profile": profile, "schannel_waves": ["100%"],
             "schannel_backup_dir": str(tmp / "backups"), "schannel_report_dir": ""}
    if loop:
        extra.update(schannel_reboot="when_required", schannel_reboot_timeout=300,
                     schannel_report_dir=str(tmp / ("reports-%s" % state.name)),
                     schannel_verify={"endpoints": [{"port": "{{ tlsops_twin_https_port }}"}], "policies": []})
    else:
        extra.update(schannel_reboot="never", schannel_verify={"endpoints": []})
    vars_file = tmp / ("role-vars-%s.json" % state.name)
    vars_file.write_text(json.dumps(extra))
    return [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(HARDEN),
            "-e", "@%s" % vars_file, "-f", str(forks)]


def baseline_cmd(state: Path, tmp: Path, values: dict, forks: int, loop: bool, inventory: Path) -> list:
    vars_file = tmp / ("baseline-vars-%s.json" % state.name)
    vars_file.write_text(json.dumps({"baseline_values": values, "baseline_target": "twins",
                                     "baseline_reboot": loop, "baseline_verify": loop,
                                     "baseline_sslyze": str(VENV_BIN / "sslyze")}))
    return [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(BASELINE),
            "-e", "@%s" % vars_file, "-f", str(forks)]


def executions(doc: dict) -> dict:
    from tests.twin import api
    per_host, by_module, boots = {}, {}, {}
    for name in doc["twins"]:
        status = api.status(doc["state_dir"], name)
        per_host[name] = status.get("module_executions", 0)
        boots[name] = status.get("boot_filetime")
        for module, count in (status.get("module_executions_by_module") or {}).items():
            by_module[module] = by_module.get(module, 0) + count
    return {"per_host": per_host, "by_module": by_module, "boots": boots}


# Written by each twin at start for its own listener ports (which differ between the two fleets), never by either side.
_PER_FLEET_KEYS = ("\\services\\http\\parameters\\sslbindinginfo\\",)


def registry_diff(role_doc: dict, base_doc: dict) -> list:
    problems = []
    for name, twin in role_doc["twins"].items():
        mine = json.loads(Path(twin["registry_file"]).read_text())
        theirs = json.loads(Path(base_doc["twins"][name]["registry_file"]).read_text())
        for key in sorted(set(mine) | set(theirs)):
            if any(part in key.lower() + "\\" for part in _PER_FLEET_KEYS):
                continue
            if mine.get(key) != theirs.get(key):
                problems.append("%s: %s role=%s baseline=%s" % (name, key, mine.get(key), theirs.get(key)))
    return problems


def _start_fleet(side: str, address: str, specs: list, mode: str, count: int, args, tmp: Path, started_dirs: list):
    from tests.twin import api
    state = tmp / ("%s-%s-%d" % (side, mode.replace(" +", "-cost").replace("/exec", ""), count))
    started_dirs.append(state)
    t0 = time.perf_counter()
    doc = api.start_twins(specs, state, lifetime=args.lifetime, address=address,
                          reboot_downtime=args.reboot_downtime, timeout=120 + count)
    doc["state_dir"] = str(state)
    return doc, time.perf_counter() - t0


def measure(count: int, loop: bool, args, tmp: Path, started_dirs: list, host_cost: float = 0.0) -> dict:
    """Role and baseline on two fleets of ``count`` twins with the same specs.  ``args.sequential``: one fleet
    at a time (start, run, stop, then the other), so 2 x 200 twins never share the machine's memory and the
    baseline's idle twins do not sit beside the role's run; otherwise both fleets start first (and, in short
    mode, both playbooks run at once)."""
    from tests.twin import api
    mode = ("loop" if loop else "apply") + (" +%gs/exec" % host_cost if host_cost else "")
    specs = fleet_specs(count)
    forks = min(count, args.forks)
    docs, startup, runs, counts, boots_before, loads = {}, {}, {}, {}, {}, {}
    proxies = HostCost(host_cost) if host_cost else None
    values = None

    def start(side, address):
        docs[side], startup[side] = _start_fleet(side, address, specs, mode, count, args, tmp, started_dirs)
        boots_before[side] = executions(docs[side])["boots"]

    def inventory(side):
        state = Path(docs[side]["state_dir"])
        return proxies.inventory(state) if proxies else state / "inventory.yml"

    def finish(side):
        counts[side] = executions(docs[side])
        if args.sequential:
            api.stop_twins(docs[side]["state_dir"])

    try:
        sides = (("role", "127.0.0.2"), ("baseline", "127.0.0.3"))
        if not args.sequential:
            for side, address in sides:
                start(side, address)
        else:
            start("role", "127.0.0.2")
        label = Path(docs["role"]["state_dir"]).name.split("-", 1)[1]
        if not args.sequential:
            values = plan_values(docs["baseline"], args.profile, certificate=loop)
        loads["role"] = ["%.1f" % os.getloadavg()[0]]
        runs["role"] = Run("role-" + label, role_cmd(Path(docs["role"]["state_dir"]), tmp, args.profile, forks, loop,
                                                     inventory("role")), tmp)
        if args.sequential or not args.concurrent:
            runs["role"].wait(args.timeout)
            loads["role"].append("%.1f" % os.getloadavg()[0])
            finish("role")
        if args.sequential:
            start("baseline", "127.0.0.3")
            values = plan_values(docs["baseline"], args.profile, certificate=loop)
        loads["baseline"] = ["%.1f" % os.getloadavg()[0]]
        runs["baseline"] = Run("baseline-" + label, baseline_cmd(Path(docs["baseline"]["state_dir"]), tmp, values,
                                                                 forks, loop, inventory("baseline")), tmp)
        wait_all([runs["role"], runs["baseline"]], args.timeout)
        loads["baseline"].append("%.1f" % os.getloadavg()[0])
        if "role" not in counts:
            loads["role"].append(loads["baseline"][-1])
            finish("role")
        finish("baseline")
    finally:
        if proxies:
            proxies.close()
    commands = proxies.delayed if proxies else None
    result = {"hosts": count, "mode": mode, "host_cost_s": host_cost, "forks": forks,
              "sequential": bool(args.sequential), "twin_startup_s": round(sum(startup.values()), 2),
              "winrs_commands_delayed": commands,
              "values_per_host": round(sum(len(v) for v in values.values()) / count, 1),
              "dsc_tasks_per_host": round(sum(dsc_resources(v) for v in values.values()) / count, 1),
              "problems": []}
    for side in ("role", "baseline"):
        run = runs[side]
        per_host = list(counts[side]["per_host"].values())
        rebooted = sum(1 for n, b in counts[side]["boots"].items() if b != boots_before[side][n])
        result[side] = {"rc": run.rc, "wall_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2),
                        "cpu_per_host_s": round(run.cpu / count, 3), "wall_per_host_s": round(run.wall / count, 3),
                        "load_1min_start_end": loads[side],
                        "executions_per_host": round(sum(per_host) / count, 2), "executions_max": max(per_host),
                        "by_module": counts[side]["by_module"], "rebooted": rebooted, "log": str(run.log),
                        "slowest_tasks": run.slowest()[:5]}
        if run.rc != 0:
            result["problems"].append("%s playbook failed (rc %s):\n%s" % (side, run.rc, run.tail()))
        if loop and rebooted != count:
            result["problems"].append("%s: %d of %d hosts rebooted" % (side, rebooted, count))
    if result["role"]["executions_max"] > ROLE_TARGET:
        result["problems"].append("the role needed %d module executions on a host (target <= %d): %s" % (
            result["role"]["executions_max"], ROLE_TARGET, result["role"]["by_module"]))
    diff = registry_diff(docs["role"], docs["baseline"])
    if diff:
        result["problems"].append("the two sides left different registries (%d values), e.g.:\n  %s" % (
            len(diff), "\n  ".join(diff[:5])))
    for side in ("role", "baseline"):
        api.stop_twins(docs[side]["state_dir"])
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="N = 1, apply only, both sides at once: proves it runs")
    parser.add_argument("--sizes", default="1,10,50", help="fleet sizes for apply only (default 1,10,50)")
    parser.add_argument("--loop-sizes", default="10", help="fleet sizes for the full loop ('' for none)")
    parser.add_argument("--host-cost", type=float, default=0.5,
                        help="assumed Windows-side seconds per module execution, emulated by a WinRM proxy")
    parser.add_argument("--host-cost-sizes", default="10", help="fleet sizes for apply with --host-cost ('' for none)")
    parser.add_argument("--profile", default="ios_ats")
    parser.add_argument("--forks", type=int, default=50, help="ansible forks, the same for both sides")
    parser.add_argument("--lifetime", type=float, default=900.0, help="each twin exits by itself after this")
    parser.add_argument("--reboot-downtime", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=600.0, help="per playbook run")
    parser.add_argument("--json", help="also write the figures here (full mode default: benchmarks/results/harden.json)")
    parser.add_argument("--together", action="store_true",
                        help="start both fleets before the runs (default: one fleet at a time, which 2 x 200 twins "
                             "need on a 24 GiB machine)")
    parser.add_argument("--fleet", action="store_true",
                        help="the fleet figures of benchmarks/README.md: full loop at N = 50 and 200 (forks 50), no "
                             "other rows; about 30-40 minutes on 2 cores")
    args = parser.parse_args(argv)
    args.concurrent = False
    args.sequential = not args.together
    if args.fleet:
        args.sizes, args.host_cost_sizes, args.loop_sizes = "", "", "50,200"
        args.lifetime, args.timeout = max(args.lifetime, 3600.0), max(args.timeout, 2400.0)
    if not args.short and not args.json:
        (HERE / "results").mkdir(exist_ok=True)
        args.json = str(HERE / "results" / "harden.json")
    if args.short:
        args.sizes, args.loop_sizes, args.lifetime, args.timeout, args.concurrent = "1", "", 120.0, 90.0, True
        args.host_cost_sizes, args.sequential = "", False
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    loop_sizes = [int(s) for s in args.loop_sizes.split(",") if s.strip()]
    runs = [(False, n, 0.0) for n in sizes]
    runs += [(False, int(n), args.host_cost) for n in args.host_cost_sizes.split(",") if n.strip() and args.host_cost]
    runs += [(True, n, 0.0) for n in loop_sizes]

    facts = machine_facts()
    print_facts(facts)
    print("profile %s; fleet: versions %s in turn (2008 R2 from the field-report state); forks = min(N, %d)%s" % (
        args.profile, ", ".join(VERSIONS), args.forks, "; short mode: both sides run at once" if args.short else ""))
    signal.signal(signal.SIGTERM, _on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="bench-harden-"))
    started: list = []
    results, failed = [], False
    try:
        for loop, count, host_cost in runs:
            res = measure(count, loop, args, tmp, started, host_cost)
            results.append(res)
            r, b = res["role"], res["baseline"]
            if host_cost:
                print("host cost: %s WinRS commands held %g s each" % (res["winrs_commands_delayed"], host_cost))
            print("%s N=%d forks=%d: role %.2f exec/host %.1f s (cpu %.1f s = %.2f s/host, load %s), baseline %.2f "
                  "exec/host %.1f s (cpu %.1f s = %.2f s/host, load %s)" % (
                      res["mode"], count, res["forks"], r["executions_per_host"], r["wall_s"], r["cpu_s"],
                      r["cpu_per_host_s"], "->".join(r["load_1min_start_end"]), b["executions_per_host"],
                      b["wall_s"], b["cpu_s"], b["cpu_per_host_s"], "->".join(b["load_1min_start_end"])), flush=True)
            for side in ("role", "baseline"):
                print("  %s slowest tasks: %s" % (side, "; ".join(
                    "%s %.1f s" % (name[:60], sec) for sec, name in res[side]["slowest_tasks"])))
            for problem in res["problems"]:
                failed = True
                print("PROBLEM: %s" % problem, flush=True)
    except Stop as exc:
        print("stopped by %s" % exc)
        failed = True
    finally:
        from tests.twin import api
        for state in started:
            if (state / "twins.json").exists():
                api.stop_twins(state)
    print()
    rows = []
    for res in results:
        r, b = res["role"], res["baseline"]
        rows.append([res["mode"], res["hosts"], res["forks"],
                     "%.1f" % r["executions_per_host"], "%.1f" % b["executions_per_host"],
                     "%.1f" % r["wall_s"], "%.1f" % b["wall_s"], ratio(b["wall_s"], r["wall_s"]),
                     "%.1f" % r["cpu_s"], "%.1f" % b["cpu_s"],
                     "**%.2f**" % r["cpu_per_host_s"], "%.2f" % b["cpu_per_host_s"], ratio(b["cpu_s"], r["cpu_s"]),
                     "%s / %s" % ("->".join(r["load_1min_start_end"]), "->".join(b["load_1min_start_end"])),
                     "%.0f" % res["dsc_tasks_per_host"]])
    table(["mode", "hosts", "forks", "role exec/host", "win_regedit exec/host", "role wall s",
           "win_regedit wall s", "wall ratio", "role CPU s", "win_regedit CPU s", "role CPU/host s",
           "win_regedit CPU/host s", "CPU ratio", "load 1 min (role / loop)", "win_dsc tasks/host (derived)"], rows)
    print("\nexec = WinRM module executions counted by each twin; wall = the ansible-playbook run; CPU = user+sys "
          "of ansible-playbook and its forks on the controller; ratio = win_regedit loop / role.  The last column "
          "is derived from the same values (one SChannelDsc resource per protocol, cipher, hash, key exchange, "
          "plus CipherSuites), not run: the twin has no win_dsc.")
    ok = not failed and bool(results)
    print("role target (<= %d module executions per host): %s" % (
        ROLE_TARGET, "met" if ok else "see the problems above"))
    if args.json:
        Path(args.json).write_text(json.dumps({"facts": facts, "results": results}, indent=1))
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("logs kept in %s" % tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
