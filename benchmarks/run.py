"""Run every benchmark under benchmarks/ (``make bench``), or each in its short mode (``make bench-short``).

Each ``bench_*.py`` is a script with its own ``--short`` flag: the full mode measures and prints figures side by
side with the peer tool (as ratios); the short mode only proves the benchmark still runs end to end, on tiny
inputs, so ``make test`` catches a broken benchmark without timing anything.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="check that each benchmark runs, on tiny inputs")
    parser.add_argument("only", nargs="*", help="run only these benchmarks (e.g. bench_plan)")
    args = parser.parse_args(argv)

    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem in args.only]
    if not scripts:
        print("no benchmark scripts found", file=sys.stderr)
        return 1
    failed = []
    for script in scripts:
        started = time.monotonic()
        cmd = [sys.executable, str(script)] + (["--short"] if args.short else [])
        print(f"== {script.stem} {'(short)' if args.short else ''}", flush=True)
        result = subprocess.run(cmd, cwd=HERE.parent, check=False)
        print(f"== {script.stem}: exit {result.returncode} after {time.monotonic() - started:.1f} s", flush=True)
        if result.returncode:
            failed.append(script.stem)
    print(f"benchmarks: {len(scripts) - len(failed)} ran, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
