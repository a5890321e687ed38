// Small fixes to the theme's markup, applied once the page has loaded.
// The search overlay is a dialog; give it an accessible name (axe: aria-dialog-name).
document.querySelectorAll(".md-search[role='dialog']").forEach((dialog) => {
  dialog.setAttribute("aria-label", "Search");
});
