// MathJax 3 configuration, loaded before the MathJax build itself. Typesets only
// pymdownx.arithmatex output (class "arithmatex", \( \) and \[ \]) and the
// Markdown cells of notebooks rendered by mkdocs-jupyter (class
// "jp-RenderedMarkdown", where authors write $...$ and $$...$$).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
};
