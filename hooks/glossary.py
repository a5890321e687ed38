"""MkDocs hook: the glossary page, built from the abbreviations every page gets.

The site's terms are defined once, as Markdown abbreviations (``*[term]: text``), in
the file that ``pymdownx.snippets`` appends to every page (``auto_append`` in
``mkdocs.yml``); mkdocs-material then shows a term's definition when the reader
hovers over it. This hook turns the same file into the glossary page: the line
``<!-- glossary -->`` in a page becomes a definition list, one entry per definition,
with every term that shares it, in the file's order. Each entry gets an anchor
(``glossary.md#layer-gradient``) for links.

The file must hold nothing but abbreviations and blank lines: anything else would be
appended, visibly, to every page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

MARKER = "<!-- glossary -->"
ABBREVIATION = re.compile(r"\*\[([^\]]+)\]:[ \t]*(\S.*)")


def parse(text: str) -> dict[str, list[str]]:
    """``{definition: [terms]}`` from abbreviation lines, in the order of the text.

    Raises ValueError on a line that is neither blank nor an abbreviation, and on a
    term defined twice.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    entries: dict[str, list[str]] = {}
    seen = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = ABBREVIATION.fullmatch(line.strip())
        if not match:
            raise ValueError(
                f"line {number} is not an abbreviation '*[term]: definition': "
                f"{line!r}"
            )
        term, definition = match[1].strip(), match[2].strip()
        if term in seen:
            raise ValueError(f"line {number}: the term {term!r} is defined twice")
        seen.add(term)
        entries.setdefault(definition, []).append(term)
    return entries


def anchor(term: str) -> str:
    """The id of a term's entry: lower case, letters and digits joined by '-'."""
    return "-".join(re.findall(r"[a-z0-9]+", term.lower().replace("'", "")))


def definition_list(entries: dict[str, list[str]]) -> str:
    """The glossary as a Markdown definition list (needs def_list and attr_list)."""
    items = []
    for definition, terms in entries.items():
        items.append(f"{', '.join(terms)} {{ #{anchor(terms[0])} }}\n:   {definition}")
    return "\n\n".join(items) + "\n"


def abbreviation_files(config) -> list[Path]:
    """The files pymdownx.snippets appends to every page."""
    snippets = config["mdx_configs"].get("pymdownx.snippets", {})
    base = Path(config.config_file_path).parent
    return [base / name for name in snippets.get("auto_append", [])]


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    where = page.file.src_uri
    paths = abbreviation_files(config)
    if not paths:
        raise PluginError(f"{where}: {MARKER} needs pymdownx.snippets auto_append")
    entries: dict[str, list[str]] = {}
    for path in paths:
        try:
            for definition, terms in parse(path.read_text(encoding="utf-8")).items():
                entries.setdefault(definition, []).extend(terms)
        except (OSError, ValueError) as err:
            raise PluginError(f"{where}: glossary from {path}: {err}") from err
    return markdown.replace(MARKER, definition_list(entries))


# Where a page shows a term's tooltip, it also says where all the terms are defined:
# one short line before the end of the page's content, so no page has to remember.
_CONTENT_END = '</article>'
GLOSSARY_LINE = ('<p class="glossary-link">Dotted-underlined terms are defined in '
                 'the <a href="{href}">glossary</a>.</p>\n')


def link_glossary(html: str, href: str) -> str:
    """``html`` with the glossary line added to its article, if the article shows
    a term (<abbr>) and does not link the glossary yet."""
    start, end = html.find("<article"), html.rfind(_CONTENT_END)
    if start < 0 or end < start:
        return html
    article = html[start:end]
    if "<abbr" not in article or 'href="' + href in article:
        return html
    return html[:end] + GLOSSARY_LINE.format(href=href) + html[end:]


def glossary_href(url: str) -> str:
    """The glossary's address relative to a page at ``url`` (directory URLs)."""
    folder = url if url.endswith("/") or not url else posixpath.dirname(url)
    return posixpath.relpath("glossary", folder or ".") + "/"


def on_post_page(output, page, config):
    if page.file.src_uri == "glossary.md":
        return output
    return link_glossary(output, glossary_href(page.url))
