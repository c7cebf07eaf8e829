"""The en/ja texts of the ``softmax-temperature`` report (merged into :data:`psysim.i18n.CATALOGUE`). Imports nothing.

Terms as in the course: 温度付きソフトマックス (softmax with temperature), 逆温度 (inverse
temperature β), ボルツマン分布 (Boltzmann distribution), 分配関数 (partition function), 優先度マップ
(priority map), 復帰抑制 (inhibition of return), プロファイル尤度 (profile likelihood)."""

SOFTMAX: dict[str, dict[str, str]] = {
    "col.priority": {"en": "priority map", "ja": "優先度マップ"},
    "col.beta": {"en": "beta", "ja": "β"},
    "col.misfit": {"en": "misfit", "ja": "当てはまりの問題"},
    "col.t_item": {"en": "t_item (ms)", "ja": "t_item（ms）"},
    "col.item_cv": {"en": "item CV", "ja": "項目時間の変動係数"},
    "col.group_higher": {"en": "group: higher", "ja": "群：高い"},
    "col.group_cis_separate": {"en": "group: CIs apart", "ja": "群：CI が重ならない"},
    "col.n_high": {"en": "n (higher task)", "ja": "n（高い方の課題）"},
    "col.n_low": {"en": "n (lower task)", "ja": "n（低い方の課題）"},
    "col.prob_superiority": {"en": "P(superiority)", "ja": "優越確率"},
    "col.mannwhitney_p": {"en": "Mann-Whitney p", "ja": "Mann-Whitney の p"},
    "col.median_high": {"en": "median (higher task)", "ja": "中央値（高い方の課題）"},
    "col.median_low": {"en": "median (lower task)", "ja": "中央値（低い方の課題）"},
    "col.ratio_sweep": {"en": "absent:present", "ja": "なし／あり比"},
    "st.title": {"en": "Softmax temperature: how sharply attention selects", "ja": "温度付きソフトマックス：注意はどれだけ鋭く選択するか"},
    "st.intro": {
        "en": ("Attention is modelled as a softmax (Boltzmann) distribution over the items of a search display: item i with priority "
               "a_i is selected with probability exp(beta a_i) / Z, one item at a time, with inhibition of return and a Competitive "
               "Guided Search quit unit (Moran et al., 2013). With the target-indicator priority map the model is CGS with target "
               "weight exp(beta). beta = 0 is random serial search; large beta is pop-out. The inverse temperature was fitted per task, "
               "to the pooled observers and to each observer of Wolfe, Palmer and Horowitz (2010), by quantile maximum likelihood with "
               "the seven other parameters profiled out ({trim}; every error trial counts). Likelihoods of the feature-based maps "
               "average over {n_displays} generated displays per cell with {n_draws} sampled selection orders each; the target map's "
               "likelihood is exact. beta was profiled on {n_grid} grid values from 0 to {top}; a CI that reaches the top of the grid "
               "is reported as open (upper bound inf)."),
        "ja": ("注意を，探索画面の項目に対するソフトマックス（ボルツマン）分布としてモデル化する。優先度 a_i の項目 i は確率 exp(β a_i) / Z "
               "で1つずつ選ばれ，復帰抑制と競合的誘導探索（CGS）の打ち切りユニット（Moran et al., 2013）を備える。標的を示す優先度マップ"
               "では，このモデルは標的の重みが exp(β) の CGS になる。β = 0 はランダムな系列探索，大きな β はポップアウトである。逆温度 β は"
               "課題ごとに，Wolfe, Palmer, & Horowitz（2010）の参加者をまとめた群と各参加者に，ほかの7パラメータをプロファイルアウトした"
               "分位点最尤法で当てはめた（{trim}；誤反応試行はすべて数える）。特徴に基づくマップの尤度は，条件あたり {n_displays} 枚の"
               "生成画面とそれぞれ {n_draws} 通りの選択順序の平均であり，標的マップの尤度は厳密である。β は 0 から {top} までの "
               "{n_grid} 個の格子値でプロファイルし，格子の上端に届く信頼区間は上限なし（inf）とした。"),
    },
    "st.h_order": {"en": "Does beta follow feature > conjunction > spatial?", "ja": "β は特徴探索 > 結合探索 > 空間配置探索の順になるか"},
    "st.ci": {"en": "beta = {beta}, 95% CI [{lo}, {hi}]", "ja": "β = {beta}，95% CI [{lo}, {hi}]"},
    "st.task_ci": {"en": "{task}: {ci}", "ja": "{task}：{ci}"},
    "st.sep": {"en": "; ", "ja": "；"},
    "st.group_line": {"en": "{map} map, group: {desc}. The expected order {holds}{tail}",
                      "ja": "{map}マップ・群：{desc}。予想される順序は{holds}{tail}"},
    "st.holds": {"en": "holds", "ja": "成り立つ"},
    "st.not_holds": {"en": "does NOT hold", "ja": "成り立たない"},
    "st.tail_apart": {"en": " and the CIs do not overlap.", "ja": "。信頼区間も重ならない。"},
    "st.tail_overlap": {"en": " but some CIs overlap.", "ja": "が，一部の信頼区間が重なる。"},
    "st.tail_none": {"en": ".", "ja": "。"},
    "st.obs_part": {"en": "{comparison}: P(superiority) = {sup}, median {hi} vs {lo}, one-sided Mann-Whitney p = {p}",
                    "ja": "{comparison}：優越確率 = {sup}，中央値 {hi} 対 {lo}，片側 Mann-Whitney 検定 p = {p}"},
    "st.obs_line": {"en": ("{map} map, observers (different people in each task, so compared between groups): {parts}. The expected "
                           "order {holds} for the observers' betas (it holds when the probability of superiority is above 0.5 for both "
                           "adjacent pairs)."),
                    "ja": ("{map}マップ・参加者（課題ごとに別の人なので群間で比較）：{parts}。参加者の β について予想される順序は{holds}"
                           "（隣り合う2組の両方で優越確率が 0.5 を超えるとき成り立つとする）。")},
    "st.note_between": {"en": ("Observer numbers denote different people in different tasks (the data set's SOURCE.md), so the "
                               "per-observer order is tested between groups of observers, not within people."),
                        "ja": ("参加者番号は課題ごとに別の人を表す（データセットの SOURCE.md）ので，参加者ごとの順序は人の内部ではなく，"
                               "参加者の群の間で検定している。")},
    "st.note_tradeoff": {
        "en": ("beta and the dwell time trade off: a search slope is about the dwell time times the expected number of items visited, "
               "and a low beta (many visits) with short dwells can mimic a high beta with long dwells. What separates them is the "
               "shape of the RT distributions. At the group maximum of the target map the profiled dwell is {dwells}. A short dwell "
               "with a CV near its upper bound (1) at a beta near 0 means the data prefer many fast, variable identifications of "
               "randomly chosen items to a guided search with slower identifications."),
        "ja": ("β と滞留時間はトレードオフの関係にある。探索関数の傾きはおよそ滞留時間と調べる項目数の期待値の積なので，低い β（多くの"
               "項目を調べる）と短い滞留時間の組み合わせは，高い β と長い滞留時間を模倣しうる。両者を区別するのは RT 分布の形である。"
               "標的マップの群の最尤点でプロファイルした滞留時間は {dwells} である。β が 0 に近く，滞留時間が短く変動係数が上限（1）に"
               "近いなら，データはゆっくり識別する誘導探索よりも，ランダムに選んだ項目を速くばらばらに識別する探索を好んでいる。"),
    },
    "st.dwell": {"en": "{task}: t_item {t} ms, CV {cv} (beta {beta})", "ja": "{task}：t_item {t} ms，変動係数 {cv}（β {beta}）"},
    "st.misfit_group": {
        "en": ("Where beta may be absorbing misfit rather than measuring guidance (group fits): {items}. A parameter at a bound means "
               "the best fit wanted a value outside the accepted range and the others, beta among them, compensate; a flat profile "
               "means the data do not tell values of beta apart (for example a map that gives every item the same priority, as the "
               "Guided Search and contrast maps do in the 2-vs-5 task)."),
        "ja": ("β が誘導の強さを測るのではなく当てはまりの悪さを吸収しているおそれのある群の当てはめ：{items}。パラメータが境界に"
               "あるのは，最良の当てはめが許容範囲の外の値を求め，β を含むほかのパラメータがそれを補っていることを意味する。"
               "プロファイルが平坦なのは，データが β の値を区別できないことを意味する（たとえば 2 と 5 の課題の誘導探索マップや"
               "コントラストマップのように，すべての項目に同じ優先度を与えるマップ）。"),
    },
    "st.misfit_item": {"en": "{map} map, {task} (beta {beta}): {misfit}", "ja": "{map}マップ・{task}（β {beta}）：{misfit}"},
    "st.misfit_obs": {"en": "Observer fits flagged the same way: {n} of {total}{detail}; their flags are in temperature.csv (misfit).",
                      "ja": "同じように警告された参加者ごとの当てはめ：{total} 件中 {n} 件{detail}。警告は temperature.csv（misfit）にある。"},
    "st.misfit_obs_part": {"en": "{map} map, {task}: {n}", "ja": "{map}マップ・{task}：{n}"},
    "st.stuck": {
        "en": ("No usable guidance: {items}. Here the dwell time sits at its lower bound ({lo} ms): the best the map allows is to "
               "give up searching and put all of the RT into the non-decision time, because guiding by this map would send attention "
               "to the wrong items first on some displays (long predicted RTs that people do not show). beta = 0 and random search "
               "are then the same model, and beta is not evidence about how sharply people select."),
        "ja": ("使える誘導がない：{items}。ここでは滞留時間が下限（{lo} ms）にある。このマップで誘導すると一部の画面で注意が誤った項目に"
               "先に向かう（人間には見られない長い RT を予測する）ため，マップが許す最良の当てはめは探索をあきらめて RT をすべて非決定"
               "時間に回すことになる。このとき β = 0 とランダム探索は同じモデルであり，β は人がどれだけ鋭く選択するかの証拠にならない。"),
    },
    "st.stuck_item": {"en": "{map} map, {task} (beta {beta})", "ja": "{map}マップ・{task}（β {beta}）"},
    "st.flat_maps": {
        "en": ("The Guided Search and bottom-up contrast maps give every item in the 2-vs-5 task the same priority (shape does not "
               "guide, Wolfe 1994), so beta cannot change the predictions there: its profile is flat and its CI spans the grid. Their "
               "spatial-task beta is not evidence about guidance."),
        "ja": ("誘導探索のマップとボトムアップのコントラストマップは，2 と 5 の課題ではすべての項目に同じ優先度を与える（形は誘導しない，"
               "Wolfe, 1994）ので，そこでは β を変えても予測は変わらず，プロファイルは平坦で信頼区間は格子全体に広がる。これらのマップの"
               "空間配置課題での β は誘導についての証拠にならない。"),
    },
    "st.misfit_english": {"en": "The misfit flags are the run's own words, in English.", "ja": "当てはまりの警告は実行時に記されたもの（英語のまま示す）。"},
    "st.table_group": {
        "en": ("Table 1. Group fits (pooled observers): fitted beta with 95% profile-likelihood CI, BIC, the profiled parameters (ms "
               "where timed) and, under misfit, why beta may not measure guidance there (computed by the run: a bound reached, an "
               "open CI, a flat profile)."),
        "ja": ("表1　群の当てはめ（参加者をまとめたもの）：推定した β と 95% プロファイル尤度信頼区間，BIC，プロファイルした"
               "パラメータ（時間は ms），および「当てはまりの問題」の列に，そこで β が誘導を測っていないおそれのある理由（実行時に"
               "計算：境界への到達，上限のない信頼区間，平坦なプロファイル）。"),
    },
    "st.table_order": {"en": "Table 2. The order of beta across tasks: group comparison and between-observer comparison.",
                       "ja": "表2　課題間の β の順序：群での比較と参加者間の比較"},
    "st.h_bic": {"en": "Which priority map? (BIC)", "ja": "どの優先度マップか（BIC）"},
    "st.bic_line": {"en": "{task}: best map {best}; ΔBIC of the others: {others}", "ja": "{task}：最良のマップは{best}，ほかのマップの ΔBIC：{others}"},
    "st.bic_all": {"en": "Across all data sets fitted with more than one map, the map with the lowest BIC: {counts}",
                   "ja": "複数のマップを当てはめたすべてのデータで BIC が最小だったマップ：{counts}"},
    "st.table_bic": {"en": ("Table 3. BIC of each priority map minus the best map's, per data set fitted with more than one map (0 = best; "
                            "every map has 8 free parameters)."),
                     "ja": "表3　複数のマップを当てはめたデータごとの，各優先度マップの BIC と最良のマップの BIC の差（0 が最良；どのマップも自由パラメータは 8 個）"},
    "st.h_observers": {"en": "Observers", "ja": "参加者"},
    "st.table_observers": {"en": "Table 4. Per-observer fits.", "ja": "表4　参加者ごとの当てはめ"},
    "st.h_sweep": {"en": "Beta sweep", "ja": "β を変えたときの予測"},
    "st.sweep_part": {"en": "{task} {lo} ms/item at beta = 0 to {hi} at beta = {top}", "ja": "{task}は β = 0 で {lo} ms/項目から β = {top} で {hi} へ"},
    "st.sweep_text": {"en": ("On the Guided Search map, with the other parameters at their defaults, raising beta flattens the target-present "
                             "slope: {parts}. The spatial task's map is flat, so its slope does not change with beta."),
                      "ja": ("誘導探索の優先度マップでほかのパラメータを既定値にしたとき，β を上げると標的ありの傾きは平坦になる：{parts}。"
                             "空間配置課題のマップは平坦なので，その傾きは β で変わらない。")},
    "st.table_sweep": {"en": "Table 5. Slopes (ms/item) with 95% CIs, absent:present ratios and error rates along the beta sweep.",
                       "ja": "表5　β ごとの傾き（ms/項目）と 95% 信頼区間，なし／あり比，誤反応率"},
    "st.fig_teaching": {
        "en": ("Figure 1. Softmax selection probabilities of six items with priorities 1, 0.8, 0.5, 0.5, 0.2 and 0 against the inverse "
               "temperature beta (left), and the entropy of the selection distribution (right). At beta = 0 every item has probability "
               "1/6 (entropy log2 6 = 2.58 bits); as beta grows the most active item takes over (entropy 0). beta is 1/T: the partition "
               "function Z = sum exp(beta a_i) normalises the Boltzmann weights."),
        "ja": ("図1　優先度 1, 0.8, 0.5, 0.5, 0.2, 0 の6項目のソフトマックスによる選択確率と逆温度 β の関係（左）と，選択分布のエントロピー"
               "（右）。β = 0 ではどの項目も確率 1/6（エントロピー log2 6 = 2.58 ビット）で，β が大きくなると最も活性の高い項目が選ばれる"
               "ようになる（エントロピー 0）。β は 1/T であり，分配関数 Z = Σ exp(β a_i) がボルツマン重みを正規化する。"),
    },
    "st.fig_sweep": {"en": ("Figure 2. Search slopes (ms/item, 95% CI over trials) and absent:present slope ratios of the softmax model on "
                            "the Guided Search priority map as functions of beta, with all other parameters at their defaults."),
                     "ja": "図2　誘導探索の優先度マップでのソフトマックスモデルの探索関数の傾き（ms/項目，試行についての 95% 信頼区間）となし／あり比と β の関係（ほかのパラメータは既定値）"},
    "st.fig_fits": {"en": ("Figure 3. Fitted beta per task (95% profile-likelihood CIs; arrows: open upper bound) for the pooled group "
                           "(large markers) and each observer (small markers), per priority map."),
                    "ja": "図3　優先度マップごとの，課題別に推定した β（95% プロファイル尤度信頼区間，矢印は上限なし）。大きな印は群，小さな印は各参加者"},
    "st.fig_profiles": {"en": "Figure 4. Profile log-likelihood of beta for the group fits, relative to the maximum; the dashed line is the 95% cut-off (-1.92).",
                        "ja": "図4　群の当てはめでの β のプロファイル対数尤度（最大値からの差）。破線は 95% の基準（−1.92）"},
    "st.ax_beta": {"en": "Inverse temperature β (1/T)", "ja": "逆温度 β（1/T）"},
    "st.ax_p": {"en": "Selection probability p_i", "ja": "選択確率 p_i"},
    "st.ax_entropy": {"en": "Entropy of selection (bits)", "ja": "選択のエントロピー（ビット）"},
    "st.uniform": {"en": "β → 0: uniform (1/6)", "ja": "β → 0：一様（1/6）"},
    "st.ax_beta0": {"en": "β (0 drawn at {at})", "ja": "β（0 は {at} の位置に描画）"},
    "st.ax_slope": {"en": "Search slope (ms/item)", "ja": "探索関数の傾き（ms/項目）"},
    "st.ax_ratio": {"en": "Absent:present slope ratio (present slope > 2 ms/item)", "ja": "なし／あり比（標的ありの傾き > 2 ms/項目）"},
    "st.ax_fit_beta": {"en": "β", "ja": "β"},
    "st.map_title": {"en": "Priority map: {map}", "ja": "優先度マップ：{map}"},
    "st.ax_profile": {"en": "Profile log-likelihood", "ja": "プロファイル対数尤度"},
    "st.meta_maps": {"en": "maps", "ja": "優先度マップ"},
    "st.meta_displays": {"en": "displays per cell", "ja": "条件あたりの画面数"},
    "st.meta_orders": {"en": "orders per display", "ja": "画面あたりの選択順序数"},
    "st.meta_grid": {"en": "beta grid", "ja": "β の格子"},
    "st.grid_text": {"en": "{n} values, 0 to {top}", "ja": "{n} 値，0〜{top}"},
}
"""Texts of the softmax-temperature report (prefix ``st.``)."""
