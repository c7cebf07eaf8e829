"""RT units: a file in another unit than declared, or mixing scales, is refused in one line
naming the likely unit (issue 20, item 3); CSV header and encoding errors name the place
(item 8)."""

from __future__ import annotations

import numpy as np
import pytest

from psysim.data import read_trials_csv
from psysim.data.rt_units import MIXTURE_FACTOR, PLAUSIBLE_MEDIAN_MS, check_rt_units, likely_unit
from psysim.errors import DataError

HEAD = "subject,task,set_size,target_present,response,correct,rt\n"


def write_rts(tmp_path, rts, name="d.csv"):
    rows = [f"{1 + i % 3},feature,{(3, 6)[i % 2]},1,1,1,{float(rt)!r}" for i, rt in enumerate(rts)]
    path = tmp_path / name
    path.write_text(HEAD + "\n".join(rows) + "\n")
    return path


def ms_rts(n=40, seed=0):
    return [float(v) for v in np.round(np.random.default_rng(seed).lognormal(np.log(700), 0.3, n), 1)]


def one_line(err):
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def test_plain_files_load_and_convert(tmp_path):
    rts = ms_rts()
    t = read_trials_csv(write_rts(tmp_path, rts))
    assert np.allclose(t["rt"], rts)
    s = read_trials_csv(write_rts(tmp_path, [r / 1000 for r in rts], "s.csv"), rt_unit="s")
    assert np.allclose(s["rt"], rts)


@pytest.mark.parametrize(
    "scale, unit, likely",
    [(1.0, "s", "milliseconds"),        # a ms file declared in seconds: median ~700,000 ms
     (1000.0, "ms", "microseconds"),    # microsecond data declared in ms
     (0.001, "ms", "seconds")],         # seconds declared in ms
)
def test_median_outside_the_plausible_range_names_the_likely_unit(tmp_path, scale, unit, likely):
    path = write_rts(tmp_path, [r * scale for r in ms_rts()])
    with pytest.raises(DataError) as err:
        read_trials_csv(path, rt_unit=unit)
    msg = one_line(err)
    assert str(path) in msg and f"rt_unit={unit!r}" in msg and f"looks like {likely}" in msg
    assert "check_units=False" in msg


def test_mixture_of_scales_names_the_first_odd_line(tmp_path):
    rts = ms_rts()
    rts[7], rts[20] = 0.65, 0.81  # two trials typed in seconds among milliseconds
    path = write_rts(tmp_path, rts)
    with pytest.raises(DataError) as err:
        read_trials_csv(path)
    msg = one_line(err)
    assert "line 9" in msg and "RT 0.65" in msg and "looks like seconds" in msg and "2 such value(s)" in msg
    rts = ms_rts()
    rts[3] = rts[3] * 1000  # one microsecond value
    with pytest.raises(DataError, match=r"line 5: .*looks like microseconds"):
        read_trials_csv(write_rts(tmp_path, rts, "us.csv"))


def test_check_units_false_overrides(tmp_path):
    rts = ms_rts()
    rts[7] = 0.65
    t = read_trials_csv(write_rts(tmp_path, rts), check_units=False)
    assert t["rt"].iloc[7] == 0.65
    big = read_trials_csv(write_rts(tmp_path, ms_rts(), "big.csv"), rt_unit="s", check_units=False)
    assert big["rt"].median() > 1e5


def test_the_limits_themselves():
    lo, hi = PLAUSIBLE_MEDIAN_MS
    check_rt_units([lo, lo, lo], "ms", "x.csv")  # on the bounds: accepted
    check_rt_units([hi / 1000] * 3, "s", "x.csv")
    with pytest.raises(DataError, match="outside the plausible"):
        check_rt_units([hi * 1.01] * 3, "ms", "x.csv")
    med = 600.0
    check_rt_units([med] * 9 + [med * MIXTURE_FACTOR * 0.99], "ms", "x.csv")  # just inside
    with pytest.raises(DataError, match="mixes scales"):
        check_rt_units([med] * 9 + [med * MIXTURE_FACTOR * 1.01], "ms", "x.csv")
    with pytest.raises(DataError, match="rt_unit must be one of ms, s, got 'min'"):
        check_rt_units([1.0], "min", "x.csv")
    assert likely_unit(0.7) == "s" and likely_unit(700.0) == "ms" and likely_unit(7e5) == "us"
    assert likely_unit(1e12) is None


def test_duplicated_header_names_the_column(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("subject,task,set_size,rt,target_present,response,correct,rt\n1,feature,3,500,1,1,1,600\n")
    with pytest.raises(DataError) as err:
        read_trials_csv(path)
    assert one_line(err) == f"{path}: line 1: the column name 'rt' appears twice in the header; rename one"


def test_encoding_error_names_the_byte_and_line_of_the_whole_file(tmp_path):
    path = tmp_path / "latin.csv"
    lines = [HEAD] + [f"{i},feature,3,1,1,1,{500 + i}\n" for i in range(2000)] + ["7,f\xe9ature,3,1,1,1,600\n"]
    data = "".join(lines).encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(DataError) as err:
        read_trials_csv(path)
    msg = one_line(err)
    offset = data.index(b"\xe9")
    assert f"line {len(lines)}: not UTF-8 text" in msg and f"byte offset {offset} of the file" in msg
    assert "byte 4 of the line" in msg and "0xe9" in msg
    t = read_trials_csv(path, encoding="latin-1", tasks={"f\xe9ature": "feature"})
    assert len(t) == 2001
