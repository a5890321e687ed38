"""Read back what the snippets print into Markdown: numbers and table rows."""

from __future__ import annotations


def read_number(text: str) -> float:
    """The value a reader takes from a cell ``plotstyle.number`` wrote: plain
    digits (``−1,234.5``, true minus, thousands separators) or inline TeX
    (``\\(2.5 \\times 10^{-8}\\)``, ``\\(10^{-3}\\)``, ``\\(-10^{-3}\\)``)."""
    text = text.strip()
    if text.startswith(r"\(") and text.endswith(r"\)"):
        head, _, power = text[2:-2].partition("10^{")
        if not power.endswith("}"):
            raise ValueError(f"not a power of ten: {text!r}")
        mantissa = head.replace(r"\times", "").strip()
        m = float(mantissa + "1") if mantissa in ("", "-") else float(mantissa)
        return m * 10.0 ** int(power[:-1])
    return float(text.replace("\u2212", "-").replace(",", ""))


def rows(markdown: str) -> list[list[str]]:
    """The body rows of a Markdown table (header and rule dropped), cells stripped."""
    lines = markdown.strip().splitlines()
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in lines[2:]]
