"""Benchmark: sentiment on a CUDA GPU, end to end (tokenisation included) and the encoder alone.

The built model (250k-token vocabulary, 440 MB in fp32) is too large to travel to a lent GPU
machine (64 MiB), so the benchmark runs a bundle made here:

``python benchmarks/bench_gpu.py bundle [--n 100000] [--out .gpu_bundle]``
    writes ``--n`` unique benchmark comments (``bench_dask.unique_comments``) to
    ``texts.txt.xz`` and the sentiment model with its vocabulary pruned to the tokens those
    texts use, in fp16, to ``model/`` (a ``transformers`` directory + ``head.npz``). The
    encoder's speed does not depend on the vocabulary (one embedding row is looked up per
    token); the tokenizer's does a little (a smaller trie), so the bundle step times both
    tokenizers here on one thread and writes the ratio to ``bundle.json``. It checks that the
    pruned tokenizer gives every text the same tokens as the full one and that the pruned
    fp16 model's embeddings match the full fp32 model's (cosine).

``python benchmarks/bench_gpu.py run [--bundle .gpu_bundle] [--batch 1024 4096]``
    on the GPU machine (needs torch with CUDA, transformers, tokenizers, numpy, pandas and this
    repository's ``cxm_lab``): prints, as plain lines, the GPU, tokenisation alone, comments/s
    end to end through ``score_sentiment`` with the model on ``device="auto"`` (tokenising
    in a background thread on all cores, length-bucketed batches, bf16), the encoder alone on
    pre-tokenised batches (the benchmark texts, and 48 random tokens as in the issue), and the
    same model in fp32 on all CPU cores as the peer, with label agreement GPU vs CPU; and
    how tokenisation scales in 1, 2, 4, ... single-threaded worker processes (against the
    tokenizer's own threads in "tokenisation alone").
    ``--device cpu`` dry-runs the GPU code path on the CPU with a few texts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cxm_lab.text import sentiment  # noqa: E402
from cxm_lab.text.sentiment import Encoder, SentimentModel, score_sentiment  # noqa: E402

# --------------------------------------------------------------------------- the bundle


def make_bundle(n: int, out: Path) -> None:
    import torch
    from bench_dask import unique_comments
    from tokenizers import Tokenizer
    from transformers import AutoModel

    from cxm_lab.config import sentiment_dir

    src = sentiment_dir()
    texts = unique_comments(n)
    prefixed = ["query: " + t for t in texts]
    full = Tokenizer.from_file(str(src / "tokenizer.json"))
    full.no_truncation()
    full.no_padding()
    encs = full.encode_batch(prefixed)
    used = {i for e in encs for i in e.ids}
    spec = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    specials = {t["id"] for t in spec["added_tokens"]}
    kept = sorted(used | specials | {spec["model"]["unk_id"]})
    new_id = {old: new for new, old in enumerate(kept)}
    spec["model"]["vocab"] = [spec["model"]["vocab"][i] for i in kept]
    spec["model"]["unk_id"] = new_id[spec["model"]["unk_id"]]
    for t in spec["added_tokens"]:
        t["id"] = new_id[t["id"]]
    for t in spec["post_processor"]["special_tokens"].values():
        t["ids"] = [new_id[i] for i in t["ids"]]
    if out.exists():
        shutil.rmtree(out)
    (out / "model").mkdir(parents=True)
    (out / "model" / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False), "utf-8")
    for name in ("tokenizer_config.json", "head.npz", "head.json", "cxm_build.json"):
        if (src / name).is_file():
            shutil.copy(src / name, out / "model" / name)
    model = AutoModel.from_pretrained(src, local_files_only=True, add_pooling_layer=False)
    rows = model.embeddings.word_embeddings.weight.data[torch.tensor(kept)].clone()
    model.embeddings.word_embeddings = torch.nn.Embedding.from_pretrained(rows, freeze=True)
    model.config.vocab_size = len(kept)
    model.config.pad_token_id = new_id[model.config.pad_token_id]
    model.half().save_pretrained(out / "model")
    # xz: the generated comments repeat their phrases, so xz keeps 100k of them in 0.7 MB
    # against gzip's 3.0 MB, which leaves room in the device call for a training bundle too
    with lzma.open(out / "texts.txt.xz", "wt", encoding="utf-8", preset=9) as f:
        f.write("\n".join(texts))

    # Checks: same tokens for every text; same embeddings (fp16 pruned vs fp32 full).
    pruned = Tokenizer.from_file(str(out / "model" / "tokenizer.json"))
    pruned.no_truncation()
    lookup = np.zeros(max(kept) + 1, dtype=np.int64)
    lookup[kept] = np.arange(len(kept))
    bad = sum(
        e.ids != lookup[f.ids].tolist()
        for e, f in zip(pruned.encode_batch(prefixed), encs, strict=True)
    )
    sample = [texts[i] for i in np.random.default_rng(1).choice(len(texts), 256, replace=False)]
    ref = Encoder(src, disk_cache=False, backend="torch").encode(sample)
    got = Encoder(out / "model", disk_cache=False, backend="torch").encode(sample)
    cos = float((ref * got).sum(axis=1).min())

    # Tokenizer speed, full vs pruned vocabulary, one thread, 5,000 texts.
    speed = {}
    for name, tok in (("full", full), ("pruned", pruned)):
        tok.enable_truncation(256)
        t0 = time.perf_counter()
        for s in range(0, 5000, 500):
            for p in prefixed[s : s + 500]:
                tok.encode(p)
        speed[name] = 5000 / (time.perf_counter() - t0)
    meta = {
        "texts": len(texts),
        "vocabulary": len(kept),
        "mean_tokens": float(np.mean([len(e.ids) for e in encs])),
        "texts_tokenised_differently": int(bad),
        "min_cosine_vs_full_fp32": cos,
        "tokenizer_texts_per_s_one_thread": speed,
    }
    (out / "bundle.json").write_text(json.dumps(meta, indent=2))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(json.dumps(meta, indent=2))
    print(f"bundle {out}: {size / 2**20:.1f} MiB")
    if bad or cos < 0.999:
        raise SystemExit("bundle check failed")


# --------------------------------------------------------------------------- the run


def _sync(device: str) -> None:
    import torch

    if device == "cuda":
        torch.cuda.synchronize()


def tokenizer_scaling(path: Path, texts: list[str]) -> list[tuple[int, float]]:
    """Texts/s of the tokenizer in 1, 2, 4, ... worker processes of one thread each (the
    ids come back to this process as int32 arrays): how tokenisation would scale if the GPU
    route fed itself from a process pool instead of the tokenizer's own threads."""
    import multiprocessing as mp

    cores = os.cpu_count() or 1
    counts = sorted({p for p in (1, 2, 4, 8, 16, 32) if p <= cores} | {cores})
    # pieces as small as the GPU route's (sentiment.TOKENIZE_PIECE), so that every process
    # has work: 2,048-text chunks left 16 processes with 10 chunks of 20,000 texts
    piece = sentiment.TOKENIZE_PIECE
    chunks = [texts[i : i + piece] for i in range(0, len(texts), piece)]
    from tokenizers import Tokenizer

    spec = Tokenizer.from_file(str(path)).to_str()
    out = []
    ctx = mp.get_context("spawn")
    for procs in counts:
        # the GPU route's own worker set-up and task (one single-threaded tokenizer each)
        with ctx.Pool(
            procs, initializer=sentiment._pool_init, initargs=(spec, sentiment.MAX_TOKENS)
        ) as pool:
            pool.map(sentiment._pool_encode, chunks[:procs])  # warm-up: every process loaded
            t0 = time.perf_counter()
            n = sum(len(lengths) for lengths, _ in pool.imap(sentiment._pool_encode, chunks))
            out.append((procs, n / (time.perf_counter() - t0)))
    return out


def run(
    bundle: Path, batches: list[int], device: str, limit: int | None, scaling_texts: int
) -> None:
    import torch

    path = bundle / "model"
    xz = bundle / "texts.txt.xz"
    opener = lzma.open if xz.is_file() else gzip.open  # bundles made before xz: texts.txt.gz
    with opener(xz if xz.is_file() else bundle / "texts.txt.gz", "rt", encoding="utf-8") as f:
        texts = f.read().split("\n")[: limit or None]
    meta = json.loads((bundle / "bundle.json").read_text())
    cores = os.cpu_count() or 1
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"gpu: {gpu}; torch {torch.__version__}; cpu cores: {cores}")
    print(
        f"texts: {len(texts):,} unique, mean {meta['mean_tokens']:.1f} tokens; pruned "
        f"vocabulary {meta['vocabulary']:,}; tokenizer one thread full/pruned "
        f"{meta['tokenizer_texts_per_s_one_thread']['full']:,.0f}/"
        f"{meta['tokenizer_texts_per_s_one_thread']['pruned']:,.0f} texts/s (bundle machine)"
    )
    series = pd.Series(texts)
    head = path / "head.json"
    cal = (json.loads(head.read_text()) if head.is_file() else {}).get("calibration") or {}
    print(f"head: calibrated per language: {len(cal)} languages (script detection per text)")

    def model(batch: int) -> SentimentModel:
        if device == "cuda":
            enc = Encoder(path, batch_size=batch, disk_cache=False, device="auto")
        else:  # dry run of the GPU code path on the CPU
            enc = Encoder(path, batch_size=batch, disk_cache=False, backend="torch")
            enc._encode = enc._encode_fed
        return SentimentModel(enc)

    # Tokenisation alone: the batches the GPU route feeds, all cores.
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    prefixed = ["query: " + t for t in texts]
    t0 = time.perf_counter()
    for _ in sentiment._token_batches(prefixed, tok, batch_size=1024, max_tokens=256, pad_id=1):
        pass
    tok_rate = len(texts) / (time.perf_counter() - t0)
    print(f"tokenisation alone (padded batches of 1024, {cores} cores): {tok_rate:,.0f} texts/s")

    procs = max(2, cores - 1)  # the GPU route's default on a machine of 4 or more cores
    feeder = Encoder(path, disk_cache=False, backend="torch", tokenize_processes=procs)
    feeder._batch_tokenizer = tok
    pool = feeder._tokenize_pool()
    kw = {"batch_size": 1024, "max_tokens": feeder.max_tokens, "pad_id": 1, "pool": pool}
    for _ in sentiment._token_batches(prefixed[: 4096 * procs], tok, **kw):
        pass  # warm-up: every process started
    t0 = time.perf_counter()
    for _ in sentiment._token_batches(prefixed, tok, **kw):
        pass
    rate = len(texts) / (time.perf_counter() - t0)
    print(f"tokenisation, the batches fed by {procs} tokenising processes: {rate:,.0f} texts/s")
    pool.terminate()

    scaling = (
        tokenizer_scaling(path / "tokenizer.json", prefixed[:scaling_texts])
        if scaling_texts
        else []
    )
    for procs, rate in scaling:
        print(
            f"tokenisation, {procs} process(es) x 1 thread (ids back as int32 arrays): "
            f"{rate:,.0f} texts/s ({rate / procs:,.0f} per process)"
        )

    first = None
    for batch in batches:
        m = model(batch)
        score_sentiment(series[: 2 * batch], model=m, cache=False, progress=False)  # warm-up
        m.encoder._memo.clear()
        _sync(device)
        t0 = time.perf_counter()
        out = score_sentiment(series, model=m, cache=False, progress=False)
        _sync(device)
        rate = len(texts) / (time.perf_counter() - t0)
        first = out if first is None else first
        print(
            f"end to end score_sentiment, route {m.encoder.route}, batch {batch}: "
            f"{rate:,.0f} comments/s"
        )

    # Where the host's time goes: one more pass under cProfile (the main thread; the device,
    # the feeding thread and the tokenising processes work meanwhile). Not a speed figure.
    import cProfile
    import io
    import pstats

    m.encoder._memo.clear()
    prof = cProfile.Profile()
    prof.enable()
    score_sentiment(series, model=m, cache=False, progress=False)
    _sync(device)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(12)
    print(f"host profile of one more pass, batch {batches[-1]} (main thread, own seconds):")
    for line in buf.getvalue().splitlines():
        if line.strip() and line.lstrip()[:1].isdigit():
            print("   ", " ".join(line.split()))

    # The encoder alone on pre-tokenised batches already on the device.
    enc = model(batches[-1]).encoder
    dev = torch.device(enc.device)
    for batch in batches:
        ready = [
            (torch.from_numpy(i).to(dev), torch.from_numpy(a).to(dev))
            for _, i, a in sentiment._token_batches(
                prefixed, tok, batch_size=batch, max_tokens=256, pad_id=1
            )
        ]
        with torch.inference_mode():
            for ids, mask in ready[:2]:
                enc.runner(
                    input_ids=ids, attention_mask=sentiment._attention_mask_4d(enc.runner, mask)
                )
            _sync(device)
            t0 = time.perf_counter()
            for ids, mask in ready:
                attn = sentiment._attention_mask_4d(enc.runner, mask)  # as the route passes it
                hidden = enc.runner(input_ids=ids, attention_mask=attn).last_hidden_state
                sentiment.pooled_embedding(hidden.float(), mask)
            _sync(device)
        print(
            f"encoder alone, benchmark texts, batch {batch}: "
            f"{len(texts) / (time.perf_counter() - t0):,.0f} comments/s"
        )
    g = torch.Generator().manual_seed(0)
    batch = batches[-1]
    ids = torch.randint(4, 1000, (batch, 48), generator=g).to(dev)
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        for _ in range(3):
            enc.runner(input_ids=ids, attention_mask=mask)
        _sync(device)
        reps = 20 if device == "cuda" else 1
        t0 = time.perf_counter()
        for _ in range(reps):
            enc.runner(input_ids=ids, attention_mask=mask)
        _sync(device)
    print(
        f"encoder alone, 48 random tokens, batch {batch}: "
        f"{reps * batch / (time.perf_counter() - t0):,.0f} comments/s"
    )

    # The peer: the same model in fp32 on every CPU core, and label agreement.
    n_cpu = min(len(texts), 2000 if device == "cuda" else 64)
    cpu = SentimentModel(Encoder(path, disk_cache=False, backend="torch", threads=cores))
    t0 = time.perf_counter()
    ref = score_sentiment(series[:n_cpu], model=cpu, cache=False, progress=False)
    cpu_rate = n_cpu / (time.perf_counter() - t0)
    same = float((ref["label"] == first["label"][:n_cpu]).mean())
    diff = float(np.abs(ref["p_positive"] - first["p_positive"][:n_cpu]).max())
    print(f"peer cpu fp32 torch, {cores} threads, {n_cpu:,} texts: {cpu_rate:,.0f} comments/s")
    print(f"gpu vs cpu: same label {same:.1%}, max |p_positive difference| {diff:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    b = sub.add_parser("bundle", help="prune the model to the benchmark texts (run here)")
    b.add_argument("--n", type=int, default=100_000)
    b.add_argument("--out", type=Path, default=ROOT / ".gpu_bundle")
    r = sub.add_parser("run", help="measure (run on the GPU machine)")
    r.add_argument("--bundle", type=Path, default=ROOT / ".gpu_bundle")
    r.add_argument("--batch", type=int, nargs="+", default=[1024, 4096])
    r.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    r.add_argument("--limit", type=int, default=None, help="use only the first texts")
    r.add_argument(
        "--scaling-texts",
        type=int,
        default=50_000,
        help="texts per process count in the tokeniser-scaling lines, 0 for none (one process runs "
        "at 5,000-9,000 texts/s there, so all 100k would cost 20 s of device time more)",
    )
    args = parser.parse_args()
    if args.step == "bundle":
        make_bundle(args.n, args.out)
    else:
        run(args.bundle, args.batch, args.device, args.limit, args.scaling_texts)


if __name__ == "__main__":
    main()
