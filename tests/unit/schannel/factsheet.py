"""Read the fact sheet (docs/schannel-facts.md) so tests pin the knowledge tables to it.

The fact sheet is part of the repository (docs/sources.md gives the address of every source it cites), so the
tests that read it run in every clone, and a missing or renamed file is a failure, not a skip.
"""
from __future__ import annotations

import re
from pathlib import Path

FACTS = Path(__file__).resolve().parents[3] / "docs" / "schannel-facts.md"
VERSIONS = ("2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025")


def text() -> str:
    return FACTS.read_text(encoding="utf-8")


def matrix():
    """§4.2 rows: name -> dict(code, openssl, protocols, cells{version: cell}, h2, ats, moz)."""
    rows = {}
    for line in text().splitlines():
        if not re.match(r"\| \d+ \| `", line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = cells[1].strip("`")
        rows[name] = {
            "code": int(cells[2].split()[0], 16), "openssl": cells[3], "protocols": cells[4],
            "cells": dict(zip(VERSIONS, cells[5:12])), "h2": cells[12], "ats": cells[13] == "yes",
            "moz": cells[14] == "yes",
        }
    return rows


def version_lists():
    """§4.3: version -> (default order names incl. '*', not-default names)."""
    out, cur = {}, None
    for line in text().splitlines():
        m = re.match(r"- \*\*(20\d\d(?: R2)?)", line)
        if m and "default order" in line:
            label = m.group(1)
            cur = {"2008 R2": "2008r2", "2012 R2": "2012r2"}.get(label, label)
            out[cur] = [re.findall(r"`([A-Z0-9_]+\*?)`", line.split("default order", 1)[1]), []]
        elif cur and "supported, not enabled by default" in line:
            out[cur][1] = re.findall(r"`([A-Z0-9_]+\*?)`", line)
    return out
