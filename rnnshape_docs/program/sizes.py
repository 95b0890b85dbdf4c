"""Sizes a program fixes (ints), leaves open (``None``) or names (`Sym`: rows of a file).

A `Sym` is a whole number written as a sum of named atoms times whole coefficients plus a
constant, so the arithmetic real programs do on sizes stays exact: ``len(data) - 24``,
``i + 24 - i`` (= 24), ``2 * n``. Anything else (a product of two atoms, a division that
does not come out even) becomes a new atom named by its text. Two sizes are known to differ
only when both are ints, or their difference is a non-zero constant: an unknown never
raises a false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ELEMENTS = 10**12  # a shape beyond this is a hostile or mistaken program, not data


@dataclass(frozen=True)
class Sym:
    """A size the program does not fix: ``sum(coeff * atom) + const``."""

    terms: tuple[tuple[str, int], ...]
    const: int = 0

    @staticmethod
    def named(name: str) -> Sym:
        return Sym(((name, 1),))

    def __str__(self) -> str:
        parts = []
        for atom, coeff in self.terms:
            text = (
                atom if coeff == 1 else f"{coeff} * {atom}" if coeff > 0 else f"-{-coeff} * {atom}"
            )
            if coeff == -1:
                text = f"-{atom}"
            parts.append(text)
        if self.const:
            parts.append(str(self.const))
        out = parts[0]
        for part in parts[1:]:
            out += f" - {part[1:]}" if part.startswith("-") else f" + {part}"
        return out


Size = int | None | Sym


def _terms(size: Sym | int) -> tuple[dict[str, int], int]:
    if isinstance(size, Sym):
        return dict(size.terms), size.const
    return {}, size


def _make(terms: dict[str, int], const: int) -> Size:
    kept = tuple(sorted((a, c) for a, c in terms.items() if c))
    return Sym(kept, const) if kept else const


def add(a: Size, b: Size, sign: int = 1) -> Size:
    if a is None or b is None:
        return None
    ta, ca = _terms(a)
    tb, cb = _terms(b)
    for atom, coeff in tb.items():
        ta[atom] = ta.get(atom, 0) + sign * coeff
    return _make(ta, ca + sign * cb)


def sub(a: Size, b: Size) -> Size:
    return add(a, b, -1)


def mul(a: Size, b: Size) -> Size:
    if a is None or b is None:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if isinstance(b, Sym) and isinstance(a, int):
        a, b = b, a
    if isinstance(b, int):
        terms, const = _terms(a)
        return _make({k: v * b for k, v in terms.items()}, const * b)
    return Sym.named(f"({a}) * ({b})")


def floordiv(a: Size, b: Size) -> Size:
    if a is None or b is None or b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    if isinstance(b, int):
        terms, const = _terms(a)
        if const % b == 0 and all(c % b == 0 for c in terms.values()):
            return _make({k: c // b for k, c in terms.items()}, const // b)
    return Sym.named(f"({a}) // {b}")


def known_equal(a: Size, b: Size) -> bool | None:
    """True or False when the program fixes the answer, None when it cannot be known."""
    if a is None or b is None:
        return None
    difference = sub(a, b)
    if isinstance(difference, int):
        return difference == 0
    return None


def differ(a: Size, b: Size) -> bool:
    """Whether two sizes are known to differ (never True for an unknown)."""
    return known_equal(a, b) is False


def to_rules(size: Size) -> int | None:
    """The size as the shape rules take it: a whole number, or None for anything open."""
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def to_json(size: Size) -> int | str | None:
    return str(size) if isinstance(size, Sym) else size


def text(size: Size) -> str:
    return "None" if size is None else str(size)


def shape_text(shape: tuple[Size, ...]) -> str:
    inner = ", ".join(text(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def elements(shape: tuple[Size, ...]) -> int | None:
    """The number of elements when every size is a whole number, else None."""
    total = 1
    for size in shape:
        if not isinstance(size, int):
            return None
        total *= size
    return total


def is_size(value: object) -> bool:
    return isinstance(value, Sym) or (isinstance(value, int) and not isinstance(value, bool))
