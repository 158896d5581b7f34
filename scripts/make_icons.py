"""Render assets/icons/fxcost.svg into the PNGs and the Windows .ico (run after editing the SVG).

PyInstaller turns the 256 px PNG into the executable's .ico / .icns at build time (with Pillow); the .ico written
here is for the Inno Setup installer. The SVG stays the single source. Run: python scripts/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
SIZES = (16, 32, 64, 128, 256, 512)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs it)
    renderer = QSvgRenderer(str(ICONS / "fxcost.svg"))
    if not renderer.isValid():
        print("fxcost.svg could not be read", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / f"fxcost-{size}.png"
        image.save(str(out))
        print(out.relative_to(ICONS.parent.parent))
    from PIL import Image  # a dev requirement, as for PyInstaller's own icon conversion

    ico = ICONS / "fxcost.ico"
    Image.open(ICONS / "fxcost-256.png").save(ico, sizes=[(s, s) for s in SIZES if s <= 256])
    print(ico.relative_to(ICONS.parent.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
