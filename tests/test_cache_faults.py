"""A damaged or unwritable disk cache never breaks a sentiment run.

Both SQLite caches under ``$CXM_LAB_CACHE_DIR`` are covered: the sentiment results
(``sentiment.sqlite``) and the encoder's embeddings (``embeddings.sqlite``). A corrupt file is
moved aside to ``<name>.corrupt-<UTC time>`` with a CacheWarning naming it and rebuilt; a
directory that cannot be written gives one CacheWarning and the run goes on without the cache.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import warnings
from pathlib import Path

import pandas as pd
import pytest

from cxm_lab import config
from cxm_lab.text import sentiment
from cxm_lab.text.sentiment import CacheWarning

SENTIMENT = config.sentiment_dir()
pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(
        not (SENTIMENT / "config.json").is_file(),
        reason=f"model not built at {SENTIMENT}: run `make setup`",
    ),
]

TEXTS = ["billing was wrong again", "great onboarding, thank you", "客服很好", "slow support"]
FILES = {"sentiment": "sentiment.sqlite", "embeddings": "embeddings.sqlite"}


@pytest.fixture(scope="module")
def loaded() -> sentiment.SentimentModel:
    """One model with its weights loaded, whose runner and tokenizer fresh models borrow."""
    model = sentiment.SentimentModel.from_path()
    model.encoder.disk_cache = False
    return model


@pytest.fixture(scope="module")
def expected(loaded) -> pd.DataFrame:
    """The scores without any disk cache, to compare every faulty-cache run with."""
    return sentiment.score_sentiment(TEXTS, model=loaded, cache=False)


@pytest.fixture
def fresh_model(loaded):
    """Factory of models with an empty in-memory memo, as a new process would start, sharing
    the loaded weights (``encoder.calls`` still counts each model's own forward passes)."""

    def make() -> sentiment.SentimentModel:
        model = sentiment.SentimentModel.from_path()
        shared = loaded.encoder
        model.encoder._runner, model.encoder._tokenizer = shared.runner, shared.tokenizer
        return model

    return make


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    d.mkdir()
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(d))
    return d


def score(
    which: str, fresh_model
) -> tuple[pd.DataFrame, sentiment.SentimentModel, list[warnings.WarningMessage]]:
    """Score TEXTS with a fresh model (as a new process would) through the cache ``which``:
    "sentiment" uses the results cache; "embeddings" turns it off so the encoder's embedding
    cache is the one read and written. Returns the result, the model and the CacheWarnings."""
    model = fresh_model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = sentiment.score_sentiment(TEXTS, model=model, cache=which == "sentiment")
    return out, model, [w for w in caught if issubclass(w.category, CacheWarning)]


def same_scores(out: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_series_equal(out["label"], expected["label"])
    pd.testing.assert_frame_equal(
        out[["p_negative", "p_neutral", "p_positive"]],
        expected[["p_negative", "p_neutral", "p_positive"]],
        atol=1e-6,
    )


def assert_moved_aside_and_rebuilt(
    cache: Path, which: str, expected: pd.DataFrame, fresh_model
) -> None:
    name = FILES[which]
    out, _, caught = score(which, fresh_model)
    same_scores(out, expected)
    assert len(caught) == 1, [str(w.message) for w in caught]
    msg = str(caught[0].message)
    assert str(cache / name) in msg and "moved it aside" in msg and "rebuilt" in msg, msg
    moved = [p for p in cache.glob(f"{name}.corrupt-*") if p.name.endswith("Z")]
    assert len(moved) == 1 and str(moved[0]) in msg
    assert moved[0].name[len(name) + len(".corrupt-") :].endswith("Z")  # UTC timestamp
    # The rebuilt cache is a real one: a second run reads it and runs no model.
    again, model, caught = score(which, fresh_model)
    assert not caught, [str(w.message) for w in caught]
    assert model.encoder.calls == 0  # no forward pass: every text came from the cache
    same_scores(again, expected)


@pytest.mark.parametrize("which", list(FILES))
def test_random_bytes_cache_is_moved_aside_and_rebuilt(cache, which, expected, fresh_model):
    (cache / FILES[which]).write_bytes(os.urandom(8192))
    (cache / (FILES[which] + "-wal")).write_bytes(os.urandom(100))
    assert_moved_aside_and_rebuilt(cache, which, expected, fresh_model)
    moved = next(p for p in cache.glob(f"{FILES[which]}.corrupt-*") if p.name.endswith("Z"))
    assert (cache / (moved.name + "-wal")).is_file()  # its side file went with it
    assert not (cache / (FILES[which] + "-wal")).exists()


@pytest.mark.parametrize("which", list(FILES))
def test_truncated_real_cache_is_moved_aside_and_rebuilt(cache, which, expected, fresh_model):
    # A real cache written by a previous run, then cut to half its size (a crash, a full disk).
    score(which, fresh_model)
    if which == "sentiment":  # pad with more rows so the file spans several pages
        with sqlite3.connect(cache / FILES[which]) as db:
            db.executemany(
                "INSERT INTO s VALUES (?, 0.2, 0.3, 0.5)", [(f"pad{i:05d}",) for i in range(3000)]
            )
        db.close()
    path = cache / FILES[which]
    size = path.stat().st_size
    assert size >= 3 * 4096
    with path.open("r+b") as f:
        f.truncate(size // 2)
    assert_moved_aside_and_rebuilt(cache, which, expected, fresh_model)


@pytest.mark.parametrize("which", list(FILES))
def test_zero_byte_cache_is_an_empty_cache(cache, which, expected, fresh_model):
    # SQLite reads a zero-byte file as an empty database: nothing to move aside, no warning.
    (cache / FILES[which]).touch()
    out, _, caught = score(which, fresh_model)
    same_scores(out, expected)
    assert not caught and not list(cache.glob("*.corrupt-*"))
    assert (cache / FILES[which]).stat().st_size > 0
    again, model, caught = score(which, fresh_model)
    assert not caught and model.encoder.calls == 0
    same_scores(again, expected)


def test_unusable_cache_dir_warns_once_and_runs_without_cache(
    tmp_path, monkeypatch, expected, fresh_model
):
    # The cache dir cannot be created (a file is in the way): works even as root.
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(blocker / "cache"))
    out, _, caught = score("sentiment", fresh_model)
    same_scores(out, expected)
    assert len(caught) >= 1
    msg = str(caught[0].message)
    assert str(blocker / "cache") in msg and "running without a disk cache" in msg, msg
    assert "CXM_LAB_CACHE_DIR" in msg
    again, model, caught = score("sentiment", fresh_model)
    assert not caught  # once per file and process
    assert model.encoder.calls > 0  # nothing was cached
    same_scores(again, expected)


def test_read_only_directory(cache, expected, fresh_model):
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(cache, os.W_OK):
            pytest.skip("running as root: chmod does not make the directory read-only")
        out, _, caught = score("sentiment", fresh_model)
        same_scores(out, expected)
        assert caught and "running without a disk cache" in str(caught[0].message)
        again, _, caught = score("sentiment", fresh_model)
        assert not caught
        same_scores(again, expected)
    finally:
        cache.chmod(stat.S_IRWXU)


def test_read_only_database_still_serves_hits(cache, monkeypatch, expected, fresh_model):
    """A cache that can be read but not written (read-only file system, another user's file):
    hits are used, the write warns once, the run goes on. Opened read-only through SQLite's
    own mode=ro, which holds even for root."""
    score("sentiment", fresh_model)  # fill the caches
    monkeypatch.setattr(
        sentiment,
        "_connect",
        lambda path: sqlite3.connect(f"file:{path}?mode=ro", uri=True),
    )
    texts = [*TEXTS, "a new comment nobody scored before"]
    model = fresh_model()
    with pytest.warns(CacheWarning, match="readonly|read-only|cannot be used") as rec:
        out = sentiment.score_sentiment(texts, model=model)
    assert any(str(cache / "sentiment.sqlite") in str(w.message) for w in rec)
    same_scores(out.iloc[:4], expected)
    assert out["label"].notna().all()
    # Only the new text needed the model: the four cached ones were read.
    assert model.encoder.calls == 1
