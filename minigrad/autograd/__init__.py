"""Autograd: ``Function`` (how an op is defined), the backward engine, grad mode, scopes and ``gradcheck``."""

from minigrad.autograd.function import Function, Node
from minigrad.autograd.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.autograd.gradcheck import GradcheckError, gradcheck
from minigrad.autograd.scope import current_scope, scope

__all__ = [
    "Function", "Node", "GradcheckError", "gradcheck", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "inference_mode", "scope", "current_scope",
]
