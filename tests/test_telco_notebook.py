"""The real-data case study notebook (needs ../shared/data, so it is not part of nbval's run)."""

from __future__ import annotations

import nbformat
import papermill as pm


def test_telco_case_notebook_runs_on_real_data(shared_data, repo_root, tmp_path):
    out = tmp_path / "06.ipynb"
    pm.execute_notebook(
        str(repo_root / "notebooks" / "06_telco_case.ipynb"),
        str(out),
        kernel_name="python3",
        cwd=str(repo_root / "notebooks"),
        progress_bar=False,
        parameters={"telco_dir": str(shared_data / "en_ibm_telco_churn_v11")},
    )
    nb = nbformat.read(out, as_version=4)
    text = "".join(
        o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", [])
    )
    text = text.replace("\\", "")  # Markdown escapes: "7\\,043" reads "7,043"
    assert "7,043" in text or "7043" in text
    assert "not causal" in text.lower() or "observational" in text.lower()
