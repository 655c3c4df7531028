// The referral form: cascading region pickers, category help, the NIK checked as typed.
// offline.js keeps what the form saves without signal.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("referral-form");
  if (!form) return;
  var msg = JSON.parse(form.dataset.nik);
  var choose = form.dataset.choose;
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();

  function fill(select, regions, keep) {
    select.textContent = "";
    select.appendChild(new Option(choose, ""));
    regions.forEach(function (r) { select.appendChild(new Option(r.name, r.code, false, r.code === keep)); });
  }
  function cascade(select) {
    var next = document.getElementById(select.dataset.next);
    if (!next) return;
    var deeper = next.dataset.next && document.getElementById(next.dataset.next);
    fill(next, [], ""); if (deeper) fill(deeper, [], "");
    if (!select.value) return;
    next.setAttribute("aria-busy", "true");
    childrenOf(select.value)
      .then(function (children) { fill(next, children, ""); })
      .finally(function () { next.removeAttribute("aria-busy"); });
  }
  // From the reference data kept on the phone (offline.js), else from the server.
  function childrenOf(code) {
    var kept = window.SekberRegions && window.SekberRegions[code];
    if (kept) {
      return Promise.resolve(kept.map(function (r) { return { code: r[0], name: r[1] }; }));
    }
    return fetch("/api/v1/regions/" + encodeURIComponent(code), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { children: [] }; })
      .then(function (region) { return region.children || []; }, function () { return []; });
  }
  ["kabkota", "kecamatan"].forEach(function (id) {
    var el = document.getElementById(id);
    el.addEventListener("change", function () { cascade(el); });
  });

  var category = document.getElementById("category");
  var explain = document.getElementById("category-explain");
  category.addEventListener("change", function () {
    var opt = category.options[category.selectedIndex];
    explain.textContent = (opt && opt.dataset.help) || "";
  });

  // The rules of shared/domain/nik.py, small.
  var PROVINCES = "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 71 72 73 74 75 76 81 82 91 92 93 94 95 96".split(" ");
  function daysIn(year, month) { return new Date(year, month, 0).getDate(); }
  function nikProblem(nik) {
    if (!/^[0-9]{16}$/.test(nik)) return "len";
    if (PROVINCES.indexOf(nik.slice(0, 2)) < 0) return "province";
    if (nik.slice(2, 4) === "00" || nik.slice(4, 6) === "00") return "region";
    var day = +nik.slice(6, 8), month = +nik.slice(8, 10), yy = +nik.slice(10, 12);
    if (day > 40) day -= 40;
    if (month < 1 || month > 12) return "month";
    if (day < 1 || day > Math.max(daysIn(1900 + yy, month), daysIn(2000 + yy, month))) return "day";
    if (nik.slice(12) === "0000") return "serial";
    var born = document.getElementById("beneficiary_birth_date").value;
    if (born) {
      var b = born.split("-");
      if (+b[2] !== day || +b[1] !== month || b[0].slice(2) !== nik.slice(10, 12)) return "birth";
    }
    var sex = form.querySelector("input[name=beneficiary_sex]:checked");
    if (sex && sex.value && (sex.value === "F") !== (+nik.slice(6, 8) > 40)) return "sex";
    return "";
  }
  var nik = document.getElementById("beneficiary_nik");
  var check = document.getElementById("beneficiary_nik-check");
  function checkNik() {
    var value = nik.value.replace(/\s+/g, "");
    if (!value) { check.textContent = ""; check.className = "help nik-check"; nik.removeAttribute("aria-invalid"); return; }
    var problem = value.length < 16 && /^[0-9]*$/.test(value) ? "" : nikProblem(value);
    if (value.length < 16 && !problem) { check.textContent = value.length + "/16"; check.className = "help nik-check"; return; }
    check.textContent = problem ? msg[problem] : msg.ok;
    check.className = "help nik-check " + (problem ? "bad" : "good");
    if (problem) nik.setAttribute("aria-invalid", "true"); else nik.removeAttribute("aria-invalid");
  }
  nik.setAttribute("aria-describedby", (nik.getAttribute("aria-describedby") || "") + " beneficiary_nik-check");
  var serverError = document.getElementById("beneficiary_nik-error");
  function edited() {
    if (serverError) { serverError.remove(); serverError = null; }
    checkNik();
  }
  ["input", "change"].forEach(function (e) { nik.addEventListener(e, edited); });
  document.getElementById("beneficiary_birth_date").addEventListener("change", checkNik);
  form.addEventListener("change", function (e) { if (e.target.name === "beneficiary_sex") checkNik(); });
  if (!serverError) checkNik();
  window.SekberForm = { nikProblem: nikProblem, childrenOf: childrenOf, fill: fill };
})();
