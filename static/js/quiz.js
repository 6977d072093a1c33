/* Adds to worker pages that already work without it: a live countdown, read-aloud, no double
   submits, and answers sent in the background. On a weak signal each round trip costs seconds, so
   an answer is one request: its response carries the feedback and the next question, which are put
   in place without a page load. Nothing here is needed to take the quiz: a browser without fetch
   (or with JavaScript off) sends the same form as a page. Written for old in-app browsers (WeChat):
   no arrow functions, no let/const, every newer API checked before use. */
(function () {
  "use strict";
  var SLOW_MS = 8000;      /* then say the signal is weak, and offer to send again */
  var GIVE_UP_MS = 30000;  /* then stop waiting (where the browser can) and say it was not sent */
  var quiz = document.getElementById("quiz");
  var canSend = !!(quiz && window.fetch && window.JSON && window.history &&
                   window.history.pushState && window.history.replaceState);
  var countdown = null;
  var upcoming = null;  /* the next question, as the last answer's response brought it */
  var moved = false;    /* this page changed its address: going back loads the page of that address */
  var sending = 0;      /* which send is the current one: an answer to an older one is ignored */

  function startTimer(root, receivedAt) {
    if (countdown !== null) { clearTimeout(countdown); countdown = null; }
    var timer = root.querySelector(".timer[data-remaining]");
    if (!timer) { return; }
    var end = receivedAt + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
    var tick = function () {
      countdown = null;
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (left === 0) { timer.textContent = timer.getAttribute("data-expired"); timer.className = "timer low"; return; }
      var s = left % 60;
      timer.textContent = timer.getAttribute("data-label") + " " + Math.floor(left / 60) + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) { timer.className = "timer low"; }
      countdown = setTimeout(tick, 1000);
    };
    tick();
  }

  function titleFrom(root) {
    var slot = root.querySelector(".slot[data-title]");
    if (slot) { document.title = slot.getAttribute("data-title"); }
  }

  /* The line under the answer button that says how sending goes, with what the worker can do. */
  function say(form, text, actions) {
    var line = form.querySelector(".send-status");
    if (!line) {
      line = document.createElement("div");
      line.className = "send-status";
      line.setAttribute("role", "status");
      form.appendChild(line);
    }
    while (line.firstChild) { line.removeChild(line.firstChild); }
    var words = document.createElement("p");
    words.textContent = text;
    line.appendChild(words);
    (actions || []).forEach(function (action) { line.appendChild(action); });
  }

  function retryButton(form, body) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary retry";
    button.textContent = form.getAttribute("data-retry");
    button.addEventListener("click", function () { send(form, body); });
    return button;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.className = "button secondary";
    a.href = href;
    a.textContent = text;
    return a;
  }

  /* The form's fields as a plain form sends them (smaller than multipart on a weak signal). */
  function encoded(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || ((field.type === "radio" || field.type === "checkbox") && !field.checked)) {
        return;
      }
      parts.push(encodeURIComponent(field.name) + "=" + encodeURIComponent(field.value));
    });
    return parts.join("&");
  }

  function stopped(form, text, actions) {
    form.querySelector("button[type=submit]").disabled = false;
    say(form, text, actions);
  }

  /* Send the answer; a retry sends the same body again (the server records an answer once, so a
     first try that did arrive is not counted twice, and both get the same feedback). */
  function send(form, body) {
    var mine = ++sending;
    var controller = window.AbortController ? new window.AbortController() : null;
    var options = {method: "POST", body: body, credentials: "same-origin",
                   headers: {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}};
    if (controller) { options.signal = controller.signal; }
    form.querySelector("button[type=submit]").disabled = true;
    say(form, form.getAttribute("data-sending"));
    var slow = setTimeout(function () {
      if (mine === sending) { say(form, form.getAttribute("data-slow"), [retryButton(form, body)]); }
    }, SLOW_MS);
    var giveUp = controller ? setTimeout(function () { controller.abort(); }, GIVE_UP_MS) : null;
    var done = function () { clearTimeout(slow); if (giveUp !== null) { clearTimeout(giveUp); } };
    window.fetch(form.getAttribute("action").split("#")[0], options).then(function (response) {
      return response.json().then(function (data) { return [response, data]; },
                                  function () { return [response, null]; });
    }).then(function (got) {
      done();
      if (mine === sending) { received(form, body, got[0], got[1]); }
    }, function () {
      done();
      if (mine === sending) { stopped(form, form.getAttribute("data-offline"), [retryButton(form, body)]); }
    });
  }

  function received(form, body, response, data) {
    if (response.ok && data && data.go) { window.location.href = data.go; return; }
    if (response.ok && data && data.answer) { showAnswer(data); return; }
    if (response.status === 401 && data && data.sign_in) {
      stopped(form, data.message, [link(data.sign_in, form.getAttribute("data-sign-in"))]);
      return;
    }
    if (response.status === 400 && data && data.error === "invalid") { stopped(form, data.message); return; }
    if (response.status >= 500 || response.status === 429) {
      stopped(form, (data && data.message) || form.getAttribute("data-failed"), [retryButton(form, body)]);
      return;
    }
    /* Anything else (an expired form, a quiz that is gone, a page we cannot read): the question's
       own page knows where the worker stands. */
    stopped(form, (data && data.message) || form.getAttribute("data-failed"),
            [link(window.location.pathname, form.getAttribute("data-reload"))]);
  }

  /* The page changed its address without a load: the header's language switch (base.html, built
     by the server for the address the page was loaded at) must bring the worker back here, to the
     question they are on, not to the one the page was first loaded at. */
  function moveTo(url, push) {
    if (push) { window.history.pushState({quiz: true}, "", url); }
    else { window.history.replaceState({quiz: true}, "", url); }
    moved = true;
    var path = url.split("#")[0];
    Array.prototype.forEach.call(document.querySelectorAll("a.lang"), function (a) {
      var href = a.getAttribute("href");
      if (/[?&]next=/.test(href)) {
        a.setAttribute("href", href.replace(/([?&]next=)[^&#]*/, "$1" + encodeURIComponent(path)));
      }
    });
  }

  function showAnswer(data) {
    var receivedAt = Date.now();
    quiz.innerHTML = data.answer.html;
    upcoming = data.next ? {url: data.next.url, html: data.next.html, receivedAt: receivedAt} : null;
    titleFrom(quiz);
    moveTo(data.answer.url, false);
    startTimer(quiz, receivedAt);
    bind();
    var feedback = document.getElementById("feedback");
    if (feedback) {
      feedback.focus();
      if (feedback.scrollIntoView) { feedback.scrollIntoView(true); }
    }
  }

  function showNext() {
    quiz.innerHTML = upcoming.html;
    titleFrom(quiz);
    moveTo(upcoming.url, true);
    startTimer(quiz, upcoming.receivedAt);
    upcoming = null;
    bind();
    window.scrollTo(0, 0);
  }

  function bind() {
    var form = quiz.querySelector("form.answer-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form, encoded(form));
      });
    }
    var onward = quiz.querySelector("a.onward");
    if (onward && upcoming && onward.getAttribute("href") === upcoming.url) {
      onward.addEventListener("click", function (event) {
        if (!upcoming) { return; }
        event.preventDefault();
        showNext();
      });
    }
  }

  startTimer(document, Date.now());
  if (canSend) {
    bind();
    /* Back (or forward) to a question shown in place: load its page, which shows it as it now
       stands (an answered question shows its feedback, never its form again). */
    window.addEventListener("popstate", function () { if (moved) { window.location.reload(); } });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if (canSend && form.className.indexOf("answer-form") !== -1) { return; }
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });

  /* Read-aloud: the scene (who speaks, what they say), then the question and each option with its
     number, then the verdict and the explanation; in the page's language. A phone whose browser
     cannot speak (or has no voice for the language) says so instead of staying silent. */
  var card = quiz || document.querySelector(".card.lesson");
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
