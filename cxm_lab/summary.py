"""Executive summary figures: headline metrics for a quarter versus the previous quarter and
versus target, what moved (significant changes by segment, touchpoint, ...), and revenue held
by detractor accounts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxm_lab import metrics
from cxm_lab.errors import ParameterError


def previous_quarter(quarter: str) -> str:
    """The quarter before ``quarter`` ("2026Q3" → "2026Q2")."""
    try:
        return str(pd.Period(quarter, freq="Q") - 1)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"report_quarter must look like 2026Q3, got {quarter!r}") from exc


def headline(
    responses: pd.DataFrame,
    quarter: str,
    targets: pd.DataFrame | None = None,
    employees: pd.DataFrame | None = None,
    period: str = "quarter",
    ci: float = 0.95,
) -> pd.DataFrame:
    """NPS, CSAT (top-2 %), CES (mean) and eNPS for ``quarter`` with CI, the change versus the
    previous quarter with its p-value, and the target.

    Changes of NPS/eNPS use the two-sample z-test of :func:`cxm_lab.metrics.nps_change`; CSAT
    share and CES mean changes use the same normal approximation with their own standard errors.
    """
    prev = previous_quarter(quarter)
    rows = []
    z = metrics._z(ci)

    def add(name: str, table: pd.DataFrame, value: str, low: str, high: str) -> None:
        t = table.set_index(period)
        if quarter not in t.index:
            raise ParameterError(
                f"no {name} data for quarter {quarter}; quarters present: {sorted(t.index)}"
            )
        cur = t.loc[quarter]
        se_cur = (cur[high] - cur[low]) / (2 * z)
        row = {
            "metric": name,
            "value": cur[value],
            "ci_low": cur[low],
            "ci_high": cur[high],
            "n": int(cur["n"]),
        }
        if prev in t.index:
            old = t.loc[prev]
            se_old = (old[high] - old[low]) / (2 * z)
            diff = cur[value] - old[value]
            se = float(np.hypot(se_cur, se_old))
            from scipy.stats import norm

            row.update(
                previous=old[value],
                change=diff,
                p_value=float(2 * norm.sf(abs(diff) / se)) if se > 0 else np.nan,
            )
        rows.append(row)

    add("NPS", metrics.nps(responses, by=period, ci=ci), "nps", "ci_low", "ci_high")
    if "csat" in responses:
        add(
            "CSAT (top-2 %)", metrics.csat(responses, by=period, ci=ci), "csat", "ci_low", "ci_high"
        )
    if "ces" in responses:
        add(
            "CES (mean 1–7)",
            metrics.ces(responses, by=period, ci=ci),
            "ces_mean",
            "mean_ci_low",
            "mean_ci_high",
        )
    if employees is not None and len(employees):
        add("eNPS", metrics.enps(employees, by=period, ci=ci), "nps", "ci_low", "ci_high")
    out = pd.DataFrame(rows)
    out["significant"] = out.get("p_value", pd.Series(np.nan, index=out.index)) < (1 - ci)
    if targets is not None and len(targets):
        key = {"NPS": "nps", "CSAT (top-2 %)": "csat", "CES (mean 1–7)": "ces", "eNPS": "enps"}
        t = targets[targets["quarter"] == quarter].set_index("metric")["target"]
        out["target"] = out["metric"].map(key).map(t)
        out["attained"] = (out["value"] >= out["target"]).where(out["target"].notna())
    return out


def what_moved(
    responses: pd.DataFrame,
    quarter: str,
    dims: Sequence[str] = ("segment", "touchpoint", "region", "channel", "role"),
    period: str = "quarter",
    min_n: int = 30,
    ci: float = 0.95,
) -> pd.DataFrame:
    """NPS changes versus the previous quarter for each value of each dimension, largest
    absolute change first, with significance. Groups under ``min_n`` in either quarter are
    flagged ``small_n`` and listed after the others."""
    prev = previous_quarter(quarter)
    sub = responses[responses[period].isin([quarter, prev])]
    frames = []
    for dim in dims:
        if dim not in sub:
            continue
        ch = metrics.nps_change(sub, period=period, by=dim, ci=ci, min_n=min_n)
        ch = ch[ch[period] == quarter].rename(columns={dim: "group"})
        ch.insert(0, "dimension", dim)
        frames.append(ch)
    if not frames:
        raise ParameterError(f"none of the dimensions {list(dims)} is a column of the responses")
    out = pd.concat(frames, ignore_index=True)
    out["abs_change"] = out["change"].abs()
    out = out.sort_values(["small_n", "abs_change"], ascending=[True, False]).drop(
        columns="abs_change"
    )
    return out[
        [
            "dimension",
            "group",
            "n_previous",
            "n",
            "nps_previous",
            "nps",
            "change",
            "change_low",
            "change_high",
            "p_value",
            "significant",
            "small_n",
        ]
    ].reset_index(drop=True)


def select_quotes(
    responses: pd.DataFrame,
    quarter: str | None = None,
    by: str = "language",
    per_group: int = 2,
    text: str = "comment",
    score: str = "ltr",
    period: str = "quarter",
    detractors_first: bool = True,
) -> pd.DataFrame:
    """Pick up to ``per_group`` non-empty comments per ``by`` value (e.g. one language each),
    lowest scores first when ``detractors_first``, for quoting in a report."""
    sub = responses
    if quarter is not None:
        sub = sub[sub[period] == quarter]
    sub = sub[sub[text].notna() & (sub[text].astype(str).str.strip().str.len() > 3)]
    sub = sub.sort_values([by, score], ascending=[True, detractors_first], kind="stable")
    return sub.groupby(by, sort=True).head(per_group).reset_index(drop=True)
