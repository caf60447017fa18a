"""The report page's own style sheet and script: drawing the charts from their specs, and the
transcript viewer. The viewer builds every element with `textContent`, never HTML from data."""

from __future__ import annotations

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --band: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fff; }
header { padding: 24px 40px 12px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); }
nav { position: sticky; top: 0; z-index: 5; background: #fff; padding: 8px 40px;
      border-bottom: 1px solid var(--line); }
nav a { margin-right: 18px; color: #1d4f91; text-decoration: none; }
main { padding: 0 40px 60px; max-width: 1400px; }
section { margin-top: 32px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin-bottom: 4px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.figure { background: var(--band); border-radius: 6px; padding: 12px 16px; }
.figure b { display: block; font-size: 26px; }
.figure span { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--band); position: sticky; top: 42px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.definition { color: var(--muted); max-width: 640px; }
.note { color: var(--muted); font-style: italic; }
.chart { width: 100%; min-height: 260px; }
.scroll { max-height: 560px; overflow: auto; }
.scroll th { top: 0; }
#qv-controls { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 8px 0; }
#qv-controls select { max-width: 420px; }
#qv-coders label { margin-right: 12px; }
#qv-text { white-space: pre-wrap; font: 14px/1.7 Georgia, "Times New Roman", serif; border: 1px solid
           var(--line); border-radius: 6px; padding: 16px 20px; max-height: 640px; overflow: auto; }
mark.qv-mark { color: inherit; border-radius: 2px; padding: 0 1px; }
mark.qv-consensus { outline: 1px dashed #333; }
"""

JS = """
(function () {
  "use strict";
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  (read("qcode-charts") || []).forEach(function (chart) {
    Plotly.newPlot(chart.id, chart.spec.data, chart.spec.layout,
                   {responsive: true, displaylogo: false});
  });
  var data = read("qcode-viewer");
  if (!data || !data.transcripts.length) { return; }
  var documents = document.getElementById("qv-document");
  var codes = document.getElementById("qv-code");
  var coders = document.getElementById("qv-coders");
  var out = document.getElementById("qv-text");
  var count = document.getElementById("qv-count");
  function option(parent, value, text) {
    var node = document.createElement("option");
    node.value = String(value);
    node.textContent = text;
    parent.appendChild(node);
  }
  data.transcripts.forEach(function (t, i) {
    option(documents, i, t.document + (t.case ? " (" + t.case + ")" : ""));
  });
  option(codes, -1, "every code");
  data.codes.forEach(function (c, i) {
    option(codes, i, "\\u00a0\\u00a0".repeat(c.ancestors.length) + c.key + " \\u2014 " + c.label);
  });
  data.coders.forEach(function (name, i) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = String(i);
    box.id = "qv-coder-" + i;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + name));
    coders.appendChild(label);
    box.addEventListener("change", render);
  });
  documents.addEventListener("change", render);
  codes.addEventListener("change", render);
  var chars = {};
  function wanted(mark, code, on) {
    if (!on[mark[3]]) { return false; }
    return code < 0 || mark[2] === code || data.codes[mark[2]].ancestors.indexOf(code) >= 0;
  }
  function innermost(a, b) {
    if (a[0] !== b[0]) { return a[0] > b[0] ? a : b; }
    return (a[1] - a[0]) <= (b[1] - b[0]) ? a : b;
  }
  function render() {
    var index = Number(documents.value);
    var t = data.transcripts[index];
    // Offsets are code points; JavaScript strings count UTF-16 units.
    var text = chars[index] || (chars[index] = Array.from(t.text));
    var code = Number(codes.value);
    var on = {};
    coders.querySelectorAll("input").forEach(function (box) { on[Number(box.value)] = box.checked; });
    var marks = t.marks.filter(function (m) { return wanted(m, code, on); });
    var cuts = [0, text.length];
    marks.forEach(function (m) { cuts.push(m[0], m[1]); });
    cuts = cuts.filter(function (c, i, all) { return all.indexOf(c) === i && c >= 0 && c <= text.length; })
               .sort(function (a, b) { return a - b; });
    out.textContent = "";
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      var piece = text.slice(a, b).join("");
      var over = marks.filter(function (m) { return m[0] <= a && m[1] >= b; });
      if (!over.length) { out.appendChild(document.createTextNode(piece)); continue; }
      var top = over.reduce(innermost);
      var colour = data.codes[top[2]].colour;
      var node = document.createElement("mark");
      node.className = "qv-mark" + (data.coders[top[3]] === "consensus" ? " qv-consensus" : "");
      node.style.backgroundColor = colour + "44";
      node.style.borderBottom = "2px solid " + colour;
      node.title = over.map(function (m) {
        return data.codes[m[2]].key + " (" + data.coders[m[3]] + ")";
      }).join(", ");
      node.textContent = piece;
      out.appendChild(node);
    }
    count.textContent = marks.length + " of " + t.marks.length + " coding(s) shown";
  }
  render();
})();
"""
