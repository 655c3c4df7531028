// The inbox refreshes itself when something is assigned (server-sent events; polling
// when the stream is not there).
(function () {
  "use strict";
  var list = document.getElementById("inbox-list");
  var status = document.getElementById("live-status");
  if (!list) return;
  var polling = null;
  function refresh(announce) {
    return fetch("/kotak-masuk/daftar", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || html === list.innerHTML) return;
        list.innerHTML = html;
        if (announce) status.textContent = announce;
      });
  }
  function poll() { if (!polling) polling = setInterval(function () { refresh(""); }, 10000); }
  if (!window.EventSource) { poll(); return; }
  var source = new EventSource("/api/v1/inbox/stream");
  source.addEventListener("open", function () { status.textContent = status.dataset.on; });
  source.addEventListener("notification", function (e) {
    var data = {};
    try { data = JSON.parse(e.data); } catch (err) { /* refresh anyway */ }
    var title = document.documentElement.lang === "en" ? data.title_en : data.title_id;
    refresh(status.dataset.new + " " + (data.tracking_code || "") + (title ? " — " + title : ""));
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) poll();
  });
})();
