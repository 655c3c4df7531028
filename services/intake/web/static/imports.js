// The import page while its rows are being stored: the bar and the counts follow
// GET /api/v1/imports/{id}; when the import ends, the page reloads with its error table.
(function () {
  "use strict";
  var section = document.getElementById("import-progress");
  if (!section || section.dataset.live !== "yes") return;
  var url = section.dataset.statusUrl;
  var fields = {
    processed: "import-processed", total: "import-total", created: "import-created",
    duplicates: "import-duplicates", failed: "import-failed", already_imported: "import-already"
  };
  // Grouped as the server writes them: 1.000 in Indonesian, 1,000 in English.
  var separator = document.documentElement.lang === "en" ? "," : ".";
  function number(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  }
  function show(status) {
    Object.keys(fields).forEach(function (key) {
      var el = document.getElementById(fields[key]);
      if (el) el.textContent = number(status[key]);
    });
    var bar = document.getElementById("import-bar");
    if (bar) { bar.max = status.total; bar.value = status.processed; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) {
        if (!status) { window.setTimeout(poll, 5000); return; }
        show(status);
        if (status.status === "done" || status.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
