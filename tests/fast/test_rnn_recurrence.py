"""The RNN layers' one-loop recurrence (``fast.recurrence``): it records the nodes ``Function.apply`` would, and its
one-loop backward gives what visiting those nodes one by one gives. Values against PyTorch are in
test_rnn_golden.py (which runs the one-loop path)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, ops
from minigrad.autograd import engine
from minigrad.fast import recurrence


def _nodes(*roots):
    """Every node of the graphs of ``roots``, each once."""
    seen, stack = set(), [r.grad_fn for r in roots]
    while stack:
        node = stack.pop()
        if node is None or not isinstance(node, mg.autograd.function.Node) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(node.parents)


def _heads(*roots):
    """The nodes that carry a recurrence (one per layer and direction), once the walk has made every node."""
    nodes = list(_nodes(*roots))
    return [node for node in nodes if getattr(node, "recurrence", None) is not None]


def _step_nodes(*roots):
    """(scope, name, grad_norm) of every node recorded inside a time step, sorted."""
    rows = [(n.scope, n.name(), n.grad_norm) for n in _nodes(*roots) if any(s.startswith("t=") for s in n.scope)]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _outer_nodes(*roots):
    """(scope, name, grad_norm) of every node outside the time steps (the input projections, the joins, ...),
    sorted."""
    rows = [(n.scope, n.name(), n.grad_norm) for n in _nodes(*roots) if not any(s.startswith("t=") for s in n.scope)]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def _run(one_loop, *, layer="RNN", nonlinearity="tanh", bidirectional=True, num_layers=2, h0=True, bias=True,
         steps=6, frozen=False, batch_first=False):
    """Gradients of every parameter, the input and the initial states, and the step nodes' norms, after one
    backward through ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``, with the one-loop backward or node by node.
    ``one_loop="lazy"``: nothing looks at the graph before backward, so an RNN's step nodes are made only by
    the walk that reads their norms afterwards; with ``True`` that walk comes first (they are made in forward)."""
    mg.manual_seed(3)
    options = {"nonlinearity": nonlinearity} if layer == "RNN" else {}
    rnn = getattr(nn, layer)(3, 5, num_layers=num_layers, bidirectional=bidirectional, bias=bias,
                             batch_first=batch_first, dtype=mg.float64, **options)
    if frozen:  # only the input needs a gradient: the first step's product saves nothing
        for p in rnn.parameters():
            p.requires_grad_(False)
    d = 2 if bidirectional else 1
    x = mg.randn(*((2, steps) if batch_first else (steps, 2)), 3, dtype=mg.float64, requires_grad=True)
    states = [mg.randn(d * num_layers, 2, 5, dtype=mg.float64, requires_grad=True) for _ in range(2)]
    hx = None if not h0 else tuple(states) if layer == "LSTM" else states[0]
    out, h_n = rnn(x, hx)
    finals = h_n[0] + h_n[1].exp() if layer == "LSTM" else h_n
    if one_loop != "lazy":
        heads = _heads(out, finals)
        assert len(heads) == d * num_layers
        if not one_loop:
            for head in heads:
                head.recurrence = None  # the engine then visits every step's nodes one by one
    loss = (out * out.detach().cos()).sum() + (finals ** 2).sum()
    loss.backward()
    grads = {name: p.grad.numpy().copy() for name, p in rnn.named_parameters() if not frozen}
    grads["input"] = x.grad.numpy().copy()
    if h0:
        grads["h_0"] = states[0].grad.numpy().copy()
        if layer == "LSTM":
            grads["c_0"] = states[1].grad.numpy().copy()
    return grads, _step_nodes(out, finals) + _outer_nodes(out, finals)


CASES = [
    {}, {"nonlinearity": "relu"}, {"bidirectional": False, "num_layers": 1}, {"h0": False}, {"bias": False},
    {"steps": 1}, {"layer": "LSTM"}, {"layer": "LSTM", "bidirectional": False, "num_layers": 1},
    {"layer": "LSTM", "h0": False}, {"layer": "LSTM", "bias": False}, {"layer": "LSTM", "steps": 1},
    {"layer": "GRU"}, {"layer": "GRU", "bidirectional": False, "num_layers": 1}, {"layer": "GRU", "h0": False},
    {"layer": "GRU", "bias": False}, {"layer": "GRU", "steps": 1},
    {"frozen": True, "h0": False}, {"layer": "LSTM", "frozen": True, "h0": False},
    {"layer": "GRU", "frozen": True, "h0": False},
    {"batch_first": True}, {"batch_first": True, "bidirectional": False}, {"batch_first": True, "layer": "GRU"},
    {"bidirectional": False, "h0": False, "steps": 1},
]


@pytest.mark.parametrize("mode", ["lazy", True])
@pytest.mark.parametrize("case", CASES)
def test_one_loop_backward_equals_the_node_by_node_backward(case, mode):
    fast, fast_nodes = _run(mode, **case)
    slow, slow_nodes = _run(False, **case)
    assert fast.keys() == slow.keys()
    for name in fast:
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-12, atol=1e-14, err_msg=name)
    # The same nodes, and the same gradient norm on each (what drawings colour by).
    assert [r[:2] for r in fast_nodes] == [r[:2] for r in slow_nodes]
    options = {"layer": "RNN", "bidirectional": True, "num_layers": 2, "steps": 6} | case
    per_step = {"RNN": 2, "LSTM": 10, "GRU": 12}[options["layer"]]
    steps = [r for r in fast_nodes if any(s.startswith("t=") for s in r[0])]
    assert len(steps) == per_step * options["steps"] * options["num_layers"] * (1 + options["bidirectional"])
    assert any(r[1] in ("AddmmBackward0", "MmBackward0") for r in fast_nodes if r not in steps)  # a projection
    assert all(r[2] is not None for r in fast_nodes)
    np.testing.assert_allclose([r[2] for r in fast_nodes], [r[2] for r in slow_nodes], rtol=1e-12)


@pytest.mark.parametrize("layer,kind,step_name", [("RNN", recurrence.RNNRecurrence, "TanhBackward0"),
                                                  ("LSTM", recurrence.LSTMRecurrence, "MulBackward0"),
                                                  ("GRU", recurrence.GRURecurrence, "AddBackward0")])
def test_a_layer_nobody_looks_at_runs_its_backward_without_making_its_step_nodes(monkeypatch, layer, kind,
                                                                                   step_name):
    calls, made = [], []
    run, materialize = kind.run_lazily, kind.materialize

    def spy_run(self, head, final, owned, norms, keep):
        calls.append((self.steps, final is not None))
        return run(self, head, final, owned, norms, keep)

    def spy_materialize(self):
        made.append(self.lazy is not None)
        materialize(self)

    monkeypatch.setattr(kind, "run_lazily", spy_run)
    monkeypatch.setattr(kind, "materialize", spy_materialize)
    rnn = getattr(nn, layer)(3, 4, num_layers=2, bidirectional=True)
    out, h_n = rnn(mg.randn(7, 2, 3))
    out.sum().backward()  # h_n unused: the last steps get nothing but their rows of the joined outputs
    assert calls == [(7, False)] * 4 and made == []
    assert out.grad_fn.name() == "CatBackward0"
    acts = out.grad_fn.parents[0].parents  # the forward direction's StackBackward0: its steps are made now
    assert len(acts) == 7 and made == [True] and acts[3].name() == step_name
    assert acts[3].scope == (layer, "l1", "t=3") and acts[3].freed and acts[3].grad_norm > 0
    if layer == "RNN":  # h_3 = tanh(pre[3] + h_2 @ W_hh^T)
        assert acts[3].parents[0].parents[1] is acts[2]
    elif layer == "LSTM":  # h_3 = o * tanh(c_3), o = sigmoid(pre[3] + h_2 @ W_hh^T)
        assert acts[3].parents[0].parents[0].parents[1] is acts[2]
    else:  # h_3 = (h_2 - n) * z + n
        assert acts[3].parents[0].parents[0].parents[0] is acts[2]
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        out.sum().backward()


@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU"])
def test_a_lazily_recorded_layer_leaves_no_reference_cycle(layer):
    # Its buffers go when its outputs go, without waiting for the cycle collector.
    import gc
    import weakref

    rnn = getattr(nn, layer)(3, 4, num_layers=2)
    gc.disable()
    try:
        out, h_n = rnn(mg.randn(5, 2, 3))
        h = h_n[0] if layer == "LSTM" else h_n  # (h_n, c_n)
        rec = weakref.ref(h.grad_fn.parents[0].recurrence)  # the last step of layer 0
        assert rec() is not None
        del out, h_n, h
        assert rec() is None
    finally:
        gc.enable()


def _graph(*roots):
    """(name, scope, shape, needs_input_grad, freed, grad_norm, parent names) of every node, sorted: what a
    drawing or a walk of ``next_functions`` can see."""
    rows = []
    for n in _nodes(*roots):
        names = tuple(p.name() if isinstance(p, mg.autograd.function.Node) else type(p).__name__ for p in n.parents)
        rows.append((n.name(), n.scope, n.shape, n.needs_input_grad, n.freed, n.grad_norm, names))
    return sorted(rows, key=repr)


@pytest.mark.parametrize("retain", [False, True])
@pytest.mark.parametrize("layer,options", [("RNN", {}), ("RNN", {"batch_first": True, "bidirectional": True}),
                                           ("RNN", {"nonlinearity": "relu"}), ("GRU", {}),
                                           ("GRU", {"batch_first": True, "bidirectional": True}),
                                           ("GRU", {"bias": False}), ("LSTM", {}),
                                           ("LSTM", {"batch_first": True, "bidirectional": True}),
                                           ("LSTM", {"bias": False})])
def test_step_nodes_made_after_backward_are_those_made_before_it(layer, options, retain):
    def run(look_first):
        mg.manual_seed(6)
        rnn = getattr(nn, layer)(3, 4, num_layers=2, dtype=mg.float64, **options)
        x = mg.randn(5, 2, 3, dtype=mg.float64, requires_grad=True)
        states = [mg.randn(2 * (1 + rnn.bidirectional), 2, 4, dtype=mg.float64, requires_grad=True) for _ in "hc"]
        out, h_n = rnn(x.transpose(0, 1) if rnn.batch_first else x, tuple(states) if layer == "LSTM" else states[0])
        finals = h_n if layer == "LSTM" else (h_n,)
        if look_first:
            _graph(out, *finals)
        ((out * out).sum() + sum(h.pow(2).sum() for h in finals)).backward(retain_graph=retain)
        return _graph(out, *finals), [t.grad.numpy().copy() for t in [*rnn.parameters(), *states] if t.grad is not None]

    (lazy, lazy_grads), (eager, eager_grads) = run(False), run(True)
    assert [r[:5] + r[6:] for r in lazy] == [r[:5] + r[6:] for r in eager]
    np.testing.assert_allclose([r[5] for r in lazy], [r[5] for r in eager], rtol=1e-12)
    assert all(r[4] != retain for r in lazy)
    for a, b in zip(lazy_grads, eager_grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU"])
def test_a_kept_graph_looked_at_between_two_backwards_gives_the_same_gradients(layer):
    mg.manual_seed(7)
    rnn = getattr(nn, layer)(3, 4, num_layers=2, dtype=mg.float64)
    out, h_n = rnn(mg.randn(5, 2, 3, dtype=mg.float64))
    loss = (out * out).sum() + sum((h * h).sum() for h in (h_n if layer == "LSTM" else (h_n,)))
    loss.backward(retain_graph=True)  # the one loop, the step nodes not made
    first = [p.grad.numpy().copy() for p in rnn.parameters()]
    assert len(out.grad_fn.next_functions) == 5  # made now, with their saved arrays: still usable
    loss.backward()
    for p, g in zip(rnn.parameters(), first):
        np.testing.assert_allclose(p.grad.numpy(), 2 * g, rtol=1e-12)


@pytest.mark.parametrize("look_first", [False, True])
@pytest.mark.parametrize("layer,product", [("RNN", "AddmmBackward0"), ("GRU", "AddmmBackward0"),
                                           ("LSTM", "AddmmBackward0")])
def test_changing_h0_in_place_after_forward_fails_at_backward_as_node_by_node(look_first, layer, product):
    rnn = getattr(nn, layer)(3, 4)
    h0 = mg.randn(1, 2, 4)
    out, _ = rnn(mg.randn(5, 2, 3), (h0, mg.randn(1, 2, 4)) if layer == "LSTM" else h0)
    if look_first:
        _graph(out)
    h0.add_(1)  # the first step's product saved h_0 for weight_hh's gradient
    with pytest.raises(RuntimeError, match=r"\[minigrad.FloatTensor \[2, 4\]\] is at version 1; expected "
                                           r"version 0 instead. Hint: the operation that failed was " + product):
        out.sum().backward()
    assert rnn.weight_hh_l0.grad is None and rnn.weight_ih_l0.grad is None


@pytest.mark.parametrize("layer,kind,per_step", [("RNN", recurrence.RNNRecurrence, 2),
                                                 ("LSTM", recurrence.LSTMRecurrence, 10),
                                                 ("GRU", recurrence.GRURecurrence, 12)])
def test_once_made_the_step_nodes_get_one_loop_per_layer_and_direction(monkeypatch, layer, kind, per_step):
    calls = []
    original = kind.backward

    def spy(self, ext, own, nodes, norms, keep):
        calls.append((self.steps, len(nodes)))
        return original(self, ext, own, nodes, norms, keep)

    monkeypatch.setattr(kind, "backward", spy)
    rnn = getattr(nn, layer)(3, 4, num_layers=2, bidirectional=True)
    out, _ = rnn(mg.randn(7, 2, 3))
    assert len(_heads(out)) == 4  # a look at the graph makes the step nodes
    out.sum().backward()
    assert calls == [(7, 7 * per_step)] * 4


@pytest.mark.parametrize("which", [0, 1])
def test_an_lstm_backward_from_h_n_or_c_n_alone_is_the_same_made_lazily_or_node_by_node(which):
    def grads(mode):
        mg.manual_seed(9)
        lstm = nn.LSTM(2, 3, num_layers=2, dtype=mg.float64)
        x = mg.randn(4, 2, 2, dtype=mg.float64, requires_grad=True)
        _, states = lstm(x)
        if mode != "lazy":
            heads = _heads(states[which])
            if mode == "node":
                for head in heads:
                    head.recurrence = None
        (states[which] ** 2).sum().backward()
        rows = [(n.scope, n.name(), n.grad_norm) for n in _nodes(states[which])]
        return [p.grad.numpy() for p in lstm.parameters()] + [x.grad.numpy()], sorted(rows, key=repr)

    (lazy, lazy_nodes), (slow, slow_nodes) = grads("lazy"), grads("node")
    for a, b in zip(lazy, slow):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert [r[:2] for r in lazy_nodes] == [r[:2] for r in slow_nodes]
    assert [r[2] is None for r in lazy_nodes] == [r[2] is None for r in slow_nodes]  # c_n alone: h never reached
    np.testing.assert_allclose([r[2] for r in lazy_nodes if r[2] is not None],
                               [r[2] for r in slow_nodes if r[2] is not None], rtol=1e-12)


def test_backward_from_h_n_alone_runs_the_one_loop_and_matches_node_by_node():
    def grads(one_loop):
        mg.manual_seed(1)
        rnn = nn.RNN(2, 3, num_layers=2, dtype=mg.float64)
        _, h_n = rnn(mg.randn(4, 1, 2, dtype=mg.float64))
        heads = _heads(h_n)
        assert len(heads) == 2
        if not one_loop:
            for head in heads:
                head.recurrence = None
        h_n.sum().backward()
        return [p.grad.numpy() for p in rnn.parameters()]

    for a, b in zip(grads(True), grads(False)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_the_recorded_step_nodes_are_those_apply_records():
    mg.manual_seed(0)
    rnn = nn.RNN(3, 4, dtype=mg.float64)
    x = mg.randn(3, 2, 3, dtype=mg.float64)
    h0 = mg.randn(1, 2, 4, dtype=mg.float64, requires_grad=True)
    out, _ = rnn(x, h0)
    p = {n: t.detach().numpy() for n, t in rnn.named_parameters()}
    pre = x.numpy() @ p["weight_ih_l0"].T + p["bias_ih_l0"] + p["bias_hh_l0"]
    acts = list(out.grad_fn.parents)
    pre_node, w_t = acts[0].parents[0].parents[0], acts[0].parents[0].parents[2]
    assert (pre_node.name(), w_t.name()) == ("ViewBackward0", "TBackward0")
    for i, act in enumerate(acts):
        mm = act.parents[0]
        assert (act.name(), mm.name()) == ("TanhBackward0", "AddmmBackward0")
        assert act.scope == mm.scope == ("RNN", "l0", f"t={i}")
        assert mm.parents[0] is pre_node and mm.parents[2] is w_t
        if i:
            assert mm.parents[1] is acts[i - 1]
        else:  # h_0[0]
            assert mm.parents[1].name() == "SelectBackward0" and mm.parents[1].parents[0] is h0
        assert mm.needs_input_grad == (True, True, True) and act.needs_input_grad == (True,)
        assert act.shape == mm.shape == (2, 4) and act.dtype == mm.dtype == np.float64
        # What ops.Addmm and ops.Tanh save: h_{t-1}, W_hh^T, and the output.
        h_prev, w = mm.saved
        np.testing.assert_array_equal(w, p["weight_hh_l0"].T)
        np.testing.assert_array_equal(h_prev, acts[i - 1].saved[0] if i else h0.detach().numpy()[0])
        np.testing.assert_allclose(act.saved[0], np.tanh(pre[i] + h_prev @ w), rtol=1e-14, atol=1e-15)
        np.testing.assert_array_equal(act.saved[0], out.detach().numpy()[i])


@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("retain", [True, False])
def test_retain_graph_and_a_second_backward(retain, layer):
    # The one-loop backward reuses saved buffers for gradients unless the graph is retained.
    mg.manual_seed(2)
    rnn = getattr(nn, layer)(2, 3, dtype=mg.float64)
    out, _ = rnn(mg.randn(4, 1, 2, dtype=mg.float64))
    out.sum().backward(retain_graph=retain)
    first = rnn.weight_hh_l0.grad.numpy().copy()
    if retain:
        out.sum().backward()
        np.testing.assert_allclose(rnn.weight_hh_l0.grad.numpy(), 2 * first, rtol=1e-14)
    else:
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            out.sum().backward()
        np.testing.assert_array_equal(rnn.weight_hh_l0.grad.numpy(), first)


def test_changing_weight_hh_in_place_after_forward_fails_at_backward_naming_addmm():
    rnn = nn.RNN(3, 4)
    out, _ = rnn(mg.randn(5, 2, 3))
    with mg.no_grad():
        rnn.weight_hh_l0.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*AddmmBackward0"):
        out.sum().backward()


def test_without_grad_nothing_is_recorded_and_the_values_are_the_same():
    mg.manual_seed(4)
    rnn = nn.RNN(3, 4, num_layers=2, nonlinearity="relu")
    x = mg.randn(5, 2, 3)
    out, h_n = rnn(x)
    with mg.no_grad():
        out2, h_n2 = rnn(x)
    assert out2.grad_fn is None and h_n2.grad_fn is None and not out2.requires_grad
    np.testing.assert_array_equal(out2.numpy(), out.detach().numpy())
    np.testing.assert_array_equal(h_n2.numpy(), h_n.detach().numpy())


def test_grad_norms_are_skipped_when_no_hook_records_them(monkeypatch):
    monkeypatch.setattr(engine, "node_hooks", [])
    rnn = nn.RNN(3, 4)
    out, _ = rnn(mg.randn(5, 2, 3))
    out.sum().backward()
    assert {r[2] for r in _step_nodes(out)} == {None}
    assert rnn.weight_hh_l0.grad is not None


def test_forward_matches_the_primitives_bit_for_bit():
    mg.manual_seed(5)
    rnn = nn.RNN(3, 4)
    x = mg.randn(6, 2, 3)
    out, _ = rnn(x)
    p = {n: t.detach().numpy() for n, t in rnn.named_parameters()}
    pre = ops.Addmm.apply(mg.tensor(p["bias_ih_l0"] + p["bias_hh_l0"]), x.reshape(12, 3),
                          mg.tensor(p["weight_ih_l0"]).t()).reshape(6, 2, 4)
    h = mg.zeros(2, 4)
    for i in range(6):
        h = ops.Tanh.apply(ops.Addmm.apply(pre, h, mg.tensor(p["weight_hh_l0"]).t(), index=i))
        np.testing.assert_array_equal(out.detach().numpy()[i], h.numpy())


@pytest.mark.parametrize("layer", ["LSTM", "GRU"])
def test_saturated_gates_give_their_limits_without_warnings(layer):
    import warnings

    rnn = getattr(nn, layer)(2, 3)
    with mg.no_grad():
        rnn.bias_ih_l0.fill_(-1e4)  # every pre-activation near -1e4: sigmoid 0, tanh -1 (e^1e4 overflows)
    x = mg.randn(4, 1, 2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = rnn(x)
        out.sum().backward()
    # LSTM: i = f = o = 0, so c = h = 0. GRU: r = z = 0, n = -1, so h = (h - n) * 0 + n = -1.
    expected = np.full((4, 1, 3), 0.0 if layer == "LSTM" else -1.0, np.float32)
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(rnn.weight_hh_l0.grad.numpy()).all()


def test_a_step_that_keeps_its_gradient_makes_the_engine_go_node_by_node():
    # No public handle reaches a step's output, so ask the engine directly to keep one step's gradient
    # (what retain_grad() does): the one-loop backward must step aside, and the numbers stay the same.

    def run(keep_step):
        mg.manual_seed(8)
        rnn = nn.RNN(3, 4, dtype=mg.float64)
        x = mg.randn(5, 2, 3, dtype=mg.float64, requires_grad=True)
        out, h_n = rnn(x)
        holder = mg.zeros(2, 4, dtype=mg.float64)
        if keep_step:
            engine.retain(out.grad_fn.parents[2], holder)
        (out * out).sum().backward()
        return [p.grad.numpy() for p in rnn.parameters()] + [x.grad.numpy()], holder.grad

    fast, none = run(False)
    slow, kept = run(True)
    assert none is None and kept is not None and kept.shape == (2, 4)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reverse", [False, True])
def test_owned_rows_are_reused_only_when_they_are_the_steps_rows_of_one_array_in_order(reverse):
    steps, batch, hidden = 4, 2, 3
    h = np.zeros((steps, batch, hidden))
    rec = recurrence.RNNRecurrence(steps, reverse, np.zeros((hidden, hidden)), (False, False), h, h[0], False)
    g = np.arange(h.size, dtype=h.dtype).reshape(h.shape)
    visit = [rec._time(k) for k in range(steps)]  # the time step backward visits k-th
    ext = []
    for t in visit:
        ext += [g[t], None]  # row t is step t's outside gradient; the Addmm nodes get none
    own = [True, False] * steps
    rows = rec._owned_rows(ext, own)
    assert rows is not None and rows.shape == g.shape
    assert np.shares_memory(rows, g) and np.array_equal(rows, g)  # g itself, in time order
    assert rec._owned_rows(ext, [False] + own[1:]) is None  # something else holds a row
    swapped = ext.copy()
    swapped[0], swapped[2] = ext[2], ext[0]  # every row of g, but two in the wrong order
    assert rec._owned_rows(swapped, own) is None
    shifted = ext.copy()
    shifted[2] = g.reshape(-1)[1:1 + batch * hidden].reshape(batch, hidden)  # a row's worth of g, not a row
    assert rec._owned_rows(shifted, own) is None
    other = ext.copy()
    other[2] = g[visit[1]].copy()  # the right values in another array
    assert rec._owned_rows(other, own) is None
    g.base.flags.writeable = False  # the rows are in order, but backward may not write over them
    assert rec._owned_rows(ext, own) is None


def test_address_is_where_numpy_says_the_array_starts():
    a = np.zeros((5, 3, 4), dtype=np.float32)
    for view in (a, a[0], a[3], a[2:4], a.reshape(-1)[4:8]):
        assert recurrence._address(view) == view.ctypes.data


def test_a_plain_rnn_under_a_linear_head_writes_its_gradients_over_the_heads_gradient(monkeypatch):
    # The common case (RNN -> Linear -> loss): each layer's d_pre reuses the rows its StackBackward0 cut.
    reused = []
    original = recurrence.RNNRecurrence._loop

    def spy(self, ext, d_pre, norms):
        reused.append(d_pre is not None and all(np.shares_memory(e, d_pre) for e in ext))
        return original(self, ext, d_pre, norms)

    monkeypatch.setattr(recurrence.RNNRecurrence, "_loop", spy)
    for look_first in (False, True):  # the step nodes made lazily by backward, or by a look at the graph
        rnn, head = nn.RNN(3, 4, num_layers=2), nn.Linear(4, 2)
        out, _ = rnn(mg.randn(5, 2, 3))
        if look_first:
            assert len(out.grad_fn.next_functions) == 5
        head(out).pow(2).mean().backward()
    assert reused == [True, True, True, True]


# ---- the top layer's output is the loop's buffer, copy-on-write for the values its steps saved ----------------
def _no_grad_mul(out):
    with mg.no_grad():
        out.mul_(2)


IN_PLACE = {
    "mul_": lambda o: o.mul_(2),
    "add_ on a step": lambda o: o[0].add_(1),
    "fill_ on a slice": lambda o: o[1:3].fill_(0.5),
    "setitem": lambda o: o.__setitem__((slice(None), 0), 3.0),
    "mul_ through detach": lambda o: o.detach().mul_(3),
    "mul_ under no_grad": _no_grad_mul,
    "relu inplace": lambda o: nn.functional.relu(o, inplace=True),
    "zero_ through view": lambda o: o.view(-1).zero_(),
    "copy_ through transpose": lambda o: o.transpose(0, 1).copy_(mg.ones(2, 5, 4, dtype=mg.float64)),
    "clamp_ through select": lambda o: o.select(0, 2).clamp_(0, 0.1),
    "nn.init": lambda o: nn.init.zeros_(o.detach()),
    "dropout inplace": lambda o: nn.functional.dropout(o, 0.5, True, inplace=True),
}


def _after_in_place(layer, change, clone):
    """Gradients of the parameters and the input when ``change`` writes into the layer's output before backward
    (after ``clone()`` when ``clone``: the reference, whose saved values nothing can reach)."""
    mg.manual_seed(0)
    rnn = getattr(nn, layer)(3, 4, num_layers=2, dtype=mg.float64)
    x = mg.randn(5, 2, 3, dtype=mg.float64, requires_grad=True)
    out, h_n = rnn(x)
    if clone:
        out = out.clone()
    change(out)
    h = h_n[0] if layer == "LSTM" else h_n
    (out.sum() + (h * h).sum()).backward()
    return [p.grad.numpy().copy() for p in rnn.parameters()] + [x.grad.numpy().copy()], out.detach().numpy().copy()


@pytest.mark.parametrize("name", IN_PLACE)
@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU"])
def test_changing_the_output_in_place_leaves_the_gradients_as_with_a_copy(layer, name):
    # PyTorch's output is a new tensor, so changing it never touches what backward reads; minigrad's output is
    # the loop's buffer, and its saved values move to a copy before the first write.
    grads, values = _after_in_place(layer, IN_PLACE[name], clone=False)
    ref_grads, ref_values = _after_in_place(layer, IN_PLACE[name], clone=True)
    np.testing.assert_array_equal(values, ref_values)
    for g, ref in zip(grads, ref_grads):
        np.testing.assert_allclose(g, ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU"])
def test_the_output_is_copied_only_when_written_and_only_while_its_graph_lives(layer):
    rnn = getattr(nn, layer)(3, 4)
    out, _ = rnn(mg.randn(5, 2, 3))
    (head,) = [n for n in _heads(out)]
    saved = [a for node in head.recurrence.walk(head)[0] for a in node.saved if isinstance(a, np.ndarray)]
    assert any(np.shares_memory(a, out.detach().numpy()) for a in saved)  # no copy made by forward
    before = out.detach().numpy()
    out.add_(1)
    assert out.detach().numpy() is before  # the output keeps its array (views of it stay views) ...
    saved = [a for node in head.recurrence.walk(head)[0] for a in node.saved if isinstance(a, np.ndarray)]
    assert not any(np.shares_memory(a, out.detach().numpy()) for a in saved)  # ... and the saved values moved
    out2, _ = rnn(mg.randn(5, 2, 3))
    out2.sum().backward()
    out2.mul_(2)  # after backward: nothing left to move, nothing fails


def test_changing_the_output_between_two_backwards_of_a_kept_graph():
    mg.manual_seed(1)
    rnn = nn.RNN(3, 4, num_layers=2, dtype=mg.float64)
    x = mg.randn(5, 2, 3, dtype=mg.float64, requires_grad=True)
    out, _ = rnn(x)
    out.sum().backward()
    once = x.grad.numpy().copy()
    x.grad = None
    out, _ = rnn(x)
    loss = out.sum()
    loss.backward(retain_graph=True)
    with mg.no_grad():
        out.zero_()  # only the layer's own steps saved out: they read their moved copy in the second backward
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * once, rtol=1e-12)
    squared, _ = rnn(x)
    loss = (squared * squared).sum()  # Mul saves squared itself: a change there must fail, as in PyTorch
    loss.backward(retain_graph=True)
    with mg.no_grad():
        squared.zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_an_output_pickles_and_deep_copies_as_a_tensor_of_its_own():
    import copy
    import pickle

    rnn = nn.LSTM(3, 4)
    out, _ = rnn(mg.randn(5, 2, 3))
    values = out.detach().numpy().copy()
    for twin in (pickle.loads(pickle.dumps(out.detach())), copy.deepcopy(out.detach())):
        np.testing.assert_array_equal(twin.numpy(), values)
        assert not np.shares_memory(twin.numpy(), out.detach().numpy())
        assert type(twin._vc) is mg.autograd.function.VersionCounter
        twin.mul_(2)  # its own array: nothing of rnn's graph moves or changes
    np.testing.assert_array_equal(out.detach().numpy(), values)


def test_an_lstm_whose_c0_alone_needs_a_gradient_records_and_gives_it():
    # Parameters frozen, input and h_0 plain: only c_0 asks for a gradient, which must still reach it.
    mg.manual_seed(10)
    lstm = nn.LSTM(3, 4, num_layers=2, dtype=mg.float64)
    for p in lstm.parameters():
        p.requires_grad_(False)
    x, h0 = mg.randn(5, 2, 3, dtype=mg.float64), mg.randn(2, 2, 4, dtype=mg.float64)
    c0 = mg.randn(2, 2, 4, dtype=mg.float64, requires_grad=True)
    out, _ = lstm(x, (h0, c0))
    assert out.requires_grad and out.grad_fn is not None
    assert mg.autograd.gradcheck(lambda c: lstm(x, (h0, c))[0], (c0,))
