"""The Qt user interface: the only package that imports PySide6 and pyqtgraph."""

from fxcost.ui.compat import protect_singletons

# Applied on first import of any UI module (app, tests, benchmarks alike): PySide6 6.12.0 on Python 3.11
# aborts the interpreter after a few thousand signal emissions otherwise (see fxcost.ui.compat).
protect_singletons()
