"""Drawings of gated cells: an LSTM step shows its gates as labelled clusters and the cell-state path between
steps; a GRU step its three gates; collapsing still folds steps and modules whole."""

import pytest

import minigrad
from minigrad import nn
from minigrad.viz import build_graph, to_dot
from minigrad.viz.graph import scope_kind, scope_label


def _clusters(model):
    found, stack = {}, [model.root]
    while stack:
        c = stack.pop()
        found[c.path] = c
        stack.extend(c.children)
    return found


def _lstm_model(seq_len=2):
    minigrad.manual_seed(0)
    lstm = nn.LSTM(3, 2)
    out, (h_n, c_n) = lstm(minigrad.randn(seq_len, 1, 3))
    return build_graph(out, c_n)


@pytest.mark.parametrize(
    "name, kind, label",
    [("gate=i", "gate", "gate i"), ("gate=z", "gate", "gate z"), ("state=c", "gate", "cell state c"),
     ("cell", "module", "cell"), ("t=2", "step", "t=2"), ("l1", "layer", "layer 1")],
)
def test_scope_kind_and_label_of_gate_scopes(name, kind, label):
    assert scope_kind(name) == kind
    assert scope_label(name) == label


def test_an_lstm_step_draws_each_gate_and_the_cell_state_as_labelled_clusters():
    model = _lstm_model()
    clusters = _clusters(model)
    for t in range(2):
        step = ("LSTM", "l0", f"t={t}")
        gates = {c.path[-1]: c for c in clusters[step].children}
        assert set(gates) == {"gate=i", "gate=f", "gate=g", "gate=o", "state=c"}
        assert {c.label for c in gates.values()} == {"gate i", "gate f", "gate g", "gate o", "cell state c"}
        assert all(c.kind == "gate" for c in gates.values())
        titles = {g: sorted(model.nodes[n].title for n in c.nodes) for g, c in gates.items()}
        assert titles["gate=f"] == ["SigmoidBackward0"]
        assert titles["gate=g"] == ["TanhBackward0"]
        assert titles["state=c"] == ["AddBackward0", "MulBackward0", "MulBackward0"]
    # The cell-state path: step 0's c feeds the forget product of step 1's cell-state cluster.
    cell = {t: set(clusters[("LSTM", "l0", f"t={t}", "state=c")].nodes) for t in range(2)}
    assert any(e.tail in cell[0] and e.head in cell[1] for e in model.edges)
    source = to_dot(model).source
    assert "<gate i>" in source and "<cell state c>" in source
    assert source.count('style="rounded,dotted"') == 2 * 5  # the gate clusters' own style


def test_a_gru_step_draws_its_three_gates():
    minigrad.manual_seed(0)
    out, _ = nn.GRU(3, 2)(minigrad.randn(2, 1, 3))
    clusters = _clusters(build_graph(out))
    assert {c.path[-1] for c in clusters[("GRU", "l0", "t=1")].children} == {"gate=r", "gate=z", "gate=n"}


def test_collapsing_folds_whole_steps_and_whole_modules_not_gates():
    minigrad.manual_seed(0)
    lstm = nn.LSTM(3, 2)
    out, _ = lstm(minigrad.randn(3, 1, 3))
    by_step = build_graph(out, collapse="step")
    groups = {n.cluster + (n.title,) for n in by_step.nodes.values() if n.kind == "group"}
    assert len([g for g in groups if g[-1].startswith("t=")]) == 3
    by_module = build_graph(out, collapse="module")
    assert [n.title for n in by_module.nodes.values() if n.kind == "group"] == ["LSTM"]
