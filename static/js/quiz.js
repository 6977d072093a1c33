/* Adds to worker pages that already work without it: a live countdown, read-aloud, and no double
   submits. Nothing here is needed to take the quiz. */
(function () {
  "use strict";
  var timer = document.querySelector(".timer[data-remaining]");
  if (timer) {
    var end = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (left === 0) { timer.textContent = timer.getAttribute("data-expired"); timer.className = "timer low"; return; }
      var s = left % 60;
      timer.textContent = timer.getAttribute("data-label") + " " + Math.floor(left / 60) + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) { timer.className = "timer low"; }
      setTimeout(tick, 1000);
    };
    tick();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });

  /* Read-aloud: the scene (who speaks, what they say), then the question and each option with its
     number, then the verdict and the explanation; in the page's language. A phone whose browser
     cannot speak (or has no voice for the language) says so instead of staying silent. */
  var card = document.querySelector(".card.question, .card.lesson");
  if (!card) { return; }
  var body = document.body;
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var row = document.createElement("div");
  row.className = "speak-row";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "speak-btn";
  button.textContent = body.getAttribute("data-speak-label") || "";
  var note = document.createElement("p");
  note.className = "speak-note";
  note.setAttribute("role", "status");
  note.hidden = true;
  var cannot = function () {
    note.textContent = body.getAttribute("data-speak-unavailable") || "";
    note.hidden = false;
  };
  var hasVoice = function () {
    var voices = window.speechSynthesis.getVoices();
    if (!voices.length) { return true; }  /* not loaded yet: try, and report an error if one comes */
    return voices.some(function (v) { return (v.lang || "").toLowerCase().indexOf(lang) === 0; });
  };
  button.addEventListener("click", function () {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance || !hasVoice()) { cannot(); return; }
    note.hidden = true;
    window.speechSynthesis.cancel();
    var text = Array.prototype.map.call(document.querySelectorAll(".speak"), function (el) {
      var piece = ((el.getAttribute("data-say") || "") + " " + el.textContent.trim()).trim();
      /* a pause between pieces, without doubling a full stop the text already has */
      return /[。！？.!?：:…]$/.test(piece) ? piece : piece + (lang === "en" ? "." : "。");
    }).join(" ");
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang === "en" ? "en-US" : "zh-CN";
    utterance.onerror = function (event) {
      if (event.error !== "interrupted" && event.error !== "canceled") { cannot(); }
    };
    window.speechSynthesis.speak(utterance);
  });
  row.appendChild(button);
  card.parentNode.insertBefore(row, card);
  card.parentNode.insertBefore(note, card);
}());
