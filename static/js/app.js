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

// A required box that is left empty says in the page's language what is missing, not in the
// browser's ("Please fill out this field."): its data-required-message becomes the validation
// message, and is cleared again as soon as something is typed.
(function () {
  "use strict";
  document.addEventListener("invalid", function (event) {
    var box = event.target;
    if (box.dataset && box.dataset.requiredMessage && box.validity.valueMissing) {
      box.setCustomValidity(box.dataset.requiredMessage);
    }
  }, true);
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.dataset && box.dataset.requiredMessage) {
      box.setCustomValidity("");
    }
  }, true);
})();
