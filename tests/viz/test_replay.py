"""``replay_backward``: its frames are what the engine did (order, gradients, leaves), drawn on ``draw_graph``'s
layout, and the page it saves is self-contained."""

import copy
import re

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.autograd import engine
from minigrad.autograd.function import FREED_MESSAGE, Node
from minigrad.viz import Replay, build_graph, replay_backward
from minigrad.viz.graph import _walk
from minigrad.viz.replay import _Spy


def _mlp():
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = minigrad.randn(5, 3, requires_grad=True)
    return model, x


def _rnn(cls=nn.RNN, seq_len=4, **kw):
    minigrad.manual_seed(1)
    layer = cls(3, 4, num_layers=2, **kw)
    x = minigrad.randn(seq_len, 2, 3)
    return layer, x


def _users(frames):
    """node -> the nodes of the graph that use its output."""
    users = {}
    for f in frames[1:]:
        for p in f.node.parents:
            if isinstance(p, Node):
                users.setdefault(p, []).append(f.node)
    return users


@pytest.mark.parametrize("build", ["mlp", "rnn", "lstm", "gru_bidirectional"])
def test_frames_follow_the_engine_order_and_the_dependency_rule(build):
    if build == "mlp":
        model, x = _mlp()
        loss = model(x).pow(2).mean()
    else:
        cls, kw = {"rnn": (nn.RNN, {}), "lstm": (nn.LSTM, {}), "gru_bidirectional": (nn.GRU, {"bidirectional": True})}[
            build
        ]
        layer, x = _rnn(cls, **kw)
        loss = layer(x)[0].pow(2).mean()
    order = []
    handle = engine.add_node_hook(lambda node, grad: order.append(node))
    try:
        replay = replay_backward(loss)
    finally:
        handle.remove()
    nodes = [f.node for f in replay.frames[1:]]
    assert nodes == order  # what the engine's own callback reported, one frame per node, same order
    # Every node of the graph ran once (the step nodes of a recurrent layer too).
    assert len(nodes) == len(set(nodes)) == len(_walk([loss.grad_fn]))
    position = {n: i for i, n in enumerate(nodes)}
    for node, users in _users(replay.frames).items():
        assert all(position[u] < position[node] for u in users), node.name()


def test_frames_hold_the_gradients_backward_produced():
    model, x = _mlp()
    h = model[0](x)
    h.retain_grad()
    y = model[2](model[1](h))
    y.retain_grad()
    loss = y.pow(2).mean()
    replay = replay_backward(loss)
    by_node = {f.node: f for f in replay.frames[1:]}
    np.testing.assert_array_equal(by_node[h.grad_fn].grad, h.grad.numpy())
    np.testing.assert_array_equal(by_node[y.grad_fn].grad, y.grad.numpy())
    np.testing.assert_array_equal(replay.frames[0].grad, np.ones(()))
    np.testing.assert_array_equal(replay.frames[1].grad, np.ones(()))  # the root's node gets the seed
    # What each node handed on is what its inputs received: for a node, the sum over its users' parts.
    received = {}
    for f in replay.frames[1:]:
        for p, (_, _, gi) in zip([p for p in f.node.parents if p is not None], f.inputs):
            if gi is not None:
                key = p if isinstance(p, Node) else id(p)
                received[key] = received.get(key, 0) + gi
    for node, f in by_node.items():
        if node is not loss.grad_fn:
            np.testing.assert_allclose(received[node], f.grad, rtol=1e-6, atol=1e-7)
    for p in [x, *model.parameters()]:
        np.testing.assert_allclose(received[id(p)], p.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_last_frame_leaves_equal_grad_and_accumulate_onto_an_earlier_grad():
    model, x = _mlp()
    model(x).sum().backward()  # a .grad there before the replayed backward
    twin = copy.deepcopy(model)
    first = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
    loss = model(x).pow(2).mean()
    replay = replay_backward(loss, params=dict(model.named_parameters()))
    # The same backward without a replay, on a copy: the .grad a replay leaves is the one backward leaves.
    for p in twin.parameters():
        p.grad = None
    twin(x).pow(2).mean().backward()
    latest = {}
    for f in replay.frames:
        latest.update(f.leaves)
    for name, p in model.named_parameters():
        box = next(i for i, dn in replay.model.nodes.items() if dn.title == name)
        np.testing.assert_allclose(latest[box], p.grad.numpy(), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(p.grad.numpy() - first[name], dict(twin.named_parameters())[name].grad.numpy(),
                                   rtol=1e-5, atol=1e-6)


def test_a_recurrent_weight_gains_one_step_per_frame():
    layer, x = _rnn(seq_len=5)
    loss = layer(x)[0].pow(2).mean()
    replay = replay_backward(loss, params=dict(layer.named_parameters()))
    # The lesson RNN multiplies by weight_hh_l0 through one transpose node, used once per step: it receives
    # one share per step frame, in the engine's running sum, and hands the total to the weight once.
    w = layer.weight_hh_l0
    (t_node,) = [f.node for f in replay.frames[1:] if len(f.node.parents) == 1 and f.node.parents[0] is w]
    shares = [f for f in replay.frames if t_node in f.pending]
    steps = [next(s for s in f.node.scope if s.startswith("t=")) for f in shares]
    assert steps == [f"t={t}" for t in range(4, -1, -1)]  # last step first, one step per frame
    (ran,) = [f for f in replay.frames[1:] if f.node is t_node]
    np.testing.assert_array_equal(shares[-1].pending[t_node], ran.grad)
    assert all(f.index < ran.index for f in shares)
    box = next(i for i, dn in replay.model.nodes.items() if dn.title == "weight_hh_l0")
    np.testing.assert_allclose(ran.leaves[box], layer.weight_hh_l0.grad.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ran.leaves[box], ran.grad.T, rtol=1e-6, atol=1e-7)


def test_boxes_are_the_drawing_boxes_and_the_last_frame_is_draw_graph_after_backward():
    layer, x = _rnn(nn.LSTM, seq_len=3)
    out, _ = layer(x)
    loss = out.pow(2).mean()
    replay = replay_backward(loss)
    for f in replay.frames[1:]:
        assert replay.model.nodes[f.drawn_id].title == f.node.name()
        assert replay.model.nodes[f.drawn_id].cluster == f.node.scope
    assert replay.model == build_graph(loss)  # the same model draw_graph draws now, after backward
    assert replay.frames[0].drawn_id == "out0"


def test_a_long_rnn_replays_as_steps():
    minigrad.manual_seed(0)
    layer = nn.RNN(2, 3, num_layers=1)
    x = minigrad.randn(200, 1, 2)
    loss = layer(x)[0][-1].pow(2).sum()
    replay = replay_backward(loss, max_nodes=300)
    assert replay.model.collapse == "step"
    seen_steps, folded = set(), set()
    for f in replay.frames[1:]:
        step = [s for s in f.node.scope if s.startswith("t=")]
        dn = replay.model.nodes[f.drawn_id]
        if step:
            t = int(step[0][2:])
            assert dn.kind == "group"
            if dn.title == step[0]:  # a step box of its own
                seen_steps.add(t)
            else:  # a step the drawing folded: the folded box that holds it ("t=5 to t=193")
                first, last = (int(part[2:]) for part in dn.title.split(" to "))
                assert first <= t <= last
                folded.add(t)
        else:
            assert dn.title == f.node.name()
    assert len(seen_steps) == 11 and len(folded) == 189  # max_steps=12: 11 steps of their own, one folded box
    assert seen_steps | folded == set(range(200))
    assert len(replay.frames) == 1 + len(_walk([loss.grad_fn]))


def test_replay_takes_backward_arguments_and_restores_every_node_on_error():
    w = minigrad.randn(3, requires_grad=True)
    y = w * 2
    replay = replay_backward(y, minigrad.tensor([1.0, 2.0, 3.0]), retain_graph=True)
    np.testing.assert_array_equal(replay.frames[0].grad, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0, 6.0])
    replay_backward(y, minigrad.ones(3))  # the graph was retained: a second sweep works
    with pytest.raises(RuntimeError, match=re.escape(FREED_MESSAGE[:40])):
        replay_backward(y, minigrad.ones(3))
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        replay_backward(minigrad.randn(3, requires_grad=True) * 2)
    assert all(hook.__qualname__ != "_record_sweep.<locals>.hook" for hook in engine.node_hooks)

    # A backward that fails halfway leaves no stand-in behind on any node.
    class Bad(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g[:1]  # the wrong shape: the engine raises after this node's backward

    z = Bad.apply(w * 3).sum()
    with pytest.raises(RuntimeError, match="invalid gradient"):
        replay_backward(z)
    assert not any(isinstance(n.fn, _Spy) for n in _walk([z.grad_fn]))
    with pytest.raises(TypeError, match="expects a Tensor"):
        replay_backward([1.0])


def test_saved_page_is_self_contained(tmp_path):
    model, x = _mlp()
    replay = replay_backward(model(x).pow(2).mean(), params=dict(model.named_parameters()))
    assert isinstance(replay, Replay) and len(replay) == len(replay.frames)
    path = replay.save(tmp_path / "backward.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script>" in page
    # No network: no external script, style, image or link; the only URLs are the SVG's XML namespaces.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
    }
    inline = replay._repr_html_()
    assert inline.startswith("<style>") and "<svg" in inline and "<!DOCTYPE" not in inline


def test_boxes_the_size_limit_left_out_replay_on_its_more_box():
    w = minigrad.randn(3, requires_grad=True)
    y = w
    for _ in range(30):  # a chain of top-level ops: no scope to collapse, so the size limit cuts it
        y = (y * 1.1).tanh()
    loss = y.sum()
    replay = replay_backward(loss, max_nodes=6)
    assert "more" in replay.model.nodes
    hidden = [f for f in replay.frames[1:] if f.drawn_id == "more"]
    assert hidden and all(f.drawn_id in replay.model.nodes for f in replay.frames[1:])
    # The leaves' running sums are kept only for the leaf boxes drawn, never on the "more" box.
    assert all(replay.model.nodes[b].kind in ("param", "input") for f in replay.frames for b in f.leaves)
