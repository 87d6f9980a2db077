"""The demo company's operational KPIs (the ``operations`` table): SYNTHETIC, seeded.

Each quarter, the teams that own a touchpoint report a few operational KPIs. They are derived
from the demo's own responses: for each touchpoint, the realised transactional NPS per quarter
(surveys other than the relationship survey) is standardised across quarters,
``z_q = (NPS_q − mean) / sd``, and a KPI is ``base + slope · z_q + noise`` with seeded normal
noise (:data:`OPERATION_KPIS`). So the link between a KPI and its touchpoint's NPS is planted in
the table, not in the customers' answers, and the other demo tables do not change: the noise
comes from its own generator, ``numpy.random.default_rng(seed + SEED_OFFSET)``.

What is planted
---------------
- **Support** (touchpoint ``support``): ``wait time (minutes)`` falls 1.6 minutes per standard
  deviation of support NPS with noise sd 0.35: a strong negative link (r about −0.95);
  ``first-contact resolution %`` rises 4 points per sd, noise 1.5 (r about +0.9).
- **Finance Ops** (``billing``): ``invoice error rate %`` falls 0.6 points per sd, noise 0.25
  (r about −0.9); ``days sales outstanding`` is a **decoy**: seeded noise around 42 days with
  its component along billing NPS projected out, so its correlation with billing NPS is 0 up
  to rounding, whatever the seed.
- **Onboarding** (``onboarding``): ``days to go-live`` falls 5 days per sd, noise 2.5
  (r about −0.9; onboarding cells are small after 2024, so their NPS is noisy).
- **Product** (``product``): ``incidents`` per quarter, Poisson with mean
  ``4 + 1.5 · max(0, −z_q)``, plus 20 in the outage quarter (2025Q2 in the demo): the outage
  is visible as the quarter with the most incidents.

``direction`` says whether a higher (``higher``) or lower (``lower``) value is better; ``owner``
names a role, not a person.

Examples
--------
>>> from cxm_lab.demo import load_demo
>>> ops = load_demo().operations
>>> sorted(ops["unit"].unique())
['Finance Ops', 'Onboarding', 'Product', 'Support']
>>> ops.loc[ops["kpi"] == "incidents"].set_index("period")["value"].idxmax()
'2025Q2'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxm_lab import stats

__all__ = ["OPERATION_KPIS", "SEED_OFFSET", "make_operations"]

#: Added to the demo seed for the generator of this table's noise.
SEED_OFFSET = 1313

#: touchpoint: list of (kpi, owner role, direction, base, slope per sd of NPS, noise sd, decimals).
#: A slope of 0 is a decoy (pure noise). ``incidents`` is drawn separately (Poisson + outage).
OPERATION_KPIS: dict[str, list[tuple[str, str, str, float, float, float, int]]] = {
    "support": [
        ("first-contact resolution %", "Head of Support", "higher", 72.0, 4.0, 1.5, 1),
        ("wait time (minutes)", "Head of Support", "lower", 6.0, -1.6, 0.35, 1),
    ],
    "billing": [
        ("invoice error rate %", "Billing operations lead", "lower", 2.5, -0.6, 0.25, 2),
        ("days sales outstanding", "Credit controller", "lower", 42.0, 0.0, 3.0, 1),
    ],
    "onboarding": [
        ("days to go-live", "Onboarding lead", "lower", 30.0, -5.0, 2.5, 1),
    ],
    "product": [
        ("incidents", "Site reliability lead", "lower", 4.0, -1.5, 0.0, 0),
    ],
}


def make_operations(
    responses: pd.DataFrame,
    owners: pd.DataFrame,
    *,
    seed: int = 2026,
    outage: str | None = "2025Q2",
) -> pd.DataFrame:
    """The SYNTHETIC ``operations`` table of the demo: KPIs per quarter and owner team.

    Parameters
    ----------
    responses : DataFrame
        The demo responses (``quarter``, ``touchpoint``, ``survey_type``, ``ltr``).
    owners : DataFrame
        The demo's ``touchpoint_owners`` (``touchpoint``, ``owner_team``); a KPI's ``unit`` is
        the team that owns its touchpoint.
    seed : int
        The demo seed; the noise comes from ``default_rng(seed + SEED_OFFSET)``.
    outage : str, optional
        Quarter with 20 extra incidents (None: no outage).

    Returns
    -------
    DataFrame
        ``unit``, ``period``, ``kpi``, ``value``, ``owner``, ``touchpoint``, ``direction``: one
        row per quarter and KPI, quarters in order.

    Examples
    --------
    >>> from cxm_lab.demo import load_demo
    >>> d = load_demo(seed=7, n_accounts=60)
    >>> ops = make_operations(d.responses, d.touchpoint_owners, seed=7)
    >>> list(ops.columns)
    ['unit', 'period', 'kpi', 'value', 'owner', 'touchpoint', 'direction']
    >>> ops.groupby("kpi")["period"].nunique().eq(11).all()
    np.True_
    """
    rng = np.random.default_rng(seed + SEED_OFFSET)
    team = dict(zip(owners["touchpoint"], owners["owner_team"], strict=True))
    trans = responses[responses["survey_type"] != "relationship"]
    codes = pd.Series(stats.nps_codes(trans["ltr"].to_numpy(dtype=float)), index=trans.index)
    quarters = sorted(responses["quarter"].dropna().unique())
    rows = []
    for tp, kpis in OPERATION_KPIS.items():
        part = codes[trans["touchpoint"] == tp]
        tnps = 100 * part.groupby(trans.loc[part.index, "quarter"]).mean().reindex(quarters)
        tnps = tnps.fillna(tnps.mean())
        sd = tnps.std(ddof=0)
        z = ((tnps - tnps.mean()) / sd if sd > 0 else tnps * 0).to_numpy()
        for kpi, owner, direction, base, slope, noise, decimals in kpis:
            if kpi == "incidents":
                mean = base + abs(slope) * np.maximum(0.0, -z)
                mean = mean + 20.0 * (np.array(quarters) == outage)
                values = rng.poisson(mean).astype(float)
            else:
                eps = rng.normal(0.0, noise, len(z))
                if slope == 0 and sd > 0:  # decoy: exactly uncorrelated with the NPS series
                    eps = eps - eps.mean() - (eps @ z) / (z @ z) * z
                values = np.round(base + slope * z + eps, decimals)
            rows.extend(
                (team[tp], q, kpi, float(v), owner, tp, direction)
                for q, v in zip(quarters, values, strict=True)
            )
    return pd.DataFrame(
        rows, columns=["unit", "period", "kpi", "value", "owner", "touchpoint", "direction"]
    )
