# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report, one concern per module (controller-only code, private to the collection).

* ``strict``  -- builds a dataclass from plain data and fails on an unknown key or a wrong type;
* ``inputs``  -- what the report reads: the role's ``schannel_run`` per host and ``tls_verify``'s typed results;
* ``model``   -- the report itself (:class:`model.FleetReport`): hosts, statuses, fleet totals, its JSON form;
* ``merge``   -- several runs (job slices, controllers) into one report;
* ``text``    -- terminal escapes stripped, the text summary and the before/after comparison;
* ``html``    -- the page, rendered from a Jinja2 template with autoescaping;
* ``junit``   -- JUnit XML for CI;
* ``write``   -- private files (0600 in 0700 directories) in each format.
"""
