"""Winner-take-all and inhibition of return."""

import numpy as np
import pytest

from psysim.errors import ParameterError, PsysimError
from psysim.saliency.wta import scanpath


def _peaks():
    s = np.zeros((30, 40))
    s[5, 5], s[20, 30], s[25, 8] = 1.0, 0.8, 0.5
    return s


def test_order_positions_and_times():
    sp = scanpath(_peaks(), image_shape=(480, 640), n_fixations=4, proximity=0.0)
    assert len(sp) == 4
    # after the three peaks nothing is above threshold: the network waits for the first peak's
    # IOR (700 ms) to end and returns to it after one more charging time
    assert sp["onset_ms"].iloc[3] == pytest.approx(2 * 135.0 * np.log(1 / 0.8) + 700.0)
    sp = sp.iloc[:3]
    assert sp["saliency"].tolist() == pytest.approx([1.0, 0.8, 0.5])
    # a 30 x 40 map of a 480 x 640 image is a scale-4 map: map pixel j is image pixel 16 j
    assert sp["x"].tolist() == pytest.approx([5 * 16 + 0.5, 30 * 16 + 0.5, 8 * 16 + 0.5])
    # charging time tau * ln(s / (s - theta)): 135 ln(1/0.8) = 30.1 ms, then 135 ln(0.8/0.6), ...
    steps = 135.0 * np.log(np.array([1.0, 0.8, 0.5]) / (np.array([1.0, 0.8, 0.5]) - 0.2))
    np.testing.assert_allclose(sp["onset_ms"], np.cumsum(steps))
    np.testing.assert_allclose(sp["duration_ms"].iloc[:2], steps[1:])
    assert np.isnan(scanpath(_peaks(), n_fixations=2)["duration_ms"].iloc[-1])


def test_inhibition_of_return_expires():
    s = np.zeros((30, 40))
    s[5, 5], s[25, 35] = 1.0, 0.9
    sp = scanpath(s, n_fixations=6, proximity=0.0, ior_ms=100.0, foa_radius=3)
    # with a short IOR the two peaks alternate
    assert sp["x"].tolist()[:4] == pytest.approx([5.5, 35.5, 5.5, 35.5])
    sp_long = scanpath(s, n_fixations=6, proximity=0.0, ior_ms=10_000.0, foa_radius=3)
    assert sp_long["onset_ms"].iloc[2] > 10_000.0


def test_proximity_preference_breaks_near_ties():
    s = np.zeros((30, 40))
    s[5, 5], s[5, 15], s[25, 35] = 1.0, 0.95, 0.97
    near = scanpath(s, n_fixations=2, foa_radius=6, proximity=0.1)
    far = scanpath(s, n_fixations=2, foa_radius=6, proximity=0.0)
    assert near["x"].iloc[1] == pytest.approx(15.5)
    assert far["x"].iloc[1] == pytest.approx(35.5)


def test_bad_input():
    with pytest.raises(PsysimError, match="2-D"):
        scanpath(np.ones(5))
    with pytest.raises(PsysimError, match="NaN"):
        scanpath(np.full((4, 4), np.nan))
    with pytest.raises(ParameterError, match="threshold"):
        scanpath(_peaks(), threshold=1.5)
    with pytest.warns(RuntimeWarning, match="zero everywhere"):
        assert len(scanpath(np.zeros((5, 5)))) == 0
