// The referrals saved on this phone and waiting to be sent (IndexedDB), shared by the form's
// page and the service worker. Each entry carries the Idempotency-Key made when it was
// saved: a send interrupted after the server stored the case, sent again, returns that case
// and never makes a second one. A sent entry keeps only its tracking code (nothing
// personal) until the worker closes it or a day has passed.
(function (root) {
  "use strict";
  var DB = "sekber", STORE = "antrean", VERSION = 1;
  var ENDPOINT = "/api/v1/referrals";
  var SYNC_TAG = "sekber-kirim";
  var SEND_TIMEOUT_MS = 20000;
  var IN_FLIGHT = 3;  // sends at once: a weak link is used while an answer is on its way
  var FIRST_WAIT_MS = 2000, LONGEST_WAIT_MS = 5 * 60 * 1000;
  var SENT_KEPT_MS = 24 * 60 * 60 * 1000;
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("sekber-antrean") : null;

  // One connection, opened once: opening IndexedDB costs more than a write.
  var opened = null;
  function open() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB, VERSION);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
        req.onsuccess = function () {
          var db = req.result;
          db.onversionchange = function () { db.close(); opened = null; };
          db.onclose = function () { opened = null; };
          resolve(db);
        };
        req.onerror = function () { opened = null; reject(req.error); };
      });
    }
    return opened;
  }

  // One transaction; `work` gets the store and returns an IDBRequest (or nothing).
  function inStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    if (root.dispatchEvent && typeof CustomEvent !== "undefined") {
      root.dispatchEvent(new CustomEvent("sekber-antrean"));
    }
  }

  function all() {
    return inStore("readonly", function (s) { return s.getAll(); }).then(function (entries) {
      return (entries || []).sort(function (a, b) { return a.saved_at - b.saved_at; });
    });
  }
  function get(key) { return inStore("readonly", function (s) { return s.get(key); }); }
  function put(entry) {
    return inStore("readwrite", function (s) { return s.put(entry); }).then(function () {
      changed();
      return entry;
    });
  }
  function remove(key) {
    return inStore("readwrite", function (s) { return s.delete(key); }).then(changed);
  }

  function newKey() {
    if (root.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var FIELDS = [
    "category", "kabkota", "kecamatan", "village_code", "urgency", "disaster_scope",
    "description", "beneficiary_name", "beneficiary_nik", "beneficiary_birth_date",
    "beneficiary_sex", "reporter_name", "reporter_organisation", "reporter_phone",
    "reporter_email", "legal_basis"
  ];

  // The form's fields -> {fields, needs}, as kept on the phone.
  function fromForm(data) {
    var fields = {};
    FIELDS.forEach(function (name) {
      var v = data.get(name);
      fields[name] = typeof v === "string" ? v.trim() : "";
    });
    return { fields: fields, needs: data.getAll("needs").filter(Boolean) };
  }

  // The referral as POST /api/v1/referrals takes it (services/intake/referrals/forms.py
  // api_body does the same for the form sent online); blank optional fields left out.
  function bodyOf(entry) {
    var f = entry.fields;
    function present(pairs) {
      var out = {};
      Object.keys(pairs).forEach(function (k) { if (pairs[k]) out[k] = pairs[k]; });
      return out;
    }
    var beneficiary = present({ nik: f.beneficiary_nik.replace(/\s+/g, ""), birth_date: f.beneficiary_birth_date, sex: f.beneficiary_sex });
    beneficiary.name = f.beneficiary_name;
    var reporter = present({ organisation: f.reporter_organisation, phone: f.reporter_phone, email: f.reporter_email });
    reporter.name = f.reporter_name;
    var body = {
      category: f.category, village_code: f.village_code, urgency: f.urgency,
      needs: entry.needs, description: f.description, beneficiary: beneficiary,
      reporter: reporter, legal_basis: f.legal_basis || "public_service"
    };
    if (f.disaster_scope) body.disaster_scope = f.disaster_scope;
    return body;
  }

  // Save a referral on the phone; `key` keeps an entry's key when it is fixed.
  function save(kept, key) {
    var entry = {
      key: key || newKey(), saved_at: Date.now(), state: "waiting", attempts: 0, next_try: 0,
      fields: kept.fields, needs: kept.needs
    };
    return (key ? get(key) : Promise.resolve(null)).then(function (old) {
      if (old && old.saved_at) entry.saved_at = old.saved_at;
      return put(entry);
    });
  }

  // A form post the service worker could not deliver: kept under the form's own key.
  function saveForm(data) {
    var key = data.get("idempotency_key");
    var valid = typeof key === "string" && /^[\x21-\x7e]{1,120}$/.test(key);
    return save(fromForm(data), valid ? key : null);
  }

  function requestSync(registration) {
    if (registration && registration.sync) {
      return registration.sync.register(SYNC_TAG).catch(function () {});
    }
    return Promise.resolve();
  }

  function withTimeout(url, options) {
    if (typeof AbortController === "undefined") return fetch(url, options);
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS);
    options.signal = abort.signal;
    return fetch(url, options).finally(function () { clearTimeout(timer); });
  }

  function waitAfter(attempts) {
    var wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * Math.pow(2, attempts - 1));
    return Math.round(wait * (0.75 + Math.random() * 0.5));
  }

  // One entry sent: "sent", "refused" (a 4xx to fix), "signin", or "retry" (no answer, a
  // server error or too many requests: tried again later).
  function send(entry) {
    return withTimeout(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": entry.key },
      body: JSON.stringify(bodyOf(entry))
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (created) {
          return put({
            key: entry.key, state: "sent", saved_at: entry.saved_at, sent_at: Date.now(),
            tracking_code: created.tracking_code, case_id: created.case_id,
            duplicates: (created.possible_duplicates || []).map(function (d) { return d.tracking_code; })
          }).then(function () { return "sent"; });
        });
      }
      if (r.status === 401) {
        entry.state = "signin";
        return put(entry).then(function () { return "signin"; });
      }
      if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
        return r.json().catch(function () { return {}; }).then(function (answer) {
          entry.state = "refused";
          entry.refusal = { status: r.status, errors: Array.isArray(answer.detail) ? answer.detail : [] };
          entry.messages = null;
          return put(entry).then(function () { return "refused"; });
        });
      }
      return later(entry);
    }, function () { return later(entry); });
  }

  function later(entry) {
    entry.state = "waiting";
    entry.attempts = (entry.attempts || 0) + 1;
    entry.next_try = Date.now() + waitAfter(entry.attempts);
    return put(entry).then(function () { return "retry"; });
  }

  function due(entry, now, force) {
    return (entry.state === "waiting" || entry.state === "sending") && (force || entry.next_try <= now);
  }

  // Send what waits, a few at a time (each under its own key, so order does not matter),
  // one sender per phone (a Web Lock between the pages and the service worker). `force`:
  // the signal just returned, waits are over. `strict`: reject while something still
  // waits, so Background Sync tries again. No answer, or a sign-in needed: stop there.
  function flush(options) {
    options = options || {};
    var run = function () {
      return all().then(function (entries) {
        var now = Date.now();
        var queue = entries.filter(function (e) { return due(e, now, options.force); });
        var stopped = false;
        function worker() {
          var entry = queue.shift();
          if (!entry || stopped) return Promise.resolve();
          entry.state = "sending";
          return put(entry).then(function () { return send(entry); }).then(function (outcome) {
            if (outcome === "retry" || outcome === "signin") stopped = true;
            return worker();
          });
        }
        var workers = [];
        for (var i = 0; i < IN_FLIGHT; i++) workers.push(worker());
        return Promise.all(workers).then(function () {
          if (options.strict && stopped) throw new Error("referrals still waiting");
        });
      });
    };
    if (root.navigator && navigator.locks && navigator.locks.request) {
      return navigator.locks.request("sekber-antrean", run);
    }
    return run();
  }

  // After signing in again: what waited for it waits for the signal only.
  function resume() {
    return all().then(function (entries) {
      return Promise.all(entries.filter(function (e) { return e.state === "signin"; }).map(function (e) {
        e.state = "waiting"; e.next_try = 0;
        return put(e);
      }));
    });
  }

  function tidy() {
    var old = Date.now() - SENT_KEPT_MS;
    return all().then(function (entries) {
      return Promise.all(entries.filter(function (e) { return e.state === "sent" && e.sent_at < old; })
        .map(function (e) { return remove(e.key); }));
    });
  }

  function unsent() {
    return all().then(function (entries) {
      return entries.filter(function (e) { return e.state !== "sent"; }).length;
    });
  }

  // Signing out: nothing of this worker stays on the phone.
  function forget() {
    var done = [inStore("readwrite", function (s) { return s.clear(); })];
    if (root.caches) {
      done.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf("sekber-") === 0; })
          .map(function (n) { return caches.delete(n); }));
      }));
    }
    return Promise.all(done).then(changed);
  }

  root.SekberQueue = {
    SYNC_TAG: SYNC_TAG, FIELDS: FIELDS, all: all, get: get, save: save, saveForm: saveForm,
    fromForm: fromForm, bodyOf: bodyOf, put: put, remove: remove, flush: flush, resume: resume,
    tidy: tidy, unsent: unsent, forget: forget, requestSync: requestSync, channel: channel
  };
})(self);
