/* Adds to the live pre-shift round's screen, which works without it (it then reloads itself every
   few seconds): the shares and the count of answers are redrawn every few seconds from the round's
   JSON endpoint, and the page reloads when another screen stepped or ended the round. */
(function () {
  "use strict";

  var round = document.querySelector("[data-round-url]");
  if (!round || !window.fetch || !window.JSON) { return; }
  var url = round.getAttribute("data-round-url");
  var seconds = parseInt(round.getAttribute("data-poll-seconds"), 10) || 3;
  var position = parseInt(round.getAttribute("data-position"), 10);
  var revealed = round.getAttribute("data-revealed") === "true";

  function each(selector, fn) {
    Array.prototype.forEach.call(round.querySelectorAll(selector), fn);
  }

  function apply(data) {
    if (data.over || data.position !== position || data.revealed !== revealed) {
      window.location.reload();  // moved on another screen: draw the new question
      return;
    }
    each("[data-answered]", function (el) { el.textContent = data.answered; });
    each("[data-expected]", function (el) { el.textContent = data.expected; });
    each("[data-hidden-note]", function (el) { el.hidden = data.shown; });
    each("[data-share]", function (el) { el.textContent = data.shares[+el.getAttribute("data-share")]; });
    each("[data-share-bar]", function (el) { el.value = data.widths[+el.getAttribute("data-share-bar")]; });
  }

  function poll() {
    if (document.hidden) { return; }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  window.setInterval(poll, seconds * 1000);
  document.addEventListener("visibilitychange", poll);
}());
