"""Reading whole numbers people typed or files carried."""

from __future__ import annotations


def is_whole(value: str, max_digits: int = 18) -> bool:
    """Plain ASCII digits, and not too many of them. ``str.isdigit`` also accepts "²" and "٣",
    which ``int`` refuses or reads otherwise, and Python refuses to read an int of thousands of
    digits; neither is an id, a weight or a count anyone meant."""
    return value.isascii() and value.isdigit() and len(value) <= max_digits
