"""minigrad.nn: modules, parameters, initialisation and functional forms of the layers."""

from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter

__all__ = ["Module", "Parameter"]
