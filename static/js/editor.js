// The SOP editor's live preview: posts the unsaved form to its hx-post URL 500 ms after the last
// change and swaps the answer into hx-target. It reads the same hx-* attributes htmx would, and
// stands down when htmx itself is loaded, so vendoring htmx later needs no template change.
(function () {
  "use strict";
  function wire(form) {
    var url = form.getAttribute("hx-post");
    var target = document.querySelector(form.getAttribute("hx-target"));
    if (!url || !target) { return; }
    var timer = null;
    var pending = null;
    function refresh() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
        signal: pending.signal
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html !== null) { target.innerHTML = html; }
      }).catch(function () { /* a newer request replaced this one */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 500);
    }
    form.addEventListener("change", later);
    form.addEventListener("input", later);
    if (!target.innerHTML.trim()) { refresh(); }  // a form shown again with errors has no preview yet
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) { return; }
    document.querySelectorAll("form[hx-post][hx-trigger]").forEach(wire);
  });
})();
