"""Render a psysim report in headless Chromium and find the text that falls back to another font.

The check (used by ``tests/test_report_font.py``): the page is laid out three times,
with every element's font replaced by

- A: the report's embedded font, then a *probe* font A as the only fallback;
- B: the same, with probe font B instead;
- P: probe A alone (the fallback-only rendering).

The probe fonts are made here: every character of the page maps to one blank glyph, 2 em wide
in A and 3 em wide in B. A character the embedded font draws never reaches a probe, so its
width is the same in A and B; a character it lacks is drawn by the probe and is 1 em wider in
B. So a text node whose A and B widths differ contains a glyph that falls back (on a user's
machine it would be drawn by some system font, or as an empty box), and the page's own
``font-family`` must start with the embedded font on every element that shows text. P must
differ from A wherever there is text: that proves the embedded font was loaded and used, not
only that the probes agreed.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def probe_font(chars: str, advance_em: float) -> bytes:
    """A TrueType font mapping every character of ``chars`` to one blank glyph ``advance_em`` wide."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    upm = 1000
    fb = FontBuilder(upm, isTTF=True)
    names = [".notdef", "probe"]
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): "probe" for c in chars})
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({n: empty for n in names})
    adv = int(advance_em * upm)
    fb.setupHorizontalMetrics({".notdef": (adv, 0), "probe": (adv, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": f"probe{adv}", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


_SCRIPT = r"""
<script>
(async () => {
  const out = document.createElement('pre'); out.id = 'psysim-font-check';
  const fam = FAMILY;
  const nodes = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.nodeValue.trim() && !n.parentElement.closest('script,style,pre#psysim-font-check')) nodes.push(n);
  }
  const firstFamily = [];
  for (const n of nodes) {
    const f = getComputedStyle(n.parentElement).fontFamily.split(',')[0].replace(/["']/g, '').trim();
    if (f !== fam) firstFamily.push([n.parentElement.tagName, f, n.nodeValue.slice(0, 40)]);
  }
  const widths = () => nodes.map(n => {
    const r = document.createRange(); r.selectNodeContents(n);
    let w = 0; for (const rect of r.getClientRects()) w += rect.width; return w;
  });
  const style = document.createElement('style'); document.head.appendChild(style);
  const layout = async (families) => {
    style.textContent = '*{font-family:' + families + ' !important}';
    await document.fonts.ready;
    for (const f of document.fonts) { if (f.status !== 'loaded') await f.load().catch(() => null); }
    document.body.offsetHeight;
    return widths();
  };
  const A = await layout('"' + fam + '","probe2000"');
  const B = await layout('"' + fam + '","probe3000"');
  const P = await layout('"probe2000"');
  const fallback = [], unused = [];
  nodes.forEach((n, i) => {
    if (Math.abs(A[i] - B[i]) > 0.01) fallback.push(n.nodeValue.slice(0, 80));
    if (Math.abs(A[i] - P[i]) <= 0.01) unused.push(n.nodeValue.slice(0, 80));
  });
  const fonts = [...document.fonts].map(f => [f.family.replace(/["']/g, ''), f.status]);
  out.textContent = JSON.stringify({n_nodes: nodes.length, firstFamily, fallback, unused, fonts});
  document.body.appendChild(out);
})();
</script>
"""


def check_page(html_path, chromium: str | None = None, workdir=None, timeout: float = 120.0) -> dict:
    """Lay a psysim report out in headless Chromium (see the module docstring) and return the findings.

    Returns
    -------
    dict
        ``n_nodes`` (text nodes checked), ``firstFamily`` (elements whose font list does not start
        with the embedded font), ``fallback`` (text nodes with a glyph the embedded font lacks),
        ``unused`` (text nodes laid out as if the embedded font were absent), ``fonts``
        (the page's font faces and their load status).
    """
    from psysim.report.fonts import FAMILY

    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("no chromium executable on PATH")
    page = Path(html_path).read_text(encoding="utf-8")
    body = re.sub(r"data:(?:image|font)/[^\"')]+", "", page)
    chars = "".join(sorted({c for c in body if ord(c) >= 0x20}))
    faces = "".join(
        f'@font-face{{font-family:"probe{adv}";src:url(data:font/ttf;base64,'
        f'{base64.b64encode(probe_font(chars, adv / 1000)).decode()}) format("truetype")}}'
        for adv in (2000, 3000)
    )
    script = _SCRIPT.replace("FAMILY", json.dumps(FAMILY))
    probed = page.replace("</head>", f"<style>{faces}</style></head>", 1).replace("</body>", script + "</body>", 1)
    workdir = Path(workdir or Path(html_path).parent)
    test_page = workdir / "font_check.html"
    test_page.write_text(probed, encoding="utf-8")
    profile = workdir / "chromium-profile"
    cmd = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--virtual-time-budget=20000",
        "--dump-dom", test_page.resolve().as_uri(),
    ]
    env = {**os.environ, "HOME": str(workdir)}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    m = re.search(r'<pre id="psysim-font-check">(.*?)</pre>', proc.stdout, re.S)
    if m is None:
        raise RuntimeError(f"chromium gave no result (exit {proc.returncode}): {proc.stderr[-2000:]}")
    import html as _html

    return json.loads(_html.unescape(m.group(1)))


def assert_renders_without_fallback(html_path, workdir) -> dict:
    """In headless Chromium, every text node of the page is drawn with the embedded font.

    Where no Chromium is installed: the calling test is skipped with the reason, except in CI
    (``CI`` set and ``.ci/run`` did not report a failed install in ``PSYSIM_NO_CHROMIUM``), where
    a missing browser fails the test.
    """
    import pytest

    from psysim.report.fonts import FAMILY

    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("CI") and not os.environ.get("PSYSIM_NO_CHROMIUM"):
            pytest.fail("CI: chromium not found on PATH, though .ci/run installs it")
        pytest.skip(os.environ.get("PSYSIM_NO_CHROMIUM") or "Chromium is not installed (apt-get install chromium)")
    res = check_page(html_path, chromium, workdir=workdir)
    assert [FAMILY, "loaded"] in res["fonts"], res["fonts"]
    assert res["n_nodes"] > 10
    assert res["firstFamily"] == [], res["firstFamily"][:5]
    assert res["fallback"] == [], res["fallback"][:5]
    assert res["unused"] == [], res["unused"][:5]
    return res
