"""The Japanese web font a report embeds: a subset of the shipped IPAexGothic, as base64 @font-face.

A Japanese report must read the same on a machine without any Japanese system font (a
student's Linux laptop, a projector PC, a CI runner). So :class:`psysim.report.Report` embeds
the glyphs its page uses, and only those, from IPAexGothic (the font psysim's figures already
use, shipped by ``matplotlib-fontja``), as a WOFF2 file where ``brotli`` is installed and WOFF
(zlib) otherwise; both are read by every current browser.

Licence. IPAexGothic is under the IPA Font License Agreement v1.0. A font embedded in a
document "only for the display of characters in the particular Digital Document File"
is an *Embedded Font* (Article 1.5), and distributing such a file brings no further
obligations (Article 2.5). The page still names the font, its licence and the IPA trademark
(:data:`NOTICE`), as the font's Readme asks of its users, and the subset keeps the font's own
name table (copyright and licence records) unchanged.

The subset is deterministic: the same text gives the same bytes (the font's timestamps are
not recalculated), so re-rendering a report does not change its font.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import io

from psysim.i18n import japanese_font_path

FAMILY = "psysim-ja"
"""The CSS family name of the embedded subset (not the font's own name: the page's CSS only)."""

NOTICE = {
    "en": (
        "Japanese text is set in a subset of IPAexGothic (IPAex Font, Ver.004.01), embedded only to display this file, "
        "under the IPA Font License Agreement v1.0 (https://opensource.org/licenses/IPA/). "
        "\u201cIPA Font\u201d is a registered trademark of IPA in Japan."
    ),
    "ja": (
        "日本語の文字は IPAexゴシック（IPAexフォント Ver.004.01）のサブセットで表示している。このファイルの表示のためだけに"
        "埋め込んだもので，IPAフォントライセンスv1.0（https://opensource.org/licenses/IPA/）に従う。"
        "「IPAフォント」は IPA の登録商標である。"
    ),
}
"""The font notice every page with the embedded font carries (see the module docstring)."""


def woff2_available() -> bool:
    """Whether fontTools can write WOFF2 here (it needs the ``brotli`` package)."""
    return importlib.util.find_spec("brotli") is not None


def page_characters(text: str) -> str:
    """The distinct characters of ``text`` a font must draw (sorted; whitespace other than the space dropped)."""
    chars = {ch for ch in text if not ch.isspace() and ord(ch) >= 0x20} | {" "}
    return "".join(sorted(chars))


@functools.lru_cache(maxsize=8)
def _subset(chars: str, flavor: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(japanese_font_path()), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = flavor
    options.hinting = False  # browsers do not use TrueType hints at screen sizes; a smaller file
    options.name_IDs = ["*"]  # keep every name record: copyright, licence, version
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]  # vertical forms, proportional widths: whatever the page's glyphs have
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = flavor
    font.save(buf)
    return buf.getvalue()


def subset_font(text: str, flavor: str | None = None) -> tuple[bytes, str]:
    """The IPAexGothic glyphs of ``text`` as a web font.

    Parameters
    ----------
    text : str
        Every string the page shows (characters may repeat; order does not matter).
    flavor : {"woff2", "woff", None}
        None: WOFF2 where ``brotli`` is installed, else WOFF.

    Returns
    -------
    (bytes, str)
        The font file and its CSS format name (``"woff2"`` or ``"woff"``).
    """
    if flavor is None:
        flavor = "woff2" if woff2_available() else "woff"
    if flavor not in ("woff2", "woff"):
        raise ValueError(f"flavor must be 'woff2' or 'woff', not {flavor!r}")
    return _subset(page_characters(text), flavor), flavor


def font_face_css(text: str, flavor: str | None = None) -> str:
    """An ``@font-face`` rule for :data:`FAMILY` holding the glyphs of ``text`` (base64 data URL)."""
    data, fmt = subset_font(text, flavor)
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;font-display:block;'
        f'src:url(data:font/{fmt};base64,{b64}) format("{fmt}")}}'
    )


def embedded_font(html_text: str):
    """The embedded subset of a page written by psysim, as a fontTools ``TTFont`` (None if none).

    For tests and checks: ``embedded_font(page).getBestCmap()`` is what the page can draw.
    """
    import re

    from fontTools.ttLib import TTFont

    m = re.search(r'font-family:"' + FAMILY + r'"[^}]*?src:url\(data:font/(woff2?);base64,([A-Za-z0-9+/=]+)\)', html_text)
    if m is None:
        return None
    return TTFont(io.BytesIO(base64.b64decode(m.group(2))))
