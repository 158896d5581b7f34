"""The typed, Qt-free summary of an analysis: every figure the views, the JSON, the text and the exports show.

Layers (issue 10): model -> importers/portfolio -> analysis -> pipeline/session -> summary -> report/ui. Built
once per result (:func:`build`); the surfaces only format it.
"""

from fxcost.summary.build import IbSummary, KeyFigures, Summary, build, key_figures

__all__ = ["IbSummary", "KeyFigures", "Summary", "build", "key_figures"]
