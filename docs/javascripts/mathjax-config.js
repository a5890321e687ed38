// MathJax 3 configuration for pymdownx.arithmatex (generic mode): only elements
// with the "arithmatex" class are typeset. Loaded before the MathJax build itself.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};
