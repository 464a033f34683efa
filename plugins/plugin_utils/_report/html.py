# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML page, rendered from the Jinja2 template ``report.html.j2`` (next to this file) with autoescaping.

Every ``{{ value }}`` is HTML-escaped by Jinja2 (``autoescape=True``), so no value can reach the page unescaped by
omission; ``finalize`` also drops terminal escapes and control characters from every value. The only markup made
in Python is :func:`_suite_breaks` (``<wbr>`` after each ``_`` of an already escaped suite name). The page is
self-contained: inline CSS, no scripts, and a Content-Security-Policy that forbids loading anything.
"""
from __future__ import annotations

import os

import jinja2
from markupsafe import Markup, escape

from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.text import compare, one_line, strip_terminal_escapes

FOLD_CHANGES = 12  # longer change lists start folded so the findings below stay in view
REASON_CHARS = 70  # a failing cell shows the first clause of its reason; the whole text is in its title


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return strip_terminal_escapes(value)


def _suite_breaks(name) -> Markup:
    """A suite name that wraps at its underscores instead of mid-word."""
    return Markup(str(escape(strip_terminal_escapes(name))).replace("_", "_<wbr>"))


def _short(text, limit=REASON_CHARS) -> str:
    text = one_line(text).split("; ", maxsplit=1)[0]
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


# autoescape=True for every template whatever its name (not select_autoescape by extension)
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(os.path.abspath(__file__))),
                          autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize,
                          trim_blocks=True, lstrip_blocks=True)
_ENV.filters.update(suite=_suite_breaks, short=_short, one_line=one_line)
_TEMPLATE = _ENV.get_template("report.html.j2")


def render_html(report, baseline=None) -> str:
    """The page; with ``baseline`` (an earlier report) it also shows each host before -> after."""
    rows = []
    for host in report.hosts:
        for endpoint in host.endpoints or [None]:
            cells = {c.client: c for c in endpoint.clients} if endpoint is not None else {}
            rows.append((host, endpoint, [cells.get(c.key) for c in report.clients]))
    return _TEMPLATE.render(report=report, summary=report.summary(), rows=rows, fold=FOLD_CHANGES,
                            comparison=compare(baseline, report) if baseline is not None else None,
                            baseline=baseline)
