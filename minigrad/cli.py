"""The ``minigrad`` command: ``minigrad demo`` trains a tiny RNN and draws its graph, ``minigrad graph`` draws
the unrolled graph of any RNN, LSTM or GRU. Also runs as ``python -m minigrad``.

    $ minigrad demo
    $ minigrad graph --input-size 4 --hidden-size 3 --num-layers 2 --seq-len 3 -o rnn.svg
    $ minigrad graph --cell lstm --seq-len 2          # writes lstm.svg: every gate drawn as its own cluster

Each command writes exactly one file, the one it names, and prints where it is.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import minigrad
from minigrad import nn
from minigrad.viz import RenderError, draw_graph, replay_backward, save
from minigrad.viz.render import SUFFIX_FORMATS

PROG = "minigrad"

# What ``minigrad graph --cell`` builds.
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

# The "hello" -> "ohlol" task of tutorial 07: read one character per step and answer, at each step, the letter of
# "ohlol" at the same position (a letter-by-position mapping to learn, not a next-character prediction).
VOCAB = ["e", "h", "l", "o"]
SOURCE, TARGET = "hello", "ohlol"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got '{text}'") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got '{text}'")
    return value


def _output_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in SUFFIX_FORMATS and path.suffix.lower() != ".html":
        raise argparse.ArgumentTypeError(
            f"cannot tell the format of '{text}' from its suffix; use one of {', '.join(SUFFIX_FORMATS)} "
            "(or .html with minigrad graph --replay)"
        )
    return path


class Progress:
    """A one-line progress bar: redrawn in place on a terminal, silent otherwise (the log lines remain).

    ``Progress(total, stream)``; ``update(done, text)`` shows ``done / total`` and ``text``; ``close()`` ends
    the line.
    """

    def __init__(self, total: int, stream: TextIO, width: int = 24) -> None:
        self.total = total
        self.stream = stream
        self.width = width
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = False

    def update(self, done: int, text: str) -> None:
        if not self.live:
            return
        filled = round(self.width * done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done:>{len(str(self.total))}}/{self.total} {text}")
        self.stream.flush()
        self.shown = True

    def log(self, line: str) -> None:
        """Print ``line`` above the bar."""
        if self.shown:
            self.stream.write("\r\x1b[2K")
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


class HelloRNN(nn.Module):
    """The demo's model: an ``nn.RNN`` over one-hot characters, then a ``Linear`` to one score per character.

    Shapes: input ``(L, 1, 4)`` one-hot -> scores ``(L, 4)``.
    """

    def __init__(self, hidden_size: int, num_layers: int) -> None:
        super().__init__()
        self.rnn = nn.RNN(len(VOCAB), hidden_size, num_layers=num_layers)
        self.fc = nn.Linear(hidden_size, len(VOCAB))

    def forward(self, x: minigrad.Tensor) -> minigrad.Tensor:
        out, _ = self.rnn(x)
        return self.fc(out.reshape(-1, out.shape[-1]))


def _one_hot(text: str) -> minigrad.Tensor:
    """``text`` as one-hot rows, shape ``(len(text), 1, 4)`` float32: one time step per character, batch 1."""
    idx = minigrad.tensor([VOCAB.index(c) for c in text])
    return nn.functional.one_hot(idx, len(VOCAB)).float().reshape(len(text), 1, len(VOCAB))


def _write(graph: object, path: Path) -> Path:
    """Save the drawing; a path that cannot be written, or no renderer, becomes a one-line error."""
    try:
        return save(graph, path, quiet=True)
    except OSError as exc:
        raise SystemExit(f"{PROG}: error: {exc}") from None
    except RenderError as exc:
        raise SystemExit(f"{PROG}: error: could not render '{path}': {exc}") from None


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    """Train ``HelloRNN`` on "hello" -> "ohlol", printing progress, then draw the last step's graph."""
    minigrad.manual_seed(args.seed)
    x, y = _one_hot(SOURCE), minigrad.tensor([VOCAB.index(c) for c in TARGET])
    model = HelloRNN(args.hidden_size, args.num_layers)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    out.write(
        f"Training {model.rnn!r} + Linear to read '{SOURCE}' and answer '{TARGET}' "
        f"({args.epochs} epochs, Adam lr={args.lr}).\n"
    )
    bar = Progress(args.epochs, out)
    every = max(1, args.epochs // 10)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        optimizer.zero_grad()
        scores = model(x)
        loss = loss_fn(scores, y)
        loss.backward()
        optimizer.step()
        guess = "".join(VOCAB[i] for i in scores.argmax(dim=1).tolist())
        text = f"loss {loss.item():.4f}  predicted '{guess}'"
        if epoch % every == 0 or epoch == 1 or epoch == args.epochs:
            bar.log(f"epoch {epoch:>{len(str(args.epochs))}}/{args.epochs}  {text}")
        bar.update(epoch, text)
    bar.close()
    seconds = time.perf_counter() - start
    verdict = "learned it" if guess == TARGET else "not there yet: try more --epochs"
    out.write(f"Predicted '{guess}' for '{SOURCE}' after {seconds:.2f} s: {verdict}.\n")

    # The graph of the last step is still recorded (backward freed only its saved arrays): draw it.
    graph = draw_graph(loss, params=dict(model.named_parameters()), collapse=args.collapse)
    path = _write(graph, args.output)
    out.write(f"Wrote the unrolled graph of the last training step, coloured by gradient norm, to {path.resolve()}\n")
    _say_notes(graph, out)
    out.write(
        f"To watch backward run through such a graph node by node: {PROG} graph --replay -o backward.html "
        "(in Python: minigrad.viz.replay_backward(loss).save('backward.html')).\n"
    )
    return 0


def _say_notes(graph: object, out: TextIO) -> None:
    """Print what the drawing's title block says about the drawing itself (collapsed by itself, steps folded)."""
    for note in getattr(graph, "notes", []):
        out.write(f"  Note: {note}\n")


def _check_graph_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options that parse one by one but do not go together end in ``parser.error`` (usage, exit status 2)."""
    if getattr(args, "nonlinearity", None) is not None and args.cell != "rnn":
        parser.error(f"argument --nonlinearity: only applies to --cell rnn, not --cell {args.cell} "
                     "(LSTM and GRU have fixed sigmoid and tanh gates)")
    html = getattr(args, "output", None) is not None and args.output.suffix.lower() == ".html"
    if getattr(args, "replay", False) and args.output is not None and not html:
        parser.error(f"argument -o/--output: --replay writes an HTML page, not '{args.output}'; use a .html name")
    if html and not getattr(args, "replay", False):
        how = "add --replay, or" if hasattr(args, "replay") else f"a replay page is '{PROG} graph --replay';"
        parser.error(f"argument -o/--output: '{args.output}' is an HTML page: {how} use .svg, .png or .dot")


def run_graph(args: argparse.Namespace, out: TextIO) -> int:
    """Build an ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` (``--cell``) from the options, run one forward and backward
    pass, draw the unrolled graph."""
    minigrad.manual_seed(args.seed)
    options = {"num_layers": args.num_layers, "bidirectional": args.bidirectional}
    if args.cell == "rnn":
        options["nonlinearity"] = args.nonlinearity or "tanh"
    layer = CELLS[args.cell](args.input_size, args.hidden_size, **options)
    x = minigrad.randn(args.seq_len, args.batch_size, args.input_size, requires_grad=True)
    output, _ = layer(x)
    loss = (output[-1] ** 2).sum() if args.loss == "last" else (output**2).mean()
    params = {"x": x, **dict(layer.named_parameters())}
    if args.replay:
        replay = replay_backward(loss, params=params, collapse=args.collapse, max_nodes=args.max_nodes)
        try:
            path = replay.save(args.output or Path(f"{args.cell}-backward.html"))
        except OSError as exc:
            raise SystemExit(f"{PROG}: error: {exc}") from None
        out.write(
            f"Wrote the replay of backward through {layer!r} over {args.seq_len} steps ({len(replay) - 1} nodes, "
            f"one frame each) to {path.resolve()}: open it in a browser, step with the arrow keys.\n"
        )
        return 0
    loss.backward()
    graph = draw_graph(loss, params=params, collapse=args.collapse, max_nodes=args.max_nodes)
    path = _write(graph, args.output or Path(f"{args.cell}.svg"))
    out.write(f"Wrote the unrolled graph of {layer!r} over {args.seq_len} steps to {path.resolve()}\n")
    _say_notes(graph, out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``minigrad`` argument parser with its ``demo`` and ``graph`` commands."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="minigrad: an autograd engine on numpy with PyTorch's API. These commands train a tiny "
        "recurrent network and draw the graph that backpropagation walks through.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {minigrad.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="train a small RNN on 'hello' -> 'ohlol' and draw its graph",
        description="Train an RNN to read the one-hot characters of 'hello' and answer 'ohlol': at each step "
        "the letter of 'ohlol' at the same position (a letter-by-position mapping, as in tutorial 07), "
        "printing the loss and the predicted string as it learns. Then draw the unrolled graph of the last "
        "training step, coloured by gradient norm, to --output.",
    )
    demo.add_argument("--epochs", type=_positive_int, default=30, help="training steps (default: 30)")
    demo.add_argument("--lr", type=_positive_float, default=0.05, help="Adam learning rate (default: 0.05)")
    demo.add_argument("--hidden-size", type=_positive_int, default=8, help="RNN hidden size (default: 8)")
    demo.add_argument("--num-layers", type=_positive_int, default=2, help="stacked RNN layers (default: 2)")
    demo.add_argument("--seed", type=int, default=0, help="random seed for the initial weights (default: 0)")
    demo.add_argument(
        "--collapse", choices=["step", "module"], default=None,
        help="draw each time step ('step') or each module ('module') as one box (default: draw every op)",
    )
    demo.add_argument(
        "-o", "--output", type=_output_path, default=Path("minigrad-demo.svg"),
        help="where to write the drawing; the suffix picks the format: .svg, .png, .dot "
        "(default: minigrad-demo.svg in the current folder)",
    )
    demo.set_defaults(run=run_demo, check=functools.partial(_check_graph_args, demo))

    graph = commands.add_parser(
        "graph",
        help="draw the unrolled graph of any RNN, LSTM or GRU after one backward pass",
        description="Build nn.RNN, nn.LSTM or nn.GRU (--cell) with (input_size, hidden_size, num_layers, ...), "
        "run it on a random input (seq_len, batch_size, input_size) that requires grad, backpropagate a loss, "
        "and draw the unrolled graph: one cluster per layer and time step, every box coloured by its gradient "
        "norm. Inside an LSTM step each gate (i, f, g, o) and the cell-state update c get a labelled cluster "
        "of their own; inside a GRU step the gates r, z and n.",
    )
    graph.add_argument(
        "--cell", choices=list(CELLS), default="rnn",
        help="which layer to draw: 'rnn' = nn.RNN (Elman), 'lstm' = nn.LSTM, 'gru' = nn.GRU (default: rnn)",
    )
    graph.add_argument("--input-size", type=_positive_int, default=4, help="input features H_in (default: 4)")
    graph.add_argument("--hidden-size", type=_positive_int, default=3, help="hidden features H (default: 3)")
    graph.add_argument("--num-layers", type=_positive_int, default=2, help="stacked layers (default: 2)")
    graph.add_argument("--seq-len", type=_positive_int, default=3, help="time steps L (default: 3)")
    graph.add_argument("--batch-size", type=_positive_int, default=1, help="batch size N (default: 1)")
    graph.add_argument("--bidirectional", action="store_true", help="also run each layer from the last step back")
    graph.add_argument(
        "--nonlinearity", choices=["tanh", "relu"], default=None,
        help="the activation of --cell rnn (default: tanh); an error with lstm or gru, whose gates are fixed",
    )
    graph.add_argument(
        "--loss", choices=["last", "all"], default="last",
        help="what to backpropagate: 'last' = sum of squares of the last step's output, so gradients must "
        "travel back through time (watch them fade); 'all' = mean of squares over every step (default: last)",
    )
    graph.add_argument(
        "--collapse", choices=["step", "module"], default=None,
        help="draw each time step ('step') or the whole RNN ('module') as one box (default: every op; "
        "collapses by itself above --max-nodes). By step, a sequence longer than 12 steps keeps its first "
        "and last steps and folds the middle ones into one box",
    )
    graph.add_argument(
        "--max-nodes", type=_positive_int, default=500,
        help="above this many boxes the drawing collapses by itself (default: 500)",
    )
    graph.add_argument("--seed", type=int, default=0, help="random seed for weights and input (default: 0)")
    graph.add_argument(
        "--replay", action="store_true",
        help="write a page that replays backward node by node (play, step, slider, arrow keys) instead of "
        "the finished drawing; -o must end in .html (default: rnn-backward.html after --cell)",
    )
    graph.add_argument(
        "-o", "--output", type=_output_path, default=None,
        help="where to write the drawing; the suffix picks the format: .svg, .png, .dot "
        "(default: rnn.svg, lstm.svg or gru.svg after --cell)",
    )
    graph.set_defaults(run=run_graph, check=functools.partial(_check_graph_args, graph))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``minigrad`` command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    args = build_parser().parse_args(argv)
    if hasattr(args, "check"):
        args.check(args)
    return args.run(args, sys.stdout)
