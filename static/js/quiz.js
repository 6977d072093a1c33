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

  if (!("speechSynthesis" in window)) { return; }
  var card = document.querySelector(".card.question, .card.lesson");
  if (!card) { return; }
  var lang = document.documentElement.lang === "en" ? "en-US" : "zh-CN";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "speak-btn";
  button.textContent = document.body.getAttribute("data-speak-label") || "";
  button.addEventListener("click", function () {
    window.speechSynthesis.cancel();
    var text = Array.prototype.map.call(document.querySelectorAll(".speak"), function (el) {
      return el.textContent.trim();
    }).join("。 ");
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    window.speechSynthesis.speak(utterance);
  });
  card.insertBefore(button, card.firstChild);
}());
