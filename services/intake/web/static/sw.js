// Sekber's service worker (served at /sw.js, services/intake/referrals/offline.py). It keeps
// the referral form, its scripts and styles and its reference data on the phone, so the
// form opens without signal; a form post that cannot reach the server is kept on the phone
// instead of lost; and Background Sync sends what waits when the signal returns. It keeps
// no other page and nobody's case.
"use strict";
importScripts("/static/offline-queue.js");

var VERSION = "__VERSION__";
var CACHE = "sekber-" + VERSION;
var SHELL = [__SHELL__];
var FORM = "/rujukan/baru";
var DATA = "/api/v1/referral-form";
var REGIONS = "/api/v1/regions/";
var PAGES = [FORM, DATA];
// A weak signal: after this long the kept form is shown (the network may still answer).
var NAVIGATION_WAIT_MS = 6000;
var POST_WAIT_MS = 30000;

function later(ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

// A page is kept only as the signed-in worker saw it: never a redirect to the sign-in page.
function keep(cache, url, response) {
  if (response && response.ok && response.type === "basic" && !response.redirected) {
    return cache.put(url, response.clone()).then(function () { return response; });
  }
  return Promise.resolve(response);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(SHELL.map(function (u) { return new Request(u, { cache: "reload" }); }))
        .then(function () {
          return Promise.all(PAGES.map(function (url) {
            return fetch(url, { credentials: "same-origin", cache: "reload" })
              .then(function (r) { return keep(cache, url, r); })
              .catch(function () { return null; });
          }));
        });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("sekber-") === 0 && n !== CACHE;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The network first; the kept copy when there is no answer (or none soon enough).
function networkFirst(request, key) {
  return caches.open(CACHE).then(function (cache) {
    var fresh = fetch(request).then(function (r) { return keep(cache, key, r); });
    var fallback = function () {
      return cache.match(key).then(function (kept) {
        return kept || fresh;
      });
    };
    var waited = later(NAVIGATION_WAIT_MS).then(fallback);
    return Promise.race([fresh.catch(fallback), waited]).then(function (r) {
      return r || offlineAnswer();
    }, offlineAnswer);
  });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (kept) {
      return kept || fetch(request).then(function (r) { return keep(cache, request, r); });
    });
  });
}

function offlineAnswer() {
  return new Response(
    "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>Sekber</title><p>Tidak ada sinyal, dan formulir belum tersimpan di ponsel ini. " +
    "Buka Sekber sekali saat ada sinyal. / No signal, and the form is not kept on this phone yet.",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

// A form post that cannot reach the server waits on the phone, under the key the page made
// when the form was opened: if the server did store it, sending it again changes nothing.
function postForm(request) {
  var copy = request.clone();
  var sent = fetch(request);
  var kept = function () {
    return copy.formData().then(function (data) {
      return SekberQueue.saveForm(data);
    }).then(function (entry) {
      SekberQueue.requestSync(self.registration);
      return Response.redirect(FORM + "?antre=" + encodeURIComponent(entry.key), 303);
    });
  };
  var slow = later(POST_WAIT_MS).then(function () { return "slow"; });
  return Promise.race([sent, slow]).then(function (r) {
    return r === "slow" ? kept() : r;
  }, kept);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === FORM && request.method === "POST" && request.mode === "navigate") {
    event.respondWith(postForm(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname === FORM && request.mode === "navigate") {
    event.respondWith(networkFirst(request, FORM));
  } else if (url.pathname === DATA) {
    event.respondWith(networkFirst(request, DATA));
  } else if (url.pathname.indexOf(REGIONS) === 0) {
    // The villages of a kecamatan chosen online stay for the next time without signal.
    event.respondWith(networkFirst(request, url.pathname));
  } else if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(cacheFirst(request));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === SekberQueue.SYNC_TAG) event.waitUntil(SekberQueue.flush({ strict: true }));
});
