"""One error base for input that must not reach a host (issue 17.3): the knowledge engine's, the registry
operations' and the .reg reader's errors are all ``SchannelError``, so an action plugin catches one class, and
each keeps the ``field`` that names the offending input."""
from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelError, SchannelInputError
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regfile, _regops


@pytest.mark.parametrize("cls", [SchannelInputError, _regops.OperationError, _regfile.RegFileError])
def test_every_input_error_is_a_schannel_error_with_its_field(cls):
    with pytest.raises(SchannelError) as caught:
        raise cls("operations[2].path", "has an empty key name")
    assert caught.value.field == "operations[2].path"
    assert str(caught.value) == "operations[2].path: has an empty key name"
    assert isinstance(caught.value, ValueError)  # callers that predate the base still catch it


def test_a_refused_operation_is_caught_as_the_base():
    with pytest.raises(SchannelError) as caught:
        _regops.validate_operations([{"path": "HKCU\\Software\\x", "name": "a", "type": "dword", "data": 1}])
    assert caught.type is _regops.OperationError and caught.value.field


def test_without_a_field_the_message_stands_alone():
    assert str(SchannelError(None, "no plan given")) == "no plan given"
