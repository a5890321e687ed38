// MathJax 3 configuration, loaded (at the end of <body>) before the MathJax build.
//
// Ordinary pages: typeset only pymdownx.arithmatex output, the elements of class
// "arithmatex" holding \( \) or \[ \]; everything else is ignored.
// Notebook pages (mkdocs-jupyter, inside .jupyter-wrapper): authors write $...$ and
// $$...$$ in Markdown cells, with the math spread over <p> and <li> elements, so the
// whole page is searched (code and outputs sit in <pre>, which MathJax skips).
const isNotebook = document.querySelector(".jupyter-wrapper") !== null;

window.MathJax = {
  tex: {
    inlineMath: isNotebook ? [["\\(", "\\)"], ["$", "$"]] : [["\\(", "\\)"]],
    displayMath: isNotebook ? [["\\[", "\\]"], ["$$", "$$"]] : [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: isNotebook
    ? { ignoreHtmlClass: "jp-OutputArea|md-header|md-nav|md-search" }
    : { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" },
};
