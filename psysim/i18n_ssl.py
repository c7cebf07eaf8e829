"""The en/ja texts of the ``self-supervised`` report (merged into :data:`psysim.i18n.CATALOGUE`;
kept in their own module so that ``psysim/i18n.py`` stays readable). Imports nothing."""

SSL: dict[str, dict[str, str]] = {
    "term.self_supervised": {"en": "self-supervised learning", "ja": "自己教師あり学習"},
    "term.contrastive": {"en": "contrastive learning", "ja": "対照学習"},
    "term.linear_probe": {"en": "linear probe", "ja": "線形プローブ"},
    "ssl.title": {"en": "Self-supervised learning: where a network learns to look without labels",
                  "ja": "自己教師あり学習：ラベルなしで学習したネットワークはどこを見るか"},
    "ssl.intro": {
        "en": ("Four {arch} backbones started from the same random weights. simclr (contrastive learning with the NT-Xent loss, "
               "Chen et al. 2020) and byol (BYOL, no negative pairs, Grill et al. 2020) learned without labels, and supervised "
               "learned from the labels (object class; search task and target presence), each for {steps} steps of {batch} images "
               "({size} px) drawn from {n_objects} procedural object images and {n_search} search displays. random keeps the initial "
               "weights (the control). Views: random resized crops, colour jitter, greyscale and blur, and a mirror only where it "
               "keeps the class (a mirrored 2 is a 5). Seed {seed}. Each backbone was trained once (one seed): every CI below is "
               "over images, pictures or displays, not over training runs, so it does not show how much another seed would change."),
        "ja": ("同じ初期重みから {arch} の骨格ネットワーク（バックボーン）を4つ用意した。simclr（NT-Xent 損失による対照学習，"
               "Chen et al. 2020）と byol（負例を使わない BYOL，Grill et al. 2020）はラベルなしで学習し，supervised はラベル"
               "（物体のクラス，探索課題と標的の有無）で学習した。いずれも {n_objects} 枚の手続き生成物体画像と {n_search} 枚の"
               "探索画面から {batch} 枚ずつ（{size} px）を {steps} ステップ学習した。random は初期重みのまま（統制条件）である。"
               "ビュー（拡張画像）はランダムな切り抜きと拡大縮小，色のゆらぎ，グレースケール化，ぼかしで作り，左右反転はクラスが"
               "変わらない画像にのみ用いた（反転した 2 は 5 になる）。乱数シード {seed}。各バックボーンの学習は1回（シード1つ）"
               "なので，以下の信頼区間はすべて画像・絵・探索画面についてのものであり，学習をやり直したときのばらつきは含まない。"),
    },
    "ssl.quick": {"en": "Quick run: small images, few steps, images and resamples. Numbers are for a first look only.",
                  "ja": "簡易設定による実行：画像が小さく，学習ステップ・画像・リサンプリングの数も少ない。数値は目安にすぎない。"},
    "ssl.h_pretraining": {"en": "Pretraining", "ja": "事前学習"},
    "ssl.loss_line": {"en": "{backbone}: loss {first} (first 10 steps) to {last} (last 10 steps).",
                      "ja": "{backbone}：損失は {first}（最初の10ステップ）から {last}（最後の10ステップ）へ。"},
    "ssl.fig_loss": {"en": "Figure 1. Self-supervised loss per step (NT-Xent in nats; BYOL: symmetrised regression loss).",
                     "ja": "図1　ステップごとの自己教師あり損失（NT-Xent は nat 単位，BYOL は対称化した回帰損失）"},
    "ssl.h_probe": {"en": "Representation: linear probe and k-NN", "ja": "表現の評価：線形プローブと k 近傍法"},
    "ssl.probe_text": {
        "en": ("Frozen features (global average of the last feature map) of held-out labelled images: objects of the same classes "
               "from other random streams, and search displays from other seeds (8 classes: task x target presence). No test image "
               "is a training image (the ledger of {n_ledger} training images checks ids and pixels)."),
        "ja": ("凍結した特徴（最終特徴マップの全体平均）で，学習に使っていないラベル付き画像を分類した。物体は同じクラスの別の乱数系列，"
               "探索画面は別のシードによるもの（課題×標的の有無の8クラス）である。テスト画像に学習画像は含まれない"
               "（学習画像 {n_ledger} 枚の台帳で ID と画素を照合した）。"),
    },
    "ssl.table_probe": {"en": "Table 1. Held-out accuracy with Wilson 95% CIs; chance = 1 / classes.",
                        "ja": "表1　未学習画像での正答率と Wilson の 95% 信頼区間（チャンス水準 = 1／クラス数）"},
    "ssl.probe_line": {"en": "{task}, {evaluation}: best {best} {acc} [{lo}, {hi}]; random control {rand}; chance {chance}.",
                       "ja": "{task}・{evaluation}：最高は {best} の {acc} [{lo}, {hi}]，ランダム統制 {rand}，チャンス水準 {chance}。"},
    "ssl.at_chance": {"en": "At chance (the CI reaches the chance level): {which}.",
                      "ja": "チャンス水準と区別できない（信頼区間がチャンス水準に届く）もの：{which}。"},
    "ssl.h_naming": {"en": "Transfer to picture naming", "ja": "絵画命名への転移"},
    "ssl.naming_text": {
        "en": ("Each backbone got a new output layer with one unit per name ({n_names} names, {n_pictures} Snodgrass & Vanderwart "
               "and Rossion & Pourtois pictures) and was trained with the backbone frozen (transfer) and then in every layer "
               "(finetune, LP-FT), as in picture-naming; scores are on held-out views. beta: standardised coefficient of model "
               "entropy in naming latency ~ entropy + familiarity + complexity (line drawings; expected > 0); ΔR²: what entropy "
               "adds to the covariates. CIs of accuracy: bootstrap over pictures."),
        "ja": ("各バックボーンに名前ごとに1ユニットの新しい出力層を付け（{n_names} 語，Snodgrass & Vanderwart と Rossion & Pourtois の"
               "絵 {n_pictures} 枚），バックボーンを凍結して学習（転移学習）したのち，全層を学習した（ファインチューニング，LP-FT）。"
               "picture-naming 実験と同じ手続きで，得点は学習に使っていないビューによる。beta：命名潜時 ~ エントロピー + 親近性 + "
               "複雑さ（線画）におけるモデルのエントロピーの標準化係数（予想は正），ΔR²：共変量に対してエントロピーが加える説明率。"
               "正答率の信頼区間は絵についてのブートストラップ。"),
    },
    "ssl.table_naming": {"en": "Table 2. Naming on held-out views and the latency regression, per backbone and regime.",
                         "ja": "表2　バックボーンと学習法ごとの，未学習ビューでの命名成績と潜時の回帰"},
    "ssl.latency_none": {"en": "{regime}: no backbone's entropy reliably predicts naming latency beyond familiarity and complexity (every CI of beta includes 0).",
                         "ja": "{regime}：どのバックボーンのエントロピーも，親近性と複雑さを超えて命名潜時を確実には予測しない（beta の信頼区間はすべて 0 を含む）。"},
    "ssl.latency_some": {"en": "{regime}: entropy predicts latency beyond the covariates, in the expected direction (higher entropy, slower naming), for {which}.",
                         "ja": "{regime}：共変量を超えて，予想どおりの向き（エントロピーが高いほど命名が遅い）でエントロピーが潜時を予測したのは {which}。"},
    "ssl.latency_opposite": {"en": "{regime}: entropy relates to latency against the expected direction (higher entropy, faster naming) for {which}; this is not the network's uncertainty tracking people's.",
                             "ja": "{regime}：{which} では，エントロピーと潜時の関係が予想と逆向き（エントロピーが高いほど命名が速い）であった。ネットワークの不確かさが人の不確かさを反映しているとは言えない。"},
    "ssl.latency_item": {"en": "{backbone} (beta = {beta} [{lo}, {hi}], ΔR² = {dr2})", "ja": "{backbone}（beta = {beta} [{lo}, {hi}]，ΔR² = {dr2}）"},
    "ssl.h_fixations": {"en": "Where the backbones look: human fixations (EToCVD)", "ja": "バックボーンはどこを見るか：人間の注視（EToCVD）"},
    "ssl.fix_text": {
        "en": ("Maps of {n_images} free-viewing images against the fixations of observers with normal colour vision (Bruno et al. "
               "2019), with the saliency-fixations metrics (MIT benchmark definitions): feature-norm, the label-free activation map "
               "sum of squared activations over channels of the last feature map (Zagoruyko & Komodakis 2017), for every backbone; "
               "Grad-CAM of the predicted class for the supervised one; Itti-Koch and a centre-bias Gaussian (sigma {sigma} of the "
               "shorter side) beside them. The networks saw each image at {side} px on its shorter side. Chance: AUC 0.5, NSS and "
               "CC 0. CIs: percentile bootstrap over images ({n_boot} resamples), differences paired."),
        "ja": ("自由観察画像 {n_images} 枚のマップを，色覚正常の観察者の注視（Bruno et al. 2019）と saliency-fixations 実験の指標"
               "（MIT ベンチマークの定義）で比べた。feature-norm はラベルを使わない活性化マップ（最終特徴マップの活性の二乗のチャンネル和，"
               "Zagoruyko & Komodakis 2017）で全バックボーンについて求め，supervised には予測クラスの Grad-CAM も求めた。"
               "比較として Itti-Koch と中心バイアスのガウス分布（sigma は短辺の {sigma}）を置いた。ネットワークには短辺 {side} px で"
               "画像を与えた。チャンス水準は AUC 0.5，NSS と CC は 0。信頼区間は画像についてのパーセンタイル・ブートストラップ"
               "（{n_boot} 回），差は対応のある比較。"),
    },
    "ssl.table_fix": {"en": "Table 3. Mean over images with 95% bootstrap CIs.", "ja": "表3　画像の平均と 95% ブートストラップ信頼区間"},
    "ssl.fig_fix": {"en": "Figure 2. Fixation metrics of every map (95% CIs); dashed: chance.",
                    "ja": "図2　各マップの注視予測指標（95% 信頼区間）。破線はチャンス水準"},
    "ssl.fig_maps": {"en": "Figure 3. Images with fixations (cyan) and each backbone's maps.",
                     "ja": "図3　注視点（シアン）を重ねた画像と各バックボーンのマップ"},
    "ssl.h_pointing": {"en": "Pointing game on search displays", "ja": "探索画面でのポインティング・ゲーム"},
    "ssl.pointing_text": {
        "en": ("Held-out target-present displays of the four search tasks ({n} displays): a hit when a map's maximum lies in the "
               "target's box (Zhang et al. 2018, no tolerance). Supervised Grad-CAM is for the display's true class. Chance: the "
               "box's mean share of the image, {chance}. Wilson 95% CIs."),
        "ja": ("4種類の探索課題の，学習に使っていない標的あり画面（{n} 枚）で，マップの最大値が標的の枠内にあれば当たりとした"
               "（Zhang et al. 2018，許容誤差なし）。supervised の Grad-CAM は画面の正しいクラスについて求めた。チャンス水準は"
               "枠が画像に占める平均割合 {chance}。Wilson の 95% 信頼区間。"),
    },
    "ssl.table_pointing": {"en": "Table 4. Pointing-game hit rates.", "ja": "表4　ポインティング・ゲームの当たり率"},
    "ssl.h_verdict": {"en": "Which backbone predicts best", "ja": "どのバックボーンが最もよく予測するか"},
    "ssl.q.fixations": {"en": "Fixations, {measure}", "ja": "注視・{measure}"},
    "ssl.q.pointing": {"en": "Search targets, pointing game", "ja": "探索の標的・ポインティング・ゲーム"},
    "ssl.q.naming": {"en": "Naming accuracy, {regime}", "ja": "命名の正答率・{regime}"},
    "ssl.v_none": {"en": "{q}: no network is above chance ({best}, the highest, {value}): none predicts reliably.",
                   "ja": "{q}：チャンス水準を上回るネットワークはない（最高の {best} でも {value}）。どれも確実には予測しない。"},
    "ssl.v_chance": {"en": "{q}: the highest, {best} ({value}), is not reliably above chance: none predicts reliably.",
                     "ja": "{q}：最高の {best}（{value}）もチャンス水準を確実には上回らない。どれも確実には予測しない。"},
    "ssl.v_best": {"en": "{q}: {best} is best ({value}), ahead of {runner} by {diff} [{lo}, {hi}].",
                   "ja": "{q}：最もよいのは {best}（{value}）で，次点の {runner} との差は {diff} [{lo}, {hi}]。"},
    "ssl.v_tie": {"en": "{q}: {best} scores highest ({value}) but not reliably above {runner} (difference {diff} [{lo}, {hi}] includes 0): no backbone is reliably best.",
                  "ja": "{q}：{best} が最高（{value}）だが，次点の {runner} との差 {diff} [{lo}, {hi}] は 0 を含み，確実に最もよいバックボーンはない。"},
    "ssl.v_vs_win": {"en": "Against {vs}: {diff} [{lo}, {hi}], better.", "ja": "{vs} との差：{diff} [{lo}, {hi}]，上回る。"},
    "ssl.v_vs_lose": {"en": "Against {vs}: {diff} [{lo}, {hi}], worse.", "ja": "{vs} との差：{diff} [{lo}, {hi}]，下回る。"},
    "ssl.v_vs_tie": {"en": "Against {vs}: {diff} [{lo}, {hi}], no clear difference.", "ja": "{vs} との差：{diff} [{lo}, {hi}]，明確な差はない。"},
    "ssl.h_limits": {"en": "What this cannot show", "ja": "この結果からは言えないこと"},
    "ssl.limits": {
        "en": ("The backbones are tiny ({arch}) and learned from a few hundred drawings and search displays at {size} px; the "
               "free-viewing images are photographs they never saw. A map that predicts fixations here may do so by a centre or "
               "contrast bias rather than by learning where people look; compare it with the centre bias and the random control. "
               "One training seed per backbone: rankings within CIs may change with another seed. The picture-naming norms are "
               "French speakers' latencies; a relation with entropy is a correlation over items, not a mechanism."),
        "ja": ("バックボーンはごく小さく（{arch}），{size} px の数百枚の図形と探索画面から学習しただけで，自由観察の写真は一度も見て"
               "いない。ここで注視を予測するマップも，人の見る場所を学んだのではなく中心やコントラストへの偏りによって予測している"
               "可能性がある。中心バイアスやランダム統制と比べて判断すること。学習は各1回なので，信頼区間内の順位は別のシードで"
               "入れ替わりうる。命名の基準値はフランス語話者の潜時であり，エントロピーとの関係は項目間の相関であって機構を示す"
               "ものではない。"),
    },
}
