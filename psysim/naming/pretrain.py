"""Pretrain psysim's offline naming backbone on generated line drawings (supervised).

The shipped checkpoint ``psysim/naming/checkpoints/glyphs_gapcnn.pt`` is made by this script
and by nothing else; it has only ever seen images that psysim generates
(:mod:`psysim.displays.objects`), never a picture of a naming test, so it may be shipped.

Task: name the class of each generated object (256 classes) from augmented views
(:func:`psysim.naming.augment.augment_pictures`, strengths uniform in 0.3-1.5), with a
plain GAP network (:class:`psysim.networks.GapCNN`). Validation uses new instances of the
same classes (other jitter seed) and other augmentation seeds.

Run:  python -m psysim.naming.pretrain [--steps 300] [--out PATH] [--seed 0]

The shipped file was made with the defaults (about 10 minutes on 2 CPU cores).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from psysim.displays.objects import glyph_bank
from psysim.naming.augment import augment_pictures
from psysim.networks import save_checkpoint, seeded_network

CONFIG = {"channels": [16, 32, 64, 128], "pool_after": [0, 1, 2], "n_classes": 256}
"""GapCNN configuration of the offline backbone (about 0.13 M parameters, 0.5 MB)."""
IMAGE_SIZE = 64


def pretrain(steps: int = 300, batch_size: int = 64, lr: float = 3e-3, n_classes: int = 256, seed: int = 0, progress=None, log_every: int = 0):
    """Train the backbone; returns ``(model, meta)`` with the validation accuracy in ``meta``.

    ``log_every`` > 0 prints the mean training loss every so many steps."""
    t0 = time.perf_counter()
    imgs, labels, colour = glyph_bank(n_classes, n_line=6, n_colour=3, size=IMAGE_SIZE, seed=seed)
    # validation: the same prototypes, new jittered instances (another stream)
    vimgs, vlabels, vcolour = _fresh_instances(n_classes, seed)
    x = torch.from_numpy(imgs)
    y = torch.from_numpy(labels)
    col = torch.from_numpy(colour)
    model = seeded_network("gapcnn", seed=seed, **{**CONFIG, "n_classes": n_classes})
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    g = torch.Generator().manual_seed(seed)
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model.train()
        for _ in tqdm(range(steps), desc="pretraining", disable=None if progress is None else not progress):
            idx = torch.randint(0, len(y), (batch_size,), generator=g)
            s = 0.3 + 1.2 * torch.rand(batch_size, generator=g)
            xb = augment_pictures(x[idx].float() / 255, g, s, col[idx])
            loss = F.cross_entropy(model(xb), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
            if log_every and len(losses) % log_every == 0:
                print(f"step {len(losses)}/{steps}: loss {np.mean(losses[-log_every:]):.3f} ({time.perf_counter() - t0:.0f} s)", flush=True)
    model.eval()
    gv = torch.Generator().manual_seed(seed + 10_000)
    with torch.no_grad():
        xv = augment_pictures(torch.from_numpy(vimgs).float() / 255, gv, 1.0, torch.from_numpy(vcolour))
        acc = (model(xv).argmax(1) == torch.from_numpy(vlabels)).float().mean().item()
    meta = {
        "purpose": "psysim offline naming backbone",
        "trained_on": f"psysim-generated objects (psysim.displays.objects, {n_classes} classes, seed {seed}) only",
        "image_size": IMAGE_SIZE,
        "steps": steps,
        "batch_size": batch_size,
        "final_train_loss": float(np.mean(losses[-20:])),
        "val_accuracy_new_instances": acc,
        "n_val": int(len(vlabels)),
        "seconds": round(time.perf_counter() - t0, 1),
        "script": "python -m psysim.naming.pretrain",
    }
    return model, meta


def _fresh_instances(n_classes, seed):
    from psysim.displays.objects import jitter_instance, make_prototypes, render_glyph

    protos = make_prototypes(n_classes, seed)
    rng = np.random.default_rng([seed, 2])
    imgs, labels, col = [], [], []
    for c, p in enumerate(protos):
        for is_col in [False] + ([True] if p["has_colour"] else []):
            imgs.append(render_glyph(jitter_instance(p, rng, 1.0), IMAGE_SIZE, colour=is_col, stroke=rng.uniform(0.8, 1.8)))
            labels.append(c)
            col.append(is_col)
    return np.stack(imgs).transpose(0, 3, 1, 2).copy(), np.asarray(labels), np.asarray(col)


def save_backbone(path, model, meta: dict) -> Path:
    """Save with :func:`psysim.networks.save_checkpoint`, then make the file loadable with
    ``torch.load(weights_only=True)``: versions as plain text, the glyph class names."""
    path = Path(path)
    save_checkpoint(path, model, meta)
    payload = torch.load(path, map_location="cpu", weights_only=True)  # the file just written: plain data
    payload["torch_version"] = str(payload["torch_version"])
    payload["psysim_version"] = str(payload["psysim_version"])
    payload["classes"] = [f"glyph{i:03d}" for i in range(model.config["n_classes"])]
    torch.save(payload, path)
    return path


def default_path() -> Path:
    return Path(__file__).resolve().parent / "checkpoints" / "glyphs_gapcnn.pt"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    ap.add_argument("--out", type=Path, default=default_path())
    ap.add_argument("--log-every", type=int, default=25, help="print the loss every N steps (0: never)")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    model, meta = pretrain(steps=a.steps, seed=a.seed, log_every=a.log_every)
    save_backbone(a.out, model, meta)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.2f} MB); validation accuracy on new instances {meta['val_accuracy_new_instances']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
