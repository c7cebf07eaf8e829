"""Report language: an English/Japanese message catalogue and the Japanese font for figures.

psysim's reports, table headers and figure labels can be written in English (``"en"``, the
default) or Japanese (``"ja"``), for teaching the course psysim grew from. Every string a
report shows is looked up here by key, so adding a language is adding one column to the
catalogue, and a test (``tests/test_i18n.py``) checks that no key lacks a translation and
that the shipped Japanese font draws every character the Japanese catalogue uses.

Terminology follows the usage of Japanese cognitive psychology textbooks and the course:
特徴統合理論 (Feature Integration Theory), 誘導探索 (Guided Search), 顕著性マップ (saliency
map), クラス活性化マップ (class activation map), ソフトマックス関数 (softmax function),
逆温度 (inverse temperature), セットサイズ (set size), 標的 / 妨害刺激 (target / distractor),
探索関数の傾き (search slope). See :data:`TERMS`.

Figures in Japanese need a font with Japanese glyphs. psysim uses IPAexGothic, shipped on
PyPI inside the ``matplotlib-fontja`` package (IPA Font License v1.0), which psysim depends
on. :func:`plot_style` registers it with matplotlib and makes it the figure font, with DejaVu
Sans (matplotlib's own font) as the per-glyph fallback.

Examples
--------
>>> from psysim.i18n import t, translate_table
>>> t("axis.set_size", "ja")
'セットサイズ（項目数）'
>>> t("vs.slope_line", "en", who="FIT", task="conjunction", presence="target-present", stat="b = 9.0 ms/item")
'FIT, conjunction search, target-present: b = 9.0 ms/item.'
"""

from __future__ import annotations

import contextlib
import importlib.util
import string
from collections.abc import Iterable, Mapping
from pathlib import Path

from psysim.errors import PsysimError
from psysim.i18n_cnn import CNN  # the cnn-search report's texts
from psysim.i18n_distillation import DISTILLATION  # the distillation report's texts
from psysim.i18n_naming import NAMING  # the picture-naming report's texts
from psysim.i18n_saliency import (
    SALIENCY,  # the saliency-popout and saliency-fixations reports' texts
)
from psysim.i18n_softmax import SOFTMAX  # the softmax-temperature report's texts
from psysim.i18n_ssl import SSL  # the self-supervised report's texts

LANGUAGES = ("en", "ja")
"""Supported report languages (ISO 639-1 codes)."""

FONT_PACKAGE = "matplotlib_fontja"
"""The PyPI package (``matplotlib-fontja``) that ships the Japanese font file."""
FONT_FAMILY = "IPAexGothic"
FONT_FILE = "ipaexg.ttf"

# -- the catalogue ---------------------------------------------------------------------------
# key -> {language: text}. Texts may hold str.format fields ({name}); every language of a key
# must use the same fields (tested).

TERMS: dict[str, dict[str, str]] = {
    "term.feature_integration_theory": {"en": "Feature Integration Theory", "ja": "特徴統合理論"},
    "term.guided_search": {"en": "Guided Search", "ja": "誘導探索"},
    "term.competitive_guided_search": {"en": "Competitive Guided Search", "ja": "競合的誘導探索"},
    "term.saliency_map": {"en": "saliency map", "ja": "顕著性マップ"},
    "term.feature_map": {"en": "feature map", "ja": "特徴マップ"},
    "term.conspicuity_map": {"en": "conspicuity map", "ja": "次元別顕著性マップ（コンスピキュイティ・マップ）"},
    "term.gaussian_pyramid": {"en": "Gaussian pyramid", "ja": "ガウシアン・ピラミッド"},
    "term.centre_surround": {"en": "centre-surround difference", "ja": "中心–周辺差分"},
    "term.normalisation": {"en": "normalisation operator N(·)", "ja": "正規化演算子 N(·)"},
    "term.winner_take_all": {"en": "winner-take-all", "ja": "勝者総取り"},
    "term.inhibition_of_return": {"en": "inhibition of return", "ja": "復帰抑制"},
    "term.class_activation_map": {"en": "class activation map", "ja": "クラス活性化マップ"},
    "term.grad_cam": {"en": "Grad-CAM", "ja": "Grad-CAM（勾配重み付きクラス活性化マップ）"},
    "term.softmax": {"en": "softmax function", "ja": "ソフトマックス関数"},
    "term.sigmoid": {"en": "sigmoid function", "ja": "シグモイド関数"},
    "term.inverse_temperature": {"en": "inverse temperature", "ja": "逆温度"},
    "term.temperature": {"en": "temperature", "ja": "温度"},
    "term.boltzmann": {"en": "Boltzmann distribution", "ja": "ボルツマン分布"},
    "term.partition_function": {"en": "partition function", "ja": "分配関数"},
    "term.transfer_learning": {"en": "transfer learning", "ja": "転移学習"},
    "term.fine_tuning": {"en": "fine-tuning", "ja": "ファインチューニング"},
    "term.data_augmentation": {"en": "data augmentation", "ja": "データ拡張"},
    "term.picture_naming": {"en": "picture naming", "ja": "絵画命名"},
    "term.visual_search": {"en": "visual search", "ja": "視覚探索"},
    "term.target": {"en": "target", "ja": "標的"},
    "term.distractor": {"en": "distractor", "ja": "妨害刺激"},
    "term.set_size": {"en": "set size", "ja": "セットサイズ"},
    "term.search_slope": {"en": "search slope", "ja": "探索関数の傾き"},
    "term.reaction_time": {"en": "reaction time", "ja": "反応時間"},
    "term.serial_self_terminating": {"en": "serial self-terminating search", "ja": "系列的自己打ち切り型探索"},
}
"""Course terms (also used by the Japanese tutorials)."""

LABELS: dict[str, dict[str, str]] = {
    # tasks
    "task.feature": {"en": "feature", "ja": "特徴探索"},
    "task.conjunction": {"en": "conjunction", "ja": "結合探索"},
    "task.spatial": {"en": "spatial configuration", "ja": "空間配置探索"},
    "task.orientation": {"en": "orientation", "ja": "方位探索"},
    # target presence
    "target.True": {"en": "present", "ja": "標的あり"},
    "target.False": {"en": "absent", "ja": "標的なし"},
    # data sources (human data sets and models)
    "source.wolfe2010": {"en": "wolfe2010", "ja": "参加者（Wolfe et al., 2010）"},
    "source.fit": {"en": "fit", "ja": "特徴統合理論（FIT）"},
    "source.gs": {"en": "gs", "ja": "誘導探索（GS 2.0）"},
    "source.cgs": {"en": "cgs", "ja": "競合的誘導探索（CGS）"},
    "source.gs6": {"en": "gs6", "ja": "誘導探索（GS 6.0）"},
    "source.saliency": {"en": "saliency", "ja": "顕著性マップによる探索"},
    "source.softmax": {"en": "softmax", "ja": "ソフトマックス選択による探索"},
    # statistics methods and ANOVA effects
    "method.t over subjects": {"en": "t over subjects", "ja": "参加者間の t 分布"},
    "method.OLS over trials": {"en": "OLS over trials", "ja": "試行単位の最小二乗法"},
    "method.OLS over cell means": {"en": "OLS over cell means", "ja": "セル平均の最小二乗法"},
    "effect.set_size": {"en": "set size", "ja": "セットサイズ"},
    "effect.target_present": {"en": "target presence", "ja": "標的の有無"},
    "effect.set_size:target_present": {"en": "set size × target presence", "ja": "セットサイズ × 標的の有無"},
    # table headers
    "col.source": {"en": "source", "ja": "データ"},
    "col.subject": {"en": "subject", "ja": "参加者"},
    "col.task": {"en": "task", "ja": "課題"},
    "col.set_size": {"en": "set size", "ja": "セットサイズ"},
    "col.target_present": {"en": "target", "ja": "標的"},
    "col.slope": {"en": "slope (ms/item)", "ja": "傾き（ms/項目）"},
    "col.ci_low": {"en": "95% CI low", "ja": "95% CI 下限"},
    "col.ci_high": {"en": "95% CI high", "ja": "95% CI 上限"},
    "col.intercept": {"en": "intercept (ms)", "ja": "切片（ms）"},
    "col.n_subjects": {"en": "observers", "ja": "参加者数"},
    "col.method": {"en": "CI method", "ja": "CI の算出法"},
    "col.absent_slope": {"en": "absent slope", "ja": "標的なしの傾き"},
    "col.present_slope": {"en": "present slope", "ja": "標的ありの傾き"},
    "col.ratio": {"en": "absent:present", "ja": "なし／あり比"},
    "col.effect": {"en": "effect", "ja": "効果"},
    "col.F": {"en": "F", "ja": "F"},
    "col.df1": {"en": "df1", "ja": "自由度1"},
    "col.df2": {"en": "df2", "ja": "自由度2"},
    "col.p": {"en": "p", "ja": "p"},
    "col.eta_p2": {"en": "ηp²", "ja": "ηp²"},
    "col.rmse_ms": {"en": "RMSE (ms)", "ja": "RMSE（ms）"},
    "col.r2": {"en": "R²", "ja": "R²"},
    "col.n_cells": {"en": "cells", "ja": "セル数"},
    "col.error_rmse_pct": {"en": "error RMSE (%)", "ja": "誤反応率の RMSE（%）"},
    "col.chi2": {"en": "χ²", "ja": "χ²"},
    "col.bic": {"en": "BIC", "ja": "BIC"},
    "col.n_trials": {"en": "trials", "ja": "試行数"},
    "col.mean_rt": {"en": "mean RT (ms)", "ja": "平均 RT（ms）"},
    "col.mean_rt_se": {"en": "SE (ms)", "ja": "標準誤差（ms）"},
    "col.error_rate": {"en": "error rate", "ja": "誤反応率"},
    "col.param_base": {"en": "base (ms)", "ja": "基礎時間（ms）"},
    "col.param_base_sd": {"en": "base SD (ms)", "ja": "基礎時間の SD（ms）"},
    "col.param_per_item": {"en": "per item (ms/item)", "ja": "1項目あたりの時間（ms/項目）"},
    "col.param_item_cv": {"en": "item CV", "ja": "項目時間の変動係数"},
    "col.param_absent_offset": {"en": "absent offset (ms)", "ja": "標的なし反応の追加時間（ms）"},
    "col.param_p_miss": {"en": "p(miss)", "ja": "見落とし確率"},
    "col.param_p_guess": {"en": "p(guess present)", "ja": "「あり」推測確率"},
    # figure labels
    "axis.set_size": {"en": "Set size (items)", "ja": "セットサイズ（項目数）"},
    "axis.mean_rt": {"en": "Mean correct RT (ms)", "ja": "平均正反応時間（ms）"},
    "axis.errors": {"en": "Errors (%)", "ja": "誤反応率（%）"},
    "legend.source": {"en": "source", "ja": "データ"},
    "legend.target": {"en": "target", "ja": "標的"},
}
"""Labels of data values, table columns and figure axes."""

REPORT: dict[str, dict[str, str]] = {
    # the report frame (psysim.report.Report)
    "report.references": {"en": "References and licences", "ja": "引用文献とライセンス"},
    "report.licence": {"en": "Licence: {licence}", "ja": "ライセンス：{licence}"},
    "report.run": {"en": "Run", "ja": "実行情報"},
    "report.made_by": {"en": "Made by psysim on {date}.", "ja": "psysim により {date} に作成。"},
    "report.more_rows": {"en": "({n} more rows in the CSV file)", "ja": "（残りの {n} 行は CSV ファイルにあります）"},
    "meta.experiment": {"en": "experiment", "ja": "実験"},
    "meta.seed": {"en": "seed", "ja": "乱数シード"},
    "meta.quick": {"en": "quick", "ja": "簡易設定"},
    "meta.language": {"en": "language", "ja": "言語"},
    "meta.displays_per_cell": {"en": "simulated displays per cell", "ja": "条件あたりのシミュレーション画面数"},
    "meta.trimming": {"en": "trimming", "ja": "除外基準"},
    "trim.rule": {"en": "correct trials with RTs of {lower}-{upper} ms", "ja": "RT が {lower}〜{upper} ms の正反応試行"},
    "trim.task": {"en": ", {lower}-{upper} ms for the {task} task", "ja": "（{task}課題は {lower}〜{upper} ms）"},
    "yes": {"en": "yes", "ja": "はい"},
    "no": {"en": "no", "ja": "いいえ"},
    # experiment visual-search
    "vs.title": {"en": "Visual search: Feature Integration Theory and human data", "ja": "視覚探索：特徴統合理論と人間のデータ"},
    "vs.intro": {
        "en": (
            "This report compares Feature Integration Theory (FIT; Treisman & Gelade, 1980) with the visual-search "
            "data of Wolfe, Palmer and Horowitz (2010): feature, conjunction and spatial-configuration search at set "
            "sizes 3, 6, 12 and 18. Human statistics use {trim}; error rates use all trials. FIT was fitted to each "
            "task's group cell means and error rates and then simulated on {n_per_cell} newly generated displays per "
            "cell (seed {seed})."
        ),
        "ja": (
            "本レポートは，特徴統合理論（FIT; Treisman & Gelade, 1980）を Wolfe, Palmer, & Horowitz（2010）の"
            "視覚探索データと比較する。課題は特徴探索・結合探索・空間配置探索の3種類，セットサイズは 3, 6, 12, 18 "
            "である。人間のデータの統計量は，{trim}を対象とし，誤反応率はすべての試行から求めた。FIT は課題ごとに"
            "条件別の群平均（平均正反応時間と誤反応率）に当てはめ，そのうえで新たに生成した条件あたり {n_per_cell} 枚の"
            "探索画面でシミュレーションした（乱数シード {seed}）。"
        ),
    },
    "vs.h_slopes": {"en": "Search slopes", "ja": "探索関数の傾き"},
    "vs.observers": {"en": "Observers", "ja": "参加者"},
    "vs.model": {"en": "FIT", "ja": "FIT"},
    "vs.present": {"en": "target-present", "ja": "標的あり"},
    "vs.absent": {"en": "target-absent", "ja": "標的なし"},
    "vs.slope_line": {"en": "{who}, {task} search, {presence}: {stat}.", "ja": "{who}・{task}・{presence}：{stat}"},
    "vs.table_slopes": {"en": "Table 1. Search slopes (ms/item) with 95% CIs.", "ja": "表1　探索関数の傾き（ms/項目）と 95% 信頼区間"},
    "vs.table_ratios": {
        "en": "Table 2. Absent:present slope ratios (2 is the signature of serial self-terminating search).",
        "ja": "表2　標的なし／標的ありの傾きの比（系列的自己打ち切り型探索ではおよそ 2 になる）",
    },
    "vs.h_anova": {"en": "Human data: repeated-measures ANOVA", "ja": "人間のデータ：反復測定分散分析"},
    "vs.anova_line": {"en": "{task}: {effect}, {stat}", "ja": "{task}：{effect}の効果，{stat}"},
    "vs.fixed": {
        "en": "{task}: not fitted (fixed at their defaults, because these data cannot identify them): {params}.",
        "ja": "{task}：推定していない（このデータでは識別できないため既定値に固定）：{params}。",
    },
    "vs.anova_gg": {
        "en": "Effects with more than one degree of freedom are given with the Greenhouse-Geisser correction "
              "(corrected df and p, and ε); Huynh-Feldt ε and Mauchly's test are in anova.csv.",
        "ja": "自由度が1より大きい効果は Greenhouse-Geisser 補正（補正後の自由度と p，および ε）で示す。"
              "Huynh-Feldt の ε と Mauchly の球面性検定は anova.csv にある。",
    },
    "vs.h_fit": {"en": "How well FIT fits, and where it misses", "ja": "FIT の当てはまりと，説明できない点"},
    "vs.fit_line": {
        "en": "{task} search: {stat} on mean correct RT; error-rate RMSE {err} percentage points.",
        "ja": "{task}：平均正反応時間で {stat}，誤反応率の RMSE は {err} パーセントポイント。",
    },
    "vs.fit_stat": {"en": "RMSE = {rmse} ms, R² = {r2} (n = {n} cells)", "ja": "RMSE = {rmse} ms，R² = {r2}（{n} セル）"},
    "vs.table_fit": {"en": "Table 3. Fitted FIT parameters and fit statistics per task.", "ja": "表3　課題ごとの FIT の推定パラメータと適合度"},
    "vs.miss_ratio": {
        "en": (
            "In {task} search the observers' absent:present slope ratio is {human} against FIT's {model}: FIT's "
            "random, self-terminating serial search fixes it near 2."
        ),
        "ja": (
            "{task}では，参加者の標的なし／標的ありの傾きの比が {human} であるのに対し FIT では {model} である。"
            "FIT のランダムな系列的自己打ち切り型探索では，この比はほぼ 2 に固定される。"
        ),
    },
    "vs.miss_worst": {
        "en": "The largest miss in mean RT is {diff} ms (observed minus predicted) for {task} search, set size {n}, target {presence}.",
        "ja": "平均 RT の予測が最も外れたのは{task}・セットサイズ {n}・{presence}の条件で，観測値と予測値の差は {diff} ms であった。",
    },
    "vs.miss_errors": {
        "en": (
            "Observers' miss rates rise by {rise} percentage points from set size 3 to 18 in the serial tasks; FIT's "
            "constant miss probability cannot produce that rise, nor the speed-accuracy trade-offs behind it."
        ),
        "ja": (
            "系列的な課題では，参加者の見落とし率がセットサイズ 3 から 18 にかけて {rise} パーセントポイント上昇する。"
            "FIT の見落とし確率は一定なので，この上昇も，その背後にある速さと正確さのトレードオフも再現できない。"
        ),
    },
    "vs.miss_flat": {
        "en": (
            "FIT predicts perfectly flat feature search and gives no account of the RT distributions' shapes; see the "
            "rt-distributions experiment for models fitted to whole distributions."
        ),
        "ja": (
            "また FIT は特徴探索の傾きを完全に 0 と予測し，RT 分布の形状については何も説明しない。分布全体に"
            "当てはめたモデルについては rt-distributions 実験を参照されたい。"
        ),
    },
    "vs.fig_rt": {
        "en": "Figure 1. Mean correct RT by set size (±1 SE over observers for the human data).",
        "ja": "図1　セットサイズごとの平均正反応時間（人間のデータのエラーバーは参加者間の ±1 標準誤差）",
    },
    "vs.fig_err": {
        "en": "Figure 2. Error rates by set size: misses (present) and false alarms (absent).",
        "ja": "図2　セットサイズごとの誤反応率：見落とし（標的あり）とフォールスアラーム（標的なし）",
    },
    "vs.fig_displays": {
        "en": "Figure 3. Example displays (target present, set size 12) generated by psysim.",
        "ja": "図3　psysim が生成した探索画面の例（標的あり，セットサイズ 12）",
    },
    "vs.warning": {"en": "{task}: {warning}", "ja": "{task}：{warning}"},
}
"""Report texts, one block per experiment (prefix = experiment)."""

COMPARE_MODELS: dict[str, dict[str, str]] = {
    "cm.title": {"en": "Search models fitted to {name}", "ja": "{name} に当てはめた視覚探索モデル"},
    "cm.intro": {"en": "Data set {name}: tasks {kinds}. RT statistics use {trim}. Seed {seed}.",
                 "ja": "データセット {name}：課題 {kinds}。RT の統計量には{trim}を用いた。乱数シード {seed}。"},
    "cm.quick": {"en": " QUICK RUN: few observers and tiny searches; the fits are not to be trusted.",
                 "ja": "簡易設定での実行：参加者は少数，探索も小規模であり，当てはめの結果は信頼できない。"},
    "cm.no_trim": {"en": "every correct trial (no trimming)", "ja": "すべての正反応試行（RT による除外なし）"},
    "cm.h_exclusions": {"en": "Exclusions", "ja": "除外"},
    "cm.kept": {"en": "{kept} of {n} observers kept.", "ja": "参加者 {n} 名のうち {kept} 名を分析に含めた。"},
    "cm.exclusion_line": {"en": "{rule}: {trials} trial(s), {observers} observer(s); {detail}",
                          "ja": "{rule}：{trials} 試行，{observers} 名；{detail}"},
    "cm.exclusions_english": {"en": "Lines in English have no translation; they are the loader's own.",
                              "ja": "英語の行は翻訳のない文であり，読み込み処理（psysim.data.own_data）が記したとおりに示す。"},
    "excl.empty RT (excluded)": {"en": "empty RT (excluded)", "ja": "空の RT（除外）"},
    "excl.empty RT (dropped)": {"en": "empty RT (dropped)", "ja": "空の RT（削除）"},
    "excl.RT <= 0 (excluded)": {"en": "RT <= 0 (excluded)", "ja": "0 以下の RT（除外）"},
    "excl.RT <= 0 (dropped)": {"en": "RT <= 0 (dropped)", "ja": "0 以下の RT（削除）"},
    "excl.RT outside the trimming window": {"en": "RT outside the trimming window", "ja": "除外基準の範囲外の RT"},
    "excl.observers": {"en": "observer with more than {limit} % of trials excluded", "ja": "除外された試行が {limit} % を超える参加者"},
    "excl.counted": {"en": "counted as excluded trials of the observer", "ja": "その参加者の除外試行として数えた"},
    "excl.removed": {"en": "removed before counting, as if not in the file", "ja": "ファイルになかったものとして，数える前に取り除いた"},
    "excl.trim": {"en": "RT statistics use {trim}; these trials still count for error rates",
                  "ja": "RT の統計量には{trim}を用いる。これらの試行も誤反応率には数える"},
    "excl.none": {"en": "none", "ja": "なし"},
    "meta.options": {"en": "options", "ja": "オプション"},
    "meta.source": {"en": "source", "ja": "データの出典"},
    "cm.h_cells": {"en": "Cells", "ja": "セル（条件）"},
    "cm.cells_all": {"en": "Every cell of the data is kept in the group means.", "ja": "データのすべてのセルを群平均に含めた。"},
    "cm.cells_some": {"en": "Cells kept with fewer observers or without a mean RT:",
                      "ja": "一部の参加者だけで平均を求めたセル，または平均 RT のないセル："},
    "cm.slope_line": {"en": "{task}, target {presence}: {stat} ({n} observer(s), {method})",
                      "ja": "{task}・{presence}：{stat}（参加者 {n} 名，{method}）"},
    "cm.no_slopes": {"en": "No task has two set sizes with mean RTs: no slopes.",
                     "ja": "平均 RT のあるセットサイズが2つ以上ある課題がないため，傾きは求めていない。"},
    "cm.table_slopes": {"en": "Search slopes (ms/item) with 95% CIs", "ja": "探索関数の傾き（ms/項目）と 95% 信頼区間"},
    "cm.table_ratios": {"en": "Absent:present slope ratios", "ja": "標的なし／標的ありの傾きの比"},
    "cm.anova_observers": {"en": "{task}: {complete} of {n} observers have a mean RT in every cell and enter the ANOVA",
                           "ja": "{task}：参加者 {n} 名のうち，すべてのセルに平均 RT がある {complete} 名を分散分析に用いた"},
    "cm.anova_too_few": {"en": "; too few, no ANOVA", "ja": "（人数が足りないため分散分析は行っていない）"},
    "cm.h_anova": {"en": "Repeated-measures ANOVA", "ja": "反復測定分散分析"},
    "cm.h_fits": {"en": "Model fits", "ja": "モデルの当てはめ"},
    "cm.method": {
        "en": ("Each model is fitted by a multinomial likelihood over correct-RT quantile bins (.1 .3 .5 .7 .9) and error "
               "counts of every cell (Heathcote et al. 2002); BIC = k ln n - 2 ln L. CGS has an exact likelihood (multi-start "
               "L-BFGS-B); FIT and Guided Search are fitted by simulation with common random numbers and short differential "
               "evolution runs, so their BIC is a pessimistic bound on what these models can do, Guided Search's most of all "
               "(settings: {settings})."),
        "ja": ("各モデルは，セルごとの正反応 RT の分位点区間（.1 .3 .5 .7 .9）と誤反応数に対する多項尤度で当てはめた"
               "（Heathcote et al., 2002）。BIC = k ln n − 2 ln L。競合的誘導探索（CGS）は尤度を厳密に計算できる"
               "（多開始点の L-BFGS-B）。特徴統合理論（FIT）と誘導探索（GS）は共通乱数によるシミュレーションと短い差分進化で"
               "当てはめたため，その BIC はこれらのモデルの実力を低めに見積もった値であり，誘導探索では特にそうである"
               "（設定：{settings}）。"),
    },
    "cm.notes_english": {"en": "Lines below in English have no translation; they are the fitting plan's own.",
                         "ja": "以下の注記のうち英語の行は翻訳のない文であり，当てはめ計画（psysim.fitting.plan）が記したとおりに示す。"},
    "cm.notes_cell": {"en": "Cells left out of the fits:", "ja": "当てはめから除いたセル："},
    "cm.notes_not_fitted": {"en": "Not fitted:", "ja": "当てはめなかったモデル："},
    "cm.notes_fixed": {"en": "Parameters fixed because the data cannot identify them:",
                       "ja": "データから識別できないため固定したパラメータ："},
    "cm.no_fits": {"en": "No model could be fitted (see the notes above).", "ja": "当てはめられたモデルはない（上の注記を参照）。"},
    "cm.only_one": {"en": "{task}: only {models} fitted; no comparison.", "ja": "{task}：当てはめたのは{models}のみであり，比較はしていない。"},
    "cm.bic_part": {"en": "{model} {wins} ({decisive} with a BIC lead > {lead})", "ja": "{model} {wins} 件（うち BIC の差が {lead} を超えるもの {decisive} 件）"},
    "cm.bic_line": {"en": "{task}: lowest BIC in {n} fit(s): {parts}.", "ja": "{task}：{n} 件の当てはめで BIC が最小だったモデル：{parts}。"},
    "cm.warning": {"en": "{model}, {task}, {subject}: {warning}", "ja": "{model}・{task}・{subject}：{warning}"},
    "cm.table_fits": {"en": "Fits (quantile-bin likelihood)", "ja": "当てはめの結果（分位点区間の尤度）"},
    "cm.table_bic": {"en": "BIC per fit and the lead of the best model", "ja": "当てはめごとの BIC と最良モデルの差"},
    "cm.fig_rt": {"en": "Mean correct RT by set size (±1 SE over observers), target present and absent, per task.",
                  "ja": "課題ごとの，セットサイズ別の平均正反応時間（エラーバーは参加者間の ±1 標準誤差；標的あり・なし）"},
    "cm.fig_median": {"en": "Median correct RT of the fitted cells, averaged over fits: observers and each model's predictions.",
                      "ja": "当てはめたセルの正反応 RT の中央値（当てはめ間の平均）：参加者と各モデルの予測"},
    "cm.axis_median": {"en": "Median correct RT (ms)", "ja": "正反応時間の中央値（ms）"},
    "col.loglik": {"en": "loglik", "ja": "対数尤度"},
    "col.k": {"en": "k", "ja": "パラメータ数"},
    "col.n_obs": {"en": "n_obs", "ja": "観測数"},
    "col.converged": {"en": "converged", "ja": "収束"},
    "col.model": {"en": "model", "ja": "モデル"},
    "col.best": {"en": "best", "ja": "最良モデル"},
    "col.delta_bic": {"en": "delta_bic", "ja": "BIC の差"},
    # the fitting plan's notes (psysim.fitting.plan.Note key and fields; tests/test_i18n.py checks
    # that the English text is the plan's own line)
    "plan.cell_where": {"en": "set size {set_size}, target {presence}", "ja": "セットサイズ {set_size}・{presence}"},
    "plan.mode_pooled": {"en": "pooled", "ja": "参加者をまとめて当てはめ"},
    "plan.mode_per_observer": {"en": "per observer", "ja": "参加者ごとに当てはめ"},
    "plan.pooled": {
        "en": ("{task}: observers pooled into one fit: observer {subject} has {n} correct RT(s) in the trimming window at "
               "{cell} (a per-observer fit needs {min_correct} in every cell; {n_fewer} of {n_cells} observer cells have fewer)"),
        "ja": ("{task}：参加者をまとめて1つの当てはめにした。参加者 {subject} は{cell}の条件で除外基準内の正反応 RT が {n} 個しかない"
               "（参加者ごとの当てはめにはすべてのセルで {min_correct} 個が必要；参加者×セル {n_cells} 個のうち {n_fewer} 個が不足）"),
    },
    "plan.cell": {
        "en": "{task}, {cell}: left out of the fits: {n} correct RT(s) in the trimming window over all observers, fewer than the {bins} quantile bins",
        "ja": "{task}・{cell}：当てはめから除いた。除外基準内の正反応 RT が全参加者で {n} 個しかなく，分位点区間の数 {bins} に満たない",
    },
    "plan.no_trials": {"en": "{task}: no trials in the data", "ja": "{task}：データに試行がない"},
    "plan.observers": {"en": "{task}: {mode} ({n_fits} fit(s) per model)", "ja": "{task}：{mode}（モデルあたり {n_fits} 件）"},
    "plan.observers_some": {
        "en": "{task}: {mode} ({n_fits} fit(s) per model; {n_fits} of {n_all} observers fitted ({left_out}), the others are in the statistics but not in the fits)",
        "ja": "{task}：{mode}（モデルあたり {n_fits} 件；参加者 {n_all} 名のうち {n_fits} 名を当てはめた（{left_out}）。残りの参加者は統計量には含むが当てはめには含まない）",
    },
    "plan.left_by_name": {"en": "observers chosen by name", "ja": "名前で指定した参加者"},
    "plan.left_max": {"en": "at most {max} per task, the first by id", "ja": "課題あたり最大 {max} 名，ID の順に先頭から"},
    "plan.too_few_values": {"en": "{model} not fitted to {task}: {n_values} observed values for {n_free} free parameters",
                            "ja": "{model}は{task}に当てはめなかった：自由パラメータ {n_free} 個に対して観測値が {n_values} 個しかない"},
    "plan.not_fitted": {"en": "{model} not fitted to {task}: {why}", "ja": "{model}は{task}に当てはめなかった：{why}"},
    "why.displays": {"en": "{model} reads the items of each display, and this task's displays are not known",
                     "ja": "{model}は各探索画面の項目を読み取るが，この課題の探索画面は不明である"},
    "why.popout": {"en": "Feature Integration Theory needs to know whether the target pops out, and this task's kind is 'unknown'",
                   "ja": "特徴統合理論は標的がポップアウトするかどうかを知る必要があるが，この課題の種類は unknown（不明）である"},
    "why.none": {"en": "the data identify none of its parameters", "ja": "データからどのパラメータも識別できない"},
    "cm.cell_partial": {"en": "{where}: mean RT over the {n_rt} of {n_task} observers that have one{lacking}",
                        "ja": "{where}：平均 RT は，課題の参加者 {n_task} 名のうち RT のある {n_rt} 名の平均{lacking}"},
    "cm.cell_none": {"en": "{where}: no observer has a correct RT in the trimming window; only its error rate is used{lacking}",
                     "ja": "{where}：除外基準内の正反応 RT のある参加者がいないため，誤反応率だけを用いた{lacking}"},
    "cm.cell_lacking": {"en": " ({missing} of the task's {n_task} observers have no trial in it)",
                        "ja": "（課題の参加者 {n_task} 名のうち {missing} 名はこのセルの試行がない）"},
    # why a fit fixes a parameter (psysim.fitting.identify.RULES; the English text is the rule's own,
    # checked equal by tests/test_i18n.py)
    "cm.fixed_line": {"en": "{task}: {model}: {param} fixed at {value} ({why})", "ja": "{task}：{model}の {param} を {value} に固定（{why}）"},
    "rule.held_fixed": {"en": "held fixed in every fit of this model", "ja": "このモデルのすべての当てはめで固定するパラメータ"},
    "lacks.absent": {"en": "no target-absent trials", "ja": "標的なし試行がない"},
    "lacks.present": {"en": "no target-present trials", "ja": "標的あり試行がない"},
    "lacks.set_sizes": {"en": "{n} set size", "ja": "セットサイズが {n} 種類のみ"},
    "lacks.errors": {"en": "no errors", "ja": "誤反応がない"},
    "lacks.distributions": {"en": "cell means only", "ja": "セル平均のみ"},
    "lacks.popout": {"en": "not a pop-out task", "ja": "ポップアウト課題ではない"},
    "lacks.serial": {"en": "a pop-out task", "ja": "ポップアウト課題である"},
    "lacks.displays": {"en": "displays not known", "ja": "探索画面が不明"},
    "rule.fit.per_item": {"en": "the time per item shows only in how serial-search RTs grow with set size",
                          "ja": "1項目あたりの時間は，系列探索の RT がセットサイズとともに増える度合いにしか現れない"},
    "rule.fit.absent_offset": {"en": "only target-absent RTs of a pop-out search show the extra 'absent' time",
                               "ja": "「なし」反応の追加時間は，ポップアウト探索の標的なし試行の RT にしか現れない"},
    "rule.fit.p_guess": {"en": "only target-absent trials show how often a failed search ends in a 'present' guess",
                         "ja": "探索に失敗したときに「あり」と推測する頻度は，標的なし試行にしか現れない"},
    "rule.fit.p_miss": {"en": "without misses on target-present trials the miss probability is 0",
                        "ja": "標的あり試行に見落としがないので，見落とし確率は 0"},
    "rule.fit.base_sd": {"en": "cell means do not depend on the SD of the base time", "ja": "セル平均は基礎時間の SD に依存しない"},
    "rule.fit.item_cv": {"en": "cell means do not depend on the variability of item times", "ja": "セル平均は項目時間のばらつきに依存しない"},
    "rule.cgs.t_no": {"en": "only correct 'absent' responses (target-absent trials) carry the 'no' residual time",
                      "ja": "「なし」反応の残余時間は，標的なし試行の正しい「なし」反応にしか現れない"},
    "rule.cgs.w_target": {"en": "with one set size the target weight trades off against identification time",
                          "ja": "セットサイズが1つでは，標的の重みと同定時間を区別できない"},
    "rule.cgs.dw_quit": {"en": "with one set size the quit-weight growth trades off against the target weight",
                         "ja": "セットサイズが1つでは，探索打ち切りの重みの増加と標的の重みを区別できない"},
    "rule.cgs.m": {"en": "without errors the motor-error probability is 0", "ja": "誤反応がないので，運動エラーの確率は 0"},
    "rule.gs.t_item": {"en": "the time per visited item shows only in how RTs grow with set size",
                       "ja": "注意を向けた1項目あたりの時間は，RT がセットサイズとともに増える度合いにしか現れない"},
    "rule.gs.thr_down": {"en": "the threshold falls only after a miss, and there are no errors",
                         "ja": "閾値は見落としの後にしか下がらず，誤反応がない"},
    "rule.gs.guess_rate": {"en": "without errors the guessing hazard is 0", "ja": "誤反応がないので，推測のハザードは 0"},
    "rule.gs6.quit_item": {"en": "the growth of the quitting threshold per item shows only in how target-absent RTs grow with set size",
                           "ja": "探索打ち切り閾値の項目あたりの増加は，標的なし試行の RT がセットサイズとともに増える度合いにしか現れない"},
    "rule.gs6.quit_down": {"en": "the quitting threshold rises only after a miss, and there are no errors",
                           "ja": "探索打ち切り閾値は見落としの後にしか上がらず，誤反応がない"},
    "rule.gs6.motor_error": {"en": "without errors the motor-error probability is 0", "ja": "誤反応がないので，運動エラーの確率は 0"},
}
"""Texts of the compare-models report (:mod:`psysim.report.compare`)."""

CATALOGUE_PARTS: dict[str, dict[str, dict[str, str]]] = {
    "TERMS": TERMS, "LABELS": LABELS, "REPORT": REPORT, "COMPARE_MODELS": COMPARE_MODELS, "SSL": SSL,
    "SALIENCY": SALIENCY, "DISTILLATION": DISTILLATION, "NAMING": NAMING,
    "SOFTMAX": SOFTMAX, "CNN": CNN,
}
"""The catalogue's parts, one per module or block (``tests/test_i18n.py``: no key in two parts)."""

CATALOGUE: dict[str, dict[str, str]] = {k: v for part in CATALOGUE_PARTS.values() for k, v in part.items()}
"""Every message, by key."""


# -- lookup ----------------------------------------------------------------------------------
def check_lang(lang) -> str:
    """Return ``lang`` if it is a supported language code, else raise a one-line error."""
    if lang not in LANGUAGES:
        raise PsysimError(f"language {lang!r} is not supported; choose one of: {', '.join(LANGUAGES)}")
    return lang


def check_report_language(experiment, lang: str) -> str:
    """``lang`` if ``experiment`` (a module with ``NAME``) writes its report in it, else a one-line error.

    An experiment lists its report languages in ``LANGUAGES`` (default ``("en",)``), so that
    ``--lang ja`` on one whose report is English only is refused instead of writing English.
    """
    langs = tuple(getattr(experiment, "LANGUAGES", ("en",)))
    if check_lang(lang) not in langs:
        raise PsysimError(f"experiment {experiment.NAME!r} writes its report in {', '.join(langs)} only, not {lang!r}; "
                          f"run it without --lang {lang}")
    return lang


def t(key: str, lang: str = "en", /, **fields) -> str:
    """The message ``key`` in ``lang``, with ``str.format`` fields filled from ``fields``.

    Raises
    ------
    PsysimError
        For an unknown language or key.
    """
    check_lang(lang)
    try:
        text = CATALOGUE[key][lang]
    except KeyError:
        raise PsysimError(f"message {key!r} is not in the psysim catalogue (psysim/i18n.py)") from None
    return text.format(**fields) if fields else text


def has(key: str) -> bool:
    """Whether the catalogue has ``key``."""
    return key in CATALOGUE


def label(kind: str, value, lang: str = "en") -> str:
    """The display label of a data value, e.g. ``label("task", "feature", "ja") == "特徴探索"``.

    Values without a catalogue entry are shown as they are (``str(value)``).
    """
    key = f"{kind}.{value}"
    return t(key, lang) if key in CATALOGUE else str(value)


def translator(lang: str):
    """A one-argument function ``key -> text`` for ``lang`` (``_ = translator("ja")``)."""
    check_lang(lang)

    def _(key: str, **fields) -> str:
        return t(key, lang, **fields)

    return _


VALUE_COLUMNS = {"source": "source", "task": "task", "target_present": "target", "method": "method", "effect": "effect"}
"""Columns whose values :func:`translate_table` translates, and the label kind of each."""


def translate_table(df, lang: str = "en", columns: bool = True, values: Iterable[str] = tuple(VALUE_COLUMNS)):
    """A copy of ``df`` with translated values (in ``values`` columns) and headers.

    Parameters
    ----------
    df : pandas.DataFrame
        A result table (slopes, ANOVA, fit statistics, ...).
    lang : str
        ``"en"`` or ``"ja"``.
    columns : bool
        Translate the column headers (``col.<name>`` entries; others keep their name).
    values : iterable of str
        Columns whose values are translated (see :data:`VALUE_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        For display only: translated tables are never written to CSV, so the run folder's
        data files keep one (English) vocabulary. English data sources get their display names
        (:data:`DISPLAY_EN`: "Observers (Wolfe et al., 2010)", "FIT"), as in the figures.
    """
    check_lang(lang)
    out = df.copy()
    for col in values:
        if col in out.columns:
            kind = VALUE_COLUMNS.get(col, col)
            if kind == "source" and lang == "en":  # display names, not codes: "Observers (Wolfe et al., 2010)", "FIT"
                out[col] = [DISPLAY_EN.get(v, label(kind, v, lang)) if isinstance(v, str) else v for v in out[col]]
            else:
                out[col] = [label(kind, v, lang) for v in out[col]]
    if columns:
        out.columns = [t(f"col.{c}", lang) if f"col.{c}" in CATALOGUE else c for c in out.columns]
    return out


# English figure labels: display names, not the codes tables and files use (issue 19, item 4)
DISPLAY_EN = {
    "wolfe2010": "Observers (Wolfe et al., 2010)",
    "fit": "FIT",
    "gs": "Guided Search 2.0",
    "gs6": "Guided Search 6.0",
    "cgs": "CGS",
    "saliency": "Itti-Koch search",
    "softmax": "Softmax search",
    "feature": "Feature search",
    "conjunction": "Conjunction search",
    "spatial": "Spatial configuration search",
    "orientation": "Orientation search",
    "source": "Data",
    "target": "Target",
}


def plot_labels(lang: str = "en") -> dict:
    """Labels for :mod:`psysim.plots` figures: every data value and axis text they show.

    The keys are the English strings (codes) the plotting functions use; the values their
    display names in ``lang`` ("Observers (Wolfe et al., 2010)" and "FIT" in English, not
    ``wolfe2010`` and ``fit``). Unknown strings are shown unchanged.
    """
    check_lang(lang)
    out = {}
    for key, texts in LABELS.items():
        kind, _, value = key.partition(".")
        if kind in ("task", "source", "method", "effect"):
            out[value] = DISPLAY_EN.get(value, texts[lang]) if lang == "en" else texts[lang]
        elif kind == "target":
            out[LABELS[key]["en"]] = texts[lang]
    out.update(
        {
            "Set size (items)": t("axis.set_size", lang),
            "Mean correct RT (ms)": t("axis.mean_rt", lang),
            "Errors (%)": t("axis.errors", lang),
            "source": DISPLAY_EN["source"] if lang == "en" else t("legend.source", lang),
            "target": DISPLAY_EN["target"] if lang == "en" else t("legend.target", lang),
        }
    )
    return out


def trim_text(trim, lang: str = "en") -> str:
    """A :class:`psysim.stats.TrimRule` in words (``TrimRule.describe`` in ``lang``)."""
    text = t("trim.rule", lang, lower=f"{trim.lower:g}", upper=f"{trim.upper:g}")
    for task, hi in trim.upper_by_task.items():
        task_label = label("task", task, lang) if lang == "en" else label("task", task, lang).removesuffix("探索")
        text += t("trim.task", lang, lower=f"{trim.lower:g}", upper=f"{hi:g}", task=task_label)
    return text


def catalogue_text(lang: str) -> str:
    """Every character the catalogue can show in ``lang`` (format fields removed)."""
    check_lang(lang)
    fmt = string.Formatter()
    parts = []
    for texts in CATALOGUE.values():
        parts.extend(lit for lit, *_ in fmt.parse(texts[lang]))
    return "".join(parts)


def format_fields(text: str) -> set:
    """The ``str.format`` field names of a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# -- fonts -----------------------------------------------------------------------------------
def japanese_font_path() -> Path:
    """Path of the shipped Japanese font file (IPAexGothic from ``matplotlib-fontja``).

    The package is located without importing it (importing it would change matplotlib's
    global font settings).

    Raises
    ------
    PsysimError
        If ``matplotlib-fontja`` is not installed.
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise PsysimError(
            "Japanese figures need the IPAexGothic font from the matplotlib-fontja package; "
            "install it with: pip install matplotlib-fontja"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise PsysimError(f"the Japanese font file {path} is missing; reinstall matplotlib-fontja")
    return path


def register_japanese_font() -> str:
    """Add the Japanese font to matplotlib's font list (once) and return its family name."""
    from matplotlib import font_manager

    path = japanese_font_path()
    if not any(Path(f.fname) == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def font_rc(lang: str = "en") -> Mapping[str, object]:
    """matplotlib rc settings for figures in ``lang`` (empty for English)."""
    check_lang(lang)
    if lang == "ja":
        # concrete family names, not the generic "sans-serif": a Text keeps its family list from
        # creation, but a generic name is resolved again when the figure is drawn
        return {"font.family": [register_japanese_font(), "DejaVu Sans"]}
    return {}


@contextlib.contextmanager
def plot_style(lang: str = "en"):
    """Context in which new matplotlib figures use the fonts of ``lang``.

    Text objects take their font when they are created, so create the figure inside the
    context; it may be saved later.

    Examples
    --------
    >>> with plot_style("ja"):
    ...     fig = rt_set_size_plot(cells, labels=plot_labels("ja"))
    """
    import matplotlib

    with matplotlib.rc_context(font_rc(lang)):
        yield


def use_language(lang: str = "en") -> None:
    """Set the figure fonts of ``lang`` globally (for notebooks: ``use_language("ja")``)."""
    import matplotlib

    matplotlib.rcParams.update(font_rc(lang))


def missing_glyphs(text: str, font_path=None) -> set:
    """Characters of ``text`` (other than whitespace) that the font has no glyph for."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path or japanese_font_path()), lazy=True)
    cmap = font.getBestCmap()
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in cmap}
