"""Self-supervised learning: NT-Xent and BYOL against their definitions, the task-safe mirror
rule, the view ledger, seeds, and a tiny SimCLR network against the random control."""

import io
import math

import numpy as np
import pytest
import torch

from psysim.errors import ParameterError, PsysimError
from psysim.networks.ssl import (
    NO_AUGMENTATION,
    Augmentation,
    ImageSet,
    ViewIdLedger,
    byol_loss,
    byol_tau,
    mirror_safe_task,
    nt_xent,
    object_images,
    pretrain_ssl,
    search_images,
    ssl_augment,
)
from psysim.networks.ssl_eval import (
    compare_backbones,
    embed,
    knn_accuracy,
    linear_probe,
    random_control,
)
from psysim.networks.training import seeded_network

torch.set_num_threads(1)
TINY = {"channels": [8, 16, 32], "pool_after": [0, 1], "n_classes": 2}


def _nt_xent_loop(z1, z2, tau):
    """Chen et al. (2020) Eq. 1 and Algorithm 1, written literally."""
    z = [v / np.linalg.norm(v) for v in np.concatenate([z1, z2])]
    n = len(z1)

    def loss_ij(i, j):
        den = sum(math.exp(z[i] @ z[k] / tau) for k in range(2 * n) if k != i)
        return -math.log(math.exp(z[i] @ z[j] / tau) / den)

    return sum(loss_ij(k, k + n) + loss_ij(k + n, k) for k in range(n)) / (2 * n)


def test_nt_xent_hand_computed_case():
    # two images, views identical, the images orthogonal: for every view the positive has
    # sim 1 and the two negatives sim 0, so l = -log(e / (e + 2)) = log(e + 2) - 1
    z1 = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    loss = nt_xent(z1, z1.clone(), temperature=1.0)
    assert loss.item() == pytest.approx(math.log(math.e + 2) - 1, abs=1e-6)
    # opposite views: positive sim -1, negatives 0 and 0 -> log(e^-1 + 2) + 1
    loss = nt_xent(z1, -z1, temperature=1.0)
    assert loss.item() == pytest.approx(math.log(math.exp(-1) + 2) + 1, abs=1e-6)
    # tau = 0.5 doubles every similarity: log(e^2 + 2) - 2
    assert nt_xent(z1, z1.clone(), 0.5).item() == pytest.approx(math.log(math.e**2 + 2) - 2, abs=1e-6)


def test_nt_xent_matches_literal_definition_and_ignores_norms():
    rng = np.random.default_rng(3)
    z1, z2 = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    got = nt_xent(torch.tensor(z1), torch.tensor(z2), 0.3).item()
    assert got == pytest.approx(_nt_xent_loop(z1, z2, 0.3), rel=1e-9)
    scaled = nt_xent(torch.tensor(z1 * 7.0), torch.tensor(z2 * 0.1), 0.3).item()
    assert scaled == pytest.approx(got, rel=1e-9)


def test_nt_xent_bad_input():
    with pytest.raises(ParameterError, match="N >= 2"):
        nt_xent(torch.zeros(1, 3), torch.zeros(1, 3))
    with pytest.raises(ParameterError, match="temperature must be > 0"):
        nt_xent(torch.ones(2, 3), torch.ones(2, 3), temperature=0)


def test_byol_loss_definition():
    p = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    assert byol_loss(p, 3 * p).item() == pytest.approx(0.0, abs=1e-7)  # same direction
    assert byol_loss(p, -p).item() == pytest.approx(4.0)  # |q - (-q)|^2 = 4 for unit vectors
    orth = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    assert byol_loss(p, orth).item() == pytest.approx(2.0)
    assert byol_loss(p, orth, p, -p).item() == pytest.approx(6.0)  # symmetrised: L + L~
    # stop-gradient: no gradient reaches the target
    z = torch.randn(3, 4, requires_grad=True)
    q = torch.randn(3, 4, requires_grad=True)
    byol_loss(q, z).backward()
    assert z.grad is None and q.grad is not None
    assert byol_tau(0, 100) == pytest.approx(0.99) and byol_tau(100, 100) == pytest.approx(1.0)


def test_mirror_rule_from_stimulus_definitions():
    # red/green vertical and horizontal bars are their own mirror images; a 2 becomes a 5 and
    # a 45-degree bar a 135-degree one
    assert mirror_safe_task("feature") and mirror_safe_task("conjunction")
    assert not mirror_safe_task("spatial") and not mirror_safe_task("orientation")
    with pytest.raises(ParameterError, match="unknown search task 'nope'"):
        mirror_safe_task("nope")


def test_augmentation_never_mirrors_where_that_changes_the_class():
    imgs, si = search_images(tasks=("feature", "spatial", "orientation"), set_sizes=(6,), n_per_cell=2, size=32, seed=0)
    assert imgs.mirror_ok.tolist() == (si.table["task"] == "feature").tolist()
    x = imgs.tensor()
    # every other transformation off, mirror always when allowed
    only_mirror = Augmentation(**{**NO_AUGMENTATION.__dict__, "p_mirror": 1.0})
    v = ssl_augment(x, torch.Generator().manual_seed(0), imgs.mirror_ok, only_mirror)
    ok = torch.tensor(imgs.mirror_ok)
    assert torch.allclose(v[ok], x[ok].flip(-1), atol=1e-5)
    assert torch.allclose(v[~ok], x[~ok], atol=1e-5)
    assert not torch.allclose(x[~ok].flip(-1), x[~ok], atol=1e-2)  # the displays are not symmetric
    # full pipeline: where mirroring is unsafe the views are those of a pipeline without mirror
    full = Augmentation(p_mirror=1.0)
    a = ssl_augment(x, torch.Generator().manual_seed(4), imgs.mirror_ok, full)
    b = ssl_augment(x, torch.Generator().manual_seed(4), False, full)
    assert torch.equal(a[~ok], b[~ok])
    assert not torch.allclose(a[ok], b[ok])


def test_augmentation_same_seed_same_bytes_and_changes_views():
    x = object_images(4, 1, 32, seed=0).tensor()
    a = ssl_augment(x, torch.Generator().manual_seed(9), True)
    b = ssl_augment(x, torch.Generator().manual_seed(9), True)
    c = ssl_augment(x, torch.Generator().manual_seed(10), True)
    assert a.numpy().tobytes() == b.numpy().tobytes()
    assert not torch.allclose(a, c)
    assert a.min() >= 0 and a.max() <= 1
    assert torch.equal(ssl_augment(x, torch.Generator().manual_seed(0), True, NO_AUGMENTATION), x)


def test_ledger_refuses_overlap():
    train = object_images(6, 2, 24, seed=0, stream=0)
    ledger = ViewIdLedger().add(train)
    held_out = object_images(6, 2, 24, seed=0, stream=1)
    ledger.check_disjoint(held_out)  # other stream: passes
    with pytest.raises(PsysimError, match=r"probe test images: 3 of 12 are training images \(first: object:0:0:") as e:
        ledger.check_disjoint(ImageSet.concat(held_out.subset(np.arange(9)), train.subset([0, 5, 7])), "probe test images")
    assert "\n" not in str(e.value)
    # the same pixels under another id are a training image too
    clone = train.subset([2])
    clone.ids = np.asarray(["renamed"])
    with pytest.raises(PsysimError, match="first: renamed"):
        ledger.check_disjoint(clone)
    # compare_backbones refuses a test set that overlaps the ledger, and one that overlaps its probe training set
    nets = {"random": random_control("gapcnn", TINY)}
    with pytest.raises(PsysimError, match="probe test images: 1 of"):
        compare_backbones(nets, held_out, train.subset([1]), ledger)
    with pytest.raises(PsysimError, match="against the probe's training images"):
        compare_backbones(nets, held_out, held_out.subset([1]), ledger)


def test_ledger_records_picture_views_and_refuses_them_as_evaluation_views():
    objs = object_images(3, 1, 24, seed=0, stream=0)
    pics = object_images(2, 2, 24, seed=5, stream=0)  # stand-ins for naming pictures
    pics.kind = np.full(len(pics), "picture")
    images = ImageSet.concat(objs, pics)
    images.labels = np.full(len(images), -1, np.int64)
    ledger = ViewIdLedger(record_kinds=("picture",))
    pretrain_ssl(seeded_network("gapcnn", seed=0, **TINY), images, steps=3, batch_size=len(images), seed=0, ledger=ledger, progress=False)
    # every step draws all 7 images, 2 views each; only the 4 pictures' views are recorded
    assert ledger.n_views == 3 * 2 * len(pics) and len(ledger.view_prints) == ledger.n_views
    # the untransformed pictures are refused as evaluation views (one line)
    with pytest.raises(PsysimError, match=r"naming evaluation views: 4 of 4 equal a pretraining image or view") as e:
        ledger.check_views(pics.tensor(), "naming evaluation views")
    assert "\n" not in str(e.value)
    # a recorded view is refused, fresh views of other pictures pass
    g = torch.Generator().manual_seed(9)
    v = ssl_augment(pics.tensor(), g, False)
    ledger.add_views(v[:1])
    with pytest.raises(PsysimError, match="1 of 3 equal"):
        ledger.check_views(torch.cat([v[:1], ssl_augment(object_images(2, 1, 24, seed=6).tensor(), g, False)]))
    ledger.check_views(ssl_augment(object_images(2, 1, 24, seed=6).tensor(), g, False))
    # a view equal after 8-bit quantisation counts as equal
    with pytest.raises(PsysimError, match="1 of 1"):
        ledger.check_views((v[:1] * 255).round() / 255 + 0.4 / 255)


def test_pretraining_same_seed_same_bytes():
    imgs = object_images(4, 2, 24, seed=0)

    def weights(method, seed):
        net, hist = pretrain_ssl(seeded_network("gapcnn", seed=seed, **TINY), imgs, method=method, steps=3, batch_size=8, seed=seed, progress=False)
        buf = io.BytesIO()
        torch.save(net.state_dict(), buf)
        return buf.getvalue(), hist

    for method in ("simclr", "byol"):
        a, ha = weights(method, 1)
        b, hb = weights(method, 1)
        assert a == b and ha.equals(hb)
        assert weights(method, 2)[0] != a
    with pytest.raises(ParameterError, match="method 'moco' is unknown"):
        pretrain_ssl(seeded_network("gapcnn", **TINY), imgs, method="moco", steps=1)


def test_probe_and_knn_on_separable_features():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 5)) * 5
    y = np.repeat(np.arange(3), 20)
    f = centres[y] + rng.normal(size=(60, 5))
    assert linear_probe(f[::2], y[::2], f[1::2], y[1::2])["accuracy"] == 1.0
    assert knn_accuracy(f[::2], y[::2], f[1::2], y[1::2], k=5) == 1.0
    # labels unrelated to features: a probe is near chance on held-out points
    y_rand = rng.integers(0, 3, 60)
    assert linear_probe(f[::2], y_rand[::2], f[1::2], y_rand[1::2])["accuracy"] < 0.7


def test_tiny_simclr_beats_random_control_on_linear_probe():
    unlabelled = object_images(16, 4, 32, seed=0, stream=0)
    train, test = object_images(16, 2, 32, seed=0, stream=1), object_images(16, 2, 32, seed=0, stream=2)
    ledger = ViewIdLedger()
    net, hist = pretrain_ssl(seeded_network("gapcnn", seed=1, **TINY), unlabelled, steps=60, batch_size=32, seed=1, ledger=ledger, progress=False)
    assert hist["loss"].iloc[-10:].mean() < hist["loss"].iloc[:10].mean() - 0.3
    assert embed(net.backbone, test.tensor()[:2]).shape == (2, 32)
    table = compare_backbones({"simclr": net.backbone, "random": random_control("gapcnn", TINY, seed=1)}, train, test, ledger)
    acc = table.set_index(["backbone", "evaluation"])["accuracy"]
    assert acc["simclr", "linear probe"] >= acc["random", "linear probe"] + 0.15
    assert acc["simclr", "k-NN"] >= acc["random", "k-NN"] + 0.15
    assert (table["chance"] == 1 / 16).all() and (table["ci_low"] <= table["accuracy"]).all()
