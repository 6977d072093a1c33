/* Adds to the console's board pages, which all work without it: the figures refresh every 30 s
   from the board's JSON endpoint, and buttons to copy a WeChat text, print, go full screen and add
   a shift row in the settings. */
(function () {
  "use strict";

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  function button(label, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // Live figures: every element naming a figure (data-figure="team:一车间", data-field="done").
  var live = document.querySelector("[data-poll-url]");
  if (live && window.fetch && window.JSON) {
    var url = live.getAttribute("data-poll-url");
    var seconds = parseInt(live.getAttribute("data-poll-seconds"), 10) || 30;
    var day = null;
    var apply = function (data) {
      if (day && data.date !== day) { window.location.reload(); return; }  // a new day: new rows
      day = data.date;
      each("[data-figure]", function (el) {
        var figures = data.figures[el.getAttribute("data-figure")];
        if (!figures) { return; }
        if (el.hasAttribute("data-progress")) {
          el.max = figures.expected || 1;
          el.value = figures.done;
        } else if (el.hasAttribute("data-field")) {
          el.textContent = figures[el.getAttribute("data-field")];
        }
      });
      each("[data-updated]", function (el) { el.textContent = data.updated; });
    };
    var poll = function () {
      if (document.hidden) { return; }
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { apply(data); } })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    };
    window.setInterval(poll, seconds * 1000);
    document.addEventListener("visibilitychange", poll);
  }

  // Copy a team's WeChat text.
  each("textarea.paste-text", function (area) {
    var label = area.getAttribute("data-copy-label");
    var copied = area.getAttribute("data-copied-label");
    var b = button(label, "copy-btn", function () {
      var done = function () { b.textContent = copied; window.setTimeout(function () { b.textContent = label; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(area.value).then(done, function () { area.select(); });
      } else {
        area.select();
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected */ }
      }
    });
    area.parentNode.insertBefore(b, area.nextSibling);
  });

  each("[data-print-label]", function (slot) {
    slot.appendChild(button(slot.getAttribute("data-print-label"), "print-btn", function () { window.print(); }));
  });

  if (document.fullscreenEnabled) {
    each("[data-fullscreen-label]", function (slot) {
      slot.appendChild(button(slot.getAttribute("data-fullscreen-label"), "fullscreen-btn", function () {
        document.documentElement.requestFullscreen();
      }));
    });
  }

  // Settings: another empty shift row (the page always has two; this saves a round trip).
  each(".add-row[data-add-label]", function (slot) {
    slot.appendChild(button(slot.getAttribute("data-add-label"), "add-btn", function () {
      var rows = document.querySelectorAll("tr.shift-row");
      var last = rows[rows.length - 1];
      var row = last.cloneNode(true);
      var index = rows.length;
      each("input", function (input) {
        input.name = input.name.replace(/^shifts-\d+-/, "shifts-" + index + "-");
        input.id = input.id.replace(/^shifts-\d+-/, "shifts-" + index + "-");
        if (input.type === "checkbox") { input.parentNode.removeChild(input); } else { input.value = ""; }
        input.removeAttribute("aria-invalid");
      }, row);
      each(".field-error", function (el) { el.parentNode.removeChild(el); }, row);
      last.parentNode.appendChild(row);
      row.querySelector("input[type=text]").focus();
    }));
  });
}());
