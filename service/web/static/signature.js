// The signature pad of the signing page: draw with a finger, a pen or the mouse.
// No inline script (the CSP forbids it): this file is loaded by the page.
(function () {
  "use strict";
  var toile = document.getElementById("pad");
  var formulaire = document.getElementById("formulaire-signature");
  if (!toile || !formulaire || typeof SignaturePad === "undefined") { return; }
  var pad = new SignaturePad(toile, { penColor: "#1f3864", minWidth: 1, maxWidth: 3 });
  function ajuster() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var donnees = pad.toData();
    toile.width = toile.offsetWidth * ratio;
    toile.height = toile.offsetHeight * ratio;
    toile.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(donnees);
  }
  window.addEventListener("resize", ajuster);
  ajuster();
  document.getElementById("effacer").addEventListener("click", function () { pad.clear(); });
  formulaire.addEventListener("submit", function () {
    var fichier = document.getElementById("image");
    if (!pad.isEmpty() && !(fichier && fichier.files.length)) {
      document.getElementById("trace").value = pad.toDataURL("image/png");
    }
  });
}());
