"""Where things live: the project's folders and the environment variables that move them.

Every path the package uses and every ``CXM_LAB_*`` variable it reads is defined here, once.
Other modules call these functions (not ``os.environ`` or ``Path(__file__).parents``), so a
variable set after import (as tests do with ``monkeypatch.setenv``) takes effect at once.

============================  ==========================================  =======================
Variable                      Meaning                                     Default
============================  ==========================================  =======================
``CXM_LAB_MODEL_DIR``         the multilingual encoder (transformers)     ``models/multilingual-e5-small``
``CXM_LAB_SENTIMENT_DIR``     the sentiment model built from it           ``cxm-sentiment-e5`` beside the encoder
``CXM_LAB_CACHE_DIR``         SQLite caches of sentiment and embeddings   ``.cache/cxm_lab``
``CXM_LAB_THREADS``           intra-op threads of the text models         all cores
``CXM_LAB_DASK_SCHEDULER``    Dask scheduler address for text at scale    none (a local cluster)
============================  ==========================================  =======================

Examples
--------
>>> (ROOT / "cxm_lab" / "config.py").is_file()
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ENV_VARS",
    "NOTEBOOK_DIR",
    "ROOT",
    "SHARED",
    "cache_dir",
    "dask_scheduler",
    "model_dir",
    "sentiment_dir",
    "shared_data",
    "threads",
]

#: The project root (the folder holding ``cxm_lab/``, ``notebooks/`` and ``params/``).
ROOT: Path = Path(__file__).resolve().parents[1]
#: The report notebooks shipped with the package.
NOTEBOOK_DIR: Path = ROOT / "notebooks"
#: Shared material beside the project root (``../shared``): real data, style and domain docs.
SHARED: Path = ROOT.parent / "shared"

#: Every environment variable the package reads, with what it sets.
ENV_VARS: dict[str, str] = {
    "CXM_LAB_MODEL_DIR": "folder of the multilingual encoder",
    "CXM_LAB_SENTIMENT_DIR": "folder of the sentiment model",
    "CXM_LAB_CACHE_DIR": "folder of the SQLite result caches",
    "CXM_LAB_THREADS": "intra-op threads of the text models (0 or unset: all cores)",
    "CXM_LAB_DASK_SCHEDULER": "Dask scheduler address for scoring comments on a cluster",
}

SENTIMENT_DIR_NAME = "cxm-sentiment-e5"


def shared_data(*parts: str) -> Path:
    """A path under ``../shared/data`` (which may not exist: callers skip or explain).

    Parameters
    ----------
    *parts : str
        Folders and file below ``data/``.

    Returns
    -------
    Path
        The path (not checked).

    Examples
    --------
    >>> shared_data("exports").parts[-2:]
    ('data', 'exports')
    """
    return SHARED.joinpath("data", *parts)


def model_dir() -> Path:
    """Where the encoder lives: ``$CXM_LAB_MODEL_DIR`` or ``models/multilingual-e5-small``.

    Returns
    -------
    Path
        The folder (it may not exist yet: ``make setup`` builds it).

    Examples
    --------
    >>> import os
    >>> os.environ["CXM_LAB_MODEL_DIR"] = "/opt/e5"; str(model_dir())
    '/opt/e5'
    >>> del os.environ["CXM_LAB_MODEL_DIR"]; model_dir().name
    'multilingual-e5-small'
    """
    return Path(os.environ.get("CXM_LAB_MODEL_DIR") or ROOT / "models" / "multilingual-e5-small")


def sentiment_dir() -> Path:
    """Where the sentiment model lives: ``$CXM_LAB_SENTIMENT_DIR`` or ``cxm-sentiment-e5``
    beside the encoder.

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> sentiment_dir().parent == model_dir().parent or "CXM_LAB_SENTIMENT_DIR" in os.environ
    True
    """
    return Path(os.environ.get("CXM_LAB_SENTIMENT_DIR") or model_dir().parent / SENTIMENT_DIR_NAME)


def cache_dir() -> Path:
    """Where the result caches live: ``$CXM_LAB_CACHE_DIR`` or ``.cache/cxm_lab``.

    Returns
    -------
    Path
        The folder (created by the caches when first written).

    Examples
    --------
    >>> os.environ["CXM_LAB_CACHE_DIR"] = "/tmp/c"; str(cache_dir())
    '/tmp/c'
    >>> del os.environ["CXM_LAB_CACHE_DIR"]
    """
    return Path(os.environ.get("CXM_LAB_CACHE_DIR") or ROOT / ".cache" / "cxm_lab")


def threads() -> int:
    """Intra-op threads for the text models: ``$CXM_LAB_THREADS``, or all cores when unset or 0.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    ValueError
        When the variable is not a whole number.

    Examples
    --------
    >>> os.environ["CXM_LAB_THREADS"] = "3"; threads()
    3
    >>> del os.environ["CXM_LAB_THREADS"]; threads() >= 1
    True
    """
    raw = os.environ.get("CXM_LAB_THREADS", "").strip()
    try:
        n = int(raw) if raw else 0
    except ValueError:
        raise ValueError(
            f"CXM_LAB_THREADS={raw!r} is not a whole number; set it to e.g. 2, or unset it"
        ) from None
    return n if n > 0 else (os.cpu_count() or 1)


def dask_scheduler() -> str | None:
    """The Dask scheduler that scores comments at scale: ``$CXM_LAB_DASK_SCHEDULER`` (e.g.
    ``tcp://scheduler:8786``), or None when unset (a local cluster is started instead).

    Returns
    -------
    str or None
        The address, stripped.

    Examples
    --------
    >>> os.environ["CXM_LAB_DASK_SCHEDULER"] = "tcp://10.0.0.5:8786"; dask_scheduler()
    'tcp://10.0.0.5:8786'
    >>> del os.environ["CXM_LAB_DASK_SCHEDULER"]; dask_scheduler() is None
    True
    """
    return os.environ.get("CXM_LAB_DASK_SCHEDULER", "").strip() or None
