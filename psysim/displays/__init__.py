"""Visual-search displays: generation (item tables) and rendering (RGB arrays)."""

from psysim.displays.generate import (
    DISPLAY_COLUMNS,
    ITEM_COLUMNS,
    DisplaySet,
    Geometry,
    ItemSpec,
    StimulusSet,
    TaskSpec,
    load_stimulus_set,
    make_displays,
)
from psysim.displays.render import GLYPHS, render, render_items, target_boxes

__all__ = [
    "DISPLAY_COLUMNS",
    "GLYPHS",
    "ITEM_COLUMNS",
    "DisplaySet",
    "Geometry",
    "ItemSpec",
    "StimulusSet",
    "TaskSpec",
    "load_stimulus_set",
    "make_displays",
    "render",
    "render_items",
    "target_boxes",
]
