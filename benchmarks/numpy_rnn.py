"""A hand-written numpy training step for a stacked tanh RNN with a Linear head: the benchmarks' reference.

The model is what these PyTorch lines build and train (minigrad builds it with the same lines)::

    rnn = nn.RNN(I, H, num_layers=L)            # tanh, biases, h0 = zeros, input (T, B, I)
    head = nn.Linear(H, I)                      # applied to every time step's output
    loss = F.mse_loss(head(rnn(x)[0]), y)       # mean over all T * B * I elements
    loss.backward(); SGD(params, lr).step()     # p -= lr * p.grad

Layer ``k`` (input size ``I_k``: ``I`` for layer 0, ``H`` above it) follows PyTorch's equation::

    h_t = tanh(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh)          h_{-1} = 0

Parameters live in a flat dict keyed like the ``state_dict`` of a module holding ``rnn`` and ``head``:
``rnn.weight_ih_l{k}`` (H, I_k), ``rnn.weight_hh_l{k}`` (H, H), ``rnn.bias_ih_l{k}`` (H,),
``rnn.bias_hh_l{k}`` (H,), ``head.weight`` (I, H), ``head.bias`` (I,). The code works in the parameters'
dtype (float32 for the benchmarks, float64 for gradient checks).

Written for speed the way a careful person writes it by hand, nothing more exotic: each layer projects
the inputs of all time steps in one matmul before the loop, so the loop holds only the recurrent term
``h_{t-1} @ W_hh.T``, and the tanh is taken in place in that projection buffer.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt


class Sizes(NamedTuple):
    """Sizes of one benchmark problem: sequence length ``T``, batch ``B``, input/output features ``I``,
    hidden features ``H`` and number of stacked layers ``L``."""

    T: int
    B: int
    I: int
    H: int
    L: int


#: The three problems of the RNN training benchmarks.
SIZES: dict[str, Sizes] = {
    "hello": Sizes(T=5, B=1, I=4, H=4, L=1),
    "small": Sizes(T=35, B=32, I=64, H=128, L=2),
    "medium": Sizes(T=100, B=64, I=256, H=512, L=2),
}

Params = dict[str, np.ndarray]


def param_names(num_layers: int) -> list[str]:
    """The parameter names in PyTorch's ``named_parameters()`` order for ``num_layers`` stacked layers."""
    names = []
    for k in range(num_layers):
        names += [f"rnn.weight_ih_l{k}", f"rnn.weight_hh_l{k}", f"rnn.bias_ih_l{k}", f"rnn.bias_hh_l{k}"]
    return names + ["head.weight", "head.bias"]


def init_params(
    sizes: Sizes, rng: np.random.Generator, dtype: npt.DTypeLike = np.float32, *, gates: int = 1
) -> Params:
    """Draw parameters the way PyTorch initialises them (same distributions, not the same numbers).

    Every parameter ~ U(-1/sqrt(H), 1/sqrt(H)): PyTorch's rule for the RNN, and for the head too, whose
    fan-in is H. The recurrent weights and biases have ``gates * H`` rows (1 for the plain RNN; the LSTM and
    GRU references pass 4 and 3). Returns a dict of new arrays of ``dtype``, keyed in :func:`param_names` order.
    """
    T, B, I, H, L = sizes
    G = gates * H
    bound = 1.0 / np.sqrt(H)
    shapes = {}
    for k in range(L):
        shapes[f"rnn.weight_ih_l{k}"] = (G, I if k == 0 else H)
        shapes[f"rnn.weight_hh_l{k}"] = (G, H)
        shapes[f"rnn.bias_ih_l{k}"] = (G,)
        shapes[f"rnn.bias_hh_l{k}"] = (G,)
    shapes["head.weight"] = (I, H)
    shapes["head.bias"] = (I,)
    return {name: rng.uniform(-bound, bound, shapes[name]).astype(dtype) for name in param_names(L)}


def make_data(
    sizes: Sizes, rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """A random input ``x`` and target ``y``, both (T, B, I) standard normal, of ``dtype``."""
    shape = (sizes.T, sizes.B, sizes.I)
    return rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)


def num_layers(params: Params) -> int:
    """How many stacked RNN layers ``params`` holds."""
    return sum(1 for name in params if name.startswith("rnn.weight_ih_l"))


def forward(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Run the model on ``x`` (T, B, I) and return ``(loss, cache)``.

    ``loss`` is ``mean((head(rnn(x)) - y) ** 2)`` as a Python float. ``cache`` holds what :func:`backward`
    needs: ``inputs[k]`` (T, B, I_k) and ``outputs[k]`` (T, B, H) of every layer, and ``diff`` (T, B, I),
    the prediction minus ``y``.
    """
    inputs, outputs = [], []
    layer_in = x
    for k in range(num_layers(params)):
        w_ih, w_hh = params[f"rnn.weight_ih_l{k}"], params[f"rnn.weight_hh_l{k}"]
        # All time steps' input projections in one matmul; the loop then adds only the recurrent term.
        h = layer_in @ w_ih.T
        h += params[f"rnn.bias_ih_l{k}"] + params[f"rnn.bias_hh_l{k}"]
        for t in range(len(h)):
            if t:  # h_{-1} = 0 contributes nothing
                h[t] += h[t - 1] @ w_hh.T
            np.tanh(h[t], out=h[t])
        inputs.append(layer_in)
        outputs.append(h)
        layer_in = h

    diff = layer_in @ params["head.weight"].T
    diff += params["head.bias"]
    diff -= y
    loss = float(np.mean(diff * diff))
    return loss, {"inputs": inputs, "outputs": outputs, "diff": diff}


def backward(params: Params, cache: dict) -> Params:
    """Backpropagate the loss of :func:`forward` through time; return new gradients keyed like ``params``.

    Uses ``dL/dpred = 2 * diff / N`` (N = T * B * I), the Linear's ``dW = g.T @ h``, and for each layer,
    from the last time step down, ``dL/da_t = (dL/dh_t + dL/da_{t+1} @ W_hh) * (1 - h_t^2)``, where ``a_t``
    is the pre-activation. Each weight gradient is then one matmul over all time steps.
    """
    inputs, outputs, diff = cache["inputs"], cache["outputs"], cache["diff"]
    T, B, _ = diff.shape
    grads = {}

    g_pred = diff * (2.0 / diff.size)
    top = outputs[-1]
    grads["head.weight"] = g_pred.reshape(T * B, -1).T @ top.reshape(T * B, -1)
    grads["head.bias"] = g_pred.sum(axis=(0, 1))
    g_h = g_pred @ params["head.weight"]  # dL/dh of the top layer, (T, B, H)
    del g_pred

    for k in reversed(range(len(outputs))):
        w_ih, w_hh = params[f"rnn.weight_ih_l{k}"], params[f"rnn.weight_hh_l{k}"]
        h = outputs[k]
        H = h.shape[2]
        # Turn g_h into dL/da in place, last step first: h_t also feeds step t + 1, whose dL/da is ready.
        for t in reversed(range(T)):
            if t < T - 1:
                g_h[t] += g_h[t + 1] @ w_hh
            g_h[t] *= 1 - h[t] * h[t]
        g_a = g_h.reshape(T * B, H)
        grads[f"rnn.weight_ih_l{k}"] = g_a.T @ inputs[k].reshape(T * B, -1)
        # dL/da_t meets h_{t-1}; step 0 met h_{-1} = 0.
        grads[f"rnn.weight_hh_l{k}"] = g_h[1:].reshape((T - 1) * B, H).T @ h[:-1].reshape((T - 1) * B, H)
        grads[f"rnn.bias_ih_l{k}"] = g_a.sum(axis=0)
        grads[f"rnn.bias_hh_l{k}"] = grads[f"rnn.bias_ih_l{k}"].copy()
        if k:  # the layer below needs dL/d(its output); nobody needs dL/dx
            g_h = g_h @ w_ih
    return {name: grads[name] for name in params}


def sgd_update(params: Params, grads: Params, lr: float) -> None:
    """Plain SGD in place, ``p -= lr * grad`` for every parameter (PyTorch's SGD, no momentum or decay)."""
    for name, p in params.items():
        p -= lr * grads[name]


def train_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float) -> float:
    """One step on ``x`` (T, B, I) against ``y`` (T, B, I): forward, BPTT, SGD on ``params`` in place.

    Returns the loss computed before the update, as a Python float.
    """
    loss, cache = forward(params, x, y)
    grads = backward(params, cache)
    del cache  # free the activations before the update, as an autograd engine frees its graph
    sgd_update(params, grads, lr)
    return loss
