"""Multilingual open-text analysis, offline.

- :mod:`cxm_lab.text.language`: language and script of each comment (lingua).
- :mod:`cxm_lab.text.sentiment`: ``score_sentiment`` with the multilingual-e5-small encoder
  (``transformers``, local path) and a trained head; caching, length-sorted batching, Dask.
- :mod:`cxm_lab.text.topics`: known-category matching across languages, theme discovery,
  theme summaries and NPS impact.
- :mod:`cxm_lab.text.build_model` / :mod:`cxm_lab.text.train_head`: how the model is made.
- :mod:`cxm_lab.text.labelled`: the real labelled comments and their fixed split.

Submodules load ``torch``/``transformers`` only when used.
"""
