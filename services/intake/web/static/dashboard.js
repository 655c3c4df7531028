// The dashboard's figures from /api/v1/dashboard/*, drawn as inline SVG and tables.
(function () {
  "use strict";
  var root = document.getElementById("dash");
  if (!root) return;
  var L = JSON.parse(root.dataset.labels);
  var query = root.dataset.query;
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#0b5c3f", "#7fb89f", "#e65100", "#f4a261"];

  function el(tag, attrs, text) {
    var node = tag.indexOf("svg:") === 0 ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function num(v) { return v === null || v === undefined ? "–" : (Math.round(v * 10) / 10).toLocaleString(L.lang); }
  function table(head, rows) {
    var t = el("table", { "class": "list" }), tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(tr);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var row = body.appendChild(el("tr"));
      r.forEach(function (c) { row.appendChild(c instanceof Node ? el("td").appendChild(c).parentNode : el("td", {}, c)); });
    });
    var wrap = el("div", { "class": "scroll", tabindex: "0", role: "region", "aria-label": head.join(", ") });
    wrap.appendChild(t);
    return wrap;
  }
  function svg(w, h, label) {
    return el("svg:svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": label, width: w, height: h });
  }
  function hbars(items, label) { // [{label, value}]
    var max = Math.max.apply(null, items.map(function (i) { return i.value; }).concat([1]));
    var s = svg(360, items.length * 26 + 4, label);
    items.forEach(function (it, i) {
      var y = i * 26 + 2, w = Math.max(2, 200 * it.value / max);
      s.appendChild(el("svg:text", { x: 0, y: y + 16, "font-size": 12 }, it.label));
      s.appendChild(el("svg:rect", { x: 150, y: y + 4, width: w * 0.9, height: 16, fill: COLORS[0] }));
      s.appendChild(el("svg:text", { x: 154 + w * 0.9, y: y + 16, "font-size": 12 }, String(it.value)));
    });
    return s;
  }
  function lines(periods, series, label) { // series: [{name, values}]
    var W = 360, H = 180, P = 30, max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    if (!max) max = 1;
    var s = svg(W, H + 20, label), n = Math.max(periods.length - 1, 1);
    function x(i) { return P + (W - P - 8) * i / n; }
    function y(v) { return H - (H - 10) * v / max; }
    s.appendChild(el("svg:line", { x1: P, y1: H, x2: W - 8, y2: H, stroke: "#888" }));
    s.appendChild(el("svg:text", { x: 0, y: 12, "font-size": 11 }, num(max)));
    s.appendChild(el("svg:text", { x: 0, y: H, "font-size": 11 }, "0"));
    series.forEach(function (ser, k) {
      var pts = [];
      ser.values.forEach(function (v, i) { if (v !== null && v !== undefined) pts.push(x(i) + "," + y(v)); });
      s.appendChild(el("svg:polyline", { points: pts.join(" "), fill: "none", stroke: COLORS[k], "stroke-width": 2, "stroke-dasharray": k % 2 ? "5 3" : "" }));
      pts.forEach(function (p) { var xy = p.split(","); s.appendChild(el("svg:circle", { cx: xy[0], cy: xy[1], r: 3, fill: COLORS[k] })); });
    });
    periods.forEach(function (p, i) {
      if (periods.length <= 8 || i % Math.ceil(periods.length / 6) === 0) s.appendChild(el("svg:text", { x: x(i) - 14, y: H + 14, "font-size": 10 }, String(p).slice(5, 10)));
    });
    return s;
  }
  function legend(names) {
    var ul = el("ul", { "class": "legend" });
    names.forEach(function (n, k) { var li = ul.appendChild(el("li")); li.appendChild(el("i", { style: "background:" + COLORS[k] })); li.appendChild(document.createTextNode(n)); });
    return ul;
  }

  var DRAW = {
    "summary": function (d, box) {
      var tiles = el("div", { "class": "tiles" });
      ["open", "unassigned", "overdue", "dead_notifications", "received", "closed"].forEach(function (k) {
        var tile = tiles.appendChild(el("div", { "class": "tile", "data-key": k }));
        tile.appendChild(el("b", {}, num(d[k]))); tile.appendChild(document.createTextNode(L[k]));
      });
      box.appendChild(tiles);
      if (d.period_from) box.appendChild(el("p", { "class": "small" }, L.period + ": " + d.period_from + " – " + d.period_to));
    },
    "open-tasks": function (d, box) {
      var pillars = [], regions = {}, cell = {}, max = 1;
      d.rows.forEach(function (r) {
        if (pillars.indexOf(r.pillar) < 0) pillars.push(r.pillar);
        regions[r.region_code] = r.region_name || r.region_code;
        cell[r.pillar + "|" + r.region_code] = r; if (r.open > max) max = r.open;
      });
      var codes = Object.keys(regions).sort();
      box.appendChild(table([L.pillar].concat(codes.map(function (c) { return regions[c]; })), pillars.map(function (p) {
        return [p].concat(codes.map(function (c) {
          var r = cell[p + "|" + c], span = el("span", {}, r ? r.open + (r.overdue ? " (" + r.overdue + "!)" : "") : "");
          if (r) span.setAttribute("style", "display:block;padding:.1rem .3rem;background:rgba(11,92,63," + (0.1 + 0.8 * r.open / max).toFixed(2) + ");color:" + (r.open / max > 0.5 ? "#fff" : "#000"));
          return span;
        }));
      })));
    },
    "resolution-times": function (d, box) {
      var keys = ["accept_median", "accept_p90", "resolve_median", "resolve_p90"];
      var periods = d.rows.map(function (r) { return r.period_start; });
      box.appendChild(lines(periods, keys.map(function (k) { return { name: L[k], values: d.rows.map(function (r) { return r[k + "_hours"]; }) }; }), L.accept_median + ", " + L.resolve_median));
      box.appendChild(legend(keys.map(function (k) { return L[k]; })));
      var det = el("details"); det.appendChild(el("summary", {}, L.period));
      det.appendChild(table([L.period].concat(keys.map(function (k) { return L[k]; })), d.rows.map(function (r) {
        return [String(r.period_start).slice(0, 10)].concat(keys.map(function (k) { return num(r[k + "_hours"]); }));
      })));
      box.appendChild(det);
    },
    "breaches": function (d, box) {
      var per = {};
      d.rows.forEach(function (r) { var p = String(r.period_start).slice(0, 10); per[p] = (per[p] || 0) + r.breaches; });
      box.appendChild(hbars(Object.keys(per).sort().map(function (p) { return { label: p, value: per[p] }; }), L.count));
      box.appendChild(table([L.period, L.pillar, L.count], d.rows.map(function (r) { return [String(r.period_start).slice(0, 10), r.pillar, String(r.breaches)]; })));
    },
    "decline-reasons": function (d, box) {
      box.appendChild(hbars(d.rows.map(function (r) { return { label: L.reasons[r.reason] || r.reason, value: r.count }; }), L.count));
    },
    "backlog": function (d, box) {
      box.appendChild(table([L.coordinator, L.pillar, L.region, L.open, L.overdue, L.oldest], d.rows.map(function (r) {
        return [r.name, r.pillar, r.region_code, String(r.open), String(r.overdue), num(r.oldest_hours)];
      })));
    }
  };

  root.querySelectorAll(".chart").forEach(function (box) {
    var part = box.dataset.part;
    box.textContent = L.loading;
    box.setAttribute("aria-busy", "true");
    fetch("/api/v1/dashboard/" + part + (query ? "?" + query : ""), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        box.textContent = "";
        if (data.rows && !data.rows.length) box.textContent = L.empty;
        else DRAW[part](data, box);
        box.dataset.state = "ready";
      })
      .catch(function () { box.textContent = L.unavailable; box.dataset.state = "unavailable"; })
      .finally(function () { box.removeAttribute("aria-busy"); });
  });
})();
