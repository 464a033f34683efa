#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where does a playbook's controller CPU go?  cProfile of ``ansible-playbook`` *and* of every fork.

``ansible-playbook`` spends its CPU in two places: the main process (strategy, variable manager, templating of
task arguments and conditionals, callbacks, result processing) and one forked worker per task and host (action
plugins, module building, the connection: NTLM/TLS, WinRM round trips).  cProfile on the command alone sees only the
first.  This wrapper profiles the main process and patches ``WorkerProcess.run`` so that every fork writes its own
profile, then adds them all up and prints the functions that cost most, and a split by area (ours, templating,
connection crypto, module building, ...).

    .venv/bin/python benchmarks/profile_playbook.py --out /tmp/prof -- -i inv.yml playbooks/harden.yml -e ...
    .venv/bin/python benchmarks/profile_playbook.py --report /tmp/prof            # print again from the files

The clock is CPU time (``time.process_time``), so waiting on the network or on forks costs nothing here.
The profiles cost CPU themselves (cProfile roughly doubles pure-Python time), so read the shares, not the seconds.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import time
from pathlib import Path

# (area, substring of the file path or function name), first match wins
AREAS = [
    ("ours: action plugins", "/tlsops/schannel/plugins/action/"),
    ("ours: plugin_utils", "/tlsops/schannel/plugins/plugin_utils/"),
    ("ours: knowledge core (module_utils/schannel)", "/tlsops/schannel/plugins/module_utils/schannel/"),
    ("ours: module_utils/tls", "/tlsops/schannel/plugins/module_utils/tls/"),
    ("ours: other", "/tlsops/schannel/"),
    ("jsonschema / referencing", "/jsonschema"),
    ("jsonschema / referencing", "/referencing/"),
    ("NTLM / SPNEGO (pyspnego)", "/spnego/"),
    ("crypto (cryptography, hashlib, hmac, ssl)", "/cryptography/"),
    ("crypto (cryptography, hashlib, hmac, ssl)", "/hmac.py"),
    ("crypto (cryptography, hashlib, hmac, ssl)", "_hashlib"),
    ("crypto (cryptography, hashlib, hmac, ssl)", "/ssl.py"),
    ("crypto (cryptography, hashlib, hmac, ssl)", "_ssl."),
    ("pywinrm / requests / urllib3 (HTTP)", "/winrm/"),
    ("pywinrm / requests / urllib3 (HTTP)", "/requests/"),
    ("pywinrm / requests / urllib3 (HTTP)", "/urllib3/"),
    ("pywinrm / requests / urllib3 (HTTP)", "/requests_ntlm/"),
    ("pywinrm / requests / urllib3 (HTTP)", "/http/client.py"),
    ("pypsrp / psrpcore", "/pypsrp/"),
    ("pypsrp / psrpcore", "/psrpcore/"),
    ("xml (WS-Management envelopes)", "/xml/"),
    ("xml (WS-Management envelopes)", "xmltodict"),
    ("ansible: PowerShell module building", "/ansible/executor/powershell/"),
    ("ansible: module building", "/ansible/executor/module_common.py"),
    ("ansible: connection plugins", "/ansible/plugins/connection/"),
    ("ansible: action base", "/ansible/plugins/action/"),
    ("ansible: templating (Jinja2)", "/ansible/_internal/_templating/"),
    ("ansible: templating (Jinja2)", "/ansible/template/"),
    ("ansible: templating (Jinja2)", "/jinja2/"),
    ("ansible: variable manager", "/ansible/vars/"),
    ("ansible: strategy / task queue", "/ansible/plugins/strategy/"),
    ("ansible: strategy / task queue", "/ansible/executor/task_queue_manager.py"),
    ("ansible: strategy / task queue", "/ansible/executor/process/"),
    ("ansible: task executor", "/ansible/executor/task_executor.py"),
    ("ansible: callbacks / display", "/ansible/plugins/callback/"),
    ("ansible: callbacks / display", "/ansible/utils/display.py"),
    ("ansible: callbacks / display", "/ansible_collections/ansible/posix/plugins/callback/"),
    ("ansible: playbook objects (copy, validate)", "/ansible/playbook/"),
    ("ansible: serialization (json, pickle, dataclasses)", "/ansible/module_utils/_internal/"),
    ("ansible: serialization (json, pickle, dataclasses)", "/json/"),
    ("ansible: serialization (json, pickle, dataclasses)", "pickle"),
    ("ansible: serialization (json, pickle, dataclasses)", "_json."),
    ("ansible: other", "/ansible/"),
    ("yaml", "/yaml/"),
    ("multiprocessing / select / sleep", "/multiprocessing/"),
    ("multiprocessing / select / sleep", "select"),
    ("multiprocessing / select / sleep", "sleep"),
    ("copy / deepcopy", "/copy.py"),
    ("import machinery", "<frozen importlib"),
]


def area_of(func) -> str:
    filename, _line, name = func
    text = "%s:%s" % (filename, name)
    for area, needle in AREAS:
        if needle in text:
            return area
    return "other (stdlib, builtins)"


def run(out: Path, playbook_args: list) -> int:
    out.mkdir(parents=True, exist_ok=True)
    from ansible.executor.process import worker

    original = worker.WorkerProcess.run

    def profiled_run(self):
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        try:
            return original(self)
        finally:
            prof.disable()
            prof.dump_stats(str(out / ("worker-%d.prof" % os.getpid())))
    worker.WorkerProcess.run = profiled_run

    from ansible.cli.playbook import PlaybookCLI
    sys.argv = ["ansible-playbook"] + playbook_args
    started = time.perf_counter()
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    rc = 0
    try:
        cli = PlaybookCLI(sys.argv)
        rc = cli.run()
    except SystemExit as exc:
        rc = int(exc.code or 0)
    finally:
        prof.disable()
        prof.dump_stats(str(out / "main.prof"))
    wall = time.perf_counter() - started
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    (out / "rusage.txt").write_text("wall %.2f\nmain_cpu %.2f\nforks_cpu %.2f\n" % (
        wall, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime))
    return rc


def report(out: Path, top: int = 30, stream=sys.stdout) -> None:
    files = {"main": [out / "main.prof"], "forks": sorted(out.glob("worker-*.prof"))}
    usage = (out / "rusage.txt").read_text() if (out / "rusage.txt").exists() else ""
    stream.write("rusage (with profiler overhead): %s\n" % usage.replace("\n", "; "))
    for label, paths in files.items():
        paths = [p for p in paths if p.exists()]
        if not paths:
            continue
        stats = pstats.Stats(*[str(p) for p in paths], stream=stream)
        total = sum(v[2] for v in stats.stats.values())  # tottime
        areas: dict = {}
        for func, (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
            areas[area_of(func)] = areas.get(area_of(func), 0.0) + tt
        stream.write("\n== %s: %d profile(s), %.2f s of profiled time ==\n" % (label, len(paths), total))
        for area, secs in sorted(areas.items(), key=lambda kv: -kv[1]):
            if secs / total >= 0.005:
                stream.write("  %6.2f s %5.1f %%  %s\n" % (secs, 100 * secs / total, area))
        for key, title in ((3, "cumulative"), (2, "own")):
            stream.write("-- top %d by %s CPU time (s, calls, function) --\n" % (top, title))
            rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][key])[:top]
            for func, values in rows:
                stream.write("  %7.2f %8d  %s\n" % (values[key], values[1], _name(func)))


def by_task(out: Path, hosts: int, stream=sys.stdout) -> None:
    """One row per action (each fork runs one task on one host): forks, CPU, and the part spent templating the
    task's arguments (``finalize_task_arg``) and its conditionals, per host, as a Markdown table."""
    import re
    rows: dict = {}
    for path in sorted(out.glob("worker-*.prof")):
        stats = pstats.Stats(str(path))
        names = dict((_name(k), v) for k, v in stats.stats.items())
        action = "skipped (conditional false)"
        for name in names:
            found = re.search(r"plugins/action/((?!__init__)\w+)\.py:\d+\(run(_action)?\)", name)
            if found:
                action = found.group(1)
                break
        total = sum(v[2] for v in stats.stats.values())
        args = sum(v[3] for k, v in names.items() if k.endswith("(finalize_task_arg)"))
        when = sum(v[3] for k, v in names.items() if k.endswith("(evaluate_conditional)"))
        row = rows.setdefault(action, [0, 0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += total
        row[2] += args
        row[3] += when
    grand = sum(r[1] for r in rows.values()) or 1.0
    stream.write("| action | forks | CPU s/host | share | of which task arguments | of which conditionals |\n")
    stream.write("|---|---|---|---|---|---|\n")
    for action, (count, total, args, when) in sorted(rows.items(), key=lambda kv: -kv[1][1]):
        stream.write("| %s | %d | %.3f | %.0f %% | %.3f | %.3f |\n" % (
            action, count, total / hosts, 100 * total / grand, args / hosts, when / hosts))


def _name(func) -> str:
    filename, line, name = func
    for marker in ("site-packages/", "lib/python3", "ansible_collections/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return "%s:%s(%s)" % (filename, line, name) if line else name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder for main.prof, worker-<pid>.prof, rusage.txt")
    parser.add_argument("--report", help="only print the report of an earlier run's folder")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--hosts", type=int, help="with --report: also the per-action table, per host")
    parser.add_argument("playbook_args", nargs=argparse.REMAINDER, help="after --: ansible-playbook's arguments")
    args = parser.parse_args(argv)
    if args.report:
        report(Path(args.report), args.top)
        if args.hosts:
            by_task(Path(args.report), args.hosts)
        return 0
    pb_args = args.playbook_args[1:] if args.playbook_args[:1] == ["--"] else args.playbook_args
    rc = run(Path(args.out), pb_args)
    report(Path(args.out), args.top)
    return rc


if __name__ == "__main__":
    sys.exit(main())
