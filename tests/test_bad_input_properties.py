"""Property-based tests of psysim's file loaders (issue 20, "What to build" 6).

For every loader a user's file reaches -- the trial CSV reader, data-set descriptions (TOML),
sweep grid files, the image loaders built on :func:`psysim.images.open_image`, and picture-set
manifests -- hypothesis generates bad files: arbitrary bytes and text, and valid files mutated
(truncated, a line dropped or doubled, a key renamed, a value replaced by one of another type,
bytes flipped). The property: the loader either accepts the file or raises
:class:`~psysim.errors.PsysimError` with a one-line message; never another exception. Where the
input is bad by construction (garbage, a number column holding text, a header claiming an
impossible image size) the PsysimError is required.

The settings are fixed (``derandomize=True``, no example database, modest ``max_examples``), so
every run tries the same examples and CI is deterministic; ``PSYSIM_PROPERTY_EXAMPLES=500`` searches
further (still deterministic).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from psysim.errors import PsysimError

EXAMPLES = int(os.environ.get("PSYSIM_PROPERTY_EXAMPLES", "40"))  # more for a deeper (still deterministic) search
SETTINGS = settings(derandomize=True, database=None, max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def outcome(fn, *args, **kwargs):
    """``fn(...)``'s result, or its PsysimError message checked to be one non-empty line."""
    try:
        return fn(*args, **kwargs)
    except PsysimError as exc:
        msg = str(exc)
        assert msg.strip() and "\n" not in msg and "\r" not in msg, repr(msg)
        return exc


def refused(fn, *args, **kwargs) -> str:
    """The one-line PsysimError message ``fn(...)`` must raise."""
    res = outcome(fn, *args, **kwargs)
    assert isinstance(res, PsysimError), f"accepted: {res!r}"
    return str(res)


# -- mutations of a valid text file ------------------------------------------------------------
SCALARS = st.one_of(
    st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.sampled_from("abk"), SCALARS, max_size=2))


def toml_literal(v) -> str:
    """A TOML literal of ``v`` (scalars, lists, inline tables)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if v != v else ("inf" if v == float("inf") else "-inf" if v == float("-inf") else repr(v))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_literal(x) for x in v) + "]"
    return "{" + ", ".join(f"{k} = {toml_literal(x)}" for k, x in v.items()) + "}"


@st.composite
def mutated_lines(draw, text: str, value_literal=None):
    """``text`` with one to three line-level edits."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "double", "value", "rename", "cut", "insert"]))
        line = lines[i]
        if kind == "drop":
            del lines[i]
        elif kind == "double":
            lines.insert(i, line)
        elif kind == "value" and "=" in line:  # TOML: key = another value
            key = line.split("=", 1)[0]
            lit = draw(value_literal) if value_literal is not None else toml_literal(draw(VALUES))
            lines[i] = f"{key}= {lit}"
        elif kind == "value" and "," in line:  # CSV: one field replaced
            cells = line.split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(value_literal) if value_literal is not None else "x"
            lines[i] = ",".join(cells)
        elif kind == "rename" and line.strip():
            lines[i] = draw(st.sampled_from(["x", "_", "Z", "1"])) + line
        elif kind == "cut":
            lines[i] = line[: draw(st.integers(0, len(line)))]
        else:
            lines.insert(i, draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)))
    return "\n".join(lines) + "\n"


@st.composite
def mutated_bytes(draw, data: bytes):
    """``data`` truncated, or with bytes flipped, deleted or inserted."""
    b = bytearray(data)
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "insert"]))
    i = draw(st.integers(0, max(len(b) - 1, 0)))
    if kind == "truncate":
        return bytes(b[:i])
    if kind == "flip" and b:
        for _ in range(draw(st.integers(1, 4))):
            j = draw(st.integers(0, len(b) - 1))
            b[j] ^= draw(st.integers(1, 255))
        return bytes(b)
    if kind == "delete":
        return bytes(b[:i] + b[i + draw(st.integers(1, 16)):])
    return bytes(b[:i] + draw(st.binary(min_size=1, max_size=16)) + b[i:])


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def write(path: Path, content) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


# -- trial CSV files (psysim.data.read_trials_csv) ------------------------------------------------
HEADER = "subject,task,set_size,target_present,response,rt"
CSV = HEADER + "\n" + "".join(f"{s},feature,{n},{p},{p},{480 + 31 * n + 17 * s}\n"
                              for s in (1, 2) for n in (3, 6, 12) for p in (0, 1))


def read_csv(path):
    from psysim.data import read_trials_csv

    return read_trials_csv(path)


@SETTINGS
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_trial_csv_garbage_is_refused_in_one_line(work, content):
    msg = refused(read_csv, write(work / "garbage.csv", content))
    assert "garbage.csv" in msg


@SETTINGS
@given(text=mutated_lines(CSV, st.sampled_from(["x", "", "-1", "nan", "1e9", "0", "3.5", '"a,b"', ";", "1,2,3,4,5,6,7"])))
def test_trial_csv_edited_lines_load_or_are_refused_in_one_line(work, text):
    outcome(read_csv, write(work / "edited.csv", text))


@SETTINGS
@given(data=mutated_bytes(CSV.encode()))
def test_trial_csv_damaged_bytes_load_or_are_refused_in_one_line(work, data):
    outcome(read_csv, write(work / "damaged.csv", data))


@SETTINGS
@given(column=st.sampled_from(["set_size", "target_present", "response", "rt"]),
       row=st.integers(0, 11),
       bad=st.text(st.characters(codec="utf-8", categories=("L", "P", "S")), min_size=1, max_size=6)
       .filter(lambda s: s.strip() and s.strip().lower() not in ("true", "false", "yes", "no", "t", "f", "y", "n")))
def test_trial_csv_text_in_a_number_column_names_the_column(work, column, row, bad):
    lines = CSV.splitlines()
    cells = lines[1 + row].split(",")
    cells[HEADER.split(",").index(column)] = '"' + bad.replace('"', "") + '"' if "," in bad else bad.replace('"', "'")
    lines[1 + row] = ",".join(cells)
    msg = refused(read_csv, write(work / "typed.csv", "\n".join(lines) + "\n"))
    assert "typed.csv" in msg


# -- data-set descriptions (psysim.data.describe) ------------------------------------------------
DESC = """[dataset]
name = "mine"
citation = "Me (2026)"
[files]
paths = ["trials.csv"]
[columns]
subject = "subject"
task = "task"
set_size = "set_size"
target_present = "target_present"
response = "response"
rt = "rt"
[rt]
unit = "ms"
missing = "exclude"
trim = [200, 4000]
[exclusion]
max_excluded_percent = 20
[tasks.feature]
kind = "feature-colour"
description = "red among green"
"""


def load_description(path):
    from psysim.data import load_described
    from psysim.data.describe import read_description

    return load_described(read_description(path))


def test_the_unmutated_description_loads(work):
    write(work / "trials.csv", CSV)
    assert len(load_description(write(work / "desc.toml", DESC)).trials) == 12


@SETTINGS
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_description_garbage_is_refused_in_one_line(work, content):
    write(work / "trials.csv", CSV)
    refused(load_description, write(work / "garbage.toml", content))


@SETTINGS
@given(text=mutated_lines(DESC))
def test_description_edits_load_or_are_refused_in_one_line(work, text):
    write(work / "trials.csv", CSV)
    outcome(load_description, write(work / "edited.toml", text))


@SETTINGS
@given(key=st.sampled_from(["name", "paths", "subject", "set_size", "rt", "unit", "missing", "trim",
                            "max_excluded_percent", "kind"]),
       value=st.one_of(st.integers(-5, 5), st.booleans(), st.lists(st.booleans(), max_size=2),
                       st.dictionaries(st.sampled_from("ab"), st.integers(), min_size=1, max_size=1)))
def test_description_value_of_the_wrong_type_is_refused(work, key, value):
    """Every one of these keys wants a string, a list of strings or numbers, or a number."""
    if key == "max_excluded_percent" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = -1 - value  # (a number is its type; a negative percentage is the bad one)
    if key == "trim" and isinstance(value, list) and not value:
        value = [True]
    lines = [f"{key} = {toml_literal(value)}" if line.split(" = ")[0] == key else line for line in DESC.splitlines()]
    write(work / "trials.csv", CSV)
    msg = refused(load_description, write(work / "typed.toml", "\n".join(lines) + "\n"))
    assert "typed.toml" in msg or "trials.csv" in msg


# -- sweep grid files (psysim.sweep.read_grid + check_grid) ----------------------------------------
GRID = """model = "fit"
description = "a grid"
tasks = ["feature", "conjunction"]
set_sizes = [3, 6]
n_per_cell = 10
mode = "product"
[params]
per_item = [10, 20]
base = {start = 300, stop = 400, num = 2}
[fixed]
p_miss = 0.01
"""


def read_and_check_grid(path):
    from psysim.sweep import check_grid, read_grid

    grid = read_grid(path)
    return check_grid(grid, "fit")


def test_the_unmutated_grid_reads(work):
    assert len(read_and_check_grid(write(work / "grid.toml", GRID))) == 4


@SETTINGS
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_grid_garbage_is_refused_in_one_line(work, content):
    refused(read_and_check_grid, write(work / "garbage-grid.toml", content))


@SETTINGS
@given(text=mutated_lines(GRID))
def test_grid_edits_read_or_are_refused_in_one_line(work, text):
    outcome(read_and_check_grid, write(work / "edited-grid.toml", text))


@SETTINGS
@given(key=st.sampled_from(["per_item", "base", "p_miss", "set_sizes", "n_per_cell", "tasks", "mode", "model"]),
       value=st.one_of(st.booleans(), st.just([]), st.just({}), st.text(max_size=4).filter(lambda s: s not in ("fit",)),
                       st.floats(allow_nan=True).filter(lambda f: f != f or f < 0 or f > 1e6),
                       st.dictionaries(st.sampled_from(["start", "log", "steps"]), SCALARS, max_size=3)))
def test_grid_value_of_a_wrong_type_or_range_is_refused(work, key, value):
    lines = [f"{key} = {toml_literal(value)}" if line.split(" = ")[0] == key else line for line in GRID.splitlines()]
    if key == "mode" and value in ("zip",):
        return
    refused(read_and_check_grid, write(work / "typed-grid.toml", "\n".join(lines) + "\n"))


# -- images (psysim.images.open_image and the loaders built on it) -----------------------------------
def png_bytes(w=64, h=48) -> bytes:
    im = Image.new("RGB", (w, h), (128, 128, 128))
    im.paste((200, 20, 20), (w // 4, h // 4, w // 2, h // 2))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def claimed(width: int, height: int, data: bytes | None = None) -> bytes:
    b = bytearray(data or png_bytes(2, 2))
    i = b.index(b"IHDR")
    b[i + 4:i + 12] = struct.pack(">II", width, height)
    b[i + 17:i + 21] = struct.pack(">I", zlib.crc32(bytes(b[i:i + 17])))
    return bytes(b)


def _open_header(path):
    from psysim.images import open_image

    with open_image(path) as im:
        return im.size


def _saliency(path):
    from psysim.saliency import load_image

    return load_image(path).shape


def _cam(path):
    from psysim.networks import load_image

    return tuple(load_image(path, size=32).shape)


def _picture(path):
    from psysim.naming.pictures import load_image_array

    return load_image_array(path, 32).shape


LOADERS = {"open_image": _open_header, "saliency": _saliency, "cam": _cam, "picture": _picture}
GOOD_IMAGES = [png_bytes(), png_bytes(40, 90)]
for fmt in ("JPEG", "GIF", "BMP", "TIFF"):
    _buf = io.BytesIO()
    Image.open(io.BytesIO(png_bytes())).save(_buf, format=fmt)
    GOOD_IMAGES.append(_buf.getvalue())


@pytest.mark.parametrize("loader", LOADERS)
def test_the_unmutated_images_load(work, loader):
    for i, data in enumerate(GOOD_IMAGES):
        assert not isinstance(outcome(LOADERS[loader], write(work / f"good{i}.img", data)), PsysimError)


@pytest.mark.parametrize("loader", LOADERS)
@SETTINGS
@given(content=st.binary(max_size=200))
def test_image_garbage_is_refused_in_one_line(work, loader, content):
    msg = refused(LOADERS[loader], write(work / "garbage.png", content))
    assert "garbage.png" in msg


@pytest.mark.parametrize("loader", LOADERS)
@SETTINGS
@given(data=st.sampled_from(GOOD_IMAGES).flatmap(mutated_bytes))
def test_damaged_images_load_or_are_refused_in_one_line(work, loader, data):
    outcome(LOADERS[loader], write(work / "damaged.png", data))


@pytest.mark.parametrize("loader", LOADERS)
@SETTINGS
@given(width=st.integers(0, 2**31 - 1), height=st.integers(0, 2**31 - 1))
def test_an_impossible_header_size_is_refused_before_decoding(work, loader, width, height):
    from psysim.images import MAX_PIXELS

    if loader == "picture" and 1 <= min(width, height) and width * height <= MAX_PIXELS:
        return  # pictures may be small (min_side 1); the header's 2x2 pixels then do not decode
    if loader != "picture" and 32 <= min(width, height) and width * height <= MAX_PIXELS:
        return  # a plausible size; decoding the 2x2 pixel data then fails or not: the other tests
    msg = refused(LOADERS[loader], write(work / "header.png", claimed(width, height)))
    assert "header.png" in msg


# -- picture-set manifests (psysim.naming.pictures) ----------------------------------------------------
MANIFEST = "item,name,file,version,familiarity\n1,cat,a.png,line,3.5\n2,dog,b.png,line,2\n2,dog,b.png,colour,2.5\n"


def load_manifest(path):
    from psysim.naming.pictures import load_picture_set

    return load_picture_set(path, size=32)


def _pictures(work):
    for name in ("a.png", "b.png"):
        write(work / name, png_bytes())


def test_the_unmutated_manifest_loads(work):
    _pictures(work)
    assert len(load_manifest(write(work / "manifest.csv", MANIFEST)).names) == 2


@SETTINGS
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_manifest_garbage_is_refused_in_one_line(work, content):
    _pictures(work)
    refused(load_manifest, write(work / "garbage-manifest.csv", content))


@SETTINGS
@given(text=mutated_lines(MANIFEST, st.sampled_from(["", "x", "nope.png", "1", "cat", "a.png", '"a,b"', "-"])))
def test_manifest_edits_load_or_are_refused_in_one_line(work, text):
    _pictures(work)
    outcome(load_manifest, write(work / "edited-manifest.csv", text))


@SETTINGS
@given(data=mutated_bytes(MANIFEST.encode()))
def test_manifest_damaged_bytes_load_or_are_refused_in_one_line(work, data):
    _pictures(work)
    outcome(load_manifest, write(work / "damaged-manifest.csv", data))
