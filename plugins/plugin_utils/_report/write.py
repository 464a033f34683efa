# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report files: one per format, ``0600`` in a ``0700`` directory, never through a symlink.

Reports may hold internal host names and registry state. File names come from the ``name`` a user gives (reduced to
``[A-Za-z0-9._-]``), never from host names. Each file is written to a temporary file and renamed over the old one,
so a reader never sees half a report and a planted symlink is replaced rather than followed.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Callable, Optional

from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.html import render_html
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.junit import render_junit
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.strict import ReportError
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.text import render_text

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def render_json(report, baseline=None) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Format:
    extension: str
    render: Callable  # (report, baseline) -> text


FORMATS = {
    "json": Format("json", render_json),
    "junit": Format("xml", lambda report, baseline=None: render_junit(report)),
    "html": Format("html", render_html),
    "text": Format("txt", lambda report, baseline=None: render_text(report)),
}


def safe_file_stem(value, default: str = "report") -> str:
    """A file name stem from a user-supplied value: ``[A-Za-z0-9._-]`` only, no leading dot, at most 64 chars."""
    stem = _SAFE_NAME.sub("_", str(value or "")).strip("._")[:64]
    return stem or default


def ensure_private_dir(path: str) -> str:
    """Create ``path`` (and parents) with mode 0700; refuse a symlink or a non-directory at ``path``."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.islink(path):
        raise ReportError("report directory %s is a symlink; give the real directory" % path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise ReportError("report directory %s exists and is not a directory" % path)
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_private(path: str, text: str) -> None:
    """Write atomically through a 0600 temp file in the same directory, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=".report-", dir=os.path.dirname(path))
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_report(report, directory: str, name: str = "schannel-report",
                 formats=("json", "junit", "html", "text"), baseline: Optional[object] = None) -> dict:
    """Write the report in each format to ``directory/<name>.<ext>``; return ``{format: path}``."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError("unknown report format %s; choose from %s" % (
            ", ".join(map(repr, unknown)), ", ".join(sorted(FORMATS))))
    stem = safe_file_stem(name, "schannel-report")
    directory = ensure_private_dir(directory)
    paths = {}
    for fmt in formats:
        spec = FORMATS[fmt]
        path = os.path.join(directory, "%s.%s" % (stem, spec.extension))
        write_private(path, spec.render(report, baseline))
        paths[fmt] = path
    return paths
