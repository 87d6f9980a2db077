"""CX metrics with honest uncertainty: NPS, eNPS, CSAT and CES."""

from __future__ import annotations

import numpy as np
import pandas as pd

NPS_CATEGORIES: tuple[str, str, str] = ("detractor", "passive", "promoter")


def nps_category(score: pd.Series) -> pd.Series:
    """Classify 0–10 likelihood-to-recommend scores as detractor (0–6), passive (7–8) or
    promoter (9–10).

    Missing scores stay missing. Returns an ordered categorical aligned with ``score``.

    Examples
    --------
    >>> nps_category(pd.Series([0, 6, 7, 8, 9, 10])).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    values = pd.to_numeric(score, errors="raise").astype("Float64")
    out = np.select(
        [values.to_numpy(dtype=float, na_value=np.nan) >= 9, values.to_numpy(dtype=float, na_value=np.nan) >= 7,
         values.to_numpy(dtype=float, na_value=np.nan) >= 0],
        ["promoter", "passive", "detractor"],
        default=None,
    )
    return pd.Series(
        pd.Categorical(out, categories=list(NPS_CATEGORIES), ordered=True),
        index=score.index,
        name="nps_category",
    )
