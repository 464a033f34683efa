#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan a fleet of 1,000 hosts of mixed Windows versions and print the wall time and the cost per host.

What one host costs here is what ``schannel_plan`` does per host on the controller: resolve the profile (cached
after the first host, as in a play), compile the plan against a current registry dump, and predict all 13 clients.
Target: under 5 s for 1,000 hosts.  Not a timed unit test: run it by hand or from CI and read the figure.

    .venv/bin/python benchmarks/bench_plan.py [--hosts 1000] [--seed 7]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, ".cache", "collections"))
sys.path.insert(0, REPO)
# tests.conftest links the checkout as ansible_collections.tlsops.schannel
import tests.conftest  # noqa: E402,F401 pylint: disable=unused-import

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import (  # noqa: E402
    apply_operations,
    compile_plan,
)
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.predictor import predict  # noqa: E402
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import VERSION_KEYS  # noqa: E402
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles  # noqa: E402

PROFILES = ("ios_ats", "mozilla_intermediate", "pci_dss_4", "best_practices", "strict", "fips_140", "os_default")
CERTS = ("rsa:2048", "rsa:4096", "ecdsa:p256")


def fleet(count, seed):
    rng = random.Random(seed)
    hosts = []
    for i in range(count):
        version = rng.choice(VERSION_KEYS)
        # a third of the hosts already carry some hardening, so the plan diffs against a real dump
        current = {}
        if i % 3 == 0:
            seed_plan = compile_plan(profiles.resolve_profile("best_practices"), {"windows_version": version})
            current = apply_operations({}, seed_plan.operations)
        hosts.append({"name": "web%04d" % i, "profile": rng.choice(PROFILES), "windows_version": version,
                      "certificate_key": rng.choice(CERTS), "http2": rng.random() < 0.5, "current_state": current})
    return hosts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--short", action="store_true",
                        help="plan 20 hosts and only check that planning runs (make test); no timing verdict")
    args = parser.parse_args(argv)
    if args.short:
        args.hosts = 20
    load_start = time.perf_counter()
    for name in PROFILES:  # reading + validating the YAML happens once per play (the loader caches it)
        profiles.resolve_profile(name)
    load = time.perf_counter() - load_start
    hosts = fleet(args.hosts, args.seed)
    errors = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for host in hosts:
        profile = profiles.resolve_profile(host["profile"])
        plan = compile_plan(profile, host, alternatives=profiles.alternatives(profile))
        predict(plan.state, plan.certificate, None, http2=host["http2"])
        errors += bool(plan.errors)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    count = max(1, len(hosts))
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    sys.stdout.write(
        "planned %d hosts (%d with error findings, 13 client predictions each)\n"
        "  wall %.2f s = %.2f ms per host; CPU %.2f s = %.2f ms per host (target < 5 s)\n"
        "  first profile load (YAML + JSON Schema, once per play): %.2f s; load average %.1f on %d CPU(s)\n"
        % (len(hosts), errors, wall, 1000.0 * wall / count, cpu, 1000.0 * cpu / count, load, load_avg,
           os.cpu_count() or 1))
    if args.short:
        return 0 if len(hosts) == args.hosts else 1
    return 0 if wall < 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
