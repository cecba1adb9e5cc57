// Raabta: light progressive enhancement. Every page works without this file.
"use strict";

// Autocomplete (ARIA combobox) for inputs marked data-autocomplete.
function setupAutocomplete(input) {
  const list = document.createElement("ul");
  list.className = "suggest";
  list.id = input.id + "-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.parentElement.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  let active = -1, timer = null, items = [];

  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
  function choose(index) {
    input.value = items[index].text;
    close();
    input.form.requestSubmit();
  }
  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(async () => {
      const response = await fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q));
      if (!response.ok) return;
      items = (await response.json()).suggestions;
      list.replaceChildren(...items.map((s, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = s.text;
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = s.kind;
        li.appendChild(kind);
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(i); });
        return li;
      }));
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

// Facet checkboxes apply at once (the form's button does the same without JavaScript).
function setupAutoSubmit(form) {
  [...form.elements].filter((e) => e.type === "checkbox" || e.tagName === "SELECT").forEach((control) =>
    control.addEventListener("change", () => form.requestSubmit()));
}

// Compare: at most four firms.
function setupCompare(form) {
  const boxes = [...form.elements].filter((e) => e.name === "v");
  const count = form.querySelector("[data-compare-count]");
  const submit = form.querySelector("[data-compare-submit]");
  function update() {
    const chosen = boxes.filter((b) => b.checked).length;
    boxes.forEach((b) => { b.disabled = !b.checked && chosen >= 4; });
    if (count) count.textContent = chosen + " of 4 chosen";
    if (submit) submit.disabled = chosen < 2;
  }
  boxes.forEach((b) => b.addEventListener("change", update));
  update();
}

// Working hours given in UTC, shown in the visitor's own time zone.
function showLocalHours(element) {
  const start = Number(element.dataset.utcStart), end = Number(element.dataset.utcEnd);
  const format = (hour) => {
    const d = new Date(Date.UTC(2026, 0, 15, hour, 0));
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  };
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  element.textContent = format(start) + "–" + format(end) + " your time (" + zone + ")";
}

// Officers' review: j/k move between matches, a approves, r rejects the focused one.
function setupReviewKeys(list) {
  const items = () => [...list.querySelectorAll("[data-match]")];
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    const all = items();
    const current = all.indexOf(document.activeElement.closest("[data-match]"));
    if (event.key === "j" || event.key === "k") {
      const next = all[Math.max(0, Math.min(all.length - 1, current + (event.key === "j" ? 1 : -1)))];
      if (next) { event.preventDefault(); next.focus(); }
    } else if ((event.key === "a" || event.key === "r") && current >= 0) {
      const form = all[current].querySelector(`form[data-decision=${event.key === "a" ? "approve" : "reject"}]`);
      if (form) { event.preventDefault(); form.requestSubmit(); }
    }
  });
}

// A running job's page follows its progress.
function followJob(element) {
  const bar = element.querySelector("[data-job-progress]");
  const status = element.querySelector("[data-job-status]");
  const message = element.querySelector("[data-job-message]");
  async function poll() {
    const response = await fetch(element.dataset.job);
    if (!response.ok) return;
    const job = await response.json();
    bar.value = job.progress;
    status.textContent = job.status;
    message.textContent = job.message;
    if (job.status === "queued" || job.status === "running") setTimeout(poll, 1000);
  }
  if (status.textContent === "queued" || status.textContent === "running") setTimeout(poll, 500);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-job]").forEach(followJob);
  document.querySelectorAll("[data-review]").forEach(setupReviewKeys);
  document.querySelectorAll("input[data-autocomplete]").forEach(setupAutocomplete);
  document.querySelectorAll("form[data-autosubmit]").forEach(setupAutoSubmit);
  document.querySelectorAll("form[data-compare]").forEach(setupCompare);
  document.querySelectorAll("[data-utc-start]").forEach(showLocalHours);
});
