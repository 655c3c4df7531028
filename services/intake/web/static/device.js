// On every page of a case worker or supervisor: the service worker that keeps the referral
// form on the phone, and signing out that leaves nothing of the worker on it (after asking,
// when referrals still wait to be sent).
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  var out = document.querySelector("form.signout");
  if (!out || !window.SekberQueue || !window.indexedDB) return;
  var leaving = false;
  out.addEventListener("submit", function (event) {
    if (leaving) return;
    event.preventDefault();
    SekberQueue.unsent().catch(function () { return 0; }).then(function (n) {
      if (n > 0 && !window.confirm(out.dataset.unsent.replace("{n}", n))) return;
      leaving = true;
      var unregistered = "serviceWorker" in navigator
        ? navigator.serviceWorker.getRegistrations().then(function (regs) {
          return Promise.all(regs.map(function (r) { return r.unregister(); }));
        })
        : Promise.resolve();
      return Promise.all([SekberQueue.forget(), unregistered]).catch(function () {}).then(function () {
        out.submit();
      });
    });
  });
})();
