"""The fast floor equals the lesson: ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` give, with ``minigrad.fast`` on and
off, the same outputs, gradients, recorded nodes (names and scopes), gradient norms and drawing, in float64 to
1e-12. The options are drawn by hypothesis, not hand-picked."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import kernels, nn
from minigrad.autograd import Node
from minigrad.nn.utils.rnn import pack_padded_sequence
from minigrad.viz import build_graph

TOL = 1e-12


def _nodes(*roots):
    """Every node of the graphs of ``roots``, each once (the walk makes a fast layer's step nodes)."""
    seen, stack, out = set(), [r.grad_fn for r in roots], []
    while stack:
        node = stack.pop()
        if not isinstance(node, Node) or id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        stack.extend(node.parents)
    return out


def _signature(*roots):
    """(scope, name, parent names) of every node, sorted: what the recorded graph is, independent of memory."""
    rows = []
    for n in _nodes(*roots):
        parents = tuple(p.name() if isinstance(p, Node) else (None if p is None else "leaf") for p in n.parents)
        rows.append((n.scope, n.name(), tuple(n.shape), parents))
    return sorted(rows, key=repr)


def _norms(*roots):
    """{(scope, name, parents): sorted gradient norms} of every node."""
    out: dict = {}
    for n in _nodes(*roots):
        key = (n.scope, n.name(), tuple(p.name() if isinstance(p, Node) else repr(p is None) for p in n.parents))
        out.setdefault(key, []).append(n.grad_norm)
    return {k: sorted(v, key=lambda x: -1.0 if x is None else x) for k, v in out.items()}


@st.composite
def layer_cases(draw):
    kind = draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
    opts = {
        "num_layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
    }
    if kind == "RNN":
        opts["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if kind == "LSTM" and draw(st.booleans()):
        opts["proj_size"] = 2
    steps = draw(st.sampled_from([1, 2, 5, 40]))
    batch = draw(st.integers(1, 3))
    states = draw(st.sampled_from(["default", "given", "given-no-grad"]))
    packed = draw(st.booleans()) and batch > 1
    seed = draw(st.integers(0, 2**16))
    return kind, opts, steps, batch, states, packed, seed


def _run(case, fast: bool):
    kind, opts, steps, batch, states, packed, seed = case
    previous = kernels.set_enabled(fast)
    try:
        mg.manual_seed(seed)
        layer = getattr(nn, kind)(3, 4, dtype=mg.float64, **opts)
        rng = np.random.default_rng(seed)
        shape = (batch, steps, 3) if opts["batch_first"] else (steps, batch, 3)
        x = mg.tensor(rng.standard_normal(shape), requires_grad=True)
        d = 2 if opts["bidirectional"] else 1
        h_size = opts.get("proj_size", 4)
        hx = None
        leaves = [x]
        if states != "default":
            need = states == "given"
            h0 = mg.tensor(rng.standard_normal((d * opts["num_layers"], batch, h_size)), requires_grad=need)
            c0 = mg.tensor(rng.standard_normal((d * opts["num_layers"], batch, 4)), requires_grad=need)
            hx = (h0, c0) if kind == "LSTM" else h0
            leaves += [h0, c0] if kind == "LSTM" else [h0]
        inp = x
        if packed:
            lengths = sorted(rng.integers(1, steps + 1, size=batch).tolist(), reverse=True)
            inp = pack_padded_sequence(x, lengths, batch_first=opts["batch_first"])
        out, state = layer(inp, hx)
        out_t = out.data if packed else out
        finals = list(state) if kind == "LSTM" else [state]
        weights = mg.tensor(rng.standard_normal(out_t.shape))
        loss = (out_t * weights).sum() + sum((f * f.cos()).sum() for f in finals)
        loss.backward()
        grads = {name: p.grad.numpy().copy() for name, p in layer.named_parameters()}
        grads.update({f"leaf{i}": t.grad.numpy().copy() for i, t in enumerate(leaves) if t.grad is not None})
        roots = (out_t, *finals)
        values = np.concatenate([r.detach().numpy().ravel() for r in roots])
        return values, grads, _signature(*roots), _norms(*roots), roots
    finally:
        kernels.set_enabled(previous)


@settings(max_examples=40, deadline=None)
@given(layer_cases())
def test_fast_and_lesson_layers_compute_and_record_the_same(case):
    out_f, grads_f, sig_f, norms_f, _ = _run(case, fast=True)
    out_l, grads_l, sig_l, norms_l, _ = _run(case, fast=False)
    np.testing.assert_allclose(out_f, out_l, rtol=TOL, atol=TOL)
    assert grads_f.keys() == grads_l.keys()
    for name in grads_f:
        np.testing.assert_allclose(grads_f[name], grads_l[name], rtol=TOL, atol=TOL, err_msg=name)
    assert sig_f == sig_l
    assert norms_f.keys() == norms_l.keys()
    for key in norms_f:
        fast, lesson = norms_f[key], norms_l[key]
        assert [v is None for v in fast] == [v is None for v in lesson], key
        np.testing.assert_allclose([v for v in fast if v is not None], [v for v in lesson if v is not None],
                                   rtol=1e-10, atol=TOL, err_msg=str(key))


@settings(max_examples=10, deadline=None)
@given(layer_cases())
def test_fast_and_lesson_layers_draw_the_same_picture(case):
    roots_f = _run(case, fast=True)[-1]
    roots_l = _run(case, fast=False)[-1]

    def boxes(roots):
        model = build_graph(*roots)
        rows = [(n.kind, n.title, n.cluster, n.shape, n.name) for n in model.nodes.values()]
        norms = sorted(n.grad_norm for n in model.nodes.values() if n.grad_norm is not None)
        return sorted(rows, key=repr), norms

    rows_f, norms_f = boxes(roots_f)
    rows_l, norms_l = boxes(roots_l)
    assert rows_f == rows_l
    np.testing.assert_allclose(norms_f, norms_l, rtol=1e-10, atol=TOL)
