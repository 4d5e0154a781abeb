"""The renderer layer: system ``dot`` when present, else the pip-installed ``graphviz-pure``."""

import os
import struct
import xml.etree.ElementTree as ET

import graphviz
import pytest

from minigrad.viz import render
from minigrad.viz.render import (
    Digraph,
    Renderer,
    RendererNotFoundError,
    RenderError,
    as_renderable,
    find_renderer,
    pipe,
    save,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What the drawing will look like: nested scopes as clusters, record and HTML-like labels, colours, LR.
NESTED = """digraph minigrad {
  graph [rankdir=LR, fontname="Helvetica"];
  node [fontname="Helvetica", fontsize=10, style=filled, fillcolor="#eeeeee"];
  x [label="x\\n(5, 3, 4)", shape=box, fillcolor="#cfe2ff"];
  subgraph cluster_rnn {
    label="rnn"; color="#c08000";
    W [shape=record, label="{weight_ih_l0|(8, 4)}", fillcolor="#d1e7dd"];
    subgraph cluster_l0 {
      label="l0"; style=filled; fillcolor="#fdebd0";
      proj [label="MmBackward0"];
      subgraph cluster_t0 {
        label="t=0"; style=dashed; color="#1f618d";
        a0 [label="AddBackward0"]; th0 [label="TanhBackward0", fillcolor="#f8d7da"];
        a0 -> th0;
      }
      subgraph cluster_t1 {
        label="t=1"; style=dashed;
        a1 [label="AddBackward0"]; th1 [label="TanhBackward0"];
        a1 -> th1;
      }
      proj -> a0; proj -> a1; th0 -> a1;
    }
  }
  loss [shape=plaintext, label=<<TABLE BORDER="0" CELLBORDER="1">
    <TR><TD BGCOLOR="#f5b7b1"><B>MseLossBackward0</B></TD></TR>
    <TR><TD><FONT COLOR="blue">float32</FONT></TD></TR></TABLE>>];
  x -> proj; W -> proj [color=red, penwidth=2]; th1 -> loss [label="y"];
}
"""


@pytest.fixture
def pip_only(tmp_path, monkeypatch):
    """No system ``dot``: PATH is an empty folder, so only the pip-installed ``graphviz-pure`` is left."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    renderer = find_renderer()
    assert renderer is not None and renderer.name == "graphviz-pure"
    return renderer


@pytest.fixture
def no_renderer(tmp_path, monkeypatch):
    """Neither ``dot`` on PATH nor ``graphviz-pure`` next to this Python."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(render, "_script_dirs", lambda: [])
    assert find_renderer() is None


def _fake_dot(folder, tmp_path, *, exit_status=0):
    """A ``dot`` script that records its arguments and stdin, and prints a known answer."""
    folder.mkdir(exist_ok=True)
    script = folder / "dot"
    script.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" > '{tmp_path}/args.txt'\n"
        f"cat > '{tmp_path}/stdin.txt'\n"
        "printf 'FAKE-DOT-OUTPUT'\n"
        "echo 'fake dot complains' >&2\n"
        f"exit {exit_status}\n"
    )
    script.chmod(0o755)
    return script


def _svg_texts(root):
    return {"".join(t.itertext()).strip() for t in root.iter(f"{SVG_NS}text")}


def _groups(root, cls):
    """Map each ``<g class=cls>`` title (node or cluster name) to its element."""
    return {g.find(f"{SVG_NS}title").text: g for g in root.iter(f"{SVG_NS}g") if g.get("class") == cls}


def _points(element):
    pts = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
    return [p[0] for p in pts], [p[1] for p in pts]


def _cluster_box(group):
    xs, ys = _points(group.find(f"{SVG_NS}polygon"))
    return min(xs), min(ys), max(xs), max(ys)


def _node_center(group):
    ellipse = group.find(f"{SVG_NS}ellipse")
    if ellipse is not None:
        return float(ellipse.get("cx")), float(ellipse.get("cy"))
    xs, ys = _points(group.find(f"{SVG_NS}polygon"))
    return sum(xs) / len(xs), sum(ys) / len(ys)


def _inside(inner, outer):
    return outer[0] < inner[0] and outer[1] < inner[1] and inner[2] < outer[2] and inner[3] < outer[3]


def test_pip_renderer_svg_has_labels_clusters_nesting_and_lr_layout(pip_only):
    svg = pipe(NESTED, "svg")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"

    texts = _svg_texts(root)
    for label in ["MmBackward0", "AddBackward0", "TanhBackward0", "weight_ih_l0", "(8, 4)", "MseLossBackward0"]:
        assert label in texts, label
    for title in ["rnn", "l0", "t=0", "t=1"]:
        assert title in texts, title

    clusters = _groups(root, "cluster")
    assert set(clusters) == {"cluster_rnn", "cluster_l0", "cluster_t0", "cluster_t1"}
    box = {name: _cluster_box(g) for name, g in clusters.items()}
    assert _inside(box["cluster_l0"], box["cluster_rnn"])
    assert _inside(box["cluster_t0"], box["cluster_l0"])
    assert _inside(box["cluster_t1"], box["cluster_l0"])

    nodes = _groups(root, "node")
    center = {name: _node_center(g) for name, g in nodes.items()}
    # rankdir=LR: each edge points rightwards.
    for tail, head in [("a0", "th0"), ("proj", "a0"), ("th0", "a1"), ("a1", "th1")]:
        assert center[head][0] > center[tail][0], (tail, head)
    assert center["loss"][0] > center["th1"][0]


def _png_size(data):
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk follows the signature
    return width, height


def test_pip_renderer_png_is_the_same_drawing_as_the_svg(pip_only):
    png = pipe(NESTED, "png")
    assert png[:8] == PNG_SIGNATURE
    root = ET.fromstring(pipe(NESTED, "svg"))
    width_pt = float(root.get("width").removesuffix("pt"))
    height_pt = float(root.get("height").removesuffix("pt"))
    width_px, height_px = _png_size(png)
    # Graphviz draws PNG at 96 dpi, SVG sizes are in points (72 per inch).
    assert abs(width_px - width_pt * 96 / 72) <= 2
    assert abs(height_px - height_pt * 96 / 72) <= 2


def test_pipe_accepts_a_graphviz_digraph(pip_only):
    g = graphviz.Digraph()
    g.edge("x", "SumBackward0")
    assert pipe(g, "svg") == pipe(g.source, "svg")
    assert "SumBackward0" in _svg_texts(ET.fromstring(pipe(g, "svg")))


def test_invalid_dot_raises_render_error_with_renderer_message(pip_only):
    bad = "digraph { a -> }"
    with pytest.raises(RenderError, match="syntax error") as info:
        pipe(bad, "svg")
    assert info.value.source == bad
    assert "syntax error" in info.value.stderr


def test_save_picks_format_from_suffix(pip_only, tmp_path):
    svg_path = save(NESTED, tmp_path / "g.svg")
    assert svg_path == tmp_path / "g.svg"
    assert ET.fromstring(svg_path.read_bytes()).tag == f"{SVG_NS}svg"
    assert save(NESTED, tmp_path / "g.PNG").read_bytes()[:8] == PNG_SIGNATURE
    assert save(NESTED, str(tmp_path / "g.dot")).read_text(encoding="utf-8") == NESTED


def test_save_takes_the_source_of_a_graph_object(pip_only, tmp_path):
    g = graphviz.Digraph()
    g.edge("x", "MulBackward0")
    assert save(g, tmp_path / "g.dot").read_text(encoding="utf-8") == g.source


def test_save_dot_needs_no_renderer(no_renderer, tmp_path):
    path = save(NESTED, tmp_path / "g.dot")
    assert path.read_text(encoding="utf-8") == NESTED


def test_save_rejects_unknown_suffix_without_writing(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.dot"):
        save(NESTED, tmp_path / "g.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["g.svg", "g.dot"])
def test_save_to_missing_folder_names_the_path(pip_only, tmp_path, name):
    target = tmp_path / "no-such-folder" / name
    with pytest.raises(FileNotFoundError) as info:
        save(NESTED, target)
    assert str(target) in str(info.value)


def test_save_onto_a_folder_names_the_path(pip_only, tmp_path):
    target = tmp_path / "taken.svg"
    target.mkdir()
    with pytest.raises(OSError) as info:
        save(NESTED, target)
    assert str(target) in str(info.value)


def test_missing_renderer_error_says_how_to_install_and_keeps_source(no_renderer, tmp_path):
    with pytest.raises(RendererNotFoundError) as info:
        pipe(NESTED, "svg")
    err = info.value
    assert isinstance(err, RuntimeError)
    assert "pip install graphviz-pure" in str(err)
    assert "graphviz.org" in str(err)
    assert err.source == NESTED

    with pytest.raises(RendererNotFoundError) as info:
        save(NESTED, tmp_path / "g.svg")
    assert info.value.source == NESTED
    assert not (tmp_path / "g.svg").exists()


def test_system_dot_is_used_when_on_path(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    fake = _fake_dot(bindir, tmp_path)
    monkeypatch.setenv("PATH", str(bindir) + os.pathsep + os.environ.get("PATH", ""))

    assert find_renderer() == Renderer("dot", str(fake))
    assert pipe(NESTED, "png", quiet=True) == b"FAKE-DOT-OUTPUT"
    assert (tmp_path / "args.txt").read_text().split() == ["-Kdot", "-Tpng"]
    assert (tmp_path / "stdin.txt").read_text(encoding="utf-8") == NESTED
    assert save(NESTED, tmp_path / "out.svg", quiet=True).read_bytes() == b"FAKE-DOT-OUTPUT"


def test_renderer_warnings_go_to_stderr_unless_quiet(tmp_path, monkeypatch, capfd):
    bindir = tmp_path / "bin"
    _fake_dot(bindir, tmp_path)
    monkeypatch.setenv("PATH", str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    pipe(NESTED, "svg")
    assert "fake dot complains" in capfd.readouterr().err
    pipe(NESTED, "svg", quiet=True)
    assert capfd.readouterr().err == ""


def test_failing_system_dot_raises_with_its_message(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    fake = _fake_dot(bindir, tmp_path, exit_status=3)
    monkeypatch.setenv("PATH", str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    with pytest.raises(RenderError, match="exit status 3") as info:
        pipe(NESTED, "svg")
    assert str(fake) in str(info.value)
    assert "fake dot complains" in str(info.value)


def _small_digraph(**kwargs):
    g = Digraph(**kwargs)
    g.attr(rankdir="LR")
    with g.subgraph(name="cluster_layer") as c:
        c.attr(label="layer")
        c.edge("x", "TanhBackward0")
    return g


def test_digraph_jupyter_display_works_without_system_dot(pip_only):
    g = _small_digraph()
    bundle = g._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert isinstance(svg, str)
    assert {"TanhBackward0", "layer"} <= _svg_texts(ET.fromstring(svg.encode("utf-8")))
    png = g._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png[:8] == PNG_SIGNATURE


def test_digraph_pipe_defaults_to_svg_and_decodes(pip_only):
    g = _small_digraph()
    assert g.format == "svg"
    assert g.pipe() == pipe(g.source, "svg")
    assert g.pipe(encoding="utf-8") == pipe(g.source, "svg").decode("utf-8")
    assert g.pipe(format="png")[:8] == PNG_SIGNATURE


def test_digraph_render_to_outfile(pip_only, tmp_path):
    g = _small_digraph()
    out = g.render(outfile=tmp_path / "net.png")
    assert out == str(tmp_path / "net.png")
    assert (tmp_path / "net.png").read_bytes()[:8] == PNG_SIGNATURE
    assert (tmp_path / "net.gv").read_text(encoding="utf-8") == g.source


def test_digraph_render_default_name_and_cleanup(pip_only, tmp_path):
    g = _small_digraph(name="net", directory=tmp_path)
    out = g.render(cleanup=True)
    assert out == str(tmp_path / "net.gv.svg")
    assert ET.fromstring((tmp_path / "net.gv.svg").read_bytes()).tag == f"{SVG_NS}svg"
    assert not (tmp_path / "net.gv").exists()


def test_digraph_render_view_opens_the_rendered_file(pip_only, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(graphviz, "view", lambda path, quiet=False: opened.append((path, quiet)))
    g = _small_digraph()
    out = g.render(outfile=tmp_path / "net.svg", view=True)
    assert opened == [(tmp_path / "net.svg", False)]
    assert out == str(tmp_path / "net.svg")


def test_digraph_render_refuses_existing_result_when_asked(pip_only, tmp_path):
    (tmp_path / "net.svg").write_text("old")
    with pytest.raises(FileExistsError):
        _small_digraph().render(outfile=tmp_path / "net.svg", raise_if_result_exists=True)
    assert (tmp_path / "net.svg").read_text() == "old"


def test_digraph_render_without_renderer_keeps_source(no_renderer, tmp_path):
    g = _small_digraph()
    with pytest.raises(RendererNotFoundError) as info:
        g.render(outfile=tmp_path / "net.svg")
    assert info.value.source == g.source
    assert not (tmp_path / "net.svg").exists()


def test_as_renderable_copies_a_plain_digraph(pip_only):
    plain = graphviz.Digraph("model", graph_attr={"rankdir": "LR"}, format="png")
    plain.edge("x", "ReluBackward0")
    copy = as_renderable(plain)
    assert isinstance(copy, Digraph)
    assert copy.source == plain.source
    assert copy.format == "png"
    assert copy.pipe(format="svg") == pipe(plain.source, "svg")
    copy.node("extra")
    assert "extra" not in plain.source
