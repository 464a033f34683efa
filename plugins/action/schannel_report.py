# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for ``tlsops.schannel.schannel_report``: write the fleet report on the controller.

It runs nothing on a managed host. The report is built from this run's results (each host's ``schannel_run`` in
``hostvars``, or ``results``) and/or from ``inputs`` (earlier reports' JSON files, or results of other runs), merged
into one report when there are several; ``compare_to`` adds a before -> after section from an earlier report.
"""
from __future__ import annotations

import json

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.tlsops.schannel.plugins.plugin_utils._planning import plain
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.merge import Source, merge
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.model import FleetReport
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.strict import ReportError
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.text import render_text
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.write import FORMATS, write_report

ARGUMENT_SPEC = {
    "dest": {"type": "path", "required": True},
    "name": {"type": "str", "default": "schannel-report"},
    "formats": {"type": "list", "elements": "str", "default": ["json", "junit", "html", "text"],
                "choices": sorted(FORMATS)},
    "results": {"type": "dict"},
    "inputs": {"type": "list", "elements": "raw"},
    "hosts": {"type": "list", "elements": "str"},
    "var_name": {"type": "str", "default": "schannel_run"},
    "title": {"type": "str", "default": "tlsops.schannel fleet report"},
    "run": {"type": "dict", "default": {}},
    "compare_to": {"type": "path"},
}


def read_report_file(path: str) -> FleetReport:
    """An earlier report from its JSON file (strict: a file of another shape or format version fails)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError as exc:
        raise ReportError("report file %s: file not found" % path) from exc
    except (OSError, ValueError) as exc:
        raise ReportError("report file %s: cannot read it as JSON: %s" % (path, exc)) from exc
    return FleetReport.from_dict(data, where=path)


class ActionModule(ActionBase):
    """Gather per-host results, merge other inputs, render the report, write it with private permissions."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def _gather(self, args, task_vars):
        """``{host: result}`` from each host's ``var_name`` in hostvars.

        A host named in ``hosts`` without the variable is kept with ``None``, so the report shows it as a host that
        never recorded a result (unreachable or failed before the role) instead of leaving it out.
        """
        hostvars = task_vars.get("hostvars", {})
        hosts = args["hosts"]
        if hosts is None:
            hosts = task_vars.get("ansible_play_hosts_all") or task_vars.get("ansible_play_batch") or []
        results = {}
        for host in hosts:
            host_vars = hostvars.get(host)
            value = None
            if host_vars is not None and args["var_name"] in host_vars:
                value = host_vars[args["var_name"]]
            results[str(host)] = plain(value)
        return results

    def _sources(self, args, task_vars):
        sources = []
        for index, item in enumerate(args["inputs"] or []):
            if isinstance(item, str):
                sources.append(Source(item, read_report_file(item)))
            elif isinstance(item, dict):
                sources.append(Source("inputs[%d]" % index, FleetReport.from_results(plain(item))))
            else:
                raise ReportError("inputs[%d]: give a report's JSON file path or a mapping of host to result, not %s"
                                  % (index, type(item).__name__))
        mode = str(args["run"].get("mode") or "harden")
        if args["results"] is not None:
            sources.append(Source("results", FleetReport.from_results(plain(args["results"]), mode=mode)))
        elif not sources or args["hosts"] is not None:
            sources.append(Source("this run", FleetReport.from_results(self._gather(args, task_vars), mode=mode)))
        return sources

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            result.update(failed=True, msg="; ".join(validation.error_messages))
            return result
        args = validation.validated_parameters
        try:
            sources = self._sources(args, task_vars)
            header = {"title": args["title"], "run": plain(args["run"])}
            if len(sources) == 1:
                # one earlier report written again (e.g. with compare_to): its run facts stay unless new ones are given
                header["run"] = header["run"] or sources[0].report.run
                report = FleetReport(sources[0].report.hosts, notes=sources[0].report.notes, **header)
            else:
                report = merge(sources, **header)
            baseline = read_report_file(args["compare_to"]) if args["compare_to"] else None
            paths = write_report(report, args["dest"], name=args["name"], formats=args["formats"], baseline=baseline)
        except ReportError as exc:
            result.update(failed=True, msg=str(exc))
            return result
        except OSError as exc:
            raise AnsibleError("cannot write the report to %s: %s" % (args["dest"], exc)) from exc
        summary = report.summary()
        result.update(changed=False, paths=paths, summary=summary.__dict__, text=render_text(report))
        return result
