// File inputs shown as « Choisir un fichier » (templates/_fichier.html): the chosen file's
// name, in French, beside the button; the browser's own words (« No file chosen ») stay hidden.
(function () {
  "use strict";
  function taille(octets) {
    return octets < 1048576 ? Math.max(1, Math.round(octets / 1024)) + " Ko"
      : (octets / 1048576).toFixed(1).replace(".", ",") + " Mo";
  }
  document.querySelectorAll("input[type=file][data-choisi]").forEach(function (champ) {
    var choisi = document.getElementById(champ.getAttribute("data-choisi"));
    var extensions = (champ.getAttribute("accept") || "").split(",").filter(function (x) {
      return x.charAt(0) === ".";
    });
    function annoncer() {
      var fichier = champ.files && champ.files[0];
      if (!fichier) { choisi.textContent = "Aucun fichier choisi."; return; }
      var attendu = !extensions.length || extensions.some(function (x) {
        return fichier.name.toLowerCase().slice(-x.length) === x.toLowerCase();
      });
      choisi.textContent = "Fichier choisi : " + fichier.name + " (" + taille(fichier.size) + ")" +
        (attendu ? "" : " — attention, ce n’est pas un fichier " + extensions.join(" ou "));
    }
    champ.addEventListener("change", annoncer);
    annoncer();
  });
}());
