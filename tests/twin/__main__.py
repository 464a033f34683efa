"""Command line: ``python -m tests.twin start|stop|status|fault|serve`` (run from the repository root)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .faults import WRITE_ACTIONS


def fault_changes(args) -> dict | None:
    """The fault-file keys the ``fault`` flags set (None: an inconsistent combination)."""
    changes: dict = {}
    for key in ("drop_connection", "drop_module", "cut_after_writes", "cut_module", "refuse_after_reboot"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    if args.fail_write_action and not args.fail_write:
        return None
    if args.fail_write:
        rules = []
        for text in args.fail_write:
            path, _at, value = text.partition("@")
            rule = {"path": path, "name": value or None}
            if args.fail_write_action:
                rule["actions"] = list(args.fail_write_action)
            rules.append(rule)
        changes["fail_writes"] = rules
    if args.fail_read:
        changes["fail_reads"] = list(args.fail_read)
    return changes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.twin", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)

    start = sub.add_parser("start", help="start twins in the background and write inventory.yml + twins.json")
    start.add_argument("--spec", action="append", required=True, metavar="NAME:VERSION[:CERT[:SCENARIO]]")
    start.add_argument("--state-dir", required=True)
    start.add_argument("--lifetime", type=float, default=600.0, help="seconds until each twin exits by itself")
    start.add_argument("--address", default="127.0.0.1", help="a 127.0.0.0/8 address to bind")
    start.add_argument("--scheme", choices=("http", "https"), default="http",
                       help="WinRM listener in the inventory: http (NTLM, message encryption) or https (NTLM, "
                            "certificate validated against DIR/_keys/ca.pem)")
    start.add_argument("--connection", choices=("winrm", "psrp"), default="winrm",
                       help="Ansible connection the inventory uses (both are answered on the same listeners)")
    start.add_argument("--winrm-basic", action="store_true",
                       help="switch on Basic auth and unencrypted HTTP (off on Windows by default); the inventory "
                            "then uses Basic")
    start.add_argument("--reboot-downtime", type=float, default=3.0)
    start.add_argument("--alpn", default="", help="ALPN the IIS-like port offers on 2016+, e.g. h2,http/1.1")

    stop = sub.add_parser("stop", help="stop the twins recorded in DIR/twins.json, by PID")
    stop.add_argument("--state-dir", required=True)
    stop.add_argument("--name", action="append")

    status = sub.add_parser("status", help="print each twin's status.json")
    status.add_argument("--state-dir", required=True)

    fault = sub.add_parser("fault", help="arm or clear faults on a running twin (DIR/NAME/faults.json)",
                           description="Arm faults on a running twin; every flag sets one key of tests/twin/faults.py "
                                       "(read there for what each does). Flags given together are applied together.")
    fault.add_argument("--state-dir", required=True)
    fault.add_argument("--name", required=True)
    fault.add_argument("--drop-connection", type=int, metavar="N",
                       help="cut the WinRM connection before the next N module answers are sent")
    fault.add_argument("--drop-module", metavar="MODULE", help="only answers of this module count for --drop-connection")
    fault.add_argument("--fail-write", action="append", metavar="PATH[@VALUE]",
                       help="writes to this value (or, without @VALUE, this key) fail with the .NET text; repeatable")
    fault.add_argument("--fail-write-action", action="append", choices=WRITE_ACTIONS, metavar="ACTION",
                       help="only these writes fail, for every --fail-write of this call: %s; repeatable"
                            % ", ".join(WRITE_ACTIONS))
    fault.add_argument("--cut-after-writes", type=int, metavar="N",
                       help="the next module execution ends after its N-th registry write (0: before the first) "
                            "as a killed PowerShell host does: no JSON, rc 1; consumed once")
    fault.add_argument("--cut-module", metavar="MODULE", help="only this module counts for --cut-after-writes")
    fault.add_argument("--fail-read", action="append", metavar="PATH",
                       help="win_schannel_info cannot open this key for reading; repeatable")
    fault.add_argument("--refuse-after-reboot", type=float, metavar="SECONDS",
                       help="after the next reboot the endpoints stay down this much longer")
    fault.add_argument("--clear", action="store_true", help="remove every fault first (then apply the other flags)")

    serve = sub.add_parser("serve", help="(internal) run one twin in the foreground")
    serve.add_argument("--config", required=True)

    args = parser.parse_args(argv)
    if args.cmd == "serve":
        from .server import config_from_json, serve as run
        config, options = config_from_json(args.config)
        run(config, **options)
        return 0
    from . import api
    if args.cmd == "start":
        doc = api.start_twins(args.spec, args.state_dir, lifetime=args.lifetime, address=args.address,
                              scheme=args.scheme, winrm_basic=args.winrm_basic, connection=args.connection,
                              reboot_downtime=args.reboot_downtime,
                              alpn=[p for p in args.alpn.split(",") if p])
        for name, twin in doc["twins"].items():
            print(f"{name}: pid {twin['pid']} {twin['address']} {twin['ports']}")
        print(f"inventory: {Path(args.state_dir).resolve() / 'inventory.yml'}")
        return 0
    if args.cmd == "stop":
        stopped = api.stop_twins(args.state_dir, names=args.name)
        print("stopped: " + (", ".join(stopped) or "none"))
        return 0
    if args.cmd == "status":
        doc = json.loads((Path(args.state_dir) / "twins.json").read_text())
        print(json.dumps({n: api.status(args.state_dir, n) for n in doc.get("twins", {})}, indent=1))
        return 0
    if args.cmd == "fault":
        from .faults import Faults
        faults = Faults(Path(args.state_dir) / args.name / "faults.json")
        if args.clear:
            faults.clear()
        changes = fault_changes(args)
        if changes is None:
            parser.error("--fail-write-action needs --fail-write")
        print(json.dumps(faults.update(**changes) if changes else faults.read(), indent=1))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
