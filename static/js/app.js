// A table that scrolls sideways (on a phone) must be reachable by keyboard (WCAG 2.1.1): each
// .table-responsive that overflows becomes a focusable, named region; one that fits does not add
// a useless tab stop. Loaded with `defer` from base.html; no inline script (CSP).
(function () {
  "use strict";
  function markScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        if (!region.hasAttribute("aria-label")) {
          region.setAttribute("aria-label", document.documentElement.dataset.scrollLabel || "Table");
        }
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollingTables);
  window.addEventListener("resize", markScrollingTables);
  document.addEventListener("htmx:afterSettle", markScrollingTables);
})();
