// boligmatch progressive enhancement: the pages work without it.
// 1. Sortable tables: <table data-sortable> with <button class="sort"> in the headers.
// 2. Polling: an element with data-poll="URL" is replaced by the HTML at URL every
//    second until the returned fragment no longer carries data-poll.
// 3. Tables on small screens: a table whose rows hold buttons (offer actions) gets
//    class "stack" and a label per cell, so at phone width its rows become cards and
//    every action stays on screen; any other table not already in a scroll box is put
//    in one, so only the table scrolls sideways, never the page. Scroll boxes can be
//    reached and scrolled by keyboard (tabindex, a group named after the table).
// 4. Busy forms: <form data-running="Kører …"> disables its button, shows that text
//    and sets aria-busy while the server works (e.g. "Kør matchning").
// 6. File size: <input type="file" data-max-bytes="N" data-too-large="message"> says the
//    file is too large before it is sent (the server says so too, up to its body limit).
// 5. The map: activating a home (click, or Enter on the focused marker) shows its
//    facts beside the map; without script the marker's link jumps to its table row.
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

  function tableName(table) {
    if (table.caption && table.caption.textContent.trim()) return table.caption.textContent.trim();
    const section = table.closest("section, .card");
    const heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "";
  }
  function nameRegion(box, table) {
    if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    // A named group, not a region: the section around it is already the landmark.
    if (!box.hasAttribute("role")) box.setAttribute("role", "group");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      const name = table ? tableName(table) : "";
      if (name) box.setAttribute("aria-label", name);
    }
  }
  function stack(table) {
    const heads = table.tHead ? Array.from(table.tHead.rows[0].cells).map(function (th) {
      return th.textContent.trim();
    }) : [];
    table.classList.add("stack");
    Array.from(table.tBodies).forEach(function (body) {
      Array.from(body.rows).forEach(function (row) {
        Array.from(row.cells).forEach(function (cell, index) {
          if (heads[index] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[index]);
        });
      });
    });
  }
  function fitTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      const box = table.closest(".scroll, .table-scroll");
      if (box) { nameRegion(box, table); return; }
      if (table.tBodies.length && table.querySelector("tbody form, tbody button")) { stack(table); return; }
      const wrap = document.createElement("div");
      wrap.className = "table-scroll";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
      nameRegion(wrap, table);
    });
    root.querySelectorAll(".scroll:not([tabindex])").forEach(function (box) {
      nameRegion(box, box.querySelector("table"));
    });
  }

  function busyForms(root) {
    root.querySelectorAll("form[data-running]").forEach(function (form) {
      form.addEventListener("submit", function () {
        const button = form.querySelector("button[type=submit], button:not([type])");
        form.setAttribute("aria-busy", "true");
        const status = form.querySelector("[data-busy-status]");
        if (status && form.dataset.busy) {
          status.textContent = form.dataset.busy;
          status.hidden = false;
        }
        // After this turn, so the submission itself still carries the button.
        window.setTimeout(function () {
          if (!button) return;
          button.dataset.idleText = button.textContent;
          button.textContent = form.dataset.running;
          button.disabled = true;
        }, 0);
      });
    });
  }
  // Back from the next page (back/forward cache): the form is idle again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[data-idle-text]").forEach(function (button) {
        button.textContent = button.dataset.idleText;
        button.disabled = false;
      });
    });
  });

  function enableMap() {
    const map = document.getElementById("map");
    const details = document.getElementById("map-details");
    const table = document.getElementById("map-homes");
    if (!map || !details || !table) return;
    const heads = Array.from(table.tHead.rows[0].cells).map(function (th) { return th.textContent.trim(); });
    map.querySelectorAll("a.home").forEach(function (marker) {
      marker.addEventListener("click", function (event) {
        const row = document.getElementById("home-" + marker.dataset.vacancy);
        if (!row) return;
        event.preventDefault();
        map.querySelectorAll("a.home[aria-current]").forEach(function (m) { m.removeAttribute("aria-current"); });
        table.querySelectorAll("tr.selected").forEach(function (r) { r.classList.remove("selected"); });
        marker.setAttribute("aria-current", "true");
        row.classList.add("selected");
        const list = document.createElement("dl");
        list.className = "facts";
        Array.from(row.cells).forEach(function (cell, index) {
          const dt = document.createElement("dt");
          dt.textContent = heads[index] || "";
          const dd = document.createElement("dd");
          dd.textContent = cell.textContent.trim();
          list.append(dt, dd);
        });
        const body = details.querySelector(".map-details-body");
        body.replaceChildren(list);
        details.hidden = false;
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
          fitTables(fresh.parentNode || document);
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
  document.addEventListener("DOMContentLoaded", function () {
    enableSorting(document);
    enableSizeChecks(document);
    fitTables(document);
    busyForms(document);
    enableMap();
    document.querySelectorAll("[data-poll]").forEach(poll);
  });
})();
