"""The procedural objects now live in :mod:`psysim.displays.objects` (a stimulus module both
``psysim.naming`` and ``psysim.networks`` use); this name is kept for existing code."""

from psysim.displays.objects import (  # noqa: F401
    PART_KINDS,
    glyph_bank,
    jitter_instance,
    make_prototypes,
    render_glyph,
)

_jitter = jitter_instance
