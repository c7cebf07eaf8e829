"""A self-contained HTML report: text, tables and figures in one file.

Figures are embedded as base64 PNG, styles are inline, nothing is loaded from the network, so
the file can be mailed, archived or projected offline. A Japanese page (and any page with
characters from U+3000 on) also embeds the glyphs it uses from IPAexGothic
(:mod:`psysim.report.fonts`), so its text renders on a machine without a Japanese font. A report knows nothing of statistics:
experiments give it finished text, tables and figures.
"""

from __future__ import annotations

import base64
import html
import io
import re
import time

import numpy as np
import pandas as pd

from psysim.i18n import check_lang, t
from psysim.paths import HTML_GENERATOR
from psysim.report.fonts import FAMILY, NOTICE, font_face_css

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.7rem;border-bottom:2px solid #444}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #bbb}
table{border-collapse:collapse;margin:0.8rem 0;font-size:0.9rem}th,td{border:1px solid #ccc;padding:0.2rem 0.5rem;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}figure{margin:1rem 0}figcaption{font-size:0.9rem;color:#444}
img{max-width:100%}.note{background:#fff8e0;border-left:4px solid #e0b000;padding:0.5rem 1rem}.meta{font-size:0.85rem;color:#555}
.cite{font-size:0.9rem}
"""
# Japanese text: the embedded subset first (the same glyphs on every machine), then fonts that
# browsers on macOS, Windows and Linux have, should the page be edited to show more characters.
_CSS_LANG = {
    "ja": 'body{font-family:"' + FAMILY + '","Hiragino Kaku Gothic ProN","Hiragino Sans","Yu Gothic","Meiryo",'
          '"Noto Sans JP","Noto Sans CJK JP",sans-serif;line-height:1.7}'
}
# an English page with a few Japanese characters (a picture's Japanese name): the subset after the Latin fonts
_CSS_CJK_FALLBACK = 'body{font-family:-apple-system,Segoe UI,Helvetica,Arial,"' + FAMILY + '",sans-serif}'
_DATA_URL = re.compile(r"data:(?:image|font)/[^\"')]+")  # embedded files: base64, ASCII only


# APA 7 (sections 6.42-6.44): Latin statistical symbols in italics, Greek ones (η, ε) upright,
# and a true minus sign (U+2212) for negative numbers.
_STAT = re.compile(r"(?<![\w/.])(F|t|p|b|r|R²|n|N|M|SD|χ²)(?=\(|\s=\s|\s&lt;\s|\s&gt;\s)")
_NEG = re.compile(r"(?<![\w.])-(?=\.?\d)")


def apa_html(escaped: str) -> str:
    """APA details on already-escaped text: italic statistics and a true minus sign.

    ``F(1.02, 9.19) = 22.40, p < .001`` gets ``<i>F</i>`` and ``<i>p</i>``; ``b = -0.7`` gets
    U+2212 for its minus. Hyphens inside words and ranges (``q10-q90``, ``2-vs-5``) are left.
    """
    return _STAT.sub(r"<i>\1</i>", _NEG.sub("\u2212", escaped))


def _num(x: float, digits: int) -> str:
    return _NEG.sub("\u2212", f"{x:.{digits}f}")


def figure_to_base64(fig, dpi: int = 110) -> str:
    """A matplotlib figure as base64 PNG text, for embedding in the HTML.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (left open).
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    str
        ASCII base64 of the PNG bytes (without matplotlib's ``Software`` tag).
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


class Report:
    """Collects sections and writes one self-contained HTML file.

    Parameters
    ----------
    title : str
        The report's title (page title and first heading).
    lang : {"en", "ja"}
        Language of the texts psysim adds (headings of citations, table values such as yes/no)
        and of the page; a Japanese report embeds its web font.

    Examples
    --------
    >>> r = Report("Visual search")
    >>> r.heading("Slopes"); r.text("Search was efficient."); r.table(df)
    >>> r.write("report.html")
    """

    def __init__(self, title: str, lang: str = "en"):
        self.title = title
        self.lang = check_lang(lang)
        self._parts: list[str] = []
        self._citations: list[tuple[str, str]] = []

    def heading(self, text: str, level: int = 2):
        self._parts.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def text(self, text: str, cls: str | None = None):
        """A paragraph of plain text (escaped). Blank lines start new paragraphs."""
        attr = f' class="{cls}"' if cls else ""
        for para in str(text).split("\n\n"):
            if para.strip():
                self._parts.append(f"<p{attr}>{apa_html(html.escape(para.strip()))}</p>")

    def bullets(self, items):
        lis = "".join(f"<li>{apa_html(html.escape(str(i)))}</li>" for i in items)
        self._parts.append(f"<ul>{lis}</ul>")

    def note(self, text: str):
        self.text(text, cls="note")

    def table(self, df: pd.DataFrame, caption: str | None = None, digits: int = 2, max_rows: int = 200):
        """A table (escaped), numbers with ``digits`` decimals and a true minus sign, missing values
        as "–" and booleans as yes/no in the report's language (one table style for every report)."""
        shown = df.head(max_rows).copy()
        for col in shown.columns:
            values = shown[col]
            if values.dtype == bool or (values.dtype == object and len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all()):
                shown[col] = [t("yes" if v else "no", self.lang) for v in values]
        body = shown.to_html(index=False, float_format=lambda x: _num(x, digits), border=0, na_rep="–", escape=True)
        cap = f"<p><em>{html.escape(caption)}</em></p>" if caption else ""
        more = f"<p class='meta'>{html.escape(t('report.more_rows', self.lang, n=len(df) - max_rows))}</p>" if len(df) > max_rows else ""
        self._parts.append(cap + body + more)

    def figure(self, fig, caption: str = ""):
        """Embed a matplotlib figure (and close it)."""
        import matplotlib.pyplot as plt

        data = figure_to_base64(fig)
        plt.close(fig)
        self._parts.append(
            f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def cite(self, citation: str, licence: str = ""):
        if (citation, licence) not in self._citations:
            self._citations.append((citation, licence))

    def render(self, metadata: dict | None = None) -> str:
        parts = [f"<h1>{html.escape(self.title)}</h1>", *self._parts]
        if self._citations:
            parts.append(f"<h2>{html.escape(t('report.references', self.lang))}</h2><ul class='cite'>")
            for c, lic in self._citations:
                extra = f" <em>{html.escape(t('report.licence', self.lang, licence=lic))}</em>" if lic else ""
                parts.append(f"<li>{html.escape(c)}{extra}</li>")
            parts.append("</ul>")
        if metadata:
            rows = "".join(
                f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in metadata.items()
            )
            parts.append(f"<h2>{html.escape(t('report.run', self.lang))}</h2><table class='meta'>{rows}</table>")
        made = t("report.made_by", self.lang, date=time.strftime("%Y-%m-%d"))
        parts.append(f"<p class='meta'>{html.escape(made)}</p>")
        css = _CSS + _CSS_LANG.get(self.lang, "")
        shown = self.title + html.unescape(_DATA_URL.sub("", "".join(parts)))
        if self.lang == "ja" or any(ord(ch) >= 0x3000 for ch in shown):
            notice = NOTICE[self.lang] if self.lang in NOTICE else NOTICE["en"]
            parts.append(f"<p class='meta font'>{html.escape(notice)}</p>")
            css = font_face_css(shown + notice) + css + ("" if self.lang == "ja" else _CSS_CJK_FALLBACK)
        head = [
            "<!DOCTYPE html>",
            f'<html lang="{self.lang}"><head><meta charset="utf-8">{HTML_GENERATOR}',
            f"<title>{html.escape(self.title)}</title><style>{css}</style></head><body>",
        ]
        return "\n".join(head + parts) + "\n</body></html>"

    def write(self, path, metadata: dict | None = None):
        from psysim.atomic import atomic_write_text

        return atomic_write_text(path, self.render(metadata))
