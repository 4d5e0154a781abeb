"""``draw_graph``: what the drawing of a recorded graph contains, how it is laid out, and that it changes nothing."""

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.autograd import scope
from minigrad.viz import Digraph, build_graph, draw_graph, find_renderer, grad_color, pipe
from minigrad.viz.dot import GRAD_PALETTE

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def pip_only(tmp_path, monkeypatch):
    """No system ``dot`` on PATH: the pip-installed ``graphviz-pure`` does the layout (as in CI)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    renderer = find_renderer()
    assert renderer is not None and renderer.name == "graphviz-pure"
    return renderer


def _rnn_loss(seq_len=3, num_layers=2, bidirectional=False, input_grad=False, hidden=3, last=False):
    minigrad.manual_seed(0)
    rnn = nn.RNN(4, hidden, num_layers=num_layers, bidirectional=bidirectional)
    x = minigrad.randn(seq_len, 1, 4, requires_grad=input_grad)
    out, _ = rnn(x)
    loss = (out[-1] ** 2).sum() if last else (out**2).mean()
    return rnn, x, loss


def _clusters(model):
    """Every cluster of the model by scope path (a walk with a stack)."""
    found, stack = {}, [model.root]
    while stack:
        c = stack.pop()
        found[c.path] = c
        stack.extend(c.children)
    return found


def _node_fills(source):
    """DOT node id -> fillcolor."""
    return dict(re.findall(r'^\s*(\w+) \[label=.*?fillcolor="(#[0-9a-f]{6})"', source, flags=re.M))


# ---- contents ---------------------------------------------------------------------------------------------


def test_two_layer_three_step_rnn_has_a_cluster_per_layer_and_step_with_the_recurrence_ops():
    rnn, _, loss = _rnn_loss()
    loss.backward()
    model = build_graph(loss)
    clusters = _clusters(model)
    assert clusters[("RNN",)].label == "RNN"
    for k in range(2):
        assert clusters[("RNN", f"l{k}")].label == f"layer {k}"
        for t in range(3):
            step = clusters[("RNN", f"l{k}", f"t={t}")]
            assert step.label == f"t={t}"
            # h_t = tanh(pre[t] + h_{t-1} @ W_hh^T): one fused addmm (ops.Addmm), one tanh per step.
            ops = sorted(model.nodes[n].title for n in step.nodes)
            assert ops == ["AddmmBackward0", "TanhBackward0"]
            assert all(model.nodes[n].shape == (1, 3) for n in step.nodes)
    # Parameters are named by the module that made them and sit in their layer's cluster.
    names = {rnn_name for rnn_name, _ in rnn.named_parameters()}
    params = {model.nodes[n].title: path for path, c in clusters.items() for n in c.nodes
              if model.nodes[n].kind == "param"}
    assert set(params) == names
    assert params["weight_hh_l1"] == ("RNN", "l1")
    assert params["weight_ih_l0"] == ("RNN", "l0")

    source = draw_graph(loss).source
    for text in ["weight_hh_l1", "(3, 3)", "(3, 4)", "(1, 3)", "TanhBackward0", "AddmmBackward0", "StackBackward0",
                 "layer 1", "t=2", "output"]:
        assert text in source, text
    assert source.count("subgraph cluster_") == 1 + 2 + 6


def test_bidirectional_rnn_has_separate_reverse_step_clusters():
    rnn, _, loss = _rnn_loss(bidirectional=True)  # keep the module alive: names come from it
    loss.backward()
    model = build_graph(loss)
    clusters = _clusters(model)
    for k in range(2):
        reverse = clusters[("RNN", f"l{k}", "reverse")]
        assert reverse.label == "reverse" and reverse.kind == "direction"
        steps = {c.path[-1] for c in reverse.children}
        assert steps == {"t=0", "t=1", "t=2"}
        forward = {n for c in clusters[("RNN", f"l{k}")].children if c.kind == "step" for n in c.nodes}
        backward = {n for c in reverse.children for n in c.nodes}
        assert forward and backward and not forward & backward
    titles = {model.nodes[n].title for c in clusters.values() for n in c.nodes}
    assert {"weight_hh_l0_reverse", "weight_ih_l1_reverse", "CatBackward0"} <= titles


class Encoder(nn.Module):
    """A user's module: a Linear layer and a tanh, no drawing code anywhere."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x).tanh()


def test_a_users_module_is_grouped_by_its_name_and_names_its_parameters():
    minigrad.manual_seed(0)
    enc = Encoder()
    loss = enc(minigrad.randn(3, 4)).sum()
    loss.backward()
    model = build_graph(loss)
    clusters = _clusters(model)
    assert clusters[("Encoder",)].label == "Encoder"
    assert clusters[("Encoder", "fc")].label == "fc: Linear"
    inner = {model.nodes[n].title for n in clusters[("Encoder", "fc")].nodes}
    assert {"fc.weight", "fc.bias"} <= inner
    assert "TanhBackward0" in {model.nodes[n].title for n in clusters[("Encoder",)].nodes}
    # Names given explicitly win, as with torchviz's params=dict(model.named_parameters()).
    named = build_graph(loss, params={"W": enc.fc.weight})
    assert "W" in {d.title for d in named.nodes.values()}


class Tower(nn.Module):
    """Layers kept in a ModuleList, whose children's scopes read ``layers.0``, ``layers.1``."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 2)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).tanh()
        return x


def test_modules_in_a_module_list_get_one_cluster_each():
    minigrad.manual_seed(0)
    tower = Tower()
    loss = tower(minigrad.randn(3, 4)).sum()
    loss.backward()
    clusters = _clusters(build_graph(loss))
    assert clusters[("Tower", "layers.0")].label == "layers.0: Linear"
    assert clusters[("Tower", "layers.1")].label == "layers.1: Linear"


def test_scalar_expression_shows_names_values_and_signed_gradients():
    a = minigrad.tensor(2.0, requires_grad=True)
    b = minigrad.tensor(-3.0, requires_grad=True)
    c = minigrad.tensor(10.0, requires_grad=True)
    f = minigrad.tensor(-2.0, requires_grad=True)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    model = build_graph(L, params=dict(a=a, b=b, c=c, e=e, d=d, f=f, L=L), show_data=True)
    by_name = {dn.name: dn for dn in model.nodes.values() if dn.name}
    # L = (a*b + c) * f: dL/da = b*f, dL/db = a*f, dL/dc = f, dL/df = a*b + c.
    expected = {"a": (2, 6), "b": (-3, -4), "c": (10, -2), "f": (-2, 4)}
    for name, (value, grad) in expected.items():
        assert f"data {value}" in by_name[name].lines and f"grad {grad}" in by_name[name].lines, name
    assert by_name["e"].title == "MulBackward0" and "data -6" in by_name["e"].lines
    assert by_name["e"].grad_norm == pytest.approx(2.0)  # |dL/de| = |f|
    assert by_name["L"].kind == "output" and "data -8" in by_name["L"].lines
    assert {dn.kind for dn in model.nodes.values()} == {"input", "op", "output"}


# ---- gradient colours -------------------------------------------------------------------------------------


def test_colours_follow_gradient_norms_along_a_vanishing_chain():
    # h_t = 0.1 * h_{t-1} over 8 steps: dL/dh_t = 0.1 ** (7 - t) for L = sum(h_7), each of 3 elements.
    x = minigrad.ones(3, requires_grad=True)
    h = x
    for t in range(8):
        with scope(f"t={t}"):
            h = h * 0.1
    loss = h.sum()
    loss.backward()
    model = build_graph(loss)
    steps = {}
    for dn in model.nodes.values():
        if dn.title == "MulBackward0":
            (path,) = [c.path for c in _clusters(model).values() if dn.id in c.nodes]
            steps[int(path[-1][2:])] = dn
    assert sorted(steps) == list(range(8))
    for t, dn in steps.items():
        assert dn.grad_norm == pytest.approx(math.sqrt(3) * 0.1 ** (7 - t), rel=1e-5)
    lo, hi = model.grad_range
    assert lo == pytest.approx(math.sqrt(3) * 1e-8, rel=1e-5)  # x's gradient, 0.1 ** 8 per element
    assert hi == pytest.approx(math.sqrt(3))

    fills = _node_fills(to_source := draw_graph(loss).source)
    darkness = [sum(int(fills[steps[t].id][i:i + 2], 16) for i in (1, 3, 5)) for t in range(8)]
    assert darkness == sorted(darkness, reverse=True) and len(set(darkness)) == 8  # darker as the norm grows
    assert fills[steps[7].id] == grad_color(steps[7].grad_norm, lo, hi)
    assert 'ALIGN="RIGHT">gradient norm' in to_source  # the legend


def test_grad_color_scale_is_logarithmic_between_its_ends():
    assert grad_color(1e-6, 1e-6, 1.0) == GRAD_PALETTE[0]
    assert grad_color(1.0, 1e-6, 1.0) == GRAD_PALETTE[-1]
    assert grad_color(1e-9, 1e-6, 1.0) == GRAD_PALETTE[0]
    assert grad_color(1e-3, 1e-6, 1.0) == GRAD_PALETTE[len(GRAD_PALETTE) // 2]  # the middle decade
    assert grad_color(5.0, 5.0, 5.0) == GRAD_PALETTE[len(GRAD_PALETTE) // 2]


def test_before_backward_there_are_no_colours_and_the_title_says_why():
    _, _, loss = _rnn_loss()
    model = build_graph(loss)
    assert model.grad_range is None
    assert all(dn.grad_norm is None for dn in model.nodes.values())
    source = draw_graph(loss).source
    assert 'ALIGN="RIGHT">gradient norm' not in source and "call backward()" in source
    assert not any(color in source for color in GRAD_PALETTE)


@pytest.mark.parametrize("retain_graph", [False, True])
def test_drawing_changes_no_gradient_and_no_node(retain_graph):
    rnn, x, loss = _rnn_loss(input_grad=True)
    loss.backward(retain_graph=retain_graph)
    before = {n: p.grad.numpy().copy() for n, p in rnn.named_parameters()}
    node = loss.grad_fn
    state = (node.parents, node.grad_norm, node.freed, node.saved)
    first = draw_graph(loss, show_data=True).source
    assert draw_graph(loss, show_data=True).source == first
    for n, p in rnn.named_parameters():
        np.testing.assert_array_equal(p.grad.numpy(), before[n])
    assert (node.parents, node.grad_norm, node.freed, node.saved) == state
    if retain_graph:  # the graph can still be backpropagated: gradients add up exactly once more
        loss.backward()
        for n, p in rnn.named_parameters():
            np.testing.assert_allclose(p.grad.numpy(), 2 * before[n], rtol=1e-6)


# ---- collapsing and size ----------------------------------------------------------------------------------


def test_collapsed_by_step_without_folding_a_long_sequence_has_a_node_count_linear_in_steps():
    counts = {}
    for steps in (100, 200):
        _, _, loss = _rnn_loss(seq_len=steps)
        loss.backward()
        model = build_graph(loss, collapse="step", max_steps=None)
        assert model.collapse == "step"
        groups = [dn for dn in model.nodes.values() if dn.kind == "group"]
        assert len(groups) == 2 * steps
        assert {g.title for g in groups} == {f"t={t}" for t in range(steps)}
        counts[steps] = len(model.nodes)
    assert counts[200] - counts[100] == 2 * 100  # everything else does not grow with the sequence
    assert counts[200] < 2 * 200 + 50


def test_a_collapsed_step_shows_its_input_and_output_shapes():
    _, _, loss = _rnn_loss()
    loss.backward()
    model = build_graph(loss, collapse="step")
    group = next(dn for dn in model.nodes.values() if dn.kind == "group" and dn.title == "t=1")
    assert group.cluster in {("RNN", "l0"), ("RNN", "l1")}
    assert "out (1, 3)" in group.lines and "2 ops" in group.lines
    assert group.lines[0].startswith("in ") and "(1, 3)" in group.lines[0]


def test_collapse_by_module_draws_each_innermost_module_as_one_box():
    minigrad.manual_seed(0)
    enc = Encoder()
    loss = enc(minigrad.randn(3, 4)).sum()
    loss.backward()
    model = build_graph(loss, collapse="module")
    (group,) = [dn for dn in model.nodes.values() if dn.kind == "group"]
    assert group.title == "fc: Linear" and group.cluster == ("Encoder",)
    # Linear on a 2-D input: TBackward0 and one AddmmBackward0, as PyTorch records it.
    assert group.lines[:2] == ["out (3, 2)", "2 ops"]


def test_automatic_collapse_above_max_nodes_says_so_in_the_title():
    _, _, loss = _rnn_loss(seq_len=20)
    loss.backward()
    assert build_graph(loss).collapse is None
    model = build_graph(loss, max_nodes=100)
    assert model.collapse == "step" and len(model.nodes) <= 100
    assert any("automatically" in note and "max_nodes=100" in note for note in model.notes)
    assert "Collapsed by time step automatically" in draw_graph(loss, max_nodes=100).source
    tiny = build_graph(loss, max_nodes=30)
    assert tiny.collapse == "module" and len(tiny.nodes) <= 30


def test_a_long_unscoped_chain_keeps_the_nodes_nearest_the_output():
    x = minigrad.ones(2, requires_grad=True)
    h = x
    for _ in range(5000):  # deeper than Python's recursion limit: every walk must be a loop
        h = h.tanh()
    loss = h.sum()
    loss.backward()
    model = build_graph(loss, max_nodes=60)
    assert len(model.nodes) == 60 and model.op_count == 5001
    assert "more" in model.nodes and "4,9" in model.nodes["more"].title
    assert any("nearest the output" in note for note in model.notes)
    full = build_graph(loss, max_nodes=10_000)
    assert sum(dn.kind == "op" for dn in full.nodes.values()) == 5001


def test_a_200_step_two_layer_drawing_is_built_and_reaches_the_last_step():
    # Its build time is measured by benchmarks/draw_graph.py, not here (no timed unit tests).
    _, _, loss = _rnn_loss(seq_len=200)
    loss.backward()
    graph = draw_graph(loss)
    assert "t=199" in graph.source


def test_bad_arguments_raise_clear_errors():
    _, _, loss = _rnn_loss()
    with pytest.raises(ValueError, match="collapse must be None, 'step' or 'module'"):
        draw_graph(loss, collapse="layer")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(loss, max_nodes=0)
    with pytest.raises(TypeError, match="expects tensors"):
        draw_graph(loss.detach().numpy())
    with pytest.raises(ValueError, match="at least one tensor"):
        draw_graph()
    with pytest.raises(TypeError, match="params"):
        draw_graph(loss, params={"w": 3.0})


# ---- rendering and layout ---------------------------------------------------------------------------------


def _box(group):
    """Bounding box (x0, y0, x1, y1) of a cluster's outline (a polygon, or a path for rounded corners)."""
    shape = group.find(f"{SVG}polygon")
    text = shape.get("points") if shape is not None else group.find(f"{SVG}path").get("d")
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
    xs, ys = nums[0::2], nums[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _cluster_boxes(svg):
    root = ET.fromstring(svg)
    boxes = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            label = "".join(t for e in g.iter(f"{SVG}text") for t in e.itertext()).strip()
            boxes.append((label, _box(g)))
    return boxes


def _inside(inner, outer):
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def test_the_grid_reads_time_left_to_right_and_layers_bottom_to_top(pip_only):
    _, _, loss = _rnn_loss()
    loss.backward()
    boxes = _cluster_boxes(pipe(draw_graph(loss), "svg"))
    layers = {label: box for label, box in boxes if label.startswith("layer")}
    assert set(layers) == {"layer 0", "layer 1"}
    assert layers["layer 1"][3] < layers["layer 0"][1]  # SVG y grows downwards: layer 1 is above layer 0
    grid = {}
    for label, box in boxes:
        if label.startswith("t="):
            (layer,) = [name for name, lb in layers.items() if _inside(box, lb)]
            grid[(layer, int(label[2:]))] = box
    assert len(grid) == 6
    for layer in layers:
        lefts = [grid[(layer, t)][0] for t in range(3)]
        assert lefts == sorted(lefts) and len(set(lefts)) == 3
    for t in range(3):  # step t of both layers shares a column
        a, b = grid[("layer 0", t)], grid[("layer 1", t)]
        assert a[0] < b[2] and b[0] < a[2]


def test_bidirectional_layout_keeps_reverse_steps_apart_and_inside_their_layer(pip_only):
    _, _, loss = _rnn_loss(bidirectional=True)
    loss.backward()
    boxes = _cluster_boxes(pipe(draw_graph(loss), "svg"))
    layers = {label: box for label, box in boxes if label.startswith("layer")}
    reverse = [box for label, box in boxes if label == "reverse"]
    assert len(reverse) == 2 and layers["layer 1"][3] < layers["layer 0"][1]
    for layer_box in layers.values():
        (rev,) = [r for r in reverse if _inside(r, layer_box)]
        steps = [box for label, box in boxes if label.startswith("t=") and _inside(box, layer_box)]
        inside = [s for s in steps if _inside(s, rev)]
        outside = [s for s in steps if not _inside(s, rev)]
        assert len(inside) == len(outside) == 3
        assert all(s[3] < rev[1] for s in outside)  # forward above reverse


def test_drawing_renders_to_svg_and_displays_in_jupyter_without_system_dot(pip_only):
    rnn, _, loss = _rnn_loss()
    loss.backward()
    graph = draw_graph(loss)
    assert isinstance(graph, Digraph)
    svg = graph._repr_mimebundle_()["image/svg+xml"]
    texts = {"".join(t.itertext()).strip() for t in ET.fromstring(svg.encode()).iter(f"{SVG}text")}
    assert {"TanhBackward0", "weight_hh_l1", "layer 1", "t=2", "output"} <= texts


def test_drawing_renders_with_the_renderer_found_system_dot_when_installed():
    # Whatever find_renderer picks here (a real Graphviz 'dot' if one is on PATH) lays out the same drawing.
    assert find_renderer() is not None
    rnn, _, loss = _rnn_loss(bidirectional=True, input_grad=True)
    loss.backward()
    svg = pipe(draw_graph(loss, collapse="step"), "svg")
    root = ET.fromstring(svg)
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"t=0", "t=2", "reverse", "layer 0", "layer 1", "weight_ih_l0_reverse", "input"} <= texts
