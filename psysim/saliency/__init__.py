"""Bottom-up saliency: the Itti, Koch & Niebur (1998) model, its scanpaths, and saliency metrics.

- :class:`IttiKoch` / :func:`saliency_map`: the model (fast, vectorised over images and maps);
  :mod:`psysim.saliency.reference` is a slow, literal implementation used to check it.
- :func:`scanpath`: winner-take-all with inhibition of return over a saliency map.
- :mod:`psysim.saliency.metrics`: AUC-Judd, AUC-Borji, shuffled AUC, NSS, CC, KL, SIM, IG.
- :func:`load_image` / :func:`as_rgb`: reading and checking images of any common type.
"""

from psysim.saliency.image import as_rgb, load_image
from psysim.saliency.model import IttiKoch, SaliencyResult, saliency_map
from psysim.saliency.wta import scanpath

__all__ = ["IttiKoch", "SaliencyResult", "as_rgb", "load_image", "saliency_map", "scanpath"]
