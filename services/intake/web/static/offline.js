// The referral form without signal: saving keeps the referral on the phone (with the
// cheap checks first), the list shows what waits and why, and what waits is sent when the
// signal returns (the online event, Background Sync, and retries with backoff).
(function () {
  "use strict";
  var form = document.getElementById("referral-form");
  var box = document.getElementById("antrean");
  if (!form || !box || !window.SekberQueue || !window.indexedDB) return;
  var Q = window.SekberQueue;
  var T = {};                 // the script's words, with the reference data
  var NIK = JSON.parse(form.dataset.nik);
  var list = document.getElementById("antrean-daftar");
  var title = document.getElementById("antrean-judul");
  var signin = document.getElementById("antrean-masuk");
  var banner = document.getElementById("luring");
  var submit = form.querySelector("button[type=submit]:not([name])");
  var submitLabel = submit.textContent;
  var data = null;            // the reference data kept for the form
  var explaining = {};        // refusals being put into words
  var timer = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function field(name) { return form.elements.namedItem(name); }
  function labelOf(name) {
    var label = form.querySelector("label[for='" + name + "']");
    if (!label) {
      var input = form.querySelector("[name='" + name + "']");
      var set = input && input.closest("fieldset");
      label = set && set.querySelector("legend");
    }
    return label ? label.textContent.replace("*", "").trim() : "";
  }

  // --- the reference data (the villages of the worker's area and the lists) ---
  function loadData() {
    return fetch("/api/v1/referral-form", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (d && d.regions) { data = d; T = d.words || {}; window.SekberRegions = d.regions; }
      }, function () {});
  }
  function placeName(code) {
    var parent = code.slice(0, code.lastIndexOf("."));
    var kids = (data && data.regions[parent]) || [];
    for (var i = 0; i < kids.length; i++) if (kids[i][0] === code) return kids[i][1];
    return code;
  }

  // --- errors shown against the fields, as the server's form shows them ---
  function clearErrors() {
    form.querySelectorAll(".error").forEach(function (p) { p.remove(); });
    form.querySelectorAll(".has-error").forEach(function (n) { n.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (n) {
      if (n.id !== "beneficiary_nik") n.removeAttribute("aria-invalid");
    });
    var old = document.getElementById("form-errors");
    if (old) old.remove();
  }
  function showErrors(errors) {
    clearErrors();
    var names = Object.keys(errors);
    if (!names.length) return;
    var summary = el("div", { "class": "alert", role: "alert", tabindex: "-1", id: "form-errors" });
    summary.appendChild(el("p", {}, T.errors));
    var ul = summary.appendChild(el("ul"));
    names.forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      var holder = input ? (input.closest(".field") || input.closest("fieldset")) : null;
      var p = el("p", { "class": "error", id: name + "-error" }, errors[name]);
      if (holder) {
        holder.classList.add("has-error");
        var anchor = holder.querySelector("label[for], legend");
        anchor.insertAdjacentElement("afterend", p);
        if (input.id) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
        }
      }
      var li = ul.appendChild(el("li"));
      li.appendChild(el("a", { href: "#" + (input && input.id ? input.id : "category") }, (labelOf(name) ? labelOf(name) + ": " : "") + errors[name]));
    });
    form.insertBefore(summary, form.firstChild);
    summary.focus();
  }

  // The checks a phone can make without the server (the server checks again).
  function check(kept) {
    var f = kept.fields, errors = {};
    ["category", "village_code", "urgency", "description", "beneficiary_name", "reporter_name"].forEach(function (name) {
      if (!f[name]) errors[name] = T["err." + name] || T.required;
    });
    var nik = f.beneficiary_nik.replace(/\s+/g, "");
    if (nik && window.SekberForm) {
      var problem = window.SekberForm.nikProblem(nik);
      if (problem) errors.beneficiary_nik = NIK[problem];
    }
    var area = data && data.jurisdiction;
    if (f.village_code && area && f.village_code !== area && f.village_code.indexOf(area + ".") !== 0) {
      errors.village_code = T.village_outside;
    }
    return errors;
  }

  // --- saving ---
  function freshKey() {
    var key = form.elements.namedItem("idempotency_key");
    if (key) key.value = window.crypto && crypto.randomUUID ? crypto.randomUUID() : key.value;
  }
  function resetCase() {
    // The place and the reporter stay: the next visit is often next door.
    ["category", "disaster_scope", "description", "beneficiary_name", "beneficiary_nik",
      "beneficiary_birth_date"].forEach(function (name) { field(name).value = ""; });
    form.querySelectorAll("input[name=needs], input[name=beneficiary_sex]").forEach(function (i) { i.checked = false; });
    var normal = form.querySelector("input[name=urgency][value=normal]");
    if (normal) normal.checked = true;
    document.getElementById("category-explain").textContent = "";
    field("beneficiary_nik").dispatchEvent(new Event("input"));
  }
  form.addEventListener("submit", function (event) {
    var fixing = form.dataset.fixing;
    if (navigator.onLine && !fixing) return;  // online: the form goes as it always did
    if (!data) return;  // nothing kept yet: the service worker keeps the post if it fails
    event.preventDefault();
    var kept = Q.fromForm(new FormData(form));
    var errors = check(kept);
    if (Object.keys(errors).length) { showErrors(errors); return; }
    clearErrors();
    var key = fixing || form.elements.namedItem("idempotency_key").value;
    Q.save(kept, key).then(function () {
      delete form.dataset.fixing;
      connection();
      freshKey();
      resetCase();
      say(T.saved);
      afterSave();
    });
  });
  function afterSave() {
    var ready = navigator.serviceWorker ? navigator.serviceWorker.ready : Promise.resolve(null);
    ready.then(function (reg) { return Q.requestSync(reg); }).catch(function () {});
    if (navigator.onLine) send(true);
    render();
  }
  function say(text) {
    var note = document.getElementById("antrean-pesan");
    note.textContent = text;
    note.hidden = !text;
  }

  // --- fixing and discarding ---
  function fix(entry) {
    var f = entry.fields;
    Object.keys(f).forEach(function (name) {
      var input = field(name);
      if (!input) return;
      if (input instanceof RadioNodeList) {
        Array.prototype.forEach.call(input, function (r) { r.checked = r.value === f[name]; });
      } else if (input.tagName !== "SELECT" || ["kabkota", "kecamatan", "village_code"].indexOf(name) < 0) {
        input.value = f[name];
      }
    });
    form.querySelectorAll("input[name=needs]").forEach(function (i) { i.checked = entry.needs.indexOf(i.value) >= 0; });
    var S = window.SekberForm;
    field("kabkota").value = f.kabkota || f.village_code.slice(0, 5);
    var kec = f.kecamatan || f.village_code.slice(0, 8);
    S.childrenOf(field("kabkota").value).then(function (kids) {
      S.fill(field("kecamatan"), kids, kec);
      return S.childrenOf(kec);
    }).then(function (kids) {
      S.fill(field("village_code"), kids, f.village_code);
      // A key the server refused (409) is not used again: the entry is saved anew.
      if (entry.refusal && entry.refusal.status === 409) {
        freshKey();
        form.dataset.fixing = form.elements.namedItem("idempotency_key").value;
        Q.remove(entry.key);
      } else {
        form.dataset.fixing = entry.key;
      }
      connection();
      showErrors(entry.messages || rawMessages(entry));
      say(T.fixing);
      render();
    });
  }
  function rawMessages(entry) {
    var out = {};
    ((entry.refusal && entry.refusal.errors) || []).forEach(function (e) {
      var name = (e.field || "form").replace("beneficiary.", "beneficiary_").replace("reporter.", "reporter_");
      if (!out[name]) out[name] = e.msg;
    });
    return out;
  }
  function explain(entry) {
    if (entry.messages || explaining[entry.key] || !navigator.onLine) return;
    explaining[entry.key] = true;
    fetch("/api/v1/referral-form/refusal", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(entry.refusal)
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (answer) {
      if (!answer) return;
      return Q.get(entry.key).then(function (now) {
        if (now && now.state === "refused") { now.messages = answer.fields; return Q.put(now); }
      });
    }).catch(function () {}).finally(function () { delete explaining[entry.key]; });
  }

  // --- the list of what is on the phone ---
  function when(ms) {
    return new Date(ms).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
  }
  function item(entry) {
    var li = el("li", { "class": "queued q-" + entry.state, "data-key": entry.key });
    var head = li.appendChild(el("p", { "class": "queued-head" }));
    head.appendChild(el("span", { "class": "badge q-badge" }, T["state_" + entry.state] || entry.state));
    if (entry.state === "sent") {
      head.appendChild(document.createTextNode(" " + T.code + " "));
      head.appendChild(el("a", { href: "/kasus/" + entry.case_id, "class": "tracking-code" }, entry.tracking_code));
      if (entry.duplicates && entry.duplicates.length) {
        li.appendChild(el("p", { "class": "help" }, T.duplicates + " " + entry.duplicates.join(", ")));
      }
      return li;
    }
    var f = entry.fields;
    head.appendChild(document.createTextNode(" " + f.beneficiary_name + " · " + f.category + " · " + placeName(f.village_code)));
    li.appendChild(el("p", { "class": "help" }, T.saved_at + " " + when(entry.saved_at) +
      (entry.state === "waiting" && entry.next_try > Date.now() ? " · " + T.next_try + " " + when(entry.next_try) : "")));
    if (entry.state === "refused") {
      explain(entry);
      var messages = entry.messages || rawMessages(entry);
      var dl = li.appendChild(el("dl", { "class": "queued-errors" }));
      Object.keys(messages).forEach(function (name) {
        dl.appendChild(el("dt", {}, labelOf(name) || T.form));
        dl.appendChild(el("dd", { "class": "error", "data-field": name }, messages[name]));
      });
      var actions = li.appendChild(el("p", { "class": "actions" }));
      var mend = actions.appendChild(el("button", { type: "button" }, T.fix));
      mend.addEventListener("click", function () { fix(entry); });
      actions.appendChild(document.createTextNode(" "));
      var drop = actions.appendChild(el("button", { type: "button", "class": "danger" }, T.discard));
      drop.addEventListener("click", function () { if (window.confirm(T.discard_confirm)) Q.remove(entry.key); });
    }
    return li;
  }
  // What waits first (oldest first), then what was sent (newest first).
  function order(entries) {
    var unsent = entries.filter(function (e) { return e.state !== "sent"; });
    var sent = entries.filter(function (e) { return e.state === "sent"; })
      .sort(function (a, b) { return b.sent_at - a.sent_at; });
    return { unsent: unsent, sent: sent };
  }
  // Drawn at most every quarter second: a hundred entries sent do not redraw a hundred times.
  var drawn = 0, pending = null;
  function render() {
    if (!pending) pending = setTimeout(draw, 250);
  }
  function draw() {
    pending = null;
    var ticket = ++drawn;
    Q.all().then(function (entries) {
      if (ticket !== drawn) return;  // a later drawing is on its way
      var parts = order(entries);
      var n = parts.unsent.length;
      box.hidden = entries.length === 0 && !document.getElementById("antrean-pesan").textContent;
      title.textContent = n === 1 ? T.pending_one : (n ? T.pending_many.replace("{n}", n) : T.pending_none);
      signin.hidden = !entries.some(function (e) { return e.state === "signin"; });
      list.textContent = "";
      parts.unsent.concat(parts.sent).forEach(function (e) { list.appendChild(item(e)); });
      document.getElementById("antrean-kirim").hidden = !entries.some(function (e) {
        return e.state === "waiting" || e.state === "sending";
      });
      document.getElementById("antrean-bersih").hidden = parts.sent.length === 0;
      schedule(entries);
    });
  }
  function schedule(entries) {
    if (timer) clearTimeout(timer);
    var next = entries.filter(function (e) { return e.state === "waiting" && e.next_try; })
      .reduce(function (m, e) { return Math.min(m, e.next_try); }, Infinity);
    if (next < Infinity && navigator.onLine) {
      timer = setTimeout(function () { send(false); }, Math.max(0, next - Date.now()) + 50);
    }
  }
  function send(force) {
    return Q.flush({ force: force }).catch(function () {}).then(render);
  }

  function connection() {
    banner.hidden = navigator.onLine;
    var offline = !navigator.onLine || form.dataset.fixing;
    submit.textContent = offline && T.save_offline ? T.save_offline : submitLabel;
  }
  window.addEventListener("online", function () { connection(); send(true); });
  window.addEventListener("offline", connection);
  window.addEventListener("sekber-antrean", render);
  if (Q.channel) Q.channel.onmessage = render;
  document.getElementById("antrean-kirim").addEventListener("click", function () { send(true); });
  document.getElementById("antrean-bersih").addEventListener("click", function () {
    Q.all().then(function (entries) {
      return Promise.all(order(entries).sent.map(function (e) { return Q.remove(e.key); }));
    });
  });

  // A page the server made for a GET gets a key of its own each time it is opened (a kept
  // copy would otherwise hand out the same key twice).
  if (form.dataset.fresh === "1") freshKey();
  var queued = new URLSearchParams(location.search).get("antre");
  connection();
  loadData().then(function () {
    connection();
    if (queued) say(T.saved);
    render();
    if (navigator.onLine) {
      Q.tidy().then(Q.resume).then(function () { return send(true); });
    }
  });
})();
