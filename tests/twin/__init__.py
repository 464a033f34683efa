"""The Windows host twin: a WinRM endpoint with a registry, a Schannel personality and real TLS.

Test infrastructure and demo target; never imported by ``plugins/``. See ``README.md`` in this folder.
"""
