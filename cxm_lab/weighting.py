"""Survey weights: raking to population margins, non-response weights, the design effect.

A survey's respondents rarely mirror the population: executives and SMB contacts answer less
often, phone invitations are answered more than e-mails. Weights correct the mix, at a price in
precision that the design effect measures.

- :func:`rake` — raking (iterative proportional fitting, Deming & Stephan 1940): weights whose
  weighted shares of each margin column (role, segment...) equal known population shares.
- :func:`nonresponse_weights` — inverse response-rate weights: each respondent stands for the
  invitations of its cell (channel...), so the weighted mix of respondents is the invited mix.
- :func:`design_effect` — Kish's design effect of unequal weights, n Σw² / (Σw)² = n / n_eff.

Every function returns weights normalised to mean 1 over the weighted rows (so they sum to n),
ready for the ``weight=`` argument of :mod:`cxm_lab.metrics`, which reports Kish's ``n_eff``.

References
----------
Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency
table when the expected marginal totals are known. *Ann. Math. Statist.* 11(4), 427–444.
Kish, L. (1965). *Survey Sampling*. Wiley, §11.7.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.errors import (
    DataError,
    as_list,
    check_columns,
    check_counts,
    check_frame,
    check_int,
    check_weights,
    fail,
    is_real,
    row_label,
    value_text,
)

__all__ = ["design_effect", "nonresponse_weights", "rake"]

#: How far the shares of a margin may be from 1 (fractions) or 100 (percentages).
_SUM_TOL = 1e-6


def _target(col: str, margin: object, func: str) -> pd.Series:
    """One margin as a Series of population shares (fractions summing to 1)."""
    fix = (
        f"pass margins[{col!r}] as {{value: share}} with shares summing to 1 (or to 100), "
        "or as whole-number population counts"
    )
    if isinstance(margin, pd.Series):
        s = margin.copy()
    elif isinstance(margin, Mapping):
        s = pd.Series(list(margin.values()), index=pd.Index(list(margin.keys()), dtype=object))
    else:
        fail(
            func, f"margins[{col!r}]", f"must be a dict or Series, got {type(margin).__name__}", fix
        )
    if s.empty:
        fail(func, f"margins[{col!r}]", "is empty", fix)
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()][0]
        fail(func, f"margins[{col!r}]", f"names the value {dup!r} twice", fix)
    if s.index.hasnans:
        fail(func, f"margins[{col!r}]", "has a missing value as a category", fix)
    values = s.to_numpy(dtype=object)
    if not all(is_real(v) for v in values):
        bad = next(v for v in values if not is_real(v))
        fail(func, f"margins[{col!r}]", f"must hold numbers, got {bad!r}", fix)
    x = values.astype(float)
    if not np.isfinite(x).all() or (x < 0).any():
        i = int(np.flatnonzero(~np.isfinite(x) | (x < 0))[0])
        fail(
            func,
            f"margins[{col!r}]",
            f"must hold finite shares >= 0, got {value_text(float(x[i]))} for {s.index[i]!r}",
            fix,
        )
    total = float(x.sum())
    whole = bool((np.floor(x) == x).all())
    if (
        not (abs(total - 1) <= _SUM_TOL or abs(total - 100) <= 100 * _SUM_TOL or whole)
        or total == 0
    ):
        fail(
            func,
            f"margins[{col!r}]",
            f"shares sum to {total:.10g}, not to 1 (nor to 100, and they are not whole counts)",
            fix,
        )
    return pd.Series(x / total, index=s.index)


def _codes(df: pd.DataFrame, col: str, target: pd.Series, func: str) -> np.ndarray:
    """Position in ``target`` of each row's value of ``col``, checked both ways."""
    values = df[col]
    missing = values.isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        fail(
            func,
            f"margin column {col!r}",
            f"has {int(missing.sum())} missing value(s), first at row label "
            f"{row_label(df.index[i])}",
            "fill them with a category that has a population share (e.g. 'unknown'), or drop "
            "those rows before raking",
            error=DataError,
        )
    codes = pd.Index(target.index).get_indexer(values)
    absent = codes < 0
    if absent.any():
        extra = list(pd.unique(values[absent]))
        fail(
            func,
            f"margin column {col!r}",
            f"has value(s) {extra[:5]} in {int(absent.sum())} row(s) that margins[{col!r}] "
            f"does not list (it lists {list(target.index)})",
            "add their population share to the margins, merge them into a listed category, or "
            "drop those rows",
            error=DataError,
        )
    return codes


def _trim(w: np.ndarray, cap: float, func: str) -> np.ndarray:
    """``w`` with its largest weights cut to the value ``t`` for which ``t = cap × mean``.

    With the k largest weights set to t, t = cap (k t + S_rest) / n, i.e.
    t = cap S_rest / (n − cap k); k grows until t lies between the k-th and (k+1)-th weights.
    """
    n = len(w)
    if w.max() <= cap * w.mean():
        return w
    desc = np.sort(w)[::-1]
    rest = desc.sum() - np.cumsum(desc)  # S_rest for k = 1..n
    for k in range(1, n):
        if n - cap * k <= 0:
            break
        t = cap * rest[k - 1] / (n - cap * k)
        if t > 0 and desc[k] <= t <= desc[k - 1]:
            return np.minimum(w, t)
    fail(
        func,
        "cap",
        f"= {cap:g} cannot hold: too few rows carry weight for no weight to exceed {cap:g} times "
        "the mean",
        "pass a larger cap, or cap=None",
        error=DataError,
    )


def rake(
    df: pd.DataFrame,
    *,
    margins: Mapping[str, Mapping[object, float] | pd.Series],
    weight: str | None = None,
    max_iter: int = 100,
    tol: float = 1e-6,
    cap: float | None = None,
) -> pd.Series:
    """Raking weights: weighted shares of each margin column equal the population's.

    Iterative proportional fitting (Deming & Stephan 1940): starting from the base weights,
    each pass goes through the margin columns in order and multiplies the weights of the rows
    holding category c of column k by ``target_k[c] / (weighted share of c in k)``; passes repeat
    until every weighted share is within ``tol`` of its target. The result is the weighting
    closest to the base weights (in the raking, i.e. Kullback–Leibler, sense) that meets all
    margins at once; with a single margin it is one pass of post-stratification.

    Parameters
    ----------
    df : DataFrame
        One row per respondent, with the margin columns.
    margins : dict
        Column -> population distribution of that column, as a dict ``{value: share}`` or a
        Series (e.g. ``population[col].value_counts(normalize=True)``). The values are
        normalised to shares: they may be fractions summing to 1 or percentages summing to
        100 (each within 1e-6 relative), or whole-number population counts (any total). Every
        value found in the column must be listed; a listed value with share > 0 must have
        respondents; a listed value with share 0 must have none.
    weight : str or None
        Column of base weights (e.g. design or non-response weights; finite, >= 0, not all 0)
        that the raking adjusts; ``None`` starts from equal weights. A row with base weight 0
        keeps weight 0.
    max_iter : int
        Most passes through the margins (default 100).
    tol : float
        Convergence: largest allowed gap between a weighted share and its target, as a fraction
        (default 1e-6, i.e. 0.0001 percentage points).
    cap : float or None
        Largest weight allowed, as a multiple of the mean weight (> 1; e.g. 5). Each pass
        rakes, then trims the weights above ``cap`` times the mean to exactly that level, and
        the passes go on until the margins are met again with no weight above the cap (trim
        and re-rake). ``None`` (default) does not trim.

    Returns
    -------
    Series
        The weights, aligned with ``df`` (same index), named ``"weight"``, normalised to mean 1
        (they sum to the number of rows), ready for ``weight=`` of :mod:`cxm_lab.metrics`.

    Raises
    ------
    ColumnError
        A margin column (or ``weight``) is not in the table.
    ParameterError
        ``margins`` is empty or a margin is not shares (negative, not summing to 1 or 100 and
        not whole counts), base weights are missing, negative, infinite or all 0, or
        ``max_iter``, ``tol`` or ``cap`` is invalid.
    DataError
        A margin column has missing values, a value the margin does not list, a listed value
        with share > 0 but no respondents (it cannot be met: merge it into a neighbour or drop
        it from the margin) or one with share 0 but respondents; or the raking did not converge
        in ``max_iter`` passes (the message names the worst column and value, with its achieved
        and target share).

    Examples
    --------
    Three respondents of role a and one of role b, raked to a population that is half each:
    a gets 0.5 / 0.75 of the mean weight, b 0.5 / 0.25.

    >>> df = pd.DataFrame({"role": ["a", "a", "a", "b"]})
    >>> w = rake(df, margins={"role": {"a": 0.5, "b": 0.5}})
    >>> w.round(4).tolist()
    [0.6667, 0.6667, 0.6667, 2.0]
    >>> float(w[df["role"] == "b"].sum() / w.sum())
    0.5
    """
    func = "rake"
    check_frame(df, func)
    if not isinstance(margins, Mapping) or not margins:
        fail(
            func,
            "margins",
            f"must be a non-empty dict of column -> {{value: share}}, got {margins!r}",
            "pass e.g. margins={'segment': {'SMB': 0.5, 'Enterprise': 0.5}}",
        )
    cols = list(margins)
    check_columns(df, cols, func, "margin column")
    max_iter = check_int(max_iter, "max_iter", func, 1, "pass e.g. max_iter=100")
    if not is_real(tol) or not 0 < float(tol) < 1:  # type: ignore[arg-type]
        fail(func, "tol", f"must be a number between 0 and 1, got {tol!r}", "pass e.g. 1e-6")
    tol = float(tol)  # type: ignore[arg-type]
    if cap is not None and (not is_real(cap) or not 1 < float(cap) < np.inf):
        fail(
            func,
            "cap",
            f"must be a number > 1 (a multiple of the mean weight), got {cap!r}",
            "pass e.g. cap=5, or cap=None not to trim",
        )
    if df.empty:
        fail(func, "df", "has no rows", "pass the respondents to weight", error=DataError)
    w = check_weights(df, weight, np.ones(len(df), dtype=bool), func)
    if w.sum() <= 0:
        fail(
            func,
            f"weight column {weight!r}",
            "is 0 on every row",
            "pass base weights with at least one > 0, or weight=None",
        )
    coded: list[tuple[str, pd.Index, np.ndarray, np.ndarray]] = []
    for col in cols:
        target = _target(col, margins[col], func)
        codes = _codes(df, col, target, func)
        t = target.to_numpy()
        base = np.bincount(codes, weights=w, minlength=len(t))
        rows = np.bincount(codes, minlength=len(t))
        unmet = (t > 0) & (base <= 0)
        if unmet.any():
            j = int(np.flatnonzero(unmet)[0])
            what = "no respondents" if rows[j] == 0 else "only respondents of base weight 0"
            fail(
                func,
                f"margins[{col!r}] value {target.index[j]!r}",
                f"has a population share of {100 * t[j]:.4g} % but {what}, so it cannot be met",
                "merge it with a neighbouring category (in the data and the margin) or drop it "
                "from the margin (the other shares are renormalised)",
                error=DataError,
            )
        void = (t == 0) & (rows > 0)
        if void.any():
            j = int(np.flatnonzero(void)[0])
            fail(
                func,
                f"margins[{col!r}] value {target.index[j]!r}",
                f"has a population share of 0 but {int(rows[j])} respondent(s)",
                "give it its population share, or drop those rows before raking",
                error=DataError,
            )
        coded.append((col, target.index, codes, t))

    worst = (np.inf, cols[0], 0, 0.0, 0.0)
    for _ in range(max_iter):
        for _col, _cats, codes, t in coded:
            tot = np.bincount(codes, weights=w, minlength=len(t))
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(tot > 0, t * w.sum() / tot, 1.0)
            w = w * factor[codes]
        if cap is not None:
            w = _trim(w, float(cap), func)
        worst = (0.0, cols[0], 0, 0.0, 0.0)
        for col, _cats, codes, t in coded:
            share = np.bincount(codes, weights=w, minlength=len(t)) / w.sum()
            gap = np.abs(share - t)
            j = int(np.argmax(gap))
            if gap[j] > worst[0]:
                worst = (float(gap[j]), col, j, float(share[j]), float(t[j]))
        if worst[0] <= tol:
            return pd.Series(w / w.mean(), index=df.index, name="weight")
    gap, col, j, got, want = worst
    value = next(c for name, c, _, _ in coded if name == col)[j]
    fail(
        func,
        f"margin {col!r} value {value!r}",
        f"is still {100 * got:.6f} % against a target of {100 * want:.6f} % after {max_iter} "
        f"passes (gap {gap:.3g} > tol {tol:g})",
        "check that the margins can hold together in these data (a category of one column "
        "that only occurs with one category of another forces their shares together: merge "
        "sparse categories), pass a larger max_iter or tol"
        + (", or a larger cap" if cap is not None else ""),
        error=DataError,
    )


def design_effect(weights: pd.Series | np.ndarray | Sequence[float]) -> float:
    """Kish's design effect of unequal weights: deff = n Σw² / (Σw)² = n / n_eff.

    The variance of a weighted mean is about ``deff`` times that of an unweighted mean of the
    same n (Kish 1965, §11.7); ``n_eff`` = (Σw)² / Σw² (:func:`cxm_lab.stats.kish_n`) is the
    sample size the weighted figures are worth. Equal weights give 1.

    Parameters
    ----------
    weights : Series, ndarray or list of float
        The weights of the n rows (finite, >= 0, not all 0; rows of weight 0 count in n).

    Returns
    -------
    float
        The design effect, >= 1.

    Raises
    ------
    ParameterError
        No weights, or a weight missing, infinite or negative, or all weights 0.

    Examples
    --------
    >>> design_effect([1.0, 1.0, 2.0])  # 3 × 6 / 4²
    1.125
    """
    func = "design_effect"
    w = pd.Series(np.asarray(weights, dtype=object).ravel(), dtype=object)
    fix = "pass the weights of every row (e.g. rake(...) or responses['weight'])"
    if w.empty:
        fail(func, "weights", "is empty", fix)
    x = check_weights(w.to_frame("weights"), "weights", np.ones(len(w), dtype=bool), func)
    if x.sum() <= 0:
        fail(func, "weights", "are all 0", fix)
    return len(x) / stats.kish_n(x)


def nonresponse_weights(
    responses: pd.DataFrame,
    invitations: pd.DataFrame,
    *,
    by: str | Sequence[str] = "channel",
    invited: str = "invited",
) -> pd.Series:
    """Inverse response-rate weights: each respondent stands for its cell's invitations.

    In cell c (a channel, or a combination of the ``by`` columns) with N_c invitations and
    k_c responses, the response rate is r_c = k_c / N_c (as in
    :func:`cxm_lab.metrics.response_rates`) and each respondent's weight is proportional to
    1 / r_c = N_c / k_c, then normalised to mean 1. The weighted share of cell c among the
    respondents is then N_c / Σ N over the responding cells: the invited mix. This corrects
    for who answers (phone answers more than e-mail) under the assumption that, within a cell,
    respondents answer like the non-respondents would (missing at random given the cell).
    Invitations of cells with no response at all cannot be represented; they are left out.

    Parameters
    ----------
    responses : DataFrame
        One row per response, with the ``by`` columns.
    invitations : DataFrame
        Invitation counts with the ``by`` columns and ``invited`` (several rows per cell are
        summed, e.g. one per touchpoint).
    by : str or list of str
        The cells: columns present in both tables (default ``"channel"``; e.g.
        ``["quarter", "channel"]`` weights each quarter to its own invited mix).
    invited : str
        Column of invitation counts (whole numbers >= 0).

    Returns
    -------
    Series
        The weights, aligned with ``responses`` (same index), named ``"weight"``, mean 1.

    Raises
    ------
    ColumnError
        A ``by`` column is missing from either table, or ``invited`` from ``invitations``.
    ParameterError
        ``by`` names no column, or ``invited`` is not a whole number >= 0 on every row.
    DataError
        ``responses`` is empty or has missing cell values, or a responding cell has no
        invitations or fewer invitations than responses (the message names the cell).

    Examples
    --------
    Two e-mail responses out of 10 invitations (rate 20 %) and one SMS out of 4 (25 %): the
    raw weights 5 and 4 become 15/14 and 12/14, and the weighted e-mail share 2 × 15/14 / 3 =
    10/14 is the invited share.

    >>> r = pd.DataFrame({"channel": ["email", "email", "sms"]})
    >>> inv = pd.DataFrame({"channel": ["email", "sms"], "invited": [10, 4]})
    >>> nonresponse_weights(r, inv).round(4).tolist()
    [1.0714, 1.0714, 0.8571]
    """
    func = "nonresponse_weights"
    check_frame(responses, func, name="responses")
    check_frame(invitations, func, name="invitations")
    cells = as_list(by)
    if not cells:
        fail(func, "by", "names no column", "pass the cell column(s), e.g. by='channel'")
    check_columns(responses, cells, func, "responses by column")
    check_columns(invitations, cells, func, "invitations by column")
    counts = check_counts(invitations, invited, func, "invited column", "invitation counts")
    if responses.empty:
        fail(func, "responses", "has no rows", "pass the responses to weight", error=DataError)
    missing = responses[cells].isna().any(axis=1).to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        fail(
            func,
            f"responses by column(s) {cells}",
            f"have missing values in {int(missing.sum())} row(s), first at row label "
            f"{row_label(responses.index[i])}",
            "fill the cell (e.g. the channel) of every response, or drop those rows",
            error=DataError,
        )
    got = responses.groupby(cells, observed=True).size().rename("_k").reset_index()
    inv = (
        invitations[cells].assign(_n=counts).groupby(cells, observed=True)["_n"].sum().reset_index()
    )
    table = got.merge(inv, on=cells, how="left", validate="one_to_one")
    table["_n"] = table["_n"].fillna(0.0)
    for mask, problem, fix_ in (
        (
            table["_n"] <= 0,
            "have responses but no invitations",
            "add their invitation counts to the invitations table (same cell values, same "
            "period), or drop those responses",
        ),
        (
            table["_n"] < table["_k"],
            "have more responses than invitations",
            "check that the invitations table covers every response's cell (and the same period)",
        ),
    ):
        if mask.any():
            shown = table.loc[mask, cells].head(5).to_dict("records")
            fail(
                func,
                f"cell(s) {shown}" + (f" and {int(mask.sum()) - 5} more" if mask.sum() > 5 else ""),
                problem,
                fix_,
                error=DataError,
            )
    table["_w"] = table["_n"] / table["_k"]  # 1 / response rate
    w = responses[cells].merge(table[[*cells, "_w"]], on=cells, how="left")["_w"].to_numpy()
    return pd.Series(w / w.mean(), index=responses.index, name="weight")
