"""Helpers shared by the ``tests/nn`` files: gradcheck of a module's parameters, and running the same call in
minigrad and in PyTorch to compare error messages, warnings and reprs."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

# The namespace an API-agnostic case receives: ``L.t(array)`` makes a tensor, ``L.nn`` and ``L.F`` are the
# modules and functions, ``L.lib`` the top-level package. Cases written against it run unchanged on both.
MG = SimpleNamespace(lib=mg, nn=nn, F=F, t=lambda a, **kw: mg.tensor(np.asarray(a), **kw))


def torch_namespace() -> SimpleNamespace:
    import torch

    return SimpleNamespace(lib=torch, nn=torch.nn, F=torch.nn.functional,
                           t=lambda a, **kw: torch.tensor(np.asarray(a), **kw))


def as_minigrad_text(text: str) -> str:
    """PyTorch's text with its package name replaced, as minigrad prints it (``torch.Size`` -> ``minigrad.Size``)."""
    return text.replace("torch.nn.modules.module.Module", "minigrad.nn.module.Module").replace("torch.", "minigrad.")


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """``(exception class name, message)`` raised by ``call()`` (fails the test if nothing is raised)."""
    try:
        call()
    except Exception as err:  # any exception: its class and text are what we compare
        return type(err).__name__, str(err)
    raise AssertionError("expected an exception, none was raised")


def warnings_of(call: Callable[[], Any]) -> list[str]:
    """The messages of the warnings ``call()`` emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught]


def module_gradcheck(module: nn.Module, *inputs: Any) -> bool:
    """``gradcheck`` of ``module(*inputs)`` with respect to the inputs that require grad and every parameter.

    Each parameter is swapped for gradcheck's own leaf during the check and restored afterwards.
    """
    named = list(module.named_parameters())
    owners = []
    for name, _ in named:
        *path, leaf = name.split(".")
        owner = module
        for part in path:
            owner = owner._modules[part]
        owners.append((owner, leaf))
    originals = [p for _, p in named]
    n_in = len(inputs)

    def call(*args: Any) -> Any:
        for (owner, leaf), p in zip(owners, args[n_in:]):
            owner._parameters[leaf] = p
        return module(*args[:n_in])

    try:
        return mg.gradcheck(call, (*inputs, *[p.detach().requires_grad_(True) for p in originals]))
    finally:
        for (owner, leaf), p in zip(owners, originals):
            owner._parameters[leaf] = p
