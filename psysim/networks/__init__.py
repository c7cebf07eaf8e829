"""Network attention: CNNs trained on search displays, CAM / Grad-CAM, localisation metrics.

- :mod:`~psysim.networks.architectures`: :class:`GapCNN` (Zhou et al. 2016) and the small
  :class:`MBConvNet` (MBConv + squeeze-and-excitation, width/depth multipliers)
- :mod:`~psysim.networks.backbones`: torchvision backbones with weights from the local cache only
- :mod:`~psysim.networks.cam`: :func:`class_activation_maps` (CAM and Grad-CAM, batched)
- :mod:`~psysim.networks.metrics`: pointing game, energy-based pointing, deletion/insertion AUC
- :mod:`~psysim.networks.data`, :mod:`~psysim.networks.training`: images from psysim displays,
  augmentation, training with early stopping, temperature-scaled softmax, checkpoints
- :mod:`~psysim.networks.ssl`, :mod:`~psysim.networks.ssl_eval`: self-supervised pretraining
  (SimCLR NT-Xent, BYOL), task-safe augmentation, view ledger; linear probe and k-NN
"""

from psysim.networks.architectures import (
    ARCHITECTURES,
    GapCNN,
    MBConvNet,
    build_network,
    count_parameters,
)
from psysim.networks.backbones import BACKBONES, load_backbone, weights_path
from psysim.networks.cam import CamResult, class_activation_maps, n_hooks, randomised_copy
from psysim.networks.data import (
    CLASSES,
    SearchImages,
    augment,
    images_from_displays,
    item_crops,
    load_image,
    make_search_images,
)
from psysim.networks.metrics import (
    deletion_insertion,
    energy_pointing,
    pointing_game,
    target_box_array,
)
from psysim.networks.training import (
    centre_logits,
    evaluate,
    load_checkpoint,
    predict,
    save_checkpoint,
    seeded_network,
    shipped_checkpoint,
    train_network,
)

__all__ = [
    "ARCHITECTURES",
    "BACKBONES",
    "CLASSES",
    "CamResult",
    "GapCNN",
    "MBConvNet",
    "SearchImages",
    "augment",
    "build_network",
    "centre_logits",
    "class_activation_maps",
    "count_parameters",
    "deletion_insertion",
    "energy_pointing",
    "evaluate",
    "images_from_displays",
    "item_crops",
    "load_backbone",
    "load_checkpoint",
    "load_image",
    "make_search_images",
    "n_hooks",
    "pointing_game",
    "predict",
    "randomised_copy",
    "save_checkpoint",
    "seeded_network",
    "shipped_checkpoint",
    "target_box_array",
    "train_network",
    "weights_path",
]
