"""The en/ja texts of the ``picture-naming`` report (merged into :data:`psysim.i18n.CATALOGUE`). Imports nothing.

Terms as in the course: 絵画命名 (picture naming), 転移学習 (transfer learning), ファインチューニング
(fine-tuning), データ拡張 (data augmentation), 命名潜時 (naming latency), 名称一致度 (name agreement),
温度付きソフトマックス (softmax with temperature), エントロピー (entropy)."""

NAMING: dict[str, dict[str, str]] = {
    "regime.transfer": {"en": "transfer", "ja": "転移学習"},
    "regime.finetune": {"en": "finetune", "ja": "ファインチューニング"},
    "version.line": {"en": "line", "ja": "線画"},
    "version.colour": {"en": "colour", "ja": "カラー"},
    "col.backbone": {"en": "backbone", "ja": "バックボーン"},
    "col.regime": {"en": "regime", "ja": "学習法"},
    "col.accuracy_sd": {"en": "accuracy SD", "ja": "正答率の SD"},
    "col.top5": {"en": "top-5", "ja": "上位5位正答率"},
    "col.p_correct": {"en": "p(right name)", "ja": "正しい名前の確率"},
    "col.entropy": {"en": "entropy (bits)", "ja": "エントロピー（ビット）"},
    "col.T_calibrated": {"en": "T calibrated", "ja": "較正した T"},
    "col.train_acc": {"en": "training accuracy", "ja": "学習時の正答率"},
    "col.made": {"en": "made", "ja": "実施"},
    "col.n_items": {"en": "items", "ja": "項目数"},
    "col.reason": {"en": "reason", "ja": "理由"},
    "col.predictor": {"en": "predictor", "ja": "予測変数"},
    "col.coefficient": {"en": "β", "ja": "β"},
    "col.measure": {"en": "measure", "ja": "測度"},
    "pn.title": {"en": "Picture naming: CNNs against human naming norms", "ja": "絵画命名：CNN と人間の命名規準"},
    "pn.builtin_set": {"en": "the Snodgrass & Vanderwart (1980) line drawings and the 42 coloured Rossion & Pourtois (2004) pictures",
                       "ja": "Snodgrass & Vanderwart（1980）の線画と Rossion & Pourtois（2004）のカラーの絵 42 枚"},
    "pn.and": {"en": " and ", "ja": "と"},
    "pn.intro": {
        "en": ("A backbone ({backbones}) was given a new output layer with one unit for each of the {n_names} names of {n_pictures} "
               "pictures ({set}), and trained under {regimes} (transfer: backbone frozen, only the new layer learns; finetune: the "
               "transfer network of the same seed then trained in every layer, LP-FT after Kumar et al. 2022, with the backbone's "
               "batch-norm statistics kept). Training used augmented views (affine jitter, crops, stroke thickness, blur, contrast, "
               "colour jitter; strength {s0}-{s1}). Every score below comes from held-out views drawn with other seeds at strengths "
               "{eval} ({views} per picture and strength); no evaluation view equals a training view: every one was checked against a "
               "ledger of fingerprints of all {n_train} training views and the untransformed pictures, and {dropped} equal one(s) were "
               "dropped. Networks were trained with {seeds} seed(s); entropies are in bits at temperature T = {T}. "),
        "ja": ("バックボーン（{backbones}）に，絵 {n_pictures} 枚（{set}）の {n_names} 個の名前それぞれに1ユニットを割り当てた新しい出力層を"
               "付け，{regimes}で学習させた（転移学習：バックボーンを凍結し新しい層だけを学習；ファインチューニング：同じシードの転移学習"
               "ネットワークをさらに全層で学習，Kumar et al., 2022 の LP-FT にならい，バックボーンのバッチ正規化の統計量は固定）。"
               "学習にはデータ拡張したビュー（アフィン変形，切り抜き，線の太さ，ぼかし，コントラスト，色のゆらぎ；強度 {s0}〜{s1}）を"
               "用いた。以下の得点はすべて，別のシードで強度 {eval} により作った評価用ビュー（絵と強度ごとに {views} 枚）によるもので，"
               "学習用ビューと同じものはない：すべての評価用ビューを学習用ビュー {n_train} 枚と元の絵の指紋の台帳と照合し，一致した"
               "{dropped} 枚を除いた。ネットワークはシード {seeds} 個で学習し，エントロピーは温度 T = {T} でのビット単位の値である。"),
    },
    "pn.crop": {
        "en": ("White picture margins were cropped to the ink bounding box (pixels more than {ink} levels below white) with a margin of "
               "{pad}% of its longer side before resizing to {size} px, so the drawing fills the input (--set crop=false keeps them)."),
        "ja": ("絵の白い余白は，インクの外接矩形（白より {ink} 階調以上暗い画素）に長辺の {pad}% の余白を加えた範囲に切り詰めてから "
               "{size} px に縮小したので，線画が入力いっぱいに描かれる（--set crop=false で余白を残す）。"),
    },
    "pn.no_crop": {"en": "Pictures were resized to {size} px with their margins (crop off).",
                   "ja": "絵は余白を残したまま {size} px に縮小した（切り詰めなし）。"},
    "pn.glyphs_note": {
        "en": ("psysim-glyphs is psysim's offline backbone: a small GAP network pretrained only on objects psysim draws itself "
               "(python -m psysim.naming.pretrain), never on photographs or on naming-test pictures. It is far weaker than an ImageNet "
               "model; use --set backbone=mnasnet1_0 (or efficientnet_b0, resnet18) where their weights are in the torch cache."),
        "ja": ("psysim-glyphs は psysim のオフライン用バックボーンで，psysim 自身が描く物体だけで事前学習した小さな GAP ネットワークである"
               "（python -m psysim.naming.pretrain）。写真や命名テストの絵では学習していない。ImageNet で学習したモデルよりはるかに弱いので，"
               "torch のキャッシュに重みがあれば --set backbone=mnasnet1_0（または efficientnet_b0，resnet18）を用いるとよい。"),
    },
    "pn.quick": {"en": "Quick run: small images, few epochs, seeds, views and splits. Numbers are for a first look only.",
                 "ja": "簡易設定による実行：画像が小さく，エポック・シード・ビュー・分割の数も少ない。数値は目安にすぎない。"},
    "pn.h_accuracy": {"en": "Naming accuracy on held-out views", "ja": "評価用ビューでの命名の正答率"},
    "pn.table_accuracy": {
        "en": ("Mean over training seeds (SD over seeds) of the per-picture scores on held-out views; T_calibrated is the "
               "maximum-likelihood temperature (Guo et al. 2017) on separate held-out views."),
        "ja": "評価用ビューでの絵ごとの得点の，学習シード間の平均（SD はシード間）。較正した T は別の評価用ビューでの最尤推定の温度（Guo et al., 2017）。",
    },
    "pn.accuracy_line": {
        "en": ("{backbone}, {regime}: {acc}% of held-out views named correctly (SD over seeds {sd} points), top-5 {top5}%; on its last "
               "training epoch it was {train}% correct ({gap} points above held-out)."),
        "ja": ("{backbone}・{regime}：評価用ビューの {acc}% に正しく命名した（シード間の SD {sd} ポイント），上位5位正答率 {top5}%。"
               "学習の最終エポックでは {train}% 正答で，評価用より {gap} ポイント高い。"),
    },
    "pn.more": {"en": "more", "ja": "多く"},
    "pn.fewer": {"en": "fewer", "ja": "少なく"},
    "pn.same": {"en": "largely the same", "ja": "おおむね同じ"},
    "pn.different": {"en": "different", "ja": "異なる"},
    "pn.regimes_line": {
        "en": ("{backbone}: fine-tuning named {diff} points {more} held-out views correctly than transfer learning; the two regimes' "
               "per-picture entropies correlate r = {r}, i.e. they find {same} pictures hard."),
        "ja": ("{backbone}：ファインチューニングは転移学習より評価用ビューを {diff} ポイント{more}正しく命名した。2つの学習法の絵ごとの"
               "エントロピーの相関は r = {r} で，難しいと感じる絵は{same}。"),
    },
    "pn.fig_regimes": {"en": "Figure 1. Per-picture scores on held-out views, by backbone and regime.",
                       "ja": "図1　バックボーンと学習法ごとの，評価用ビューでの絵ごとの得点"},
    "pn.h_coverage": {"en": "Comparisons with human norms: made and not made", "ja": "人間の規準との比較：行ったものと行わなかったもの"},
    "pn.described": {"en": "The manifest {manifest} was read through the description {path}{columns}.",
                     "ja": "マニフェスト {manifest} は記述ファイル {path} を通して読んだ{columns}。"},
    "pn.described_columns": {"en": " (columns: {mapping}{unit})", "ja": "（列：{mapping}{unit}）"},
    "pn.described_unit": {"en": "; latencies in {unit}, converted to ms", "ja": "；潜時の単位は {unit} で，ms に変換した"},
    "pn.made": {"en": "Made: {n} of {total} comparisons{list}.", "ja": "実施した比較：{total} 件中 {n} 件{list}。"},
    "pn.not_made": {"en": "Not made, and why: {list}.", "ja": "行わなかった比較とその理由：{list}。"},
    "pn.reasons_english": {"en": "Reasons are psysim.naming.norms's own, in English.", "ja": "理由は psysim.naming.norms が記したもの（英語のまま示す）。"},
    "pn.unused": {
        "en": ("Numeric manifest column(s) not used as norms: {unused}. psysim's norm columns are {norms}; a manifest TOML maps a file's "
               "own column onto one ([columns] rt = \"COLUMN\", see psysim.naming.describe)."),
        "ja": ("規準として使わなかった数値の列：{unused}。psysim の規準の列は {norms} であり，マニフェストの TOML でファイル独自の列を"
               "これらに対応づけられる（[columns] rt = \"COLUMN\"，psysim.naming.describe を参照）。"),
    },
    "pn.table_coverage": {"en": "Every comparison with people this experiment makes, whether the picture set's norms allowed it, on how many items, and why not.",
                          "ja": "この実験が行う人間との比較のすべてと，絵のセットの規準でそれが可能だったか，何項目で行ったか，行わなかった理由"},
    "pn.cmp.latency": {"en": "naming latency on model entropy", "ja": "モデルのエントロピーによる命名潜時の予測"},
    "pn.cmp.latency_covariates": {"en": "naming latency on entropy with familiarity / complexity as covariates (R² change)",
                                  "ja": "親近性・複雑さを共変量とした，エントロピーによる命名潜時の予測（R² の変化）"},
    "pn.cmp.temperature": {"en": "softmax temperature chosen on half of the items, tested on the other half",
                           "ja": "項目の半分で選んだソフトマックスの温度を残り半分で検証"},
    "pn.cmp.h": {"en": "name agreement H on model entropy", "ja": "モデルのエントロピーによる名称一致度 H の予測"},
    "pn.cmp.pct_modal": {"en": "% modal name on model entropy", "ja": "モデルのエントロピーによる最頻名称率の予測"},
    "pn.cmp.colour": {"en": "colour against line drawings of the same items (model)", "ja": "同じ項目のカラーと線画の比較（モデル）"},
    "pn.cmp.colour_human": {"en": "colour against line drawings: people's latency gain and the model's",
                            "ja": "カラーと線画の比較：人間の潜時の短縮とモデルの変化"},
    "pn.h_latency": {"en": "Naming latency and model entropy ({version} pictures)", "ja": "命名潜時とモデルのエントロピー（{version}）"},
    "pn.latency_expect": {
        "en": ("Expected if the network's uncertainty tracks people's: higher entropy, slower naming (β > 0); familiar pictures are "
               "named faster (β < 0) and complex ones more slowly (β > 0)."),
        "ja": ("ネットワークの不確かさが人間のそれと対応するなら，エントロピーが高いほど命名は遅い（β > 0）と予想される。親近性の高い絵は"
               "速く（β < 0），複雑な絵は遅く（β > 0）命名される。"),
    },
    "pn.rel_none": {"en": "{what}: no reliable relation ({est}); the data do not show one.",
                    "ja": "{what}：確かな関係はない（{est}）。データはそれを示していない。"},
    "pn.rel_pos": {"en": "{what}: a reliable positive relation ({est}){against}.", "ja": "{what}：確かな正の関係がある（{est}）{against}。"},
    "pn.rel_neg": {"en": "{what}: a reliable negative relation ({est}){against}.", "ja": "{what}：確かな負の関係がある（{est}）{against}。"},
    "pn.rel_against": {"en": " — opposite to the expected direction", "ja": "——予想と逆の向きである"},
    "pn.rel_est": {"en": "β = {b}, 95% CI [{lo}, {hi}], {p}, n = {n}", "ja": "β = {b}，95% CI [{lo}, {hi}]，{p}，n = {n}"},
    "pn.w_alone": {"en": "{backbone}, {regime}: latency on entropy alone", "ja": "{backbone}・{regime}：エントロピーのみによる潜時の予測"},
    "pn.w_with": {"en": "{backbone}, {regime}: latency on entropy with {covs} as covariate(s)",
                  "ja": "{backbone}・{regime}：{covs}を共変量とした，エントロピーによる潜時の予測"},
    "pn.w_cov": {"en": "{backbone}, {regime}: latency on {cov} (with entropy)", "ja": "{backbone}・{regime}：{cov}による潜時の予測（エントロピーを含む）"},
    "cov.familiarity": {"en": "familiarity", "ja": "親近性"},
    "cov.complexity": {"en": "complexity", "ja": "複雑さ"},
    "pn.delta_r2": {"en": "Entropy adds ΔR² = {d} to the covariates (F({df1}, {df2}) = {F}, p = {p}).",
                    "ja": "エントロピーは共変量に ΔR² = {d} を加える（F({df1}, {df2}) = {F}，p = {p}）。"},
    "pn.table_latency": {"en": "Standardised OLS coefficients (z-scored variables) with 95% CIs.", "ja": "標準化した OLS 係数（変数は z 得点）と 95% 信頼区間"},
    "pn.fig_latency": {"en": "Figure 2. Model entropy against human naming latency, one point per item (OLS line, 95% band).",
                       "ja": "図2　モデルのエントロピーと人間の命名潜時（点は項目，OLS による直線と 95% 信頼帯）"},
    "pn.h_splits": {"en": "Temperature chosen on half of the items, tested on the other half", "ja": "項目の半分で選んだ温度を残り半分で検証"},
    "pn.table_splits": {
        "en": ("Over random half splits: the temperature that best predicts latency in the fitting half, and what entropy at that "
               "temperature adds to familiarity and complexity in the test half (out-of-sample R²)."),
        "ja": "ランダムな半分割について：推定用の半分で潜時を最もよく予測する温度と，その温度でのエントロピーが検証用の半分で親近性と複雑さに加える説明率（標本外の R²）",
    },
    "pn.split_yes": {"en": "entropy at the fitted temperature predicts latency out of sample",
                     "ja": "推定した温度でのエントロピーは標本外でも潜時を予測する"},
    "pn.split_no": {"en": ("entropy does not reliably improve out-of-sample prediction of latency beyond the covariates (the 95% range of "
                           "the gain includes 0)"),
                    "ja": "エントロピーは共変量を超えて標本外の潜時の予測を確かには改善しない（改善量の 95% 範囲が 0 を含む）"},
    "pn.split_line": {"en": "{backbone}, {regime}: {verdict}; mean gain ΔR² = {d} [{lo}, {hi}], better in {pct}% of splits; median T = {T}.",
                      "ja": "{backbone}・{regime}：{verdict}。平均の改善 ΔR² = {d} [{lo}, {hi}]，改善した分割は {pct}%，T の中央値 = {T}。"},
    "pn.fig_splits": {"en": "Figure 3. Temperatures chosen on the fitting halves and the out-of-sample R² gain in the test halves.",
                      "ja": "図3　推定用の半分で選んだ温度と，検証用の半分での標本外 R² の改善"},
    "pn.h_agreement": {"en": "Name agreement and model entropy", "ja": "名称一致度とモデルのエントロピー"},
    "pn.w_h": {"en": "{backbone}, {regime}: H (name disagreement, bits) on entropy",
               "ja": "{backbone}・{regime}：エントロピーによる H（名称の不一致，ビット）の予測"},
    "pn.w_modal": {"en": "{backbone}, {regime}: % modal name on entropy", "ja": "{backbone}・{regime}：エントロピーによる最頻名称率の予測"},
    "pn.spearman": {"en": " Spearman ρ = {rho}.", "ja": "Spearman の ρ = {rho}。"},
    "pn.h_caution": {"en": ("Caution: the R&P norms come from French speakers, whose alternative names (H) need not be the alternatives a "
                            "network confuses; in these norms H is also almost unrelated to latency (r ≈ −.03)."),
                     "ja": ("注意：R&P の規準はフランス語話者によるもので，その別名（H）はネットワークが混同する候補と同じとは限らない。また，"
                            "この規準では H と潜時はほとんど無関係である（r ≈ −.03）。")},
    "pn.h_colour": {"en": "Colour against line drawings (same items, paired)", "ja": "カラーと線画（同じ項目，対応あり）"},
    "pn.table_colour": {"en": ("Colour minus line drawing, paired over items (95% CI of the mean difference; paired t test; Wilcoxon "
                               "signed-rank p). r_gain_human: correlation over items of the model's and the people's colour differences."),
                        "ja": ("カラー − 線画の項目ごとの対応のある差（平均差の 95% 信頼区間，対応のある t 検定，Wilcoxon 符号付き順位検定の p）。"
                               "r_gain_human：モデルと人間のカラーによる差の項目間の相関。")},
    "pn.people_faster": {"en": "faster", "ja": "速く"},
    "pn.people_slower": {"en": "slower", "ja": "遅く"},
    "pn.people_colour": {"en": ("People: colour pictures were named {ms} ms {dir} than line drawings (95% CI [{lo}, {hi}] ms, t({df}) = {t}, "
                                "p = {p}, n = {n} items){end}"),
                         "ja": ("人間：カラーの絵は線画より {ms} ms {dir}命名された（95% CI [{lo}, {hi}] ms，t({df}) = {t}，p = {p}，"
                                "n = {n} 項目）{end}")},
    "pn.ci_includes_0": {"en": "; the CI includes 0.", "ja": "。ただし信頼区間は 0 を含む。"},
    "pn.period": {"en": ".", "ja": "。"},
    "pn.colour_gain": {"en": "the model is more certain on colour pictures, as people are faster on them",
                       "ja": "人間がカラーの絵で速いのと同様に，モデルもカラーの絵でより確信が強い"},
    "pn.colour_loss": {"en": "the model is less certain on colour pictures, unlike people", "ja": "人間と異なり，モデルはカラーの絵で確信が弱い"},
    "pn.colour_none": {"en": "the model shows no reliable gain from colour (the CI of the entropy difference includes 0)",
                       "ja": "モデルにはカラーによる確かな改善がない（エントロピーの差の信頼区間が 0 を含む）"},
    "pn.colour_line": {"en": ("{backbone}, {regime}: {verdict}: entropy colour − line = {d} bits, 95% CI [{lo}, {hi}], p = {p}; item-level "
                              "agreement with people's colour gain r = {r} (p = {rp})."),
                       "ja": ("{backbone}・{regime}：{verdict}。エントロピーのカラー − 線画 = {d} ビット，95% CI [{lo}, {hi}]，p = {p}。"
                              "人間のカラーによる短縮との項目レベルの一致 r = {r}（p = {rp}）。")},
    "pn.fig_colour": {"en": "Figure 4. Line drawing against colour picture of the same items: model entropy and human latency (grey: items; red: means).",
                      "ja": "図4　同じ項目の線画とカラーの絵：モデルのエントロピーと人間の潜時（灰色：項目，赤：平均）"},
    "pn.h_confusions": {"en": "What the networks confuse and where they look", "ja": "ネットワークは何を混同し，どこを見ているか"},
    "pn.fig_confusions": {"en": "Confusions of {backbone}, {regime}: pictures with the lowest probability of their name, and the name the network preferred.",
                          "ja": "{backbone}・{regime}の混同：正しい名前の確率が最も低い絵と，ネットワークが選んだ名前"},
    "pn.cam_failed": {"en": "Grad-CAM for {backbone}, {regime} failed: {error}", "ja": "{backbone}・{regime}の Grad-CAM は失敗した：{error}"},
    "pn.fig_cam": {"en": "Grad-CAM (Selvaraju et al. 2017) of the right name for {backbone}, {regime} (first seed): the three best- and three worst-named pictures.",
                   "ja": "{backbone}・{regime}（最初のシード）の正しい名前についての Grad-CAM（Selvaraju et al., 2017）：最もよく命名された3枚と最も悪かった3枚"},
    "pn.rerendered": {"en": "Re-rendered from the run's tables: the figures of confusions and Grad-CAM maps need the pictures and networks and are in the run folder only.",
                      "ja": "実行時の表から再作成したレポートである。混同と Grad-CAM の図には絵とネットワークが必要なので，実行フォルダにのみある。"},
    "pn.ax_entropy": {"en": "Model entropy (bits)", "ja": "モデルのエントロピー（ビット）"},
    "pn.ax_latency": {"en": "Human naming latency (ms)", "ja": "人間の命名潜時（ms）"},
    "pn.ax_logT": {"en": "log10 T chosen on the fitting half", "ja": "推定用の半分で選んだ log10 T"},
    "pn.ax_gain": {"en": "R² gain from entropy, test half", "ja": "エントロピーによる R² の改善（検証用の半分）"},
    "pn.people": {"en": "people", "ja": "人間"},
    "pn.ax_model": {"en": "Model {measure}", "ja": "モデルの{measure}"},
}
"""Texts of the picture-naming report (prefix ``pn.``)."""
