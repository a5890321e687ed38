// The gradient explorer: draws per-layer gradient norms from data/explorer.json.
//
// The numbers are computed at build time by snippets/explorer_data.py; this file
// only looks them up and draws them. No dependencies. The page provides
// <div id="explorer-app" data-src="../data/explorer.json"></div>; this script
// builds the controls, an SVG bar chart on a log axis and a table inside it, and
// keeps the chosen view in the URL's query string
// (?layers=4&act=sigmoid&init=nielsen&scale=1&step=0).
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var MEASURES = {
    gradient: {
      colour: "#0072B2",
      html: "‖δ<sup><i>l</i></sup>‖, all weights and biases",
      text: "‖δ^l‖",
    },
    speed: {
      colour: "#E69F00",
      html: "‖∂<i>C</i>/∂<i>b</i><sup><i>l</i></sup>‖, " +
        "Nielsen's speed (biases only)",
      text: "‖∂C/∂b^l‖",
    },
  };
  var DEFAULTS = { layers: 4, act: "sigmoid", init: "nielsen", scale: 1, step: 0 };
  // Chart geometry in SVG user units (the SVG scales to the column width).
  var W = 640, H = 300, LEFT = 58, RIGHT = 8, TOP = 12, BOTTOM = 40;

  function el(tag, attrs, parent) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function svg(tag, attrs, parent) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // ------------------------------------------------------------ numbers

  function isNumber(v) { return typeof v === "number" && isFinite(v); }

  // 3 significant digits; powers of ten as 1.23×10<sup>-4</sup> outside [1e-3, 1e4).
  function fmtHtml(v) {
    if (!isNumber(v)) return "not finite";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(3)));
    var parts = v.toExponential(2).split("e");
    return parts[0] + "×10<sup>" + Number(parts[1]).toString().replace("-", "−") +
      "</sup>";
  }

  function fmtText(v) {
    return fmtHtml(v).replace("<sup>", "^").replace("</sup>", "");
  }

  // ------------------------------------------------------------ state and URL

  function readState(data) {
    var q = new URLSearchParams(window.location.search);
    var state = Object.assign({}, DEFAULTS);
    var layers = Number(q.get("layers"));
    if (data.depths.indexOf(layers) >= 0) state.layers = layers;
    if (data.activations.indexOf(q.get("act")) >= 0) state.act = q.get("act");
    if (data.inits.indexOf(q.get("init")) >= 0) state.init = q.get("init");
    var scale = Number(q.get("scale"));
    if (q.get("scale") !== null && data.scales.indexOf(scale) >= 0) state.scale = scale;
    var step = Number(q.get("step"));
    if (q.get("step") !== null && data.checkpoints.indexOf(step) >= 0) {
      state.step = step;
    }
    return state;
  }

  function writeState(state) {
    var url = new URL(window.location.href);
    ["layers", "act", "init", "scale", "step"].forEach(function (k) {
      url.searchParams.set(k, String(state[k]));
    });
    window.history.replaceState(window.history.state, "", url.href);
  }

  function settingKey(state) {
    return [state.layers, state.act, state.init, state.scale].join("/");
  }

  // ------------------------------------------------------------ controls

  function field(form, id, label) {
    var wrap = el("div", { class: "explorer-field" }, form);
    var lab = el("label", { for: id }, wrap);
    lab.textContent = label;
    return wrap;
  }

  function select(form, id, label, options) {
    var wrap = field(form, id, label);
    var node = el("select", { id: id, name: id }, wrap);
    options.forEach(function (o) {
      var opt = el("option", { value: String(o.value) }, node);
      opt.textContent = o.text;
    });
    return node;
  }

  function range(form, id, label, min, max) {
    var wrap = field(form, id, label);
    var row = el("div", { class: "explorer-range" }, wrap);
    var node = el("input", {
      id: id, name: id, type: "range", min: String(min), max: String(max), step: "1",
    }, row);
    var out = el("output", { for: id, id: id + "-value" }, row);
    return { input: node, output: out };
  }

  function buildControls(root, data) {
    var form = el("form", { class: "explorer-controls" }, root);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var label = function (k) { return data.labels[k] || k; };
    return {
      // Depths are consecutive, so this slider's value is the number of layers.
      layers: range(form, "explorer-layers", "Hidden layers", data.depths[0],
        data.depths[data.depths.length - 1]),
      act: select(form, "explorer-activation", "Hidden activation",
        data.activations.map(function (a) { return { value: a, text: label(a) }; })),
      init: select(form, "explorer-init", "Initialization",
        data.inits.map(function (i) { return { value: i, text: label(i) }; })),
      scale: select(form, "explorer-scale", "Weight scale (multiplies every weight)",
        data.scales.map(function (s) { return { value: s, text: "× " + s }; })),
      // Checkpoints are not evenly spaced: this slider's value is their index.
      step: range(form, "explorer-step", "SGD steps taken", 0,
        data.checkpoints.length - 1),
    };
  }

  function showControls(c, data, state) {
    c.layers.input.value = String(state.layers);
    c.layers.output.textContent = String(state.layers);
    c.layers.input.setAttribute("aria-valuetext", state.layers + " hidden layers");
    c.act.value = state.act;
    c.init.value = state.init;
    c.scale.value = String(state.scale);
    c.step.input.value = String(data.checkpoints.indexOf(state.step));
    c.step.output.textContent = String(state.step);
    c.step.input.setAttribute("aria-valuetext", "after " + state.step + " steps");
  }

  function readControls(c, data) {
    return {
      layers: Number(c.layers.input.value),
      act: c.act.value,
      init: c.init.value,
      scale: Number(c.scale.value),
      step: data.checkpoints[Number(c.step.input.value)],
    };
  }

  // ------------------------------------------------------------ chart

  // Decades [lo, hi] covering every positive finite value of this network at
  // every checkpoint, so the step slider moves the bars against a fixed axis.
  function axisRange(setting) {
    var lo = Infinity, hi = -Infinity;
    Object.keys(MEASURES).forEach(function (m) {
      setting[m].forEach(function (values) {
        (values || []).forEach(function (v) {
          if (isNumber(v) && v > 0) {
            lo = Math.min(lo, Math.log10(v));
            hi = Math.max(hi, Math.log10(v));
          }
        });
      });
    });
    if (lo === Infinity) return [-3, 0];
    lo = Math.floor(lo - 0.3);  // the smallest bar keeps a visible height
    hi = Math.max(Math.ceil(hi), lo + 1);
    return [lo, hi];
  }

  function drawAxis(chart, lo, hi) {
    var every = Math.ceil((hi - lo + 1) / 9);  // at most ~9 labelled decades
    for (var d = lo; d <= hi; d++) {
      var y = yOf(Math.pow(10, d), lo, hi);
      svg("line", { x1: LEFT, x2: W - RIGHT, y1: y, y2: y, class: "explorer-grid" },
        chart);
      if ((d - lo) % every !== 0) continue;
      var t = svg("text", { x: LEFT - 6, y: y + 4, class: "explorer-tick",
        "text-anchor": "end" }, chart);
      t.appendChild(document.createTextNode("10"));
      var sup = svg("tspan", { dy: "-0.5em", "font-size": "0.75em" }, t);
      sup.textContent = String(d).replace("-", "−");
    }
    svg("line", { x1: LEFT, x2: LEFT, y1: TOP, y2: H - BOTTOM, class: "explorer-axis" },
      chart);
  }

  function yOf(v, lo, hi) {
    var frac = (Math.log10(v) - lo) / (hi - lo);
    return H - BOTTOM - frac * (H - BOTTOM - TOP);
  }

  function drawBars(chart, values, lo, hi) {
    var names = Object.keys(MEASURES);
    var n = values.gradient.length;
    var group = (W - LEFT - RIGHT) / n;
    var bar = Math.min(group * 0.36, 40);
    for (var i = 0; i < n; i++) {
      var layer = i + 2;  // book layer of hidden layer i + 1
      var centre = LEFT + group * (i + 0.5);
      names.forEach(function (m, k) {
        var v = values[m][i];
        var x = centre + (k - 1) * bar + 1;  // the two bars side by side
        var top = isNumber(v) && v > 0 ? yOf(v, lo, hi) : H - BOTTOM;
        var rect = svg("rect", {
          x: x.toFixed(1), y: top.toFixed(1), width: (bar - 2).toFixed(1),
          height: (H - BOTTOM - top).toFixed(1), fill: MEASURES[m].colour,
          class: "explorer-bar", "data-layer": String(layer), "data-measure": m,
          "data-value": JSON.stringify(v),
        }, chart);
        var title = svg("title", {}, rect);
        title.textContent = "layer " + layer + ": " +
          MEASURES[m].text.replace("l", String(layer)) + " = " + fmtText(v);
        if (!(isNumber(v) && v > 0)) {  // zero or not finite: say so, no bar
          var mark = svg("text", { x: (x + bar / 2 - 1).toFixed(1), y: H - BOTTOM - 4,
            class: "explorer-mark", "text-anchor": "middle" }, chart);
          mark.textContent = isNumber(v) ? "0" : "inf/NaN";
        }
      });
      var lab = svg("text", { x: centre.toFixed(1), y: H - BOTTOM + 16,
        class: "explorer-tick", "text-anchor": "middle" }, chart);
      lab.textContent = String(layer);
    }
    var xt = svg("text", { x: (LEFT + (W - LEFT - RIGHT) / 2).toFixed(1), y: H - 6,
      class: "explorer-tick", "text-anchor": "middle" }, chart);
    xt.textContent = "book layer l (hidden layers only; layer 1 is the input)";
  }

  function drawChart(holder, setting, index) {
    holder.textContent = "";
    var range = axisRange(setting);
    var chart = svg("svg", {
      viewBox: "0 0 " + W + " " + H, class: "explorer-chart", role: "img",
      "aria-labelledby": "explorer-chart-title",
    }, holder);
    var title = svg("title", { id: "explorer-chart-title" }, chart);
    var values = { gradient: setting.gradient[index], speed: setting.speed[index] };
    if (values.gradient === null) {  // diverged: no axis, only the message
      title.textContent = "Training diverged: no gradients to show.";
      var t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle",
        class: "explorer-diverged" }, chart);
      t.textContent = "diverged: the weights became infinite or NaN";
      return;
    }
    title.textContent = "Bar chart on a logarithmic axis: for each hidden layer, " +
      "the norm of the full layer gradient and Nielsen's bias-only speed.";
    drawAxis(chart, range[0], range[1]);
    drawBars(chart, values, range[0], range[1]);
  }

  // ------------------------------------------------------------ text

  function ratioHtml(r, layers, values) {
    if (r === null) {
      return values[values.length - 1] === 0 ?
        "undefined (the last hidden layer's value is 0)" :
        "undefined (a value is not finite)";
    }
    var s = fmtHtml(r);
    if (layers === 1) return s + " (one hidden layer: first = last)";
    if (r === 0) return s + " (the first hidden layer's value is 0)";
    if (r > 0 && r < 1) s += " (the first hidden layer's is " + fmtHtml(1 / r) +
      "× smaller)";
    if (r > 1) s += " (the first hidden layer's is " + fmtHtml(r) + "× larger)";
    return s;
  }

  function showSummary(box, setting, index, state) {
    box.textContent = "";
    if (setting.gradient[index] === null) {
      var p = el("p", { class: "explorer-status", "data-state": "diverged" }, box);
      p.innerHTML = "<strong>Diverged.</strong> Training from this start made the " +
        "weights infinite or NaN before step " + state.step + ", so there are no " +
        "gradients to show. Move the step slider back to see the start.";
      ["gradient", "speed"].forEach(function (m) {
        el("span", { id: "explorer-ratio-" + m, "data-value": "null",
          hidden: "" }, box);
      });
      return;
    }
    var list = el("ul", { class: "explorer-ratios" }, box);
    Object.keys(MEASURES).forEach(function (m) {
      var r = setting[m + "_ratio"][index];
      var li = el("li", {}, list);
      var sw = el("span", { class: "explorer-swatch", "aria-hidden": "true" }, li);
      sw.style.background = MEASURES[m].colour;
      var label = el("span", {}, li);
      label.innerHTML = " " + MEASURES[m].html + ": first/last hidden layer = ";
      var value = el("span", { id: "explorer-ratio-" + m,
        "data-value": JSON.stringify(r) }, li);
      value.innerHTML = ratioHtml(r, state.layers, setting[m][index]);
    });
    var acc = setting.accuracy[index];
    var note = el("p", { class: "explorer-status", "data-state": "ok" }, box);
    note.textContent = "Training accuracy after " + state.step + " steps: " +
      (isNumber(acc) ? (100 * acc).toFixed(1) + " %" : "not defined") +
      " (chance is 10 %).";
  }

  function showTable(details, setting, index) {
    var table = details.querySelector("table");
    table.textContent = "";
    var head = el("tr", {}, el("thead", {}, table));
    el("th", { scope: "col" }, head).textContent = "book layer l";
    Object.keys(MEASURES).forEach(function (m) {
      el("th", { scope: "col" }, head).innerHTML = MEASURES[m].html;
    });
    var body = el("tbody", {}, table);
    var g = setting.gradient[index], s = setting.speed[index];
    if (g === null) {
      var td = el("td", { colspan: "3" }, el("tr", {}, body));
      td.textContent = "diverged";
      return;
    }
    for (var i = 0; i < g.length; i++) {
      var row = el("tr", {}, body);
      el("th", { scope: "row" }, row).textContent = String(i + 2);
      el("td", {}, row).innerHTML = fmtHtml(g[i]);
      el("td", {}, row).innerHTML = fmtHtml(s[i]);
    }
  }

  // ------------------------------------------------------------ wiring

  function start(root, data) {
    root.textContent = "";
    var controls = buildControls(root, data);
    var legend = el("ul", { class: "explorer-legend" }, root);
    Object.keys(MEASURES).forEach(function (m) {
      var li = el("li", {}, legend);
      var sw = el("span", { class: "explorer-swatch", "aria-hidden": "true" }, li);
      sw.style.background = MEASURES[m].colour;
      el("span", {}, li).innerHTML = " " + MEASURES[m].html;
    });
    var holder = el("div", { class: "explorer-figure" }, root);
    var summary = el("div", { class: "explorer-summary", "aria-live": "polite" }, root);
    var details = el("details", { class: "explorer-table" }, root);
    el("summary", {}, details).textContent = "The numbers in the chart";
    el("table", {}, details);

    function render(state) {
      var setting = data.settings[settingKey(state)];
      var index = data.checkpoints.indexOf(state.step);
      showControls(controls, data, state);
      drawChart(holder, setting, index);
      showSummary(summary, setting, index, state);
      showTable(details, setting, index);
      root.setAttribute("data-setting", settingKey(state));
      root.setAttribute("data-step", String(state.step));
    }

    var state = readState(data);
    render(state);
    root.addEventListener("input", function () {
      state = readControls(controls, data);
      render(state);
      writeState(state);
    });
    root.setAttribute("data-ready", "true");
  }

  function fail(root, message) {
    root.textContent = "";
    var p = el("p", { class: "explorer-status", "data-state": "error" }, root);
    p.textContent = "The explorer could not load its data (" + message + "). " +
      "It needs the site served over HTTP, e.g. by mkdocs serve.";
  }

  function init() {
    var root = document.getElementById("explorer-app");
    if (!root || root.getAttribute("data-started")) return;  // no page, or twice
    root.setAttribute("data-started", "true");
    // data-src is relative to the page, like every other link on it.
    var url = new URL(root.getAttribute("data-src"), document.baseURI);
    fetch(url.href)
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " for " + url.pathname);
        return r.json();
      })
      .then(function (data) { start(root, data); })
      .catch(function (err) { fail(root, err.message); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
