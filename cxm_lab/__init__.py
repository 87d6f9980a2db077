"""CXM Lab: a notebook-based workbench for customer-experience research and reporting.

The package holds all the analysis logic; notebooks in ``notebooks/`` only set parameters,
call it and show results. Modules, by responsibility:

- :mod:`cxm_lab.schema` and :mod:`cxm_lab.io`: declared input schemas, reading CSV/Parquet/Excel
  with a reject table (read = used + rejected).
- :mod:`cxm_lab.metrics`: NPS, eNPS, CSAT, CES with confidence intervals, changes and targets.
- :mod:`cxm_lab.demo`: the embedded, seeded, synthetic demo company.
- :mod:`cxm_lab.text`: language detection, multilingual sentiment and themes.
- :mod:`cxm_lab.drivers`, :mod:`cxm_lab.revenue`, :mod:`cxm_lab.loop`: why and how much.
- :mod:`cxm_lab.pipeline`, :mod:`cxm_lab.render`, :mod:`cxm_lab.cli`: the quarterly run.

Importing the package is cheap: submodules load their heavy dependencies on use.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
