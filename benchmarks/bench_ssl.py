"""Self-supervised pretraining throughput: psysim's SimCLR loop against a plain-PyTorch one.

Both train the same network (the experiment's GapCNN, ``channels [16, 32, 64]``, with the same
projection head, copied from one initial state) with NT-Xent at tau 0.2, AdamW and the same
batch size on the same unlabelled images (procedural objects and search displays, 48 px):

- ``psysim``: :func:`psysim.networks.ssl.pretrain_ssl` (batched augmentation on the whole batch:
  one affine grid, one grouped blur convolution; loss :func:`~psysim.networks.ssl.nt_xent`);
- ``plain``: the textbook loop: each image's two views made one by one with torchvision
  ``transforms.v2`` (RandomResizedCrop, ColorJitter, RandomGrayscale, GaussianBlur, the SimCLR
  pipeline without the mirror, as psysim leaves it out where it changes the class), the NT-Xent
  loss written out (similarity matrix, self-similarity masked, cross-entropy on the partner),
  an optimiser step.

Protocol: the shared one (``benchmarks/protocol.py``: threads fixed, warm-up until settled,
interleaved rounds, ratio plain time / psysim time per round with a bootstrap interval, load and
versions in the JSON). One item is one image (a pair of views) of a training step. Run it on an
idle machine for absolute numbers; the ratio is the robust figure.

Run::

    python benchmarks/bench_ssl.py [--threads 1] [--repeats 5] [--steps 10] [--batch 64] [--json out.json]
    python benchmarks/bench_ssl.py --quick        # 3 rounds of 3 steps (run_all)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before torch loads)

import argparse  # noqa: E402
import copy  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from psysim.networks.ssl import SSLNetwork, pretrain_ssl, unlabelled_images  # noqa: E402
from psysim.networks.training import seeded_network  # noqa: E402

CONFIG = {"channels": [16, 32, 64], "pool_after": [0, 1], "n_classes": 2}


def plain_nt_xent(z1, z2, tau):
    """NT-Xent as commonly written out (Chen et al. 2020, Eq. 1)."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / tau
    n = z1.shape[0]
    sim.fill_diagonal_(-1e9)
    labels = torch.cat([torch.arange(n) + n, torch.arange(n)])
    return F.cross_entropy(sim, labels)


def plain_loop(net: SSLNetwork, images: torch.Tensor, steps: int, batch: int, seed: int = 0, tau: float = 0.2):
    from torchvision.transforms import v2

    size = images.shape[-1]
    aug = v2.Compose([
        v2.RandomResizedCrop(size, scale=(0.35, 1.0), antialias=True),
        v2.RandomApply([v2.ColorJitter(0.4, 0.4, 0.4)], p=0.8),
        v2.RandomGrayscale(p=0.2),
        v2.RandomApply([v2.GaussianBlur(5, sigma=(0.1, 2.0))], p=0.5),
    ])
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    net.train()
    for _ in range(steps):
        idx = torch.randperm(len(images))[:batch]
        x = images[idx].float() / 255
        v1 = torch.stack([aug(im) for im in x])
        v2_ = torch.stack([aug(im) for im in x])
        loss = plain_nt_xent(net(v1), net(v2_), tau)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=protocol.THREADS)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10, help="training steps per timed call")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=48)
    ap.add_argument("--quick", action="store_true", help="3 rounds of 3 steps")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    if a.quick:
        a.repeats, a.steps = 3, 3
    protocol.set_torch_threads(a.threads)
    images = unlabelled_images(n_objects=48, n_instances=4, n_search_per_cell=4, size=a.size, seed=0)
    base = seeded_network("gapcnn", seed=0, **CONFIG)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        head = SSLNetwork(copy.deepcopy(base))

    def run_psysim():
        pretrain_ssl(copy.deepcopy(base), images, "simclr", steps=a.steps, batch_size=a.batch, seed=1, progress=False)

    def run_plain():
        plain_loop(copy.deepcopy(head), images.images, a.steps, a.batch, seed=1)

    n = a.steps * a.batch
    res = protocol.compare(f"SimCLR pretraining, {a.size} px, batch {a.batch}", run_psysim, run_plain,
                           baseline_name="plain PyTorch NT-Xent loop", items=n, unit="images", repeats=a.repeats,
                           max_warmup=3, threads=a.threads)
    doc = protocol.finish([res], a.json, steps=a.steps, batch=a.batch, size=a.size)
    print(f"psysim {res.throughput():.1f} images/s, plain {res.throughput('baseline'):.1f} images/s")
    return doc


if __name__ == "__main__":
    main()
