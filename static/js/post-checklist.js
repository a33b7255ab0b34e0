/*
 * The content checklist, refreshed while the contributor writes.
 *
 * Progressive enhancement: the server renders the checklist on every display
 * of the form, and this script only asks the server again (POST to
 * data-checklist-url) as the fields change, so the rules live in one place
 * (news.checks.content). Without JavaScript, or when a request fails, the
 * last list stays. Photo files are never sent: only the alt text of each
 * photo slot that holds a file.
 */
(function () {
  "use strict";
  const panel = document.getElementById("periksa-isi");
  const form = panel && panel.closest("form");
  if (!form || !window.fetch) return;

  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  const list = panel.querySelector(".checklist");
  const summary = panel.querySelector(".checklist-summary");
  let timer = null;
  let sequence = 0;

  function value(name) {
    const field = form.elements.namedItem(name);
    return field && "value" in field ? field.value : "";
  }

  function bodyHtml() {
    // CKEditor 5 keeps its instance on the editable element and writes the
    // textarea only on submit.
    const editable = form.querySelector(".ck-editor__editable");
    if (editable && editable.ckeditorInstance) {
      return editable.ckeditorInstance.getData();
    }
    return value("body");
  }

  function photoAlts() {
    const alts = [];
    for (const slot of form.querySelectorAll(".photo-slot")) {
      const file = slot.querySelector("input[type=file]");
      const staged = slot.querySelector("input[type=hidden][name$='-staged']");
      const hasFile = (file && file.files && file.files.length) || (staged && staged.value);
      if (!hasFile) continue;
      const alt = slot.querySelector("[name$='-alt_text']");
      alts.push(alt ? alt.value : "");
    }
    return alts;
  }

  function render(data) {
    const items = new Map(data.items.map((item) => [item.item, item]));
    for (const row of list.querySelectorAll(".checklist-item")) {
      const item = items.get(row.dataset.item);
      if (!item) continue;
      row.classList.toggle("is-ok", item.ok);
      row.classList.toggle("is-warning", !item.ok);
      row.querySelector(".checklist-icon").textContent = item.ok ? "✓" : "!";
      row.querySelector(".checklist-label").textContent = item.label;
      row.querySelector(".checklist-state").textContent = item.ok
        ? panel.dataset.okLabel
        : panel.dataset.warnLabel;
      for (const old of row.querySelectorAll(".checklist-message")) old.remove();
      const text = row.querySelector(".checklist-text");
      for (const message of item.messages) {
        const span = document.createElement("span");
        span.className = "checklist-message";
        span.textContent = message;
        text.appendChild(span);
      }
    }
    summary.textContent = data.warnings
      ? panel.dataset.summaryWarn.replace("%(count)s", String(data.warnings))
      : panel.dataset.summaryOk;
  }

  async function refresh() {
    const mine = ++sequence;
    const body = new FormData();
    for (const name of ["title", "lead", "event_date", "location"]) {
      body.append(name, value(name));
    }
    body.append("body", bodyHtml());
    for (const alt of photoAlts()) body.append("photo_alt", alt);
    if (panel.dataset.post) body.append("post", panel.dataset.post);
    panel.classList.add("is-checking");
    try {
      const response = await fetch(panel.dataset.checklistUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      });
      // An older answer arriving late must not overwrite a newer one.
      if (response.ok && mine === sequence) render(await response.json());
    } catch (error) {
      // Offline or a server error: keep the last list, the server checks again.
    } finally {
      if (mine === sequence) panel.classList.remove("is-checking");
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 700);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // CKEditor's typing happens inside its own editable: its input events bubble
  // to the form too, but its toolbar changes (images, lists) only fire keyup.
  form.addEventListener("keyup", later);
})();
