/* The blur page (news.admin.faces): draw rectangles on the photo instead of
   typing percentages, and tick faces by clicking their boxes. Without this
   script the page works the same with its checkboxes and number inputs; the
   server does the blur either way. Local, no dependencies. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var stage = document.querySelector("[data-face-stage]");
    var list = document.querySelector("[data-region-list]");
    if (!stage || !list) return;
    var img = stage.querySelector("img");
    var total = document.querySelector("input[name='area-TOTAL_FORMS']");
    var maxForms = document.querySelector("input[name='area-MAX_NUM_FORMS']");
    var jsHelp = document.querySelector("[data-js-help]");
    if (jsHelp) jsHelp.hidden = false;
    stage.classList.add("is-drawable");

    // --- Detected faces: the box and its checkbox stay in step.
    stage.querySelectorAll("[data-face]").forEach(function (box) {
      var input = document.querySelector(
        "input[name='faces'][value='" + box.dataset.face + "']");
      if (!input) return;
      function sync() { box.classList.toggle("is-off", !input.checked); }
      input.addEventListener("change", sync);
      box.addEventListener("pointerdown", function (event) { event.stopPropagation(); });
      box.addEventListener("click", function () {
        input.checked = !input.checked;
        sync();
      });
      sync();
    });

    // --- Drawn regions: one row of four inputs each, shown on the photo.
    function rows() { return Array.prototype.slice.call(list.querySelectorAll("[data-region-row]")); }
    function field(row, name) { return row.querySelector("input[name$='-" + name + "']"); }
    function values(row) {
      return ["x", "y", "w", "h"].map(function (name) {
        var v = parseFloat(field(row, name).value.replace(",", "."));
        return isNaN(v) ? null : v;
      });
    }

    function redraw() {
      stage.querySelectorAll(".region-box:not(.is-drawing)").forEach(function (el) { el.remove(); });
      rows().forEach(function (row, i) {
        var v = values(row);
        if (v.some(function (n) { return n === null; }) || v[2] <= 0 || v[3] <= 0) return;
        var box = document.createElement("span");
        box.className = "region-box";
        place(box, v);
        var label = document.createElement("span");
        label.className = "face-box-number";
        label.textContent = "A" + (i + 1);
        box.appendChild(label);
        stage.appendChild(box);
      });
    }

    function place(box, v) {
      box.style.left = v[0] + "%";
      box.style.top = v[1] + "%";
      box.style.width = v[2] + "%";
      box.style.height = v[3] + "%";
    }

    function emptyRow() {
      var found = rows().filter(function (row) {
        return values(row).every(function (n) { return n === null; });
      })[0];
      if (found) return found;
      var all = rows();
      var count = parseInt(total.value, 10);
      if (maxForms && count >= parseInt(maxForms.value, 10)) return null;
      var copy = all[all.length - 1].cloneNode(true);
      copy.classList.remove("errors");
      copy.querySelectorAll(".errorlist").forEach(function (el) { el.remove(); });
      copy.querySelectorAll("input").forEach(function (input) {
        input.name = input.name.replace(/area-\d+-/, "area-" + count + "-");
        if (input.id) input.id = input.id.replace(/area-\d+-/, "area-" + count + "-");
        input.value = "";
      });
      copy.querySelectorAll("label[for]").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/area-\d+-/, "area-" + count + "-");
      });
      list.appendChild(copy);
      total.value = count + 1;
      return copy;
    }

    function round(n) { return Math.round(Math.min(100, Math.max(0, n)) * 100) / 100; }

    function percentAt(event) {
      var rect = img.getBoundingClientRect();
      return [
        round(100 * (event.clientX - rect.left) / rect.width),
        round(100 * (event.clientY - rect.top) / rect.height),
      ];
    }

    var start = null;
    var drawing = null;
    stage.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.target.closest("figcaption")) return;
      event.preventDefault();
      start = percentAt(event);
      drawing = document.createElement("span");
      drawing.className = "region-box is-drawing";
      place(drawing, [start[0], start[1], 0, 0]);
      stage.appendChild(drawing);
      stage.setPointerCapture(event.pointerId);
    });
    stage.addEventListener("pointermove", function (event) {
      if (!start) return;
      var now = percentAt(event);
      place(drawing, box(start, now));
    });
    function box(a, b) {
      return [Math.min(a[0], b[0]), Math.min(a[1], b[1]),
        round(Math.abs(a[0] - b[0])), round(Math.abs(a[1] - b[1]))];
    }
    function finish(event) {
      if (!start) return;
      var v = box(start, percentAt(event));
      start = null;
      drawing.remove();
      drawing = null;
      if (v[2] < 1 || v[3] < 1) return; // a click, not a rectangle
      var row = emptyRow();
      if (!row) return;
      ["x", "y", "w", "h"].forEach(function (name, i) { field(row, name).value = v[i]; });
      redraw();
    }
    stage.addEventListener("pointerup", finish);
    stage.addEventListener("pointercancel", function () {
      start = null;
      if (drawing) drawing.remove();
      drawing = null;
    });
    list.addEventListener("input", redraw);
    redraw();
  });
})();
