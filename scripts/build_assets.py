"""Copy the front-end assets into static/vendor/, ready for whitenoise to serve locally.

Sources: NHS.UK frontend and htmx from node_modules (installed by `npm ci` from
package-lock.json) and plotly.js from the plotly Python package. The NHS.UK stylesheet
is rewritten so that it asks no other host for anything: its image URLs become relative
to the stylesheet, and its Frutiger web fonts (served from the NHS.UK CDN and licensed
for nhs.uk only) are dropped, so browsers use the design system's Arial fallback.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"
FONT_FACE = re.compile(r"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}")


def build() -> None:
    nhsuk = NODE / "nhsuk-frontend" / "dist" / "nhsuk"
    if not nhsuk.exists():
        sys.exit("node_modules/nhsuk-frontend is missing: run `npm ci` first (make does).")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    (VENDOR / "nhsuk").mkdir(parents=True)
    css = (nhsuk / "nhsuk-frontend.min.css").read_text()
    css = FONT_FACE.sub("", css).replace("url(/assets/", "url(assets/")
    if "assets.nhs.uk" in css or "url(/" in css:
        sys.exit("nhsuk-frontend.min.css still refers to another host or an absolute path")
    (VENDOR / "nhsuk" / "nhsuk-frontend.min.css").write_text(css)
    shutil.copy(nhsuk / "nhsuk-frontend.min.js", VENDOR / "nhsuk" / "nhsuk-frontend.min.js")
    shutil.copytree(nhsuk / "assets", VENDOR / "nhsuk" / "assets")
    (VENDOR / "htmx").mkdir()
    shutil.copy(NODE / "htmx.org" / "dist" / "htmx.min.js", VENDOR / "htmx" / "htmx.min.js")
    (VENDOR / "plotly").mkdir()
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copy(plotly_js, VENDOR / "plotly" / "plotly.min.js")
    print(f"assets: built {sum(1 for _ in VENDOR.rglob('*') if _.is_file())} files in {VENDOR}")


if __name__ == "__main__":
    build()
