"""The README's Python walk-through runs as written (on the demo instead of a folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxm_lab import config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.skipif(
    not (config.sentiment_dir() / "config.json").is_file(),
    reason="sentiment model not built: run `make setup`",
)
def test_readme_python_block_runs() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "load_dataset(" in b]
    assert blocks, "the README lost its Python walk-through"
    code = blocks[0]
    assert 'load_dataset("path/to/folder")' in code
    code = code.replace('load_dataset("path/to/folder")', "load_dataset()")
    # A wrong keyword or column fails here, not in a reader's notebook.
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert len(namespace["c"]) > 100  # type: ignore[arg-type]
