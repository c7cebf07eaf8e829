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
