"""Search figures: display names, ax= for multi-panel figures, integer set-size ticks."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from psysim.i18n import plot_labels  # noqa: E402
from psysim.plots import error_rates_plot, rt_set_size_plot  # noqa: E402


def _cells(tasks=("feature", "conjunction")):
    rows = []
    for src in ("wolfe2010", "fit"):
        for task in tasks:
            for n in (3, 6, 12, 18):
                for tp in (True, False):
                    rows.append(dict(source=src, task=task, set_size=n, target_present=tp,
                                     mean_rt=500 + n * (10 if tp else 20), mean_rt_se=10.0, error_rate=0.01 * n))
    return pd.DataFrame(rows)


def _texts(fig):
    out = []
    for ax in fig.axes:
        out.append(ax.get_title())
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return out


def test_english_figures_show_display_names_not_codes():
    fig = rt_set_size_plot(_cells(), labels=plot_labels("en"))
    texts = _texts(fig)
    plt.close(fig)
    assert "Observers (Wolfe et al., 2010)" in texts and "FIT" in texts
    assert "Feature search" in texts and "Conjunction search" in texts
    assert "wolfe2010" not in texts and "fit" not in texts


def test_panels_go_into_the_axes_given():
    fig, axes = plt.subplots(2, 2)
    out = rt_set_size_plot(_cells(), labels=plot_labels("en"), ax=axes[0])
    error_rates_plot(_cells(), ax=axes[1])
    assert out is fig and len(fig.axes) == 4
    assert all(ax.lines for ax in axes.flat)
    assert [t for t in axes[0][0].get_xticks()] == [3, 6, 12, 18]  # integer set sizes only
    assert axes[1][0].get_ylabel() == "Errors (%)"
    with pytest.raises(ValueError, match="2 task"):
        rt_set_size_plot(_cells(), ax=axes[0][0])
    plt.close(fig)


def test_one_task_takes_a_single_axes():
    fig, ax = plt.subplots()
    rt_set_size_plot(_cells(("spatial",)), ax=ax)
    assert np.array_equal(ax.get_xticks(), [3, 6, 12, 18])
    plt.close(fig)


# -- saliency-popout and picture-naming figures ------------------------------------------------
def test_saliency_figures_draw_into_given_axes_with_display_names_and_integer_ticks():
    from psysim.plots.saliency import (
        first_fixation_plot,
        resolution_plot,
        saliency_map_panel,
        slopes_bar_plot,
    )

    rates = pd.DataFrame([dict(model=m, task=t, set_size=n, first_fixation_rate=0.5, mean_rank=2.0)
                          for m in ("saliency", "saliency-onoff") for t in ("feature", "spatial") for n in (3, 6, 12, 18)])
    fig, axes = plt.subplots(2, 3, figsize=(12, 7))
    assert first_fixation_plot(rates, ax=axes[0, :2]) is fig
    assert [t.get_text() for t in axes[0, 0].get_xticklabels()] == ["3", "6", "12", "18"]
    legend = [t.get_text() for t in axes[0, 1].get_legend().get_texts()]
    assert "feature – Itti-Koch (paper)" in legend and not any(x.startswith("saliency") for x in legend)
    res = pd.DataFrame([dict(model=m, size_px=s, top_rate=0.5) for m in ("saliency", "saliency-onoff") for s in (128, 256, 512)])
    resolution_plot(res, ax=axes[0, 2])
    assert [t.get_text() for t in axes[0, 2].get_legend().get_texts()] == ["Itti-Koch (paper)", "Itti-Koch (on/off cells)"]
    slopes = pd.DataFrame([dict(source=s, task="feature", target_present=tp, slope=1.0, ci_low=0.0, ci_high=2.0)
                           for s in ("wolfe2010", "saliency") for tp in (True, False)])
    slopes_bar_plot(slopes, ax=axes[1, :2])
    assert "Observers (Wolfe et al., 2010)" in [t.get_text() for t in axes[1, 0].get_legend().get_texts()]
    n_axes = len(fig.axes)
    saliency_map_panel(axes[1, 2], np.random.default_rng(0).random((8, 8)))
    assert len(fig.axes) == n_axes + 1  # the map got its colour bar
    with pytest.raises(ValueError, match="needs 2 axes"):
        first_fixation_plot(rates, ax=axes[0, 0])
    plt.close(fig)


def test_naming_figures_take_ax_and_language():
    from psysim.naming.plots import regime_plot, temperature_split_plot

    items = pd.DataFrame([dict(backbone="psysim-glyphs", regime=r, accuracy=0.5, top5=0.9, p_correct=0.4, entropy=2.0)
                          for r in ("transfer", "finetune") for _ in range(3)])
    fig, axes = plt.subplots(1, 4)
    assert regime_plot(items, ax=axes, lang="ja") is fig
    assert axes[3].get_title() == "エントロピー（ビット）"
    assert any("ファインチューニング" in t.get_text() for t in axes[0].get_xticklabels())
    splits = pd.DataFrame({"backbone": "b", "regime": "transfer", "T": [0.5, 1.0, 2.0], "delta_r2_test": [0.0, 0.1, -0.1]})
    fig2, axes2 = plt.subplots(2, 1)
    assert temperature_split_plot(splits, ax=axes2) is fig2
    assert axes2[1].get_xlabel() == "R² gain from entropy, test half"
    plt.close("all")
