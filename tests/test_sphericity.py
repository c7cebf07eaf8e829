"""Sphericity: Greenhouse-Geisser and Huynh-Feldt epsilon, Mauchly's test, corrected ANOVA.

Analytic cases (a spherical covariance gives eps = 1; all variance in one contrast gives the
lower bound 1/k) and agreement with pingouin on the same data, to well past 3 decimals.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from psysim.stats import anova_row_text, anova_text, rm_anova
from psysim.stats.sphericity import effect_contrasts, helmert, sphericity


def _long(y, levels=(3, 6, 12, 18)):
    """Subjects x set-size values as a one-factor summary table."""
    return pd.DataFrame(
        [dict(source="lab", task="conj", subject=s, set_size=n, target_present=True, mean_rt=y[s, i])
         for s in range(y.shape[0]) for i, n in enumerate(levels)])


def _violating(seed, n=10):
    """Two within factors (4 set sizes x presence); the noise grows with set size and observer."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n):
        sub = rng.normal(0, 50)
        for i, ss in enumerate((3, 6, 12, 18)):
            for tp in (False, True):
                noise = rng.normal(0, 10 + 30 * i * (1 + s % 3))
                rows.append(dict(source="lab", task="conj", subject=s, set_size=ss, target_present=tp,
                                 mean_rt=500 + sub + ss * (20 if tp else 40) + noise))
    return pd.DataFrame(rows)


def test_helmert_contrasts_are_orthonormal_and_sum_to_zero():
    for k in (2, 3, 4, 7):
        h = helmert(k)
        assert np.allclose(h.T @ h, np.eye(k - 1))
        assert np.allclose(h.sum(axis=0), 0)
    c = effect_contrasts((4, 2), (0, 1))
    assert c.shape == (8, 3) and np.allclose(c.T @ c, np.eye(3))


def test_spherical_covariance_gives_epsilon_one():
    # Y C has exactly equal, uncorrelated columns: S = c I
    k, n = 3, 12
    c = helmert(k + 1)
    x = np.random.default_rng(0).normal(size=(n, k))
    q, _ = np.linalg.qr(x - x.mean(axis=0))  # centred, orthonormal columns: equal variance, no covariance
    z = 5.0 * q
    y = z @ c.T + 600.0
    r = sphericity(y, c)
    assert r["eps_gg"] == pytest.approx(1.0) and r["eps_hf"] == pytest.approx(1.0)
    assert r["mauchly_w"] == pytest.approx(1.0) and r["mauchly_p"] == pytest.approx(1.0)


def test_one_contrast_carrying_all_variance_gives_the_lower_bound():
    k = 3
    c = helmert(k + 1)
    rng = np.random.default_rng(1)
    z = np.zeros((9, k))
    z[:, 1] = rng.normal(0, 30, 9)
    r = sphericity(z @ c.T, c)
    assert r["eps_gg"] == pytest.approx(1.0 / k)


def test_one_df_effects_are_spherical():
    r = rm_anova(_violating(4))
    tp = r[r.effect == "target_present"].iloc[0]
    assert tp.eps_gg == 1.0 and tp.p_gg == pytest.approx(tp.p) and np.isnan(tp.mauchly_w)


@pytest.mark.parametrize("seed", [3, 11])
def test_two_way_matches_pingouin(seed):
    pg = pytest.importorskip("pingouin")
    d = _violating(seed)
    ours = rm_anova(d).set_index("effect")
    ref = pg.rm_anova(data=d, dv="mean_rt", within=["set_size", "target_present"], subject="subject",
                      correction=True)
    ref["Source"] = ref["Source"].str.replace(" * ", ":", regex=False)
    ref = ref.set_index("Source")
    for effect in ("set_size", "set_size:target_present"):
        o, p = ours.loc[effect], ref.loc[effect]
        assert o.F == pytest.approx(p["F"], rel=1e-9)
        assert o.eps_gg == pytest.approx(p["eps"], abs=5e-4)
        assert o.p_gg == pytest.approx(p["p_GG_corr"], abs=5e-4)
        assert o.mauchly_w == pytest.approx(p["W_spher"], abs=5e-4)
        within = "set_size" if effect == "set_size" else ["set_size", "target_present"]
        hf = pg.epsilon(d, dv="mean_rt", within=within, subject="subject", correction="hf")
        assert o.eps_hf == pytest.approx(hf, abs=5e-4)
        # Mauchly's p: the plain chi-square approximation (as R's mauchly.test) on pingouin's statistic
        sph = pg.sphericity(d, dv="mean_rt", within=within, subject="subject")
        assert o.mauchly_p == pytest.approx(stats.chi2.sf(sph.chi2, sph.dof), abs=5e-4)
    # the corrected df are eps times the uncorrected ones
    s = ours.loc["set_size"]
    assert (s.df1_gg, s.df2_gg) == pytest.approx((3 * s.eps_gg, 27 * s.eps_gg))
    assert s.p_gg > s.p or s.p < 1e-12  # the correction is conservative


def test_wolfe2010_conjunction_set_size_matches_pingouin(wolfe_trials):
    pg = pytest.importorskip("pingouin")
    from psysim.stats import cell_summary

    summary = cell_summary(wolfe_trials)
    conj = summary[summary.task == "conjunction"]
    ours = rm_anova(conj).set_index("effect").loc["set_size"]
    d = conj[["subject", "set_size", "target_present", "mean_rt"]]
    ref = pg.rm_anova(data=d, dv="mean_rt", within=["set_size", "target_present"], subject="subject",
                      correction=True).set_index("Source").loc["set_size"]
    assert ours.eps_gg == pytest.approx(ref["eps"], abs=5e-4)
    assert ours.p_gg == pytest.approx(ref["p_GG_corr"], abs=5e-4)
    assert ours.eps_gg < 0.75  # the violation a reviewer would ask about is there


def test_one_factor_analytic_lower_bound_through_rm_anova():
    # all between-level variance in a single Helmert direction: eps = 1/3
    rng = np.random.default_rng(5)
    c = helmert(4)
    z = np.zeros((8, 3))
    z[:, 0] = rng.normal(0, 40, 8)
    y = z @ c.T + np.array([600, 650, 700, 800])
    r = rm_anova(_long(y), within=("set_size",)).iloc[0]
    assert r.eps_gg == pytest.approx(1 / 3)
    assert r.p_gg == pytest.approx(stats.f.sf(r.F, 1, 7))


def test_apa_text_reports_the_corrected_df():
    assert anova_text(41.2, 3, 27, 0.0001, 0.84, eps=0.34) == "F(1.02, 9.18) = 41.20, p < .001, ε = .34, ηp² = .84"
    assert anova_text(41.2, 3, 27, 0.0001, 0.84, eps=1.0) == "F(3, 27) = 41.20, p < .001, ηp² = .84"
    row = rm_anova(_violating(3)).set_index("effect").loc["set_size:target_present"]
    text = anova_row_text(row)
    assert text.startswith(f"F({3 * row.eps_gg:.2f}, {27 * row.eps_gg:.2f})") and "ε = ." in text
