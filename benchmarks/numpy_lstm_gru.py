"""Hand-written numpy training steps for stacked LSTM and GRU models with a Linear head: benchmark references.

The models are what these PyTorch lines build and train (minigrad builds them with the same lines)::

    rnn = nn.LSTM(I, H, num_layers=L)           # or nn.GRU; biases, zero initial states, input (T, B, I)
    head = nn.Linear(H, I)                      # applied to every time step's output
    loss = F.mse_loss(head(rnn(x)[0]), y)       # mean over all T * B * I elements
    loss.backward(); SGD(params, lr).step()     # p -= lr * p.grad

Layer ``k`` follows PyTorch's equations (``W_i*`` / ``W_h*`` are gate rows of ``weight_ih_l{k}`` / ``weight_hh_l{k}``)::

    LSTM, gates i, f, g, o:                        GRU, gates r, z, n:
    i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)     r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    f = sigmoid(W_if x + b_if + W_hf h + b_hf)     z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    g = tanh(W_ig x + b_ig + W_hg h + b_hg)        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    o = sigmoid(W_io x + b_io + W_ho h + b_ho)     h' = (1 - z) * n + z * h
    c' = f * c + i * g,   h' = o * tanh(c')

Parameters, sizes, data and SGD are those of ``numpy_rnn`` (same names and layout as the ``state_dict`` of a
module holding ``rnn`` and ``head``), except that ``weight_ih_l{k}``, ``weight_hh_l{k}`` and the biases have
``4 H`` (LSTM) or ``3 H`` (GRU) rows. Which cell a parameter dict belongs to is read from those row counts.

Written the same careful-by-hand way as ``numpy_rnn``: each layer projects every step's input in one matmul
before the loop, the loop does one ``h @ W_hh.T`` per step, the gate nonlinearities are applied in place in
the projection buffer, and in the backward pass each weight gradient is one matmul over all time steps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # benchmarks/ is a folder of scripts: find the sibling module from any cwd
    sys.path.insert(0, _HERE)

import numpy_rnn  # noqa: E402
from numpy_rnn import SIZES, Params, Sizes, make_data, param_names, sgd_update  # noqa: E402, F401

#: Gate blocks per cell: rows of ``weight_ih`` / ``weight_hh`` are ``GATES[cell] * H``.
GATES = {"lstm": 4, "gru": 3}


def init_params(
    sizes: Sizes, rng: np.random.Generator, dtype: npt.DTypeLike = np.float32, *, cell: str
) -> Params:
    """Draw parameters for ``cell`` (``"lstm"`` or ``"gru"``) the way PyTorch initialises them.

    Every parameter ~ U(-1/sqrt(H), 1/sqrt(H)) (the head's fan-in is H too). Returns new arrays of ``dtype``
    keyed in :func:`numpy_rnn.param_names` order; the recurrent ones have ``GATES[cell] * H`` rows.
    """
    return numpy_rnn.init_params(sizes, rng, dtype, gates=GATES[cell])


def cell_of(params: Params) -> str:
    """``"lstm"`` or ``"gru"``: read from the gate rows of ``weight_hh_l0`` (G, H)."""
    rows, hidden = params["rnn.weight_hh_l0"].shape
    for cell, gates in GATES.items():
        if rows == gates * hidden:
            return cell
    raise ValueError(f"weight_hh_l0 of shape {(rows, hidden)} is neither an LSTM's nor a GRU's")


def _sigmoid_(a: np.ndarray) -> None:
    """Logistic sigmoid in place, as ``0.5 * tanh(0.5 a) + 0.5`` (no overflow for large ``-a``)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5


def _lstm_layer_forward(params: Params, k: int, layer_in: np.ndarray) -> dict:
    """Run LSTM layer ``k`` on ``layer_in`` (T, B, I_k); return its cache: activated ``gates`` (T, B, 4H),
    cell states ``c`` and their ``tanh_c`` (T, B, H), outputs ``h`` (T, B, H)."""
    w_ih, w_hh = params[f"rnn.weight_ih_l{k}"], params[f"rnn.weight_hh_l{k}"]
    H = w_hh.shape[1]
    gates = layer_in @ w_ih.T
    gates += params[f"rnn.bias_ih_l{k}"] + params[f"rnn.bias_hh_l{k}"]
    T, B = gates.shape[:2]
    c = np.empty((T, B, H), dtype=gates.dtype)
    tanh_c = np.empty_like(c)
    h = np.empty_like(c)
    for t in range(T):
        a = gates[t]
        if t:  # the zero initial state contributes nothing at step 0
            a += h[t - 1] @ w_hh.T
        _sigmoid_(a[:, : 2 * H])  # i and f are adjacent
        np.tanh(a[:, 2 * H : 3 * H], out=a[:, 2 * H : 3 * H])
        _sigmoid_(a[:, 3 * H :])
        i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        np.multiply(i, g, out=c[t])
        if t:
            c[t] += f * c[t - 1]
        np.tanh(c[t], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=h[t])
    return {"gates": gates, "c": c, "tanh_c": tanh_c, "h": h}


def _gru_layer_forward(params: Params, k: int, layer_in: np.ndarray) -> dict:
    """Run GRU layer ``k`` on ``layer_in`` (T, B, I_k); return its cache: activated ``gates`` r, z, n
    (T, B, 3H), ``hn = h_{t-1} @ W_hn.T + b_hn`` (T, B, H) and outputs ``h`` (T, B, H)."""
    w_ih, w_hh = params[f"rnn.weight_ih_l{k}"], params[f"rnn.weight_hh_l{k}"]
    b_hh = params[f"rnn.bias_hh_l{k}"]
    H = w_hh.shape[1]
    gates = layer_in @ w_ih.T
    gates += params[f"rnn.bias_ih_l{k}"]
    gates[:, :, : 2 * H] += b_hh[: 2 * H]  # r and z take b_hh outside any product: fold it in up front
    T, B = gates.shape[:2]
    hn = np.empty((T, B, H), dtype=gates.dtype)
    h = np.empty_like(hn)
    for t in range(T):
        a = gates[t]
        if t:
            gh = h[t - 1] @ w_hh.T
            a[:, : 2 * H] += gh[:, : 2 * H]
            np.add(gh[:, 2 * H :], b_hh[2 * H :], out=hn[t])
        else:  # h_{-1} = 0: only the bias reaches the reset product
            hn[t] = b_hh[2 * H :]
        _sigmoid_(a[:, : 2 * H])
        r, z, n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
        n += r * hn[t]
        np.tanh(n, out=n)
        # h' = n + z * (h - n), with h_{-1} = 0 at step 0
        if t:
            np.subtract(h[t - 1], n, out=h[t])
        else:
            np.negative(n, out=h[t])
        h[t] *= z
        h[t] += n
    return {"gates": gates, "hn": hn, "h": h}


def forward(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Run the model on ``x`` (T, B, I) and return ``(loss, cache)``.

    ``loss`` is ``mean((head(rnn(x)) - y) ** 2)`` as a Python float. ``cache`` holds what :func:`backward`
    needs: the ``cell``, ``inputs[k]`` (T, B, I_k) and ``layers[k]`` (the per-layer cache, whose ``h`` is the
    layer's output (T, B, H)) of every layer, and ``diff`` (T, B, I), the prediction minus ``y``.
    """
    cell = cell_of(params)
    layer_forward = _lstm_layer_forward if cell == "lstm" else _gru_layer_forward
    inputs, layers = [], []
    layer_in = x
    for k in range(numpy_rnn.num_layers(params)):
        layer = layer_forward(params, k, layer_in)
        inputs.append(layer_in)
        layers.append(layer)
        layer_in = layer["h"]

    diff = layer_in @ params["head.weight"].T
    diff += params["head.bias"]
    diff -= y
    loss = float(np.mean(diff * diff))
    return loss, {"cell": cell, "inputs": inputs, "layers": layers, "diff": diff}


def _lstm_layer_backward(params: Params, k: int, layer: dict, g_h: np.ndarray) -> np.ndarray:
    """Backpropagate ``g_h = dL/dh`` (T, B, H) through LSTM layer ``k``, last step first; return
    ``dL/d(gate pre-activations)`` (T, B, 4H), written over the cached gates. ``g_h`` is used as scratch."""
    w_hh = params[f"rnn.weight_hh_l{k}"]
    gates, c, tanh_c = layer["gates"], layer["c"], layer["tanh_c"]
    T, _, H = c.shape
    g_c = np.zeros_like(c[0])  # dL/dc_t; holds what came from step t + 1 (through f_{t+1}) on entry
    for t in reversed(range(T)):
        a = gates[t]
        i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        dh = g_h[t]
        if t < T - 1:  # h_t also fed step t + 1, whose gate gradients are ready in gates[t + 1]
            dh += gates[t + 1] @ w_hh
        tc = tanh_c[t]
        g_c += dh * o * (1 - tc * tc)
        d_i = g_c * g * i * (1 - i)
        d_f = g_c * c[t - 1] * f * (1 - f) if t else 0.0  # c_{-1} = 0
        d_g = g_c * i * (1 - g * g)
        d_o = dh * tc * o * (1 - o)
        g_c *= f
        i[...], f[...], g[...], o[...] = d_i, d_f, d_g, d_o
    return gates


def _gru_layer_backward(params: Params, k: int, layer: dict, g_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Backpropagate ``g_h = dL/dh`` (T, B, H) through GRU layer ``k``, last step first. Returns
    ``dL/d(input-side pre-activations)`` (T, B, 3H), written over the cached gates, and ``dL/d(h @ W_hh.T + b_hh)``
    (T, B, 3H). ``g_h`` is used as scratch."""
    w_hh = params[f"rnn.weight_hh_l{k}"]
    gates, hn, h = layer["gates"], layer["hn"], layer["h"]
    T, B, H = h.shape
    g_gh = np.empty_like(gates)
    for t in reversed(range(T)):
        a = gates[t]
        r, z, n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
        dh = g_h[t]  # complete: step t + 1 added its share below
        d_n = dh * (1 - z) * (1 - n * n)
        d_z = dh * ((h[t - 1] - n) if t else -n) * z * (1 - z)
        g_gh[t, :, 2 * H :] = d_n * r  # b_hn sits inside the reset product
        d_r = d_n * hn[t] * r * (1 - r)
        if t:  # before z is overwritten: h_{t-1} reaches h_t directly through z too
            g_h[t - 1] += dh * z
        r[...], z[...], n[...] = d_r, d_z, d_n
        g_gh[t, :, : 2 * H] = a[:, : 2 * H]
        if t:
            g_h[t - 1] += g_gh[t] @ w_hh
    return gates, g_gh


def backward(params: Params, cache: dict) -> Params:
    """Backpropagate the loss of :func:`forward` through time; return new gradients keyed like ``params``.

    Uses ``dL/dpred = 2 * diff / N`` (N = T * B * I) and the Linear's ``dW = g.T @ h``; each layer runs its
    steps backwards to get the gate gradients of every step, then each weight gradient is one matmul over
    all steps. Consumes ``cache`` (its buffers are overwritten).
    """
    inputs, layers, diff = cache["inputs"], cache["layers"], cache["diff"]
    T, B, _ = diff.shape
    grads = {}

    g_pred = diff * (2.0 / diff.size)
    top = layers[-1]["h"]
    grads["head.weight"] = g_pred.reshape(T * B, -1).T @ top.reshape(T * B, -1)
    grads["head.bias"] = g_pred.sum(axis=(0, 1))
    g_h = g_pred @ params["head.weight"]  # dL/dh of the top layer, (T, B, H)
    del g_pred

    for k in reversed(range(len(layers))):
        w_ih = params[f"rnn.weight_ih_l{k}"]
        h = layers[k]["h"]
        H = h.shape[2]
        if cache["cell"] == "lstm":
            g_gi = _lstm_layer_backward(params, k, layers[k], g_h)
            g_gh = g_gi  # both biases and both projections meet the same pre-activation
        else:
            g_gi, g_gh = _gru_layer_backward(params, k, layers[k], g_h)
        G = g_gi.shape[2]
        flat_i = g_gi.reshape(T * B, G)
        grads[f"rnn.weight_ih_l{k}"] = flat_i.T @ inputs[k].reshape(T * B, -1)
        # step t's recurrent gradient meets h_{t-1}; step 0 met h_{-1} = 0
        grads[f"rnn.weight_hh_l{k}"] = g_gh[1:].reshape((T - 1) * B, G).T @ h[:-1].reshape((T - 1) * B, H)
        grads[f"rnn.bias_ih_l{k}"] = flat_i.sum(axis=0)
        grads[f"rnn.bias_hh_l{k}"] = (
            grads[f"rnn.bias_ih_l{k}"].copy() if g_gh is g_gi else g_gh.reshape(T * B, G).sum(axis=0)
        )
        if k:  # the layer below needs dL/d(its output); nobody needs dL/dx
            g_h = g_gi @ w_ih
    return {name: grads[name] for name in params}


def train_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float) -> float:
    """One step on ``x`` (T, B, I) against ``y`` (T, B, I): forward, BPTT, SGD on ``params`` in place.

    Returns the loss computed before the update, as a Python float.
    """
    loss, cache = forward(params, x, y)
    grads = backward(params, cache)
    del cache  # free the activations before the update, as an autograd engine frees its graph
    sgd_update(params, grads, lr)
    return loss
