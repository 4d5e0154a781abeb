"""The fast floor: every trick that exists only for speed, plugged into the lesson through ``minigrad.kernels``.

Nothing here is needed to understand minigrad; read ``minigrad/autograd/``, ``minigrad/ops/`` and ``minigrad/nn/``
for that. What lives here, each piece naming the lesson code it equals:

- ``engine``: the backward sweep of ``autograd/engine.py`` with buffer reuse, batched weight products, a norm
  memo, and recurrent layers run as one unit.
- ``recurrence``: one numpy loop per recurrent layer and direction, the twin of ``nn/rnn.py``'s ``_run_steps``,
  whose step nodes are made only when something looks at them.
- ``ops``: backward formulas that return sparse or deferred gradients, and the promises the engine relies on.
- ``graph``: the node, gradient and version-counter kinds those use.

The switch: ``MINIGRAD_FAST=0`` in the environment (read at import) or ``set_enabled(False)`` at run time runs
everything on the lesson alone. Example::

    import minigrad.fast
    minigrad.fast.set_enabled(False)     # the lesson engine and the plain loops from here on
"""

from minigrad import kernels
from minigrad.fast import engine, ops, recurrence
from minigrad.kernels import is_enabled, set_enabled

kernels.register("backward", engine.backward)
kernels.register("rnn_steps", recurrence.rnn_steps)
kernels.register("lstm_steps", recurrence.lstm_steps)
kernels.register("gru_steps", recurrence.gru_steps)
kernels.register("sum_of_squared_differences", ops.sum_of_squared_differences)

__all__ = ["is_enabled", "set_enabled"]
