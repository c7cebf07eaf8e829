"""Picture naming with CNNs: picture sets, naming networks, held-out evaluation, human comparison.

- :mod:`~psysim.naming.pictures`: picture sets (image folder + UTF-8 manifest), checked;
  the built-in Snodgrass & Vanderwart (1980) / Rossion & Pourtois (2004) set
- :mod:`~psysim.naming.augment`: augmentation (affine jitter, crops, stroke thickness, blur,
  contrast, colour jitter) and held-out views
- :mod:`~psysim.naming.model`: backbone + one-output-per-name head; transfer and fine-tuning
- :mod:`~psysim.naming.train`: training on augmented views, evaluation on other views
- :mod:`~psysim.naming.temperature`: temperature-scaled softmax, entropy, temperature fitting
- :mod:`~psysim.naming.compare`: regressions and tests against human naming norms
- :mod:`~psysim.naming.pretrain`: the
  script that pretrains the shipped offline backbone on generated objects (:mod:`psysim.displays.objects`)
"""

from psysim.naming.augment import augment_pictures, make_views
from psysim.naming.compare import (
    agreement_relations,
    colour_test,
    latency_regressions,
    relation_text,
    standardized_ols,
    temperature_split_test,
)
from psysim.naming.model import (
    NAMING_BACKBONES,
    REGIMES,
    NamingNetwork,
    build_naming_network,
    glyph_checkpoint,
    naming_network_from_module,
)
from psysim.naming.pictures import (
    PictureSet,
    builtin_picture_set,
    check_manifest,
    load_picture_set,
    read_manifest,
)
from psysim.naming.temperature import (
    entropy_bits,
    entropy_by_picture,
    fit_temperature,
    item_scores,
    log_probs,
    nll,
)
from psysim.naming.train import (
    EvalViews,
    ViewLedger,
    evaluation_views,
    logits_of,
    train_naming,
    training_views,
)

__all__ = [
    "NAMING_BACKBONES",
    "REGIMES",
    "EvalViews",
    "NamingNetwork",
    "PictureSet",
    "ViewLedger",
    "agreement_relations",
    "augment_pictures",
    "build_naming_network",
    "naming_network_from_module",
    "builtin_picture_set",
    "check_manifest",
    "colour_test",
    "entropy_bits",
    "entropy_by_picture",
    "evaluation_views",
    "fit_temperature",
    "glyph_checkpoint",
    "item_scores",
    "latency_regressions",
    "load_picture_set",
    "log_probs",
    "logits_of",
    "make_views",
    "nll",
    "read_manifest",
    "relation_text",
    "standardized_ols",
    "temperature_split_test",
    "train_naming",
    "training_views",
]
