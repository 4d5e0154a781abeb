"""Drawings that stay readable: a long sequence collapsed by step folds its middle steps into one box, the inputs
and gates of a layer keep a stable order, and every label fits in its box for the font that draws it."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.viz import build_graph, draw_graph, find_renderer, pipe
from minigrad.viz.dot import FONT

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


def _rnn(seq_len, num_layers=1, bidirectional=False, seed=0):
    minigrad.manual_seed(seed)
    rnn = nn.RNN(4, 3, num_layers=num_layers, bidirectional=bidirectional)
    x = minigrad.randn(seq_len, 1, 4, requires_grad=True)
    out, _ = rnn(x)
    loss = (out**2).mean()
    loss.backward()
    return rnn, x, out, loss


def _step_boxes(model):
    return [dn for dn in model.nodes.values() if dn.kind == "group"]


def _folds(model):
    return [dn for dn in model.nodes.values() if dn.kind == "group" and dn.steps > 1]


# ---- folding the middle of a long sequence --------------------------------------------------------------------


def test_a_1000_step_two_layer_rnn_collapsed_by_step_is_as_small_as_a_12_step_one():
    sizes = {}
    for steps in (12, 13, 1000):
        *_, loss = _rnn(steps, num_layers=2)
        model = build_graph(loss, collapse="step")
        sizes[steps] = len(model.nodes)
        assert len(_step_boxes(model)) == 2 * 12  # 12 boxes per layer, whatever the length
        assert len(_folds(model)) == (0 if steps == 12 else 2)
    assert sizes[12] == sizes[13] == sizes[1000] < 60
    *_, loss = _rnn(1000, num_layers=2)
    svg = pipe(draw_graph(loss, collapse="step"), "svg")
    width = float(re.search(rb'<svg width="([\d.]+)pt"', svg).group(1))
    *_, loss = _rnn(12, num_layers=2)
    short = float(re.search(rb'<svg width="([\d.]+)pt"', pipe(draw_graph(loss, collapse="step"), "svg")).group(1))
    assert width < 1.3 * short  # 1,000 steps read like 12 (unfolded, 200 steps were 25,000 points wide)


def test_the_folded_box_keeps_the_first_and_last_steps_and_says_what_it_holds():
    *_, loss = _rnn(1000)
    model = build_graph(loss, collapse="step")
    titles = [dn.title for dn in _step_boxes(model)]
    assert titles == [*(f"t={t}" for t in range(5)), "t=5 to t=993", *(f"t={t}" for t in range(994, 1000))]
    (fold,) = _folds(model)
    assert fold.steps == 989 and fold.lines[:2] == ["989 steps folded", "1,978 ops"]
    assert any("t=5 to t=993 (of 1,000)" in note and "max_steps=12" in note for note in model.notes)
    # Arrows: step 4 feeds the folded box, which feeds step 994; none skips over it.
    ids = {dn.title: dn.id for dn in _step_boxes(model)}
    pairs = {(e.tail, e.head) for e in model.edges}
    assert (ids["t=4"], fold.id) in pairs and (fold.id, ids["t=994"]) in pairs
    assert (ids["t=4"], ids["t=994"]) not in pairs


def test_the_folded_box_gives_the_range_of_its_steps_gradient_norms_computed_with_numpy():
    rnn, x, out, loss = _rnn(1000)
    (fold,) = _folds(build_graph(loss, collapse="step"))
    low, high = (float(v) for v in re.fullmatch(r"\|grad\| (\S+) to (\S+)", fold.lines[2]).groups())
    # Backpropagation through time by hand: dL/dh_t = dL/dout_t + W_hh^T (dL/dh_{t+1} * (1 - h_{t+1}^2)).
    p = {n: t.detach().numpy().astype(np.float64) for n, t in rnn.named_parameters()}
    xs = x.detach().numpy().astype(np.float64)[:, 0]
    h, hs = np.zeros(3), []
    for t in range(1000):
        h = np.tanh(p["weight_ih_l0"] @ xs[t] + p["bias_ih_l0"] + p["weight_hh_l0"] @ h + p["bias_hh_l0"])
        hs.append(h)
    hs = np.array(hs)
    grads = 2 * hs / hs.size
    for t in range(998, -1, -1):
        grads[t] += p["weight_hh_l0"].T @ (grads[t + 1] * (1 - hs[t + 1] ** 2))
    norms = np.linalg.norm(grads, axis=1)[5:994]  # a step's box: the norm of the gradient of the h_t it makes
    assert low == pytest.approx(norms.min(), rel=5e-3)
    assert high == pytest.approx(norms.max(), rel=5e-3)


def test_each_direction_of_a_bidirectional_layer_folds_on_its_own():
    *_, loss = _rnn(40, num_layers=2, bidirectional=True)
    model = build_graph(loss, collapse="step")
    folds = _folds(model)
    assert len(folds) == 4 and all(f.title == "t=5 to t=33" and f.steps == 29 for f in folds)
    assert {f.cluster for f in folds} == {
        ("RNN", "l0"), ("RNN", "l0", "reverse"), ("RNN", "l1"), ("RNN", "l1", "reverse")
    }


def test_max_steps_sets_the_run_length_and_none_draws_every_step():
    *_, loss = _rnn(30)
    assert len(_step_boxes(build_graph(loss, collapse="step", max_steps=5))) == 5
    assert len(_step_boxes(build_graph(loss, collapse="step", max_steps=None))) == 30
    assert not _folds(build_graph(loss, collapse="step", max_steps=30))
    for bad in (2, 0, 4.0, True):
        with pytest.raises(ValueError, match="max_steps"):
            build_graph(loss, collapse="step", max_steps=bad)


def test_an_automatic_collapse_folds_too_and_the_graph_carries_its_notes():
    *_, loss = _rnn(600, num_layers=2)
    graph = draw_graph(loss)
    assert any("automatically" in n for n in graph.notes) and any("folded" in n for n in graph.notes)
    assert "t=5 to t=593" in graph.source


# ---- stable order -----------------------------------------------------------------------------------------


def _expected_params(num_layers, bidirectional):
    names = []
    for layer in range(num_layers):
        for suffix in ("", "_reverse") if bidirectional else ("",):
            names += [f"{k}_l{layer}{suffix}" for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return names


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_a_collapsed_layer_lists_the_input_then_parameters_as_named_parameters_gives_them(cls, bidirectional):
    minigrad.manual_seed(0)
    layer = cls(3, 2, num_layers=2, bidirectional=bidirectional)
    x = minigrad.randn(3, 1, 3, requires_grad=True)
    out, _ = layer(x)
    out.sum().backward()
    expected = ["x", *_expected_params(2, bidirectional)]
    assert [n for n, _ in layer.named_parameters()] == expected[1:]
    for params in ({"x": x, **dict(layer.named_parameters())}, {"x": x}):
        model = build_graph(out, params=params, collapse="module")
        (group,) = [dn for dn in model.nodes.values() if dn.kind == "group"]
        declared = [dn.title for dn in model.nodes.values() if dn.kind in ("param", "input")]
        arrows = [model.nodes[e.tail].title for e in model.edges if e.head == group.id]
        assert declared == arrows == expected


@pytest.mark.parametrize("cls, gates", [(nn.LSTM, ["gate=i", "gate=f", "gate=g", "gate=o", "state=c"]),
                                        (nn.GRU, ["gate=r", "gate=z", "gate=n"])])
def test_every_step_lists_its_gates_in_pytorchs_order(cls, gates):
    minigrad.manual_seed(0)
    out, _ = cls(3, 2, bidirectional=True)(minigrad.randn(4, 1, 3))
    out.sum().backward()
    model = build_graph(out)
    stack, steps = [model.root], 0
    while stack:
        c = stack.pop()
        if c.kind == "step":
            assert [ch.path[-1] for ch in c.children] == gates
            steps += 1
        stack.extend(c.children)
    assert steps == 8


def _cluster_tops(svg):
    tops = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            label = "".join(t for e in g.iter(f"{SVG}text") for t in e.itertext()).strip()
            shape = g.find(f"{SVG}path")
            shape = shape.get("d") if shape is not None else g.find(f"{SVG}polygon").get("points")
            ys = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape)][1::2]
            tops.setdefault(label, []).append(min(ys))
    return tops


def test_the_lstm_gates_are_drawn_i_f_g_o_top_to_bottom_in_every_step(pip_only):
    minigrad.manual_seed(0)
    out, _ = nn.LSTM(4, 3)(minigrad.randn(3, 1, 4))
    out.sum().backward()
    tops = _cluster_tops(pipe(draw_graph(out), "svg"))
    for t in range(3):  # clusters are listed step by step, so the t-th of each gate belongs to step t
        ys = [tops[f"gate {g}"][t] for g in "ifgo"]
        assert ys == sorted(ys), (t, ys)


# ---- label widths -----------------------------------------------------------------------------------------


def _font_files():
    """DejaVu Sans, regular and bold, from the usual places (matplotlib ships them too)."""
    places = [Path("/usr/share/fonts/truetype/dejavu")]
    try:
        import matplotlib

        places.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    for place in places:
        regular, bold = place / "DejaVuSans.ttf", place / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    pytest.skip("no DejaVu Sans font file to measure the labels with")


def _label_overflows(svg, fonts):
    """``(node title, text, text width, box width)`` for every text line wider than, or outside, its box."""
    from PIL import ImageFont

    cache = {}

    def width(text, size, bold):
        key = (size, bold)
        if key not in cache:
            cache[key] = ImageFont.truetype(str(fonts[bold]), 100)
        return cache[key].getlength(text) * size / 100

    bad = []
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        shapes = [s.get("points") or s.get("d") for s in g if s.tag in (f"{SVG}polygon", f"{SVG}path")]
        if not shapes:
            continue
        xs = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shapes[-1])][0::2]
        left, right = min(xs), max(xs)
        for t in g.iter(f"{SVG}text"):
            text = "".join(t.itertext())
            assert FONT in t.get("font-family"), t.get("font-family")
            w = width(text, float(t.get("font-size")), t.get("font-weight") == "bold")
            x = float(t.get("x"))
            start = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
            if start < left - 0.5 or start + w > right + 0.5:
                bad.append((g.find(f"{SVG}title").text, text, round(w, 1), round(right - left, 1)))
    return bad


def _drawings():
    from minigrad import cli

    minigrad.manual_seed(0)
    model = cli.HelloRNN(8, 2)
    scores = model(cli._one_hot("hello"))
    loss = nn.CrossEntropyLoss()(scores, minigrad.tensor([cli.VOCAB.index(c) for c in "ohlol"]))
    loss.backward()
    yield "demo", draw_graph(loss, params=dict(model.named_parameters()))
    minigrad.manual_seed(0)
    lstm = nn.LSTM(4, 3, num_layers=2, bidirectional=True)
    out, _ = lstm(minigrad.randn(3, 1, 4, requires_grad=True))
    out.pow(2).mean().backward()
    yield "lstm", draw_graph(out, show_data=True)
    yield "lstm by module", draw_graph(out, collapse="module")
    *_, loss = _rnn(200, num_layers=2)
    yield "200 steps by step", draw_graph(loss, collapse="step")


def test_every_label_fits_in_its_box_measured_in_the_font_the_svg_names(pip_only):
    pytest.importorskip("PIL")
    fonts = dict(zip((False, True), _font_files()))
    for name, graph in _drawings():
        assert _label_overflows(pipe(graph, "svg"), fonts) == [], name


def test_the_old_helvetica_boxes_are_too_narrow_for_dejavu_so_the_check_can_fail(pip_only):
    pytest.importorskip("PIL")
    fonts = dict(zip((False, True), _font_files()))
    graph = next(_drawings())[1]
    svg = pipe(graph.source.replace(f'fontname="{FONT}"', 'fontname="Helvetica"'), "svg")
    bad = _label_overflows(svg.replace(b"Helvetica,sans-Serif", FONT.encode()), fonts)
    assert any(text == "LogSoftmaxBackward0" for _, text, _, _ in bad)


# ---- drawing a tensor backward never reached ----------------------------------------------------------------


def test_drawing_a_fresh_index_after_backward_says_why_it_has_no_gradient():
    minigrad.manual_seed(0)
    out, _ = nn.RNN(3, 2)(minigrad.randn(4, 1, 3))
    loss = out[-1].sum()
    loss.backward()
    stale = build_graph(out[-1], collapse="step")  # a second out[-1]: a new SelectBackward0
    select = [dn for dn in stale.nodes.values() if dn.title == "SelectBackward0"]
    assert len(select) == 1 and select[0].grad_norm is None
    assert any("backward() did not run through" in note for note in stale.notes)
    drawn = build_graph(loss, collapse="step")
    (select,) = [dn for dn in drawn.nodes.values() if dn.title == "SelectBackward0"]
    assert select.grad_norm == pytest.approx(np.sqrt(2))  # d(sum)/d(out[-1]) is all ones, shape (1, 2)
    assert not any("did not run through" in note for note in drawn.notes)
