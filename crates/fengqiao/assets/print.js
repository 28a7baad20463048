// A button marked data-print prints the page (a script file, not an inline handler: the
// Content-Security-Policy allows scripts only from /assets).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
