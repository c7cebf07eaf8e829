"""The en/ja texts of the ``self-supervised`` report (merged into :data:`psysim.i18n.CATALOGUE`;
kept in their own module so that ``psysim/i18n.py`` stays readable). Imports nothing."""

SSL: dict[str, dict[str, str]] = {
    "term.self_supervised": {"en": "self-supervised learning", "ja": "自己教師あり学習"},
    "term.contrastive": {"en": "contrastive learning", "ja": "対照学習"},
    "term.linear_probe": {"en": "linear probe", "ja": "線形プローブ"},
    "ssl.title": {"en": "Self-supervised learning: where a network learns to look without labels",
                  "ja": "自己教師あり学習：ラベルなしで学習したネットワークはどこを見るか"},
    "ssl.intro": {
        "en": ("Four {arch} backbones per training seed, all four from the same random initial weights. simclr (contrastive "
               "learning with the NT-Xent loss, Chen et al. 2020) and byol (BYOL, no negative pairs, Grill et al. 2020) learned "
               "without labels, and supervised learned from the labels (object class; search task and target presence), each for "
               "{steps} steps of {batch} images ({size} px). Their images: {n_objects} procedural object images and {n_search} "
               "search displays, and for simclr and byol also {n_pictures} naming pictures without their names (below). random "
               "keeps the initial weights (the control). Views: random resized crops, colour jitter, greyscale and blur, and a "
               "mirror only where it keeps the class (a mirrored 2 is a 5). {n_seeds} training seeds (each a new initial network "
               "and new training streams); run seed {seed}. Every CI below resamples training seeds and images (or pictures, "
               "displays) together (pigeonhole bootstrap, Owen 2007), so it includes how much another training run would change; "
               "seed SD is the spread of the per-seed means. With few seeds that part of the interval is itself rough."),
        "ja": ("学習シードごとに {arch} の骨格ネットワーク（バックボーン）を4つ，同じ初期重みから用意した。simclr（NT-Xent 損失による"
               "対照学習，Chen et al. 2020）と byol（負例を使わない BYOL，Grill et al. 2020）はラベルなしで学習し，supervised はラベル"
               "（物体のクラス，探索課題と標的の有無）で学習した。いずれも {batch} 枚ずつ（{size} px）を {steps} ステップ学習した。"
               "画像は手続き生成物体画像 {n_objects} 枚と探索画面 {n_search} 枚で，simclr と byol にはさらに名前を除いた命名用の絵 "
               "{n_pictures} 枚を加えた（後述）。random は初期重みのまま（統制条件）である。ビュー（拡張画像）はランダムな切り抜きと"
               "拡大縮小，色のゆらぎ，グレースケール化，ぼかしで作り，左右反転はクラスが変わらない画像にのみ用いた（反転した 2 は 5 に"
               "なる）。学習シードは {n_seeds} 個（それぞれ新しい初期重みと新しい学習系列），実行シードは {seed}。以下の信頼区間はすべて"
               "学習シードと画像（または絵・探索画面）を同時にリサンプリングしたもの（ピジョンホール・ブートストラップ，Owen 2007）で，"
               "学習をやり直したときのばらつきを含む。seed SD はシードごとの平均のばらつきである。シードが少ないとき，その部分の"
               "区間は粗い。"),
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
    "ssl.table_probe": {"en": "Table 1. Held-out accuracy over training seeds and test images with 95% CIs (both resampled); chance = 1 / classes.",
                        "ja": "表1　学習シードとテスト画像についての未学習画像での正答率と 95% 信頼区間（両方をリサンプリング，チャンス水準 = 1／クラス数）"},
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
               "adds to the covariates (entropy averaged over training seeds). CIs of accuracy: bootstrap over training seeds and pictures."),
        "ja": ("各バックボーンに名前ごとに1ユニットの新しい出力層を付け（{n_names} 語，Snodgrass & Vanderwart と Rossion & Pourtois の"
               "絵 {n_pictures} 枚），バックボーンを凍結して学習（転移学習）したのち，全層を学習した（ファインチューニング，LP-FT）。"
               "picture-naming 実験と同じ手続きで，得点は学習に使っていないビューによる。beta：命名潜時 ~ エントロピー + 親近性 + "
               "複雑さ（線画）におけるモデルのエントロピーの標準化係数（予想は正），ΔR²：共変量に対してエントロピーが加える説明率。"
               "エントロピーは学習シードで平均した。正答率の信頼区間は学習シードと絵についてのブートストラップ。"),
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
        "en": ("Maps against the fixations of observers with normal colour vision on free-viewing images (Bruno et al. 2019), "
               "scored with the saliency-fixations protocol: a seeded split into {n_fit} fitting and {n_test} test images; on the "
               "fitting images the blur of each map, the centre-bias sigma, and the blur, sigma and weight of the mixture with the "
               "centre bias are fitted by maximum likelihood (one fit per map and training seed); all scores are on the test "
               "images. Primary measure: log-likelihood of the fixations in bits per fixation over a uniform map (ll_bits, the "
               "map alone; ll_bits_mixture, the fitted mixture with the centre bias, i.e. what the map adds to it; Kümmerer et al. "
               "2015); 0 is chance. NSS, CC and AUC-Judd of the fitted map alone are secondary and descriptive. Maps: feature-norm "
               "(sum of squared activations over the channels of the last feature map, Zagoruyko & Komodakis 2017) and similarity "
               "(cosine similarity of each location's features to the image's mean feature vector, psysim's own choice) for every "
               "backbone, Grad-CAM of the predicted class for the supervised one, Itti-Koch and the fitted centre bias. The "
               "networks saw each image at {side} px on its shorter side, and the fixations are counted on a grid of that size "
               "(not the image's pixels, as saliency-fixations does; the Itti-Koch value here is therefore not that "
               "experiment's). CIs: {n_boot} resamples of seeds and test images."),
        "ja": ("自由観察画像に対する色覚正常の観察者の注視（Bruno et al. 2019）とマップを，saliency-fixations 実験の手続きで比べた。"
               "画像を乱数で当てはめ用 {n_fit} 枚とテスト用 {n_test} 枚に分け，当てはめ用画像で各マップのぼかし，中心バイアスの "
               "sigma，中心バイアスとの混合のぼかし・sigma・重みを最尤法で求めた（マップと学習シードごとに1回）。得点はすべて"
               "テスト画像によるものである。主指標は一様マップに対する注視の対数尤度（注視1回あたりのビット数，Kümmerer et al. "
               "2015）で，ll_bits はマップ単独，ll_bits_mixture は中心バイアスとの当てはめ済み混合（マップが中心バイアスに加える"
               "もの）である。0 がチャンス水準。当てはめたマップ単独の NSS，CC，AUC-Judd は副次的な記述統計である。マップは全"
               "バックボーンの feature-norm（最終特徴マップの活性の二乗のチャンネル和，Zagoruyko & Komodakis 2017）と similarity"
               "（各位置の特徴と画像の平均特徴ベクトルのコサイン類似度，psysim 独自の選択），supervised の予測クラスの Grad-CAM，"
               "Itti-Koch，当てはめた中心バイアスである。ネットワークには短辺 {side} px で画像を与え，注視もその大きさの格子で数えた"
               "（saliency-fixations のように画像の画素ではない。そのためここでの Itti-Koch の値はその実験の値とは異なる）。信頼区間は"
               "シードとテスト画像の {n_boot} 回のリサンプリングによる。"),
    },
    "ssl.table_fix": {"en": "Table 3. Mean over training seeds and test images with 95% CIs (seeds and images resampled).",
                      "ja": "表3　学習シードとテスト画像の平均と 95% 信頼区間（シードと画像をリサンプリング）"},
    "ssl.tests_text": {
        "en": ("Primary tests (ll_bits, per-image values averaged over seeds): each map alone and in the mixture against the fitted "
               "centre bias, and the best network map against the runner-up; two-sided Wilcoxon signed-rank tests over the {n_test} "
               "test images, Holm-corrected over the {n_tests} tests. {n_beat} of {n_maps} network maps beat the centre bias "
               "alone (p_holm < .05 and mean difference > 0); {n_add} add to it in the mixture."),
        "ja": ("主検定（ll_bits，画像ごとの値はシードで平均）：各マップの単独と混合を当てはめた中心バイアスと比べ，最もよいネットワーク"
               "のマップを次点と比べた。テスト画像 {n_test} 枚についての両側 Wilcoxon 符号順位検定で，{n_tests} 個の検定に Holm の"
               "補正をした。中心バイアス単独を上回ったネットワークのマップは {n_maps} 個中 {n_beat} 個（p_holm < .05 かつ平均差 > 0），"
               "混合で中心バイアスに上乗せしたのは {n_add} 個である。"),
    },
    "ssl.table_tests": {"en": "Table 4. Primary comparisons on test images: mean difference with paired bootstrap 95% CI, Wilcoxon W, p and Holm-adjusted p.",
                        "ja": "表4　テスト画像での主比較：平均差と対応のあるブートストラップ 95% 信頼区間，Wilcoxon の W，p，Holm 補正後の p"},
    "ssl.pictures_text": {
        "en": ("Pretraining views of naming pictures: {n_pre} of the {n_all} pictures ({n_items} items, drawn at random with the run "
               "seed; pictures.csv lists them) were shown without their names to simclr and byol during pretraining. The ledger "
               "recorded those pictures and every view made of them ({n_views} views over all seeds); each naming evaluation view "
               "was checked against it, and the run would have stopped at any match. The supervised control and the probe never "
               "saw a naming picture. Pretraining pictures: {names}."),
        "ja": ("命名用の絵の事前学習ビュー：絵 {n_all} 枚のうち {n_pre} 枚（{n_items} 項目，実行シードで無作為に選んだ。pictures.csv "
               "に一覧）を名前なしで simclr と byol の事前学習に用いた。台帳にはそれらの絵と，そこから作ったすべてのビュー（全シードで "
               "{n_views} 枚）を記録し，命名の評価ビューはすべて台帳と照合した（一致があれば実行は止まる）。supervised 統制とプローブは"
               "命名用の絵を一度も見ていない。事前学習に用いた絵：{names}。"),
    },
    "ssl.pictures_none": {"en": "No naming picture was used in pretraining (picture_share 0).",
                          "ja": "命名用の絵は事前学習に用いなかった（picture_share 0）。"},
    "ssl.split_line": {
        "en": "{regime}, {backbone}: accuracy {pre} on pretraining pictures, {other} on the others, difference {diff} [{lo}, {hi}].",
        "ja": "{regime}・{backbone}：事前学習に用いた絵で正答率 {pre}，その他で {other}，差 {diff} [{lo}, {hi}]。",
    },
    "ssl.split_text": {
        "en": ("Did seeing a picture unlabelled help name it? For simclr and byol, compare accuracy on the pretraining pictures with "
               "the others; supervised and random never saw either group, so their difference shows how much the groups differ "
               "in difficulty alone."),
        "ja": ("名前なしで絵を見たことは，その絵の命名を助けたか。simclr と byol について，事前学習に用いた絵とその他の絵の正答率を"
               "比べる。supervised と random はどちらの群も見ていないので，その差は群の難しさの違いだけを示す。"),
    },
    "ssl.fig_fix": {"en": "Figure 2. Fixation metrics of every map (95% CIs); dashed: chance.",
                    "ja": "図2　各マップの注視予測指標（95% 信頼区間）。破線はチャンス水準"},
    "ssl.fig_maps": {"en": "Figure 3. Images with fixations (cyan) and each backbone's maps.",
                     "ja": "図3　注視点（シアン）を重ねた画像と各バックボーンのマップ"},
    "ssl.h_pointing": {"en": "Pointing game on search displays", "ja": "探索画面でのポインティング・ゲーム"},
    "ssl.pointing_text": {
        "en": ("Held-out target-present displays of the four search tasks ({n} displays): a hit when a map's maximum lies in the "
               "target's box (Zhang et al. 2018, no tolerance). Supervised Grad-CAM is for the display's true class. Chance: the "
               "box's mean share of the image, {chance}."),
        "ja": ("4種類の探索課題の，学習に使っていない標的あり画面（{n} 枚）で，マップの最大値が標的の枠内にあれば当たりとした"
               "（Zhang et al. 2018，許容誤差なし）。supervised の Grad-CAM は画面の正しいクラスについて求めた。チャンス水準は"
               "枠が画像に占める平均割合 {chance}。"),
    },
    "ssl.table_pointing": {"en": "Table 5. Pointing-game hit rates over training seeds and displays (95% CIs, seeds and displays resampled).",
                           "ja": "表5　学習シードと探索画面についてのポインティング・ゲームの当たり率（95% 信頼区間，シードと画面をリサンプリング）"},
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
    "ssl.v_p": {"en": " (Wilcoxon, Holm-adjusted p = {p})", "ja": "（Wilcoxon，Holm 補正後 p = {p}）"},
    "ssl.v_tie_p": {"en": "{q}: {best} scores highest ({value}), ahead of {runner} by {diff} [{lo}, {hi}], but the Holm-corrected test does not confirm it (p = {p}): no backbone is reliably best.",
                    "ja": "{q}：{best} が最高（{value}）で次点の {runner} との差は {diff} [{lo}, {hi}] だが，Holm 補正した検定では確認されない（p = {p}）。確実に最もよいバックボーンはない。"},
    "ssl.v_tie": {"en": "{q}: {best} scores highest ({value}) but not reliably above {runner} (difference {diff} [{lo}, {hi}] includes 0): no backbone is reliably best.",
                  "ja": "{q}：{best} が最高（{value}）だが，次点の {runner} との差 {diff} [{lo}, {hi}] は 0 を含み，確実に最もよいバックボーンはない。"},
    "ssl.v_vs_win": {"en": "Against {vs}: {diff} [{lo}, {hi}], better.", "ja": "{vs} との差：{diff} [{lo}, {hi}]，上回る。"},
    "ssl.v_vs_lose": {"en": "Against {vs}: {diff} [{lo}, {hi}], worse.", "ja": "{vs} との差：{diff} [{lo}, {hi}]，下回る。"},
    "ssl.v_vs_tie": {"en": "Against {vs}: {diff} [{lo}, {hi}], no clear difference.", "ja": "{vs} との差：{diff} [{lo}, {hi}]，明確な差はない。"},
    "ssl.h_limits": {"en": "What this cannot show", "ja": "この結果からは言えないこと"},
    "ssl.limits": {
        "en": ("The backbones are tiny ({arch}) and learned from a few hundred drawings, search displays and naming pictures at "
               "{size} px; the free-viewing images are photographs they never saw. A map that predicts fixations here may do so by "
               "a centre or contrast bias rather than by learning where people look: the mixture with the fitted centre bias and "
               "the random control are there to tell. {n_seeds} training seeds give a rough view of run-to-run spread, not a "
               "population of training runs. The pretraining pictures are a random share ({share}) of the items, not a designed contrast; "
               "their difference to the other pictures is read against the backbones that saw neither. The picture-naming norms "
               "are French speakers' latencies; a relation with entropy is a correlation over items, not a mechanism."),
        "ja": ("バックボーンはごく小さく（{arch}），{size} px の数百枚の図形・探索画面・命名用の絵から学習しただけで，自由観察の写真は"
               "一度も見ていない。ここで注視を予測するマップも，人の見る場所を学んだのではなく中心やコントラストへの偏りによって予測"
               "している可能性がある。それを見分けるために，当てはめた中心バイアスとの混合とランダム統制を置いた。学習シード {n_seeds} "
               "個は学習ごとのばらつきの粗い目安であり，学習の母集団ではない。事前学習に用いた絵は無作為に選んだ項目（割合 {share}）であって，計画された"
               "対比ではない。その他の絵との差は，どちらも見ていないバックボーンと比べて読むこと。命名の基準値はフランス語話者の潜時で"
               "あり，エントロピーとの関係は項目間の相関であって機構を示すものではない。"),
    },
}
