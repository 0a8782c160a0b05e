"""Make docs/page.png: the companion page (``nnderive html``) as a browser shows it, at Alice.

Usage (needs Playwright for Python and a Chromium; Debian: apt-get install chromium)::

    python tools/page_screenshot.py docs/page.png --force

The page is built by nnderive, opened from a temporary file in headless
Chromium, the chain of ∂L/∂w1 chosen, and the top of the page photographed.
Playwright's own browser download is not needed: the system's Chromium is used.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from derivations.page import build_page

#: the part of the page photographed: the network, the chain of dL/dw1 and the sliders
VIEWPORT = {"width": 1240, "height": 800}


def screenshot(output, chromium="/usr/bin/chromium"):
    """Write the screenshot to ``output`` (PNG)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as directory:
        page_file = Path(directory) / "page.html"
        page_file.write_text(build_page(), encoding="utf-8")
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.goto(page_file.as_uri())
            page.wait_for_selector("body.ready")
            page.click('.network .edge[data-param="w1"] line.hit', force=True)
            page.screenshot(path=str(output))
            browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="the PNG file to write (e.g. docs/page.png)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    parser.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    args = parser.parse_args(argv)
    if os.path.exists(args.output) and not args.force:
        print(f"page_screenshot: {args.output} exists; use --force to overwrite it", file=sys.stderr)
        return 2
    screenshot(args.output, args.chromium)
    return 0


if __name__ == "__main__":
    sys.exit(main())
