# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for ``tlsops.schannel.schannel_report``: write the fleet report on the controller.

It runs nothing on a managed host. Each host's result is what the role left in that host's ``schannel_run``
variable; the plugin gathers those from ``hostvars`` (or takes ``results`` directly), hands them to
``plugin_utils.report`` and returns the paths it wrote.
"""
from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.tlsops.schannel.plugins.plugin_utils.report import (
    RENDERERS,
    FleetReport,
    ReportError,
    render_text,
    write_report,
)

ARGUMENT_SPEC = {
    "dest": {"type": "path", "required": True},
    "name": {"type": "str", "default": "schannel-report"},
    "formats": {"type": "list", "elements": "str", "default": ["json", "junit", "html", "text"],
                "choices": sorted(RENDERERS)},
    "results": {"type": "dict"},
    "hosts": {"type": "list", "elements": "str"},
    "var_name": {"type": "str", "default": "schannel_run"},
    "title": {"type": "str", "default": "tlsops.schannel fleet report"},
    "run": {"type": "dict", "default": {}},
}


def _plain(value):
    """Deep-copy Ansible's lazy/tagged containers into plain dicts, lists and scalars the writer can walk."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


class ActionModule(ActionBase):
    """Gather per-host results, render the report, write it with private permissions."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def _gather(self, args, task_vars):
        """``{host: result}`` from ``results`` or from each host's ``var_name`` in hostvars.

        A host named in ``hosts`` without the variable is kept with ``None``, so the report shows it as a host
        that did not reach the end of the role instead of leaving it out.
        """
        if args["results"] is not None:
            return _plain(args["results"])
        hostvars = task_vars.get("hostvars", {})
        hosts = args["hosts"]
        if hosts is None:
            hosts = task_vars.get("ansible_play_hosts_all") or task_vars.get("ansible_play_batch") or []
        results = {}
        for host in hosts:
            host_vars = hostvars.get(host) if hasattr(hostvars, "get") else None
            value = None
            if host_vars is not None and args["var_name"] in host_vars:
                value = host_vars[args["var_name"]]
            results[str(host)] = _plain(value)
        return results

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            result.update(failed=True, msg="; ".join(validation.error_messages))
            return result
        args = validation.validated_parameters
        try:
            report = FleetReport.from_results(self._gather(args, task_vars), title=args["title"],
                                              run=_plain(args["run"]))
            paths = write_report(report, args["dest"], name=args["name"], formats=args["formats"])
        except ReportError as exc:
            result.update(failed=True, msg=str(exc))
            return result
        except OSError as exc:
            raise AnsibleError("cannot write the report to %s: %s" % (args["dest"], exc)) from exc
        result.update(changed=False, paths=paths, summary=report.summary(), text=render_text(report))
        return result
