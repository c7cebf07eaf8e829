"""Saliency metrics against pysaliency: the same values on the same maps, and the speed.

For EToCVD images (``PSYSIM_DATA``; the first ``--images``), the Itti-Koch map of each image is
scored against its human fixations by psysim (:mod:`psysim.saliency.metrics`) and by
pysaliency (``pysaliency.metrics`` and ``pysaliency.roc``; Kümmerer et al.), on the same
arrays. Conventions that differ are put on a common footing first, and each is stated:

- **CC** and **KL** (MIT form, ``pysaliency.metrics.MIT_KLDiv`` with the fixation density as the
  empirical map): same definitions; agreement to 1e-9.
- **SIM**: the MIT code scales each map to [0, 1] (subtracting its minimum) before making it a
  density, as psysim does; pysaliency subtracts the minimum only when it is negative. On the
  same [0, 1]-scaled maps the two agree to 1e-9; the difference on the raw maps is reported too.
- **NSS**: pysaliency standardises with the N denominator, psysim (as MIT's MATLAB ``std``) with
  N - 1; psysim's value times ``sqrt(N / (N - 1))`` must equal pysaliency's mean over the same
  fixated pixels (1e-9).
- **AUC**: pysaliency's ROC (``general_roc``) is the exact ROC of fixated against non-fixated
  values, with every threshold; the MIT AUC-Judd interpolates between thresholds at fixated
  values only, so it is at least the exact area, and larger by the ties and gaps it bridges. The
  two are reported side by side with the range of their difference; pysaliency's own convention
  of *all* pixels as negatives is the third column.

pysaliency 0.2.22 calls ``np.trapz``, which numpy 2 removed; the script aliases it to
``np.trapezoid`` (the same function, renamed) and changes nothing else in the peer.

Speed: per image, all psysim metrics against the same pysaliency metrics, under the protocol.
pysaliency is a peer package, not a dependency: ``pip install pysaliency`` to run this.

Run::

    python benchmarks/bench_saliency_metrics.py [--images 20] [--json out.json]
    python benchmarks/bench_saliency_metrics.py --quick
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402

import numpy as np  # noqa: E402


def _unit(a):
    lo, hi = a.min(), a.max()
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="5 images, 3 rounds")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.images, args.repeats = 5, 3
    if not hasattr(np, "trapz"):
        # pysaliency 0.2.22's ROC calls np.trapz, which numpy 2 removed; np.trapezoid is the same
        # function under its new name (the only change made to the peer)
        np.trapz = np.trapezoid
    try:
        import pysaliency.metrics as pm
        from pysaliency.roc import general_roc
    except ImportError:
        print("pysaliency is not installed: pip install pysaliency (comparison skipped)")
        raise SystemExit(1) from None
    from importlib.metadata import version

    from psysim.data.fixations import etocvd_names, load_etocvd
    from psysim.saliency import IttiKoch
    from psysim.saliency import metrics as m

    data = load_etocvd(etocvd_names()[: args.images])
    model = IttiKoch()
    maps = [m.resize_map(model.saliency_map(d.image), d.fixations.shape) for d in data]

    np.seterr(divide="ignore")  # pysaliency's KL takes log(0) on zero density pixels (masked after)
    rows = []
    for d, s in zip(data, maps):
        fix, dens = d.fixations, d.density
        ys, xs = np.nonzero(fix)
        n = s.size
        ours_auc = m.auc_judd(s, fix)
        exact_auc = general_roc(np.ascontiguousarray(s[fix], dtype=float), np.ascontiguousarray(s[~fix], dtype=float))[0]
        all_neg_auc = general_roc(np.ascontiguousarray(s[fix], dtype=float), np.ascontiguousarray(s.ravel(), dtype=float))[0]
        rows.append({
            "image": d.name,
            "cc": (m.cc(s, dens), float(pm.CC(s, dens))),
            "sim": (m.sim(s, dens), float(pm.SIM(_unit(s), _unit(dens)))),
            "sim_raw_maps": (m.sim(s, dens), float(pm.SIM(s, dens))),
            "kl": (m.kl_divergence(s, dens), float(pm.MIT_KLDiv(s, dens))),
            "nss": (m.nss(s, fix) * np.sqrt(n / (n - 1)), float(np.mean(pm.NSS(s, xs, ys)))),
            "auc": (ours_auc, float(exact_auc), float(all_neg_auc)),
        })
    agree = {}
    for key in ("cc", "sim", "kl", "nss", "sim_raw_maps"):
        diffs = [abs(r[key][0] - r[key][1]) for r in rows]
        agree[key] = {"max_abs_diff": float(max(diffs)), "tolerance": 1e-9, "agree": bool(max(diffs) <= 1e-9)}
    agree["sim_raw_maps"]["note"] = "conventions differ (minimum subtracted or not); not expected to agree"
    auc_d = [r["auc"][0] - r["auc"][1] for r in rows]
    agree["auc_judd_minus_exact_roc"] = {"min": float(min(auc_d)), "max": float(max(auc_d)),
                                         "judd_at_least_exact": bool(min(auc_d) >= -1e-12)}

    def ours_all():
        for d, s in zip(data, maps):
            m.cc(s, d.density), m.sim(s, d.density), m.kl_divergence(s, d.density), m.nss(s, d.fixations)
            m.auc_judd(s, d.fixations)

    def theirs_all():
        for d, s in zip(data, maps):
            ys, xs = np.nonzero(d.fixations)
            pm.CC(s, d.density), pm.SIM(s, d.density), pm.MIT_KLDiv(s, d.density), np.mean(pm.NSS(s, xs, ys))
            general_roc(np.ascontiguousarray(s[d.fixations], dtype=float),
                        np.ascontiguousarray(s[~d.fixations], dtype=float))

    res = protocol.compare(f"5 metrics on {len(data)} EToCVD images", ours_all, theirs_all,
                           baseline_name=f"pysaliency {version('pysaliency')}", items=len(data), unit="images",
                           repeats=args.repeats)
    doc = protocol.finish([res], args.json, agreement=agree, per_image=rows)
    for key, a in agree.items():
        print(f"{key}: {a}")
    return doc


if __name__ == "__main__":
    main()
