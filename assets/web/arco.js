// arco: small progressive enhancement. Every page works without this file.
// 1) Warns before the session expires, so a half-typed act is not lost.
// 2) Focuses the error summary of a form that came back with errors.
// 3) The acuse's "Imprimir" button.
(function () {
  "use strict";
  var el = document.getElementById("vence-sesion");
  var box = document.getElementById("aviso-sesion");
  if (el && box) {
    var ends = Date.parse(el.getAttribute("data-vence"));
    if (!isNaN(ends)) {
      var warn = function () {
        var left = Math.round((ends - Date.now()) / 60000);
        if (left <= 0) {
          box.textContent = "Su sesión terminó. Copie lo que haya escrito y vuelva a iniciar sesión antes de enviarlo.";
          box.hidden = false;
          return;
        }
        if (left <= 10) {
          box.textContent = "Su sesión vence en " + left + (left === 1 ? " minuto" : " minutos") +
            ". Guarde o copie lo que esté escribiendo.";
          box.hidden = false;
        }
        setTimeout(warn, 30000);
      };
      warn();
    }
  }
  var summary = document.getElementById("resumen-errores");
  if (summary) { summary.focus(); }
  var print = document.querySelector("[data-imprimir]");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
