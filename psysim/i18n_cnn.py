"""The en/ja texts of the ``cnn-search`` report (:mod:`psysim.report.cnn_search`; merged into
:data:`psysim.i18n.CATALOGUE`). Imports nothing.

Terms as in the course: クラス活性化マップ (CAM), 顕著性マップ (saliency map), セットサイズ
(set size), 標的 / 妨害刺激 (target / distractor), 正答率 (accuracy), 確信度 (confidence),
チャンス水準 (chance), 反応時間 (RT), ポインティングゲーム (pointing game)."""

CNN: dict[str, dict[str, str]] = {
    # display names of tasks, conditions, maps and metrics
    "cs.task.feature": {"en": "Feature (red among green bars)", "ja": "特徴探索（緑の棒の中の赤い棒）"},
    "cs.task.conjunction": {"en": "Conjunction (colour x orientation)", "ja": "結合探索（色 × 方位）"},
    "cs.task.spatial": {"en": "Spatial configuration (2 among 5s)", "ja": "空間配置探索（5 の中の 2）"},
    "cs.task.orientation": {"en": "Orientation (tilted among vertical)", "ja": "方位探索（垂直の中の傾いた棒）"},
    "cs.cond.full": {"en": "trained, clean displays", "ja": "学習済み，ノイズなしの画面"},
    "cs.cond.limited": {"en": "after 1 epoch on displays, clean", "ja": "画面での学習 1 エポック後，ノイズなし"},
    "cs.cond.noisy": {"en": "trained, external noise", "ja": "学習済み，外部ノイズあり"},
    "cs.method.cam": {"en": "CAM", "ja": "CAM"},
    "cs.method.gradcam": {"en": "Grad-CAM", "ja": "Grad-CAM"},
    "cs.method.saliency": {"en": "saliency map", "ja": "顕著性マップ"},
    "cs.metric.pointing_game": {"en": "Pointing game", "ja": "ポインティングゲーム"},
    "cs.metric.energy_pointing": {"en": "Energy-based pointing", "ja": "エネルギーに基づくポインティング"},
    "cs.metric.deletion_auc": {"en": "Deletion AUC", "ja": "削除 AUC"},
    "cs.metric.insertion_auc": {"en": "Insertion AUC", "ja": "挿入 AUC"},
    "cs.human": {"en": "Observers (Wolfe et al., 2010)", "ja": "人間の参加者（Wolfe et al., 2010）"},
    "cs.itti": {"en": "Itti-Koch saliency", "ja": "Itti-Koch の顕著性マップ"},
    "cs.net_cond": {"en": "{arch}, {cond}", "ja": "{arch}（{cond}）"},
    "cs.chance_note": {"en": "network at chance: statistic not interpretable",
                       "ja": "ネットワークがチャンス水準：この統計量は解釈できない"},
    "cs.above_chance": {"en": "above chance", "ja": "チャンス水準より上"},
    "cs.at_chance_tag": {"en": " (at chance)", "ja": "（チャンス水準）"},
    # figures
    "cs.ax_set_size": {"en": "set size (items)", "ja": "セットサイズ（項目数）"},
    "cs.ax_accuracy": {"en": "accuracy, target present", "ja": "正答率（標的あり）"},
    "cs.ax_confidence": {"en": "confidence (p of chosen answer)", "ja": "確信度（選んだ答えの確率）"},
    "cs.series": {"en": "{net}: {method}", "ja": "{net}：{method}"},
    "cs.random_item": {"en": "random item (1 / set size)", "ja": "ランダムな項目（1 / セットサイズ）"},
    "cs.panel_display": {"en": "{task}: display", "ja": "{task}：探索画面"},
    "cs.colorbar": {"en": "map value (max = 1)", "ja": "マップの値（最大値 = 1）"},
    # text
    "cs.title": {"en": "Network attention in visual search: set-size effect and CAM localisation",
                 "ja": "視覚探索におけるネットワークの注意：セットサイズ効果と CAM による位置の特定"},
    "cs.intro": {
        "en": ("A {arch} network was trained per task on {size} x {size} px displays (glyph strokes {stroke} px wide): first for "
               "{pre} epoch(s) on crops of single items (a target from each present display, a distractor from each absent one), "
               "then on whole displays for at most {epochs} epochs, stopping when the loss on {n_val} validation displays per task "
               "x set size x presence had not fallen for {patience} epochs; {n_per_cell} training displays per cell, mixed set "
               "sizes {sizes}. It was tested on {n_test} fresh displays per cell: clean; after its first epoch only; and with "
               "external Gaussian pixel noise whose SD was chosen on the validation displays of set size {smallest} so that "
               "accuracy there was about {target} (the human-like condition: with noisy or brief, masked displays every added "
               "distractor is one more chance of a false alarm, so accuracy can fall with set size; Palmer, Verghese & Pavel "
               "2000; Eckstein 1998). Seed {seed}."),
        "ja": ("課題ごとに {arch} ネットワークを {size} × {size} px の探索画面（図形の線幅 {stroke} px）で学習させた。まず単一項目の"
               "切り抜き（標的ありの画面からは標的，標的なしの画面からは妨害刺激）で {pre} エポック，次に画面全体で最大 {epochs} "
               "エポック学習させ，課題 × セットサイズ × 標的の有無ごとに {n_val} 枚の検証用画面での損失が {patience} エポック"
               "下がらなくなった時点で止めた。学習用画面は条件あたり {n_per_cell} 枚で，セットサイズ {sizes} を混ぜた。評価には"
               "条件あたり {n_test} 枚の新しい画面を用いた：ノイズなし，最初の 1 エポック後のみ，および外部ガウス画素ノイズあり"
               "である。ノイズの SD は，セットサイズ {smallest} の検証用画面での正答率がおよそ {target} になるよう選んだ（人間に近い"
               "条件：ノイズのある画面や短時間提示でマスクされた画面では，妨害刺激が1つ増えるごとに誤って「あり」と答える機会が"
               "1つ増えるので，正答率がセットサイズとともに下がりうる；Palmer, Verghese, & Pavel, 2000；Eckstein, 1998）。"
               "乱数シード {seed}。"),
    },
    "cs.quick": {"en": ("Quick run: small training and test sets. Networks that did not learn are flagged below; "
                        "their statistics are not interpretable."),
                 "ja": "簡易設定の実行：学習用・評価用の画面が少ない。学習しなかったネットワークは以下に印を付けた。その統計量は解釈できない。"},
    "cs.h_learn": {"en": "Did the networks learn?", "ja": "ネットワークは学習したか"},
    "cs.chance_item": {"en": "{net} on {task} ({pct} %)", "ja": "{task}の{net}（{pct} %）"},
    "cs.chance_list": {"en": ("Not above chance (one-sided binomial test of held-out accuracy, p >= .05): {items}. Every "
                              "statistic of these networks is marked '{note}'."),
                       "ja": ("チャンス水準を上回らなかった（評価用画面の正答率の片側二項検定，p >= .05）：{items}。これらの"
                              "ネットワークの統計量にはすべて「{note}」と記した。")},
    "cs.all_learned": {"en": "Every network is above chance on held-out displays (one-sided binomial test, p < .05).",
                       "ja": "どのネットワークも評価用画面でチャンス水準を上回った（片側二項検定，p < .05）。"},
    "cs.table_networks": {"en": "Held-out accuracy per network and task (chance 0.5: target presence is balanced).",
                          "ja": "ネットワークと課題ごとの評価用画面での正答率（標的の有無は半々なのでチャンス水準は 0.5）。"},
    "cs.h_effect": {"en": "Set-size effect", "ja": "セットサイズ効果"},
    "cs.noise_sd": {"en": " (noise SD {sd})", "ja": "（ノイズの SD {sd}）"},
    "cs.head": {"en": ("{cond}{noise}: held-out accuracy {pct} % (lowest set size {low} %, binomial p = {p})"),
                "ja": "{cond}{noise}：評価用画面の正答率 {pct} %（最も低いセットサイズでは {low} %，二項検定 p = {p}）"},
    "cs.head_chance": {"en": "{head}; {note}.", "ja": "{head}；{note}。"},
    "cs.head_slope": {"en": "{head}; on target-present displays {slope}.", "ja": "{head}；標的ありの画面では{slope}。"},
    "cs.rises": {"en": "errors rise with set size", "ja": "誤反応はセットサイズとともに増える"},
    "cs.falls": {"en": "errors fall with set size", "ja": "誤反応はセットサイズとともに減る"},
    "cs.no_effect": {"en": "no set-size effect detectable (the interval includes 0)",
                     "ja": "セットサイズ効果は検出できない（区間が 0 を含む）"},
    "cs.slope": {"en": "the error rate changes by {b} %/item (95 % CI {lo} to {hi}): {verdict}",
                 "ja": "誤反応率の変化は {b} %/項目（95 % 信頼区間 {lo}〜{hi}）：{verdict}"},
    "cs.people": {"en": "People: RT slope {rt} ms/item, error-rate slope {err} %/item (target present).",
                  "ja": "人間：RT の傾き {rt} ms/項目，誤反応率の傾き {err} %/項目（標的あり）。"},
    "cs.task_line": {"en": "{task}. {parts}", "ja": "{task}。{parts}"},
    "cs.order_sep": {"en": " < ", "ja": " < "},
    "cs.same_order": {"en": ": the same order.", "ja": "：同じ順序である。"},
    "cs.other_order": {"en": ": a different order.", "ja": "：異なる順序である。"},
    "cs.order": {"en": ("Order of the tasks by set-size cost, among the tasks whose noisy network learned: network (error slope) "
                        "{net}; people (RT slope) {hum}{same} With {n} tasks this is a description, not a test: no rank "
                        "correlation over so few tasks can be significant, and an error slope under calibrated noise is not an "
                        "RT slope."),
                "ja": ("ノイズありのネットワークが学習した課題について，セットサイズによるコストの順に課題を並べると，ネットワーク"
                       "（誤反応率の傾き）は {net}，人間（RT の傾き）は {hum}{same}課題が {n} つでは，これは記述であって検定ではない。"
                       "これほど少ない課題ではどの順位相関も有意になりえず，較正したノイズの下での誤反応率の傾きは RT の傾きではない。")},
    "cs.fig_accuracy": {"en": ("Accuracy and confidence against set size (target-present displays). "
                               "Dashed: a network at chance. Dotted: chance."),
                        "ja": "セットサイズと正答率・確信度（標的ありの画面）。破線：チャンス水準のネットワーク。点線：チャンス水準。"},
    "cs.table_effect": {"en": ("Set-size slopes: networks (error rate and confidence, %/item, 95 % parametric-bootstrap interval "
                               "of the error slope) and people (Wolfe et al. 2010: RT ms/item, errors %/item)."),
                        "ja": ("セットサイズに対する傾き：ネットワーク（誤反応率と確信度，%/項目，誤反応率の傾きのパラメトリック・"
                               "ブートストラップによる 95 % 区間）と人間（Wolfe et al., 2010：RT ms/項目，誤反応 %/項目）。")},
    "cs.cannot": {"en": ("What this cannot show: the network answers in one pass and has no reaction time, so its error slope is "
                         "compared with people's errors and RT slopes only in direction and order. The noise level is set per task "
                         "at the smallest set size, so the noisy condition says how accuracy changes with set size from a fixed "
                         "starting point, not how hard each task is; people in Wolfe et al. (2010) saw clean displays until they "
                         "answered."),
                  "ja": ("この結果から言えないこと：ネットワークは1回の処理で答え，反応時間をもたないので，その誤反応率の傾きは"
                         "人間の誤反応と RT の傾きと，向きと順序だけを比べている。ノイズの水準は課題ごとに最小のセットサイズで"
                         "決めたので，ノイズあり条件が示すのは一定の出発点から正答率がセットサイズとともにどう変わるかであり，"
                         "各課題の難しさではない。Wolfe et al.（2010）の参加者はノイズのない画面を答えるまで見ていた。")},
    "cs.h_where": {"en": "Where the network looks", "ja": "ネットワークはどこを見ているか"},
    "cs.fig_localisation": {"en": ("Pointing game (share of maps whose maximum lies on the target) and energy-based pointing "
                                   "(share of the map inside the target box). Dotted: a map that picks one item at random."),
                            "ja": ("ポインティングゲーム（最大点が標的上にあるマップの割合）とエネルギーに基づくポインティング"
                                   "（標的の枠内にあるマップの値の割合）。点線：ランダムに1項目を選ぶマップ。")},
    "cs.table_localisation": {"en": "Localisation averaged over set sizes (deletion AUC: lower is better; insertion AUC: higher is better).",
                              "ja": "セットサイズで平均した位置の特定（削除 AUC は低いほど，挿入 AUC は高いほどよい）。"},
    "cs.fig_maps": {"en": ("Maps of the trained network (class 'present') and Itti-Koch saliency over one display per task "
                           "(set size {size})."),
                    "ja": "学習済みネットワークのマップ（「あり」クラス）と Itti-Koch の顕著性マップ，課題ごとに1枚の画面（セットサイズ {size}）。"},
    # table headers and values
    "cs.col.task": {"en": "task", "ja": "課題"},
    "cs.col.network": {"en": "network", "ja": "ネットワーク"},
    "cs.col.accuracy": {"en": "accuracy", "ja": "正答率"},
    "cs.col.lowest": {"en": "lowest set-size accuracy", "ja": "最も低いセットサイズでの正答率"},
    "cs.col.p": {"en": "binomial p", "ja": "二項検定の p"},
    "cs.col.noise_sd": {"en": "noise SD", "ja": "ノイズの SD"},
    "cs.col.epochs": {"en": "epochs (best)", "ja": "エポック数（最良）"},
    "cs.col.status": {"en": "status", "ja": "状態"},
    "cs.col.source": {"en": "source", "ja": "対象"},
    "cs.col.target": {"en": "target", "ja": "標的"},
    "cs.col.error_slope": {"en": "error slope %/item", "ja": "誤反応率の傾き %/項目"},
    "cs.col.ci": {"en": "95 % CI", "ja": "95 % 信頼区間"},
    "cs.col.confidence_slope": {"en": "confidence slope %/item", "ja": "確信度の傾き %/項目"},
    "cs.col.rt_slope": {"en": "RT slope ms/item", "ja": "RT の傾き ms/項目"},
    "cs.col.note": {"en": "note", "ja": "注記"},
    "cs.col.map": {"en": "map", "ja": "マップ"},
    "cs.present": {"en": "present", "ja": "あり"},
    "cs.absent": {"en": "absent", "ja": "なし"},
    "cs.interval": {"en": "{lo} to {hi}", "ja": "{lo}〜{hi}"},
    "cs.item_sep": {"en": "; ", "ja": "；"},
}
"""Texts of the cnn-search report (prefix ``cs.``)."""
