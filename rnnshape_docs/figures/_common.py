"""What the figures share: the phone's column and the choice of a narrow variant."""

from __future__ import annotations

from rnnshape_docs.layout import MIN_LABEL_PX, Layout

# The figure's column on a 390 CSS px phone (measured in Chromium: the page's side padding and
# the figure card's own padding leave this much); a wide drawing whose labels would render
# below MIN_LABEL_PX at this width gets a narrow variant.
PHONE_COLUMN = 340.0


def wide_and_narrow(draw, alt: str, caption: str, column: float = PHONE_COLUMN) -> Layout:
    """The wide drawing, and the narrow one when the wide one is too small in ``column``
    CSS px (a phone's, unless told)."""
    wide = draw(narrow=False)
    narrow = None
    if wide.label_px(column) < MIN_LABEL_PX:
        narrow = draw(narrow=True)
    return Layout(wide, narrow, alt, caption)


CELL = 0.15  # the side of one small square (one number), in inches
