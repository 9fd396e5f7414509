// boligmatch progressive enhancement: the pages work without it.
// 1. Sortable tables: <table data-sortable> with <button class="sort"> in the headers.
// 2. Polling: an element with data-poll="URL" is replaced by the HTML at URL every
//    second until the returned fragment no longer carries data-poll.
// 3. File size: <input type="file" data-max-bytes="N" data-too-large="message"> says the
//    file is too large before it is sent (the server says so too, up to its body limit).
// 4. Busy forms: <form data-busy="message"> disables its button and shows the message
//    while the request runs (e.g. "Kør matchning").
"use strict";
(function () {
  function cellValue(row, index) {
    const cell = row.cells[index];
    const raw = cell ? (cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim()) : "";
    const number = Number(raw);
    return raw !== "" && !Number.isNaN(number) ? number : raw.toLowerCase();
  }
  function sortTable(table, index, th) {
    const body = table.tBodies[0];
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      const x = cellValue(a, index), y = cellValue(b, index);
      if (x === y) return 0;
      if (x === "" || x === "–") return 1;
      if (y === "" || y === "–") return -1;
      return (x < y ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function enableSorting(root) {
    root.querySelectorAll("table[data-sortable]").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (th, index) {
        const button = th.querySelector("button.sort");
        if (!button) return;
        button.addEventListener("click", function (event) {
          event.preventDefault();
          sortTable(table, index, th);
        });
      });
    });
  }
  function poll(element) {
    const url = element.dataset.poll;
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          const holder = document.createElement("div");
          holder.innerHTML = html;
          const fresh = holder.firstElementChild;
          if (!fresh) return;
          element.replaceWith(fresh);
          if (fresh.dataset.poll) poll(fresh);
        })
        .catch(function () { poll(element); });
    }, 1000);
  }
  function tooLarge(input) {
    const file = input.files && input.files[0];
    return file && file.size > Number(input.dataset.maxBytes);
  }
  function checkSize(input) {
    const message = document.getElementById(input.id + "-err");
    const bad = tooLarge(input);
    if (message) {
      message.textContent = bad ? input.dataset.tooLarge : "";
      message.hidden = !bad;
    }
    if (bad) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    return !bad;
  }
  function enableSizeChecks(root) {
    root.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () { checkSize(input); });
      if (input.form) {
        input.form.addEventListener("submit", function (event) {
          if (!checkSize(input)) { event.preventDefault(); input.focus(); }
        });
      }
    });
  }
  function enableBusyForms(root) {
    root.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.addEventListener("submit", function () {
        const status = form.querySelector("[data-busy-status]");
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
        form.setAttribute("aria-busy", "true");
        if (status) { status.textContent = form.dataset.busy; status.hidden = false; }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    enableSorting(document);
    enableSizeChecks(document);
    enableBusyForms(document);
    document.querySelectorAll("[data-poll]").forEach(poll);
  });
})();
