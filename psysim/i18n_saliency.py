"""The en/ja texts of the ``saliency-popout`` and ``saliency-fixations`` reports (merged into
:data:`psysim.i18n.CATALOGUE`; kept apart so that ``psysim/i18n.py`` stays readable). Imports nothing.

Terms as in the course: 顕著性マップ (saliency map), 次元別顕著性マップ (conspicuity map),
勝者総取り (winner-take-all), 注視 (fixation), 探索関数の傾き (search slope)."""

SALIENCY: dict[str, dict[str, str]] = {
    # labels shared by tables and figures
    "model.saliency": {"en": "Itti-Koch (paper)", "ja": "Itti-Koch（論文どおり）"},
    "model.saliency-onoff": {"en": "Itti-Koch (on/off cells)", "ja": "Itti-Koch（オン／オフ中心を分離）"},
    "source.saliency-onoff": {"en": "saliency-onoff", "ja": "顕著性マップによる探索（オン／オフ中心を分離）"},
    "map.colour": {"en": "colour", "ja": "色"},
    "map.intensity": {"en": "intensity", "ja": "輝度"},
    "map.orientation": {"en": "orientation", "ja": "方位"},
    "map.saliency": {"en": "saliency map S", "ja": "顕著性マップ S"},
    "col.first_fixation_rate": {"en": "first fixation on target", "ja": "最初の注視が標的"},
    "col.mean_rank": {"en": "mean target rank", "ja": "標的の平均順位"},
    "col.rank1_rate": {"en": "rank 1", "ja": "1位の割合"},
    "col.n": {"en": "n", "ja": "件数"},
    "col.size_px": {"en": "render size (px)", "ja": "描画サイズ（px）"},
    "col.map_px_per_item": {"en": "map px per item", "ja": "項目あたりのマップ画素"},
    "col.top_rate": {"en": "target strictly first", "ja": "標的が単独で1位"},
    "col.normalization": {"en": "normalisation", "ja": "正規化"},
    "col.map": {"en": "map", "ja": "マップ"},
    "col.target_share": {"en": "at the target", "ja": "標的"},
    "col.best_distractor": {"en": "at the best distractor", "ja": "最も強い妨害刺激"},
    "col.peak_on_target": {"en": "peak on the target", "ja": "標的で最大"},
    # saliency-popout
    "sp.title": {"en": "Saliency pop-out: the Itti-Koch model on search displays",
                 "ja": "顕著性とポップアウト：探索画面に対する Itti-Koch モデル"},
    "sp.intro": {
        "en": ("{n} displays per task x set size x target presence, rendered at {size} px; saliency maps from the Itti, Koch & "
               "Niebur (1998) model (psysim.saliency.IttiKoch), as the paper defines it ('saliency') and with on- and off-centre "
               "intensity and colour maps kept apart ('saliency-onoff', Frintrop 2005; a deviation from the paper). The first "
               "fixation is the winner-take-all winner (the map maximum), assigned to the nearest item."),
        "ja": ("課題×セットサイズ×標的の有無の各条件につき {n} 枚の探索画面を {size} px で描画し，Itti, Koch, & Niebur（1998）の"
               "モデル（psysim.saliency.IttiKoch）で顕著性マップを求めた。モデルは論文の定義どおりのもの（saliency）と，輝度と色の"
               "オン中心・オフ中心のマップを分けたもの（saliency-onoff，Frintrop, 2005；論文からの変更）の2種類である。最初の注視は"
               "勝者総取り（WTA）の勝者（マップの最大点）とし，最も近い項目に割り当てた。"),
    },
    "sp.h_first": {"en": "First fixation on the target", "ja": "標的への最初の注視"},
    "sp.model_line": {"en": "Model '{name}':", "ja": "モデル「{name}」："},
    "sp.first_line": {"en": "{task}: the first fixation lands on the target on {pct}% of {n} target-present displays",
                      "ja": "{task}：標的あり画面 {n} 枚のうち {pct}% で最初の注視が標的に向いた"},
    "sp.w_always": {"en": "nearly always", "ja": "ほぼ常に最初の注視先"},
    "sp.w_often": {"en": "often but not nearly always", "ja": "しばしば最初の注視先（ただしほぼ常にではない）"},
    "sp.w_not": {"en": "not reliably", "ja": "安定した最初の注視先ではない"},
    "sp.verdict": {
        "en": ("In '{name}', the colour singleton (feature task) is {w1} the first fixation ({p1}%) and the orientation singleton "
               "is {w2} the first fixation ({p2}%); a conjunction target is first on {pc}% of displays and a "
               "spatial-configuration target on {ps}%."),
        "ja": ("「{name}」では，色の特異項目（特徴探索）は{w1}（{p1}%），方位の特異項目は{w2}（{p2}%）であった。"
               "最初の注視が標的に向いた画面の割合は，結合探索で {pc}%，空間配置探索で {ps}% であった。"),
    },
    "sp.h_why": {"en": "Why: the channels at the target", "ja": "なぜか：標的の位置での各チャンネル"},
    "sp.chan_item": {"en": "{map} {pct}% (share of S at the target {t} vs {d} at the best distractor)",
                     "ja": "{map} {pct}%（S への寄与は標的で {t}，最も強い妨害刺激で {d}）"},
    "sp.chan_norm": {
        "en": ("With normalization='{norm}', the map peaks on the red target on: {chans}. The saliency map S, their equally "
               "weighted sum (Itti et al. 1998, Eq. 8), peaks on the target on {pct}% of {n} displays. "),
        "ja": ("normalization='{norm}' のとき，各マップが赤い標的で最大となった画面の割合は次のとおりである：{chans}。"
               "それらを等しい重みで足した顕著性マップ S（Itti et al., 1998, 式 8）が標的で最大となったのは {n} 枚中 {pct}% であった。"),
    },
    "sp.carried": {"en": "The singleton is carried by {maps}", "ja": "特異項目を担っているのは{maps}である"},
    "sp.no_carrier": {"en": "No channel peaks on the target on most displays",
                      "ja": "大半の画面で標的において最大となるチャンネルはない"},
    "sp.dilute": {"en": "; {maps} put more, on average, at the best distractor than at the target, and so dilute it in the sum.",
                  "ja": "。{maps}は平均して標的よりも最も強い妨害刺激に大きな値を与えるので，和の中で標的を薄めている。"},
    "sp.end": {"en": ".", "ja": "。"},
    "sp.list_sep": {"en": ", ", "ja": "・"},
    "sp.item_sep": {"en": "; ", "ja": "；"},
    "sp.chan_caveat": {
        "en": ("Rendered at {size} px. These figures show where each channel's map is highest; they cannot show why, nor how "
               "the maps would combine under other channel weights than the paper's equal ones."),
        "ja": ("描画は {size} px。これらの数値は各チャンネルのマップがどこで最大になるかを示すが，その理由は示さない。また，"
               "論文の等しい重み以外でマップを組み合わせたらどうなるかも示さない。"),
    },
    "sp.table_channels": {
        "en": ("Feature displays at {size} px: each channel's share of S (N(map)/3, in units of the display's saliency maximum, "
               "pooled over the item by its maximum) at the target and at the best distractor (means over displays), and the "
               "fraction of displays on which the map is strictly highest at the target"),
        "ja": ("{size} px の特徴探索画面：各チャンネルの S への寄与（N(マップ)/3，画面の顕著性の最大値を単位とし，項目内の最大値で"
               "代表させた値）の標的と最も強い妨害刺激での平均，およびマップが標的で単独の最大となった画面の割合"),
    },
    "sp.h_resolution": {"en": "Resolution: the top-item rate against render size", "ja": "解像度：描画サイズと標的が1位になる割合"},
    "sp.res_point": {"en": "{pct}% at {size} px ({per} map px per item)", "ja": "{size} px で {pct}%（項目あたり {per} マップ画素）"},
    "sp.res_model": {"en": "'{model}': {pts}.", "ja": "「{model}」：{pts}。"},
    "sp.resolution_text": {
        "en": ("The softmax saliency priority maps read the map pooled over each item's footprint (its maximum within half an "
               "item of the centre); the saliency map is at 1/16 of the image, so at small render sizes an item spans about one "
               "map pixel and the item priorities depend on resolution. Strict top-item rate (ties count as failures), {n} "
               "target-present feature displays per size: {lines} psysim's softmax saliency maps and the saliency search model "
               "render at 512 px."),
        "ja": ("ソフトマックス選択で用いる顕著性の優先度マップは，各項目の範囲（中心から項目の半分以内）でのマップの最大値を読む。"
               "顕著性マップは画像の 1/16 の解像度なので，描画サイズが小さいと1項目がおよそ1マップ画素にしかならず，項目の優先度が"
               "解像度に左右される。標的が単独で1位になる割合（同順位は失敗と数える），サイズごとに標的ありの特徴探索画面 {n} 枚："
               "{lines}psysim のソフトマックス顕著性マップと顕著性探索モデルは 512 px で描画する。"),
    },
    "sp.table_resolution": {"en": "Fraction of target-present feature displays on which the item-pooled map puts the target strictly first, by render size",
                            "ja": "描画サイズごとの，項目ごとにまとめたマップで標的が単独で1位となった標的あり特徴探索画面の割合"},
    "sp.fig_resolution": {"en": "Strict top-item rate of the item-pooled saliency map against render size",
                          "ja": "描画サイズと，項目ごとにまとめた顕著性マップで標的が単独で1位になる割合"},
    "sp.table_rates": {"en": "First-fixation rate, mean target rank and rate of rank 1 by model, task and set size",
                       "ja": "モデル・課題・セットサイズごとの，最初の注視が標的に向いた割合，標的の平均順位，1位の割合"},
    "sp.fig_rates": {"en": "First-fixation rate and mean target saliency rank by set size",
                     "ja": "セットサイズごとの，最初の注視が標的に向いた割合と標的の顕著性の平均順位"},
    "sp.h_slopes": {"en": "Search slopes implied by the WTA order", "ja": "WTA の順序から導かれる探索関数の傾き"},
    "sp.slopes_text": {
        "en": ("The saliency search model visits items in decreasing saliency (RT = 450 ms + visits x 50 ms, exhaustive on absent "
               "trials; default parameters, not fitted). Human slopes: Wolfe, Palmer & Horowitz (2010), t-based 95% CIs over "
               "observers; model CIs are OLS over trials."),
        "ja": ("顕著性探索モデルは顕著性の高い順に項目を調べる（RT = 450 ms + 調べた項目数 × 50 ms，標的なし試行では全項目を調べる；"
               "既定値のままで推定していない）。人間の傾きは Wolfe, Palmer, & Horowitz（2010）のもので，95% 信頼区間は参加者間の "
               "t 分布による。モデルの信頼区間は試行単位の最小二乗法による。"),
    },
    "sp.slope_line": {"en": "{name}, {task}, target {presence}: model {m} ms/item, human {h} [{lo}, {hi}]: the model is {word} the human CI",
                      "ja": "{name}・{task}・{presence}：モデル {m} ms/項目，人間 {h} [{lo}, {hi}]：モデルは人間の信頼区間{word}"},
    "sp.within": {"en": "within", "ja": "の内側にある"},
    "sp.above": {"en": "above", "ja": "より上にある"},
    "sp.below": {"en": "below", "ja": "より下にある"},
    "sp.exhaustive": {
        "en": ("With the default quitting rule (threshold 0) target-absent search is exhaustive on every task, so the model "
               "predicts a steep absent slope even for feature search, where observers are flat: the WTA order alone has no "
               "signal that tells it a display holds no singleton."),
        "ja": ("既定の打ち切り規則（閾値 0）では，標的なしの探索はどの課題でも全項目を調べるので，参加者の傾きがほぼ 0 の特徴探索でも"
               "モデルは急な傾きを予測する。WTA の順序だけでは，画面に特異項目がないことを知らせる信号がない。"),
    },
    "sp.table_slopes": {"en": "Search slopes (ms/item) with 95% CIs", "ja": "探索関数の傾き（ms/項目）と 95% 信頼区間"},
    "sp.fig_slopes": {"en": "Search slopes: model vs. human observers", "ja": "探索関数の傾き：モデルと人間の参加者"},
    "sp.fig_examples": {"en": "Example displays with the first five WTA fixations (paper's model), and the saliency maps of both variants",
                        "ja": "探索画面の例と WTA による最初の5回の注視（論文どおりのモデル），および2つのモデルの顕著性マップ"},
    "sp.meta_displays": {"en": "displays per cell", "ja": "条件あたりの画面数"},
    "sp.ax_render": {"en": "Render size (px)", "ja": "描画サイズ（px）"},
    "sp.ax_top": {"en": "Target strictly first (%)", "ja": "標的が単独で1位（%）"},
    "sp.ax_first": {"en": "First fixation on target (%)", "ja": "最初の注視が標的（%）"},
    "sp.ax_rank": {"en": "Mean target saliency rank", "ja": "標的の顕著性の平均順位"},
    "sp.ax_slope": {"en": "Slope (ms/item)", "ja": "傾き（ms/項目）"},
    "sp.colorbar": {"en": "Saliency (a.u.)", "ja": "顕著性（任意単位）"},
}
"""Texts of the saliency reports (prefix ``sp.`` and ``sf.``, labels of models and maps)."""
