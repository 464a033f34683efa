# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several runs into one fleet report: job slices (AWX/AAP), several controllers, or waves run one by one.

Hosts, counts, the client matrix and JUnit come out as from one run. A host present in more than one input keeps
its latest result (the time the role recorded it, ``finished``; the input report's ``generated`` time when the
result has none) and the report says so in that host's notes, naming the input it was also in.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.model import FleetReport


@dataclass
class Source:
    label: str  # what the user calls this input: a file path, or "results #2"
    report: FleetReport


def merge(sources, **kwargs) -> FleetReport:
    kept = {}  # host -> (when, label, HostReport)
    notes = {}
    for source in sources:
        for host in source.report.hosts:
            when = host.finished or source.report.generated
            previous = kept.get(host.host)
            if previous is None:
                kept[host.host] = (when, source.label, host)
                continue
            newer = when >= previous[0]
            winner, loser = ((when, source.label), previous[:2]) if newer else (previous[:2], (when, source.label))
            notes.setdefault(host.host, []).append(
                "also in %s (finished %s); the latest result is kept, from %s (finished %s)" % (
                    loser[1], loser[0], winner[1], winner[0]))
            if newer:
                kept[host.host] = (when, source.label, host)
    hosts = [dataclasses.replace(host, notes=list(host.notes) + notes.get(name, []))
             for name, (_when, _label, host) in kept.items()]
    inputs = "; ".join("%s (generated %s, %d host(s))" % (s.label, s.report.generated, len(s.report.hosts))
                       for s in sources)
    return FleetReport(hosts, notes=["merged from %d input(s): %s" % (len(sources), inputs)], **kwargs)
