"""``Module.register_buffer`` and buffer attributes as in PyTorch: checks and their errors, persistent and
non-persistent buffers in ``state_dict``, assignment replacing a buffer, ``named_buffers(recurse=...)``."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, as_minigrad_text, error_of, torch_namespace

import minigrad as mg
from minigrad import nn


def _module_with(L, name, value):
    m = L.nn.Module()
    m.register_buffer(name, value)
    return m


def _assign(L, value):
    m = _module_with(L, "b", L.t(np.zeros(2)))
    m.b = value
    return m


def _existing_attribute(L):
    m = L.nn.Module()
    m.foo = 1
    m.register_buffer("foo", None)


ERRORS = {
    "dot": (lambda L: _module_with(L, "a.b", None), "KeyError", "'buffer name can\\'t contain \".\"'"),
    "empty": (lambda L: _module_with(L, "", None), "KeyError", "'buffer name can\\'t be empty string \"\"'"),
    "not_str": (lambda L: _module_with(L, 1, None), "TypeError", "buffer name should be a string. Got int"),
    "existing": (_existing_attribute, "KeyError", "\"attribute 'foo' already exists\""),
    "before_init": (lambda L: L.nn.Module.register_buffer(object.__new__(L.nn.Module), "a", None), "AttributeError",
                    "cannot assign buffer before Module.__init__() call"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_register_buffer_errors(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_register_buffer_errors_match_torch(name):
    pytest.importorskip("torch")
    kind, message = error_of(lambda: ERRORS[name][0](torch_namespace()))
    assert error_of(lambda: ERRORS[name][0](MG)) == (kind, as_minigrad_text(message))


def test_register_non_tensor_and_assign_non_tensor_raise_type_error():
    assert error_of(lambda: _module_with(MG, "x", 3)) == (
        "TypeError", "cannot assign 'int' object to buffer 'x' (minigrad Tensor or None required)")
    assert error_of(lambda: _assign(MG, 3)) == (
        "TypeError", "cannot assign 'int' as buffer 'b' (minigrad.Tensor or None expected)")


def test_failed_assignment_keeps_the_old_buffer():
    m = _module_with(MG, "b", mg.zeros(2))
    old = m.b
    with pytest.raises(TypeError):
        m.b = 3
    assert m.b is old and m._buffers["b"] is old


def test_assigning_a_tensor_replaces_the_buffer_in_state_dict():
    m = _module_with(MG, "b", mg.zeros(2))
    new = mg.ones(3)
    m.b = new
    assert m._buffers["b"] is new and "b" not in m.__dict__
    np.testing.assert_array_equal(m.state_dict()["b"].numpy(), np.ones(3))
    m.b = None
    assert m.b is None and "b" not in m.state_dict()


def test_non_persistent_buffer_is_listed_but_not_saved():
    m = nn.Module()
    m.register_buffer("kept", mg.zeros(1))
    m.register_buffer("scratch", mg.ones(1), persistent=False)
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]
    assert list(m.state_dict()) == ["kept"]
    m.load_state_dict({"kept": np.array([5.0], np.float32)})  # strict: scratch is not expected
    np.testing.assert_array_equal(m.kept.numpy(), [5.0])
    with pytest.raises(RuntimeError, match='Unexpected key\\(s\\) in state_dict: "scratch"'):
        m.load_state_dict({"kept": np.zeros(1, np.float32), "scratch": np.zeros(1, np.float32)})
    m.register_buffer("scratch", mg.ones(1), persistent=True)
    assert list(m.state_dict()) == ["kept", "scratch"]


def test_non_persistent_matches_torch():
    torch = pytest.importorskip("torch")
    for L in (MG, torch_namespace()):
        m = L.nn.Sequential(L.nn.BatchNorm1d(2))
        m[0].register_buffer("extra", L.t(np.zeros(1)), persistent=False)
        assert [n for n, _ in m.named_buffers()] == ["0.running_mean", "0.running_var", "0.num_batches_tracked",
                                                     "0.extra"]
        assert "0.extra" not in m.state_dict()
    assert torch is not None


def test_named_buffers_recurse_and_prefix():
    outer = nn.Sequential(nn.BatchNorm1d(2))
    outer.register_buffer("own", mg.zeros(1))
    assert [n for n, _ in outer.named_buffers(recurse=False)] == ["own"]
    assert [n for n, _ in outer.named_buffers(prefix="m")][:2] == ["m.own", "m.0.running_mean"]
    assert len(list(outer.buffers())) == 4 and len(list(outer.buffers(recurse=False))) == 1


def test_assigning_a_parameter_or_module_replaces_a_buffer_and_del_removes_it():
    for L in (MG, *((torch_namespace(),) if _has_torch() else ())):
        m = _module_with(L, "b", L.t(np.zeros(2)))
        m.b = L.nn.Parameter(L.t(np.ones(2)))
        assert [n for n, _ in m.named_buffers()] == [] and [n for n, _ in m.named_parameters()] == ["b"]
        m.register_buffer("c", L.t(np.zeros(1)), persistent=False)
        del m.c
        m.register_buffer("c", L.t(np.zeros(1)))
        assert list(m.state_dict()) == ["b", "c"]


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True
