"""The en/ja texts of the ``distillation`` report (merged into :data:`psysim.i18n.CATALOGUE`). Imports nothing.

Terms as in the course: 知識蒸留 (knowledge distillation), 温度付きソフトマックス (softmax with
temperature), 教師 / 生徒ネットワーク (teacher / student network), ソフトターゲット (soft targets),
クラス活性化マップ (class activation map, CAM)."""

DISTILLATION: dict[str, dict[str, str]] = {
    "term.knowledge_distillation": {"en": "knowledge distillation", "ja": "知識蒸留"},
    "term.softmax_temperature": {"en": "softmax with temperature", "ja": "温度付きソフトマックス"},
    "cond.hard labels": {"en": "hard labels", "ja": "ハードラベル"},
    "col.transfer_images": {"en": "transfer images", "ja": "転移セットの画像数"},
    "col.transfer_per_cell": {"en": "per cell", "ja": "1条件あたり"},
    "col.condition": {"en": "condition", "ja": "条件"},
    "col.n_seeds": {"en": "seeds", "ja": "シード数"},
    "col.accuracy": {"en": "accuracy", "ja": "正答率"},
    "col.cam_correlation": {"en": "CAM r", "ja": "CAM 相関"},
    "col.pointing": {"en": "pointing game", "ja": "ポインティングゲーム"},
    "col.teacher_agreement": {"en": "agreement with teacher", "ja": "教師との一致率"},
    "col.kl_teacher_T1": {"en": "KL(teacher || student), T = 1", "ja": "KL(教師 || 生徒)，T = 1"},
    "col.slope_per_doubling": {"en": "change per doubling of T", "ja": "T の倍増あたりの変化"},
    "col.best_temperature": {"en": "best T", "ja": "最良の T"},
    "col.worst_temperature": {"en": "worst T", "ja": "最悪の T"},
    "col.shape": {"en": "shape", "ja": "形状"},
    "suffix._diff": {"en": "{name}: difference", "ja": "{name}の差"},
    "suffix._ci_low": {"en": "{name}: 95% CI low", "ja": "{name} 95% CI 下限"},
    "suffix._ci_high": {"en": "{name}: 95% CI high", "ja": "{name} 95% CI 上限"},
    "dt.title": {"en": "Knowledge distillation: the temperature of soft targets", "ja": "知識蒸留：ソフトターゲットの温度"},
    "dt.intro": {
        "en": ("A teacher CNN ({params} parameters) was trained with hard labels on the {task} search task (Wolfe et al. 2010; set "
               "sizes {sizes}; {train} training images of {size}x{size} px, {epochs} epochs) and answered {acc}% of {test} new test "
               "displays correctly (chance: 50%; training accuracy {train_acc}%). Students with {s_params} parameters ({share} of the "
               "teacher) were trained on small transfer sets drawn from the teacher's training images ({n_imgs} images), for {steps} "
               "optimiser steps each, with the loss of Hinton, Vinyals and Dean (2015) at T = {temps} (soft-target weight alpha = "
               "{alpha}, T^2 scaling) and with hard labels only. Each of {seeds} seeds fixes one transfer set, one initialisation and "
               "one batch order shared by all conditions, so conditions are compared paired by seed. Means over seeds with t-based 95% "
               "CIs; the spread over seeds is shown as dots in Figure 1."),
        "ja": ("教師 CNN（パラメータ {params} 個）を{task}課題（Wolfe et al., 2010；セットサイズ {sizes}；{size}×{size} px の学習画像 {train} 枚，"
               "{epochs} エポック）でハードラベルにより学習させたところ，新しいテスト画面 {test} 枚の {acc}% に正答した（チャンス水準 50%，"
               "学習画像での正答率 {train_acc}%）。パラメータ {s_params} 個（教師の {share}）の生徒ネットワークを，教師の学習画像から"
               "抽出した小さな転移セット（{n_imgs} 枚）で各 {steps} ステップ学習させた。損失は Hinton, Vinyals, & Dean（2015）のもので，"
               "温度 T = {temps}（ソフトターゲットの重み alpha = {alpha}，T² によるスケーリング）と，ハードラベルのみの条件を比べた。"
               "{seeds} 個のシードのそれぞれが転移セット・初期値・バッチの順序を1つずつ決め，それを全条件で共有するので，条件はシードで"
               "対応づけて比較する。値はシード間の平均と t 分布による 95% 信頼区間で，シード間のばらつきは図1の点で示す。"),
    },
    "dt.h_T": {"en": "How T changed the student", "ja": "温度 T は生徒をどう変えたか"},
    "dt.no_ci": {"en": " (no CI: one seed)", "ja": "（シード1つのため信頼区間なし）"},
    "dt.v_untestable": {"en": "not testable with one seed", "ja": "シード1つでは検定できない"},
    "dt.v_higher": {"en": "reliably higher", "ja": "確かに高い"},
    "dt.v_lower": {"en": "reliably lower", "ja": "確かに低い"},
    "dt.v_none": {"en": "no reliable difference, the CI includes 0", "ja": "確かな差はない（信頼区間が 0 を含む）"},
    "dt.warn_chance": {
        "en": ("Warning: the teacher is near chance ({acc}% on new displays), so its soft targets carry almost no knowledge of the "
               "task and the comparison below says little about distillation."),
        "ja": ("注意：教師の正答率はチャンス水準に近い（新しい画面で {acc}%）。そのソフトターゲットは課題についての知識をほとんど"
               "含まないので，以下の比較は知識蒸留についてほとんど何も示さない。"),
    },
    "dt.head": {"en": "{images} transfer images ({n} per cell), {seeds} seeds.", "ja": "転移セット {images} 枚（1条件 {n} 枚），シード {seeds} 個。"},
    "dt.sep": {"en": "; ", "ja": "；"},
    "dt.cond_value": {"en": "{c} {v}", "ja": "{c} {v}"},
    "dt.diff_value": {"en": "{c} {v} ({verdict})", "ja": "{c} {v}（{verdict}）"},
    "dt.acc": {"en": ("{head} Accuracy: hard labels {base}%; {conds}. Paired difference from hard labels (percentage points): {diffs}. "
                      "{trend}"),
               "ja": "{head}正答率：ハードラベル {base}%；{conds}。ハードラベルとの対応のある差（パーセントポイント）：{diffs}。{trend}"},
    "dt.cam": {"en": ("{head} CAM correlation with the teacher: hard labels {base}; {conds}. Paired difference from hard labels: {diffs}. "
                      "{trend} Pointing game: hard labels {p}%, distilled {lo}-{hi}%."),
               "ja": ("{head}教師の CAM との相関：ハードラベル {base}；{conds}。ハードラベルとの対応のある差：{diffs}。{trend}"
                      "ポインティングゲーム：ハードラベル {p}%，蒸留 {lo}〜{hi}%。")},
    "dt.n_accuracy": {"en": "accuracy", "ja": "正答率"},
    "dt.n_cam": {"en": "CAM correlation", "ja": "CAM 相関"},
    "dt.n_cam_r": {"en": "CAM agreement (r)", "ja": "CAM の一致度（r）"},
    "dt.u_pp": {"en": " percentage points", "ja": " パーセントポイント"},
    "dt.trend": {"en": "Change of {name} per doubling of T (T = 1..16): {slope}{unit}, {verdict}; {shape}.",
                 "ja": "T の倍増あたりの{name}の変化（T = 1〜16）：{slope}{unit}。{verdict}。{shape}。"},
    "dt.t_rose": {"en": "{name} rose reliably with T", "ja": "T とともに{name}は確かに上昇した"},
    "dt.t_fell": {"en": "{name} fell reliably with T", "ja": "T とともに{name}は確かに低下した"},
    "dt.t_untestable": {"en": "a trend that one seed cannot test", "ja": "シード1つでは傾向を検定できない"},
    "dt.t_none": {"en": "no reliable linear trend with T (the CI includes 0)", "ja": "T に対する確かな線形の傾向はない（信頼区間が 0 を含む）"},
    "dt.s_flat": {"en": "the means are flat across T", "ja": "平均は T によらずほぼ一定"},
    "dt.s_rising": {"en": "the means rise monotonically from T = 1 to 16", "ja": "平均は T = 1 から 16 まで単調に増加"},
    "dt.s_falling": {"en": "the means fall monotonically from T = 1 to 16", "ja": "平均は T = 1 から 16 まで単調に減少"},
    "dt.s_non-monotonic": {"en": "the means are non-monotonic in T (highest at T = {best}, lowest at T = {worst})",
                           "ja": "平均は T に対して単調でない（最大は T = {best}，最小は T = {worst}）"},
    "dt.h_rose": {"en": "rose reliably", "ja": "確かに上昇した"},
    "dt.h_fell": {"en": "fell reliably", "ja": "確かに低下した"},
    "dt.h_none": {"en": "showed no reliable trend", "ja": "確かな傾向を示さなかった"},
    "dt.h_untestable": {"en": "could not be tested", "ja": "検定できなかった"},
    "dt.hl_say": {"en": "{name} {what} with T ({slope}{unit} per doubling)", "ja": "{name}は T とともに{what}（倍増あたり {slope}{unit}）"},
    "dt.hl_and": {"en": " and ", "ja": "，"},
    "dt.hl_images": {"en": "with {images} transfer images, {says}", "ja": "転移セット {images} 枚では，{says}"},
    "dt.headline": {"en": "In short: {parts}. Means over seeds with 95% CIs; details per temperature below.",
                    "ja": "要約：{parts}。値はシード間の平均と 95% 信頼区間で，温度ごとの詳細は以下に示す。"},
    "dt.howto": {
        "en": ("How to read this. The task has two classes, so the teacher's soft targets carry one number per image: how sure it is "
               "that a target is present (its logit margin; median |margin| on its training images {margin}). At T = 1 a confident "
               "teacher's targets are almost the hard labels; at high T the loss approaches matching the teacher's logits (Hinton et al. "
               "2015, Sec. 2.1). There is no 'dark knowledge' about similar wrong classes as in many-class problems, so any benefit here "
               "comes from graded confidence and from the softer, less overfittable targets."),
        "ja": ("読み方。課題は2クラスなので，教師のソフトターゲットは画像ごとに1つの数，すなわち標的があることへの確信度（ロジットの差；"
               "学習画像での |差| の中央値 {margin}）しか運ばない。T = 1 では確信の強い教師のターゲットはほぼハードラベルと同じであり，"
               "T が高いと損失は教師のロジットを合わせることに近づく（Hinton et al., 2015, 2.1 節）。多クラス問題のような，似た誤りクラス"
               "についての「暗黙知（dark knowledge）」はないので，ここでの効果はすべて確信度の段階的な情報と，過学習しにくい柔らかな"
               "ターゲットによるものである。"),
    },
    "dt.table_summary": {
        "en": ("Table 1. Student test accuracy and CAM correlation with the teacher (target-present test images): means over seeds "
               "with 95% CIs, and paired differences from the hard-label student of the same seed (difference); pointing game of the "
               "student's CAM (hit: maximum within {tol} px of the target box), agreement with the teacher's decisions and "
               "KL(teacher || student) at T = 1 (means)."),
        "ja": ("表1　生徒のテスト正答率と教師の CAM との相関（標的ありのテスト画像）：シード間の平均と 95% 信頼区間，および同じシードの"
               "ハードラベル生徒との対応のある差（差）。生徒の CAM のポインティングゲーム（最大点が標的の枠から {tol} px 以内なら命中），"
               "教師の判断との一致率，T = 1 での KL(教師 || 生徒)（平均）。"),
    },
    "dt.table_trend": {
        "en": ("Table 2. Change per doubling of T among the distilled students (per-seed slope on log2 T over T = 1..16; mean and 95% CI "
               "over seeds), the T with the highest and lowest mean, and the shape of the means across T."),
        "ja": ("表2　蒸留した生徒での T の倍増あたりの変化（シードごとの log2 T に対する傾き，T = 1〜16；シード間の平均と 95% 信頼区間），"
               "平均が最大・最小となる T，T に対する平均の形状。"),
    },
    "dt.table_teacher": {
        "en": ("Table 3. The teacher: accuracy and pointing game of its CAM on the test displays, and the median absolute logit margin "
               "on its training images."),
        "ja": "表3　教師：テスト画面での正答率と CAM のポインティングゲーム，および学習画像でのロジットの差の絶対値の中央値。",
    },
    "dt.fig_summary": {
        "en": ("Figure 1. Top: student accuracy and CAM correlation with the teacher against T, one colour per transfer-set size (dots: "
               "seeds; bars: 95% CI; dashed line and band: the hard-label students with their 95% CI; dotted black: the teacher; dotted "
               "grey: chance). Bottom: paired differences from the hard-label student of the same seed (dots: seeds; bars: 95% CI)."),
        "ja": ("図1　上：T に対する生徒の正答率と教師の CAM との相関。色は転移セットの大きさ（点：シード，エラーバー：95% 信頼区間，"
               "破線と帯：ハードラベルの生徒とその 95% 信頼区間，黒の点線：教師，灰色の点線：チャンス水準）。下：同じシードのハードラベル"
               "生徒との対応のある差（点：シード，エラーバー：95% 信頼区間）。"),
    },
    "dt.fig_cam": {
        "en": ("Figure 2. Target-present test displays with the CAM (class 'present') of the teacher and of seed-0 students trained on "
               "the smallest transfer set ({n} images)."),
        "ja": "図2　標的ありのテスト画面と，教師および最小の転移セット（{n} 枚）で学習したシード 0 の生徒の CAM（クラス「あり」）。",
    },
    "dt.limitations": {
        "en": ("Limitations: one teacher (its seed is fixed by the run seed), so the spread shown is over students, transfer sets and "
               "batch orders, not over teachers; small networks, 64 px images and a fixed step budget so that the run fits a laptop "
               "CPU; no augmentation; alpha is fixed; a binary task has no between-class dark knowledge. Every student gets the same "
               "number of optimiser steps; at high T the loss approaches logit matching, which converges more slowly, so with the "
               "larger transfer sets the high-T students may not have fully fitted the soft targets (final_train_loss in "
               "distillation.csv)."),
        "ja": ("限界：教師は1つだけ（そのシードは実行のシードで決まる）なので，示したばらつきは生徒・転移セット・バッチの順序についての"
               "ものであり，教師についてのものではない。ノート PC の CPU で実行できるよう，ネットワークは小さく，画像は 64 px，ステップ数は"
               "固定で，データ拡張はなく，alpha も固定である。2クラス課題にはクラス間の暗黙知がない。どの生徒も同じステップ数で学習する"
               "が，T が高いと損失はロジットの一致に近づき収束が遅いので，大きな転移セットでは T の高い生徒がソフトターゲットに十分"
               "合っていない可能性がある（distillation.csv の final_train_loss）。"),
    },
    "dt.ax_acc": {"en": "Student test accuracy", "ja": "生徒のテスト正答率"},
    "dt.ax_acc_diff": {"en": "Accuracy − hard-label accuracy", "ja": "正答率 − ハードラベルの正答率"},
    "dt.ax_cam": {"en": "CAM correlation with teacher", "ja": "教師の CAM との相関"},
    "dt.ax_cam_diff": {"en": "CAM r − hard-label CAM r", "ja": "CAM 相関 − ハードラベルの CAM 相関"},
    "dt.ax_T": {"en": "Distillation temperature T", "ja": "蒸留の温度 T"},
    "dt.legend_images": {"en": "{n} images", "ja": "{n} 枚"},
    "dt.legend_title": {"en": "transfer set (dashed: hard labels)", "ja": "転移セット（破線：ハードラベル）"},
    "dt.cam_teacher": {"en": "teacher", "ja": "教師"},
    "dt.cam_student": {"en": "student, {label}", "ja": "生徒，{label}"},
    "dt.cam_display": {"en": "display", "ja": "探索画面"},
    "dt.cam_colorbar": {"en": "CAM (scaled to [0, 1])", "ja": "CAM（[0, 1] に正規化）"},
    "dt.meta_teacher": {"en": "teacher parameters", "ja": "教師のパラメータ数"},
    "dt.meta_student": {"en": "student parameters", "ja": "生徒のパラメータ数"},
}
"""Texts of the distillation report (prefix ``dt.``)."""
