"""docs/make_images.py draws the README's pictures with the `minigrad` command, and they come out valid."""

from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "make_images.py"


def _script() -> dict:
    namespace: dict = {"__name__": "make_images"}  # not "__main__": nothing runs on load
    exec(compile(SCRIPT.read_text(encoding="utf-8"), str(SCRIPT), "exec"), namespace)
    return namespace


def test_make_images_draws_every_picture_as_a_valid_file(tmp_path, capsys):
    script = _script()
    written = script["make"](tmp_path)
    assert sorted(p.name for p in written) == sorted(script["PICTURES"])
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        else:
            root = ElementTree.fromstring(data)
            assert root.tag.endswith("svg")
            assert "t=199" in data.decode()  # the 200-step drawing has every step


def test_the_readme_shows_a_picture_the_script_draws():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/images/minigrad-demo.png" in readme
    assert (ROOT / "docs" / "images" / "minigrad-demo.png").exists()
