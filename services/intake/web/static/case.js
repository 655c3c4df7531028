// The case page updates itself: every 15 s it asks for the case again and replaces what
// changed (status, tasks, timeline), unless the reader is filling in a form there.
(function () {
  "use strict";
  var live = document.getElementById("case-live");
  var status = document.getElementById("live-status");
  if (!live || !window.fetch || !window.DOMParser) return;
  var every = parseInt(document.documentElement.dataset.caseRefreshMs || "15000", 10);
  function busy() {
    var a = document.activeElement;
    if (a && live.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName)) return true;
    var fields = live.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.tagName === "SELECT" ? f.selectedIndex > 0 && !f.querySelector("option[selected]") : f.value !== f.defaultValue) return true;
    }
    return false;
  }
  function refresh() {
    if (document.hidden || busy()) return;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || busy()) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("case-live");
        if (!fresh || fresh.innerHTML === live.innerHTML) return;
        var open = {};
        live.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
        live.innerHTML = fresh.innerHTML;
        live.querySelectorAll("details[id]").forEach(function (d) { if (open[d.id]) d.open = true; });
        if (status) status.textContent = status.dataset.updated;
      })
      .catch(function () { /* try again next time */ });
  }
  setInterval(refresh, every);
})();
