/* The weekly and monthly report (reports/periodic.html) and the towns compared (citycompare):
   shows the Print button, which opens the browser's print dialog. Without JavaScript the page says to use the browser's Print command. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".print-button"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
