"""APA 7 details of the HTML report: italic statistics, true minus signs, fixed parameters."""

import pandas as pd

from psysim.report.html import Report, apa_html


def test_statistics_are_italic_and_greek_letters_upright():
    out = apa_html("F(1.02, 9.19) = 22.40, p &lt; .001, ε = .34, ηp² = .71")
    assert out.startswith("<i>F</i>(1.02") and "<i>p</i> &lt; .001" in out
    assert "<i>ε</i>" not in out and "<i>ηp²</i>" not in out


def test_negative_numbers_get_a_true_minus_and_ranges_keep_their_hyphen():
    out = apa_html("b = -0.72 ms/item, 95% CI [-1.07, -0.36]; set sizes 3-18; q10-q90; R² = -.12")
    assert "−0.72" in out and "[−1.07, −0.36]" in out and "= −.12" in out
    assert "3-18" in out and "q10-q90" in out and "-0.72" not in out


def test_a_rendered_report_uses_them_in_text_bullets_and_tables():
    r = Report("x")
    r.text("Slope b = -1.5 ms/item.")
    r.bullets(["t(9) = 2.10, p = .065"])
    r.table(pd.DataFrame({"slope": [-1.5, 2.0]}))
    html = r.render()
    assert "<i>b</i> = −1.5" in html and "<i>t</i>(9)" in html and "<i>p</i> = .065" in html
    assert "<td>−1.50</td>" in html
