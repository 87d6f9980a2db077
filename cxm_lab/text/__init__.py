"""Multilingual open-text analysis, offline.

- :mod:`cxm_lab.text.language`: language and script of each comment (lingua).
- :mod:`cxm_lab.text.sentiment`: ``score_sentiment`` with multilingual-e5-small fine-tuned for
  sentiment (LoRA; ``transformers`` from a local path, or its int8 ONNX export, the default);
  caching, length-sorted batching, Dask.
- :mod:`cxm_lab.text.topics`: known-category matching across languages, theme discovery,
  theme summaries and NPS impact.
- :mod:`cxm_lab.text.build_model` / :mod:`cxm_lab.text.finetune`: how the models are made.
- :mod:`cxm_lab.text.labelled`: the real labelled comments and their fixed split.

Submodules load ``torch``/``transformers`` only when used.
"""

__all__: list[str] = []
