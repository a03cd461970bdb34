// Drop zone of the upload page: a file dropped on the frame goes into the plain file input.
// Without JavaScript, the input works on its own (progressive enhancement only).
(function () {
  "use strict";
  var zone = document.getElementById("zone-depot");
  var champ = document.getElementById("fichier");
  if (!zone || !champ) { return; }
  zone.classList.add("active");

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
    champ.dispatchEvent(new Event("change"));  // fichiers.js says which file was chosen
    champ.focus();
  });
}());
