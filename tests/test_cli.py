"""The ``minigrad`` command: ``demo`` and ``graph`` end to end, its help and its errors."""

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import minigrad
from minigrad import cli

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[1]


def _svg_texts(path):
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{SVG}svg"
    return {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}


def test_demo_learns_hello_to_ohlol_and_writes_only_its_drawing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "epoch  1/30" in out and "epoch 30/30" in out
    assert "Predicted 'ohlol' for 'hello'" in out and "learned it" in out
    losses = [float(line.split("loss ")[1].split()[0]) for line in out.splitlines() if line.startswith("epoch")]
    assert losses[-1] < losses[0] / 10
    drawing = tmp_path / "minigrad-demo.svg"
    assert str(drawing.resolve()) in out
    assert list(tmp_path.iterdir()) == [drawing]
    texts = _svg_texts(drawing)
    assert {"HelloRNN", "rnn: RNN", "layer 1", "t=4", "rnn.weight_hh_l1", "TanhBackward0", "gradient norm"} <= texts
    assert "minigrad graph --replay -o backward.html" in out  # the demo points at the replay


def test_demo_progress_bar_redraws_in_place_on_a_terminal():
    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    term = Terminal()
    bar = cli.Progress(4, term, width=8)
    bar.update(2, "loss 1.0")
    bar.log("epoch 2/4")
    bar.update(4, "loss 0.5")
    bar.close()
    assert "\r[####----] 2/4 loss 1.0" in term.text and "\r[########] 4/4 loss 0.5" in term.text
    assert "epoch 2/4\n" in term.text


def test_python_dash_m_minigrad_runs_the_demo_end_to_end(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "minigrad", "demo", "--epochs", "12", "-o", "demo.svg"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Predicted '" in done.stdout and str(tmp_path / "demo.svg") in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["demo.svg"]
    assert "TanhBackward0" in _svg_texts(tmp_path / "demo.svg")


def test_graph_draws_a_two_layer_rnn(tmp_path, capsys):
    target = tmp_path / "rnn.svg"
    args = ["graph", "--input-size", "4", "--hidden-size", "3", "--num-layers", "2", "--seq-len", "3"]
    args += ["-o", str(target)]
    assert cli.main(args) == 0
    assert str(target.resolve()) in capsys.readouterr().out
    texts = _svg_texts(target)
    assert {"layer 0", "layer 1", "t=0", "t=2", "weight_hh_l1", "(3, 4)", "x", "(3, 1, 4)", "TanhBackward0"} <= texts


def test_graph_bidirectional_relu_collapsed_by_step(tmp_path):
    target = tmp_path / "bi.svg"
    args = ["graph", "--bidirectional", "--nonlinearity", "relu", "--collapse", "step", "--seq-len", "4", "-o",
            str(target)]
    assert cli.main(args) == 0
    texts = _svg_texts(target)
    assert {"reverse", "t=3", "weight_hh_l1_reverse"} <= texts
    assert "ReluBackward0" not in texts  # folded into the step boxes
    assert cli.main(["graph", "--nonlinearity", "relu", "-o", str(tmp_path / "relu.svg")]) == 0
    assert "ReluBackward0" in _svg_texts(tmp_path / "relu.svg")


def test_graph_cell_lstm_draws_every_gate_and_the_cell_state_as_clusters(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["graph", "--cell", "lstm", "--seq-len", "2"]) == 0  # default output: lstm.svg
    drawing = tmp_path / "lstm.svg"
    out = capsys.readouterr().out
    assert "LSTM(4, 3, num_layers=2)" in out and str(drawing.resolve()) in out
    assert list(tmp_path.iterdir()) == [drawing]
    texts = _svg_texts(drawing)
    assert {"gate i", "gate f", "gate g", "gate o", "cell state c"} <= texts
    assert {"layer 0", "layer 1", "t=1", "weight_hh_l1", "(12, 3)", "SigmoidBackward0", "x"} <= texts
    assert "gate r" not in texts


def test_graph_cell_gru_draws_its_three_gates_and_rnn_stays_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["graph", "--cell", "gru", "--bidirectional", "--num-layers", "1"]) == 0
    texts = _svg_texts(tmp_path / "gru.svg")
    assert {"gate r", "gate z", "gate n", "reverse", "weight_hh_l0_reverse", "(9, 3)"} <= texts
    assert "cell state c" not in texts and "gate i" not in texts
    assert cli.main(["graph", "--nonlinearity", "tanh"]) == 0
    texts = _svg_texts(tmp_path / "rnn.svg")
    assert "TanhBackward0" in texts and "(3, 4)" in texts
    assert not any(t.startswith("gate ") for t in texts)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gru.svg", "rnn.svg"]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("order", ["cell first", "nonlinearity first"])
def test_graph_nonlinearity_with_a_gated_cell_is_a_usage_error(cell, order, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pair = [["--cell", cell], ["--nonlinearity", "tanh"]]
    argv = ["graph"] + [a for part in (pair if order == "cell first" else pair[::-1]) for a in part]
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: minigrad graph")
    assert f"argument --nonlinearity: only applies to --cell rnn, not --cell {cell}" in err
    assert list(tmp_path.iterdir()) == []


def test_graph_gated_cell_usage_error_exits_non_zero_from_the_command_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "minigrad", "graph", "--cell", "gru", "--nonlinearity", "relu"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "only applies to --cell rnn, not --cell gru" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_graph_writes_png_and_dot_by_suffix(tmp_path):
    assert cli.main(["graph", "-o", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cli.main(["graph", "-o", str(tmp_path / "g.dot")]) == 0
    assert (tmp_path / "g.dot").read_text().startswith("digraph minigrad {")


def test_graph_says_in_the_terminal_when_the_drawing_collapsed_or_folded_itself(tmp_path, capsys):
    assert cli.main(["graph", "--seq-len", "200", "-o", str(tmp_path / "long.dot")]) == 0
    out = capsys.readouterr().out
    assert "Collapsed by time step automatically" in out and "max_nodes=500" in out
    assert "steps t=5 to t=193 (of 200) are drawn as one box" in out
    assert "t=5 to t=193" in (tmp_path / "long.dot").read_text()
    assert cli.main(["graph", "-o", str(tmp_path / "short.dot")]) == 0
    assert "Note:" not in capsys.readouterr().out


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["graph", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ["--cell", "--input-size", "--hidden-size", "--num-layers", "--seq-len", "--batch-size",
                   "--bidirectional", "--nonlinearity", "--loss", "--collapse", "--max-nodes", "--seed", "--output"]:
        assert option in text, option
    assert "nn.LSTM" in text and "nn.GRU" in text and "gates" in text
    with pytest.raises(SystemExit):
        cli.main(["demo", "--help"])
    text = capsys.readouterr().out
    for option in ["--epochs", "--lr", "--hidden-size", "--num-layers", "--seed", "--collapse", "--output"]:
        assert option in text, option
    assert "letter-by-position" in " ".join(text.split()) and "next character" not in text
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "demo" in text and "graph" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["graph", "--input-size", "0"], "argument --input-size: expected a positive integer, got '0'"),
        (["graph", "--seq-len", "three"], "argument --seq-len: expected a positive integer, got 'three'"),
        (["graph", "--nonlinearity", "sigmoid"], "argument --nonlinearity: invalid choice: 'sigmoid'"),
        (["graph", "--cell", "transformer"], "argument --cell: invalid choice: 'transformer'"),
        (["graph", "--collapse", "layer"], "argument --collapse: invalid choice: 'layer'"),
        (["graph", "-o", "rnn.pdf"], "cannot tell the format of 'rnn.pdf' from its suffix"),
        (["demo", "--lr", "-1"], "argument --lr: expected a positive number, got '-1'"),
        (["demo", "--bogus"], "unrecognized arguments: --bogus"),
        (["draw"], "argument COMMAND: invalid choice: 'draw'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_exit_non_zero_with_argparses_message(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("usage: minigrad")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_path_fails_with_the_path_in_the_message(tmp_path):
    target = tmp_path / "no-such-folder" / "rnn.svg"
    done = subprocess.run(
        [sys.executable, "-m", "minigrad", "graph", "-o", str(target)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr.startswith("minigrad: error:") and str(target) in done.stderr
    assert not target.parent.exists()


def test_console_script_is_declared_and_installed(tmp_path):
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["options.entry_points"]["console_scripts"].strip() == "minigrad = minigrad.cli:main"
    # `pip install -e ".[dev]"` (the README's first step) puts the command on PATH.
    command = shutil.which("minigrad")
    assert command is not None, "the minigrad command is not installed: run pip install -e .[dev]"
    done = subprocess.run([command, "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"minigrad {minigrad.__version__}"


def test_graph_replay_writes_the_page_of_the_sweep(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["graph", "--cell", "gru", "--seq-len", "2", "--replay"]) == 0  # default: gru-backward.html
    out = capsys.readouterr().out
    page = tmp_path / "gru-backward.html"
    assert str(page.resolve()) in out and list(tmp_path.iterdir()) == [page]
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "weight_hh_l1" in html
    frames = int(out.split(" nodes, one frame each")[0].rsplit("(", 1)[1])
    assert html.count('"name":"') >= frames  # one record per node the engine ran
    assert cli.main(["graph", "--replay", "--collapse", "step", "-o", str(tmp_path / "b.html")]) == 0


@pytest.mark.parametrize(
    "argv, words",
    [
        (["graph", "--replay", "-o", "x.svg"], "--replay writes an HTML page, not 'x.svg'"),
        (["graph", "-o", "x.html"], "'x.html' is an HTML page: add --replay"),
        (["demo", "-o", "x.html"], "a replay page is 'minigrad graph --replay'"),
    ],
)
def test_replay_and_html_go_together(argv, words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2 and words in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
