// Drop zone of the upload page: a file dropped on the frame goes into the plain file input.
// Without JavaScript, the input works on its own (progressive enhancement only).
(function () {
  "use strict";
  var zone = document.getElementById("zone-depot");
  var champ = document.getElementById("fichier");
  var choisi = document.getElementById("fichier-choisi");
  if (!zone || !champ) { return; }
  zone.classList.add("active");

  function annoncer() {
    var fichier = champ.files && champ.files[0];
    if (!fichier) { choisi.textContent = "Aucun fichier choisi."; return; }
    var taille = fichier.size < 1048576 ? Math.max(1, Math.round(fichier.size / 1024)) + " Ko"
      : (fichier.size / 1048576).toFixed(1).replace(".", ",") + " Mo";
    choisi.textContent = "Fichier choisi : " + fichier.name + " (" + taille + ")" +
      (/\.docx$/i.test(fichier.name) ? "" : " — attention, ce n’est pas un fichier .docx");
  }

  ["dragenter", "dragover"].forEach(function (nom) {
    zone.addEventListener(nom, function (e) {
      e.preventDefault();
      zone.classList.add("survol");
    });
  });
  ["dragleave", "drop"].forEach(function (nom) {
    zone.addEventListener(nom, function (e) {
      e.preventDefault();
      if (nom === "dragleave" && zone.contains(e.relatedTarget)) { return; }
      zone.classList.remove("survol");
    });
  });
  zone.addEventListener("drop", function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
    champ.files = e.dataTransfer.files;
    annoncer();
    champ.focus();
  });
  champ.addEventListener("change", annoncer);
  annoncer();
}());
