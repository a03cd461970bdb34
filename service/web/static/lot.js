// Live progress of a lot: asks the service every second, survives a refresh (state is server-side).
(function () {
  "use strict";
  var bloc = document.getElementById("lot");
  if (!bloc) { return; }
  var barre = document.getElementById("avancement");
  var texte = document.getElementById("texte-avancement");
  var lien = document.getElementById("telechargement");
  var annulation = document.getElementById("annulation");
  var echec = document.getElementById("echec");
  var raison = document.getElementById("raison");
  var continue_ = document.getElementById("continue");
  var suppression = document.getElementById("suppression");
  function fini() {  // nothing left to cancel, nothing going on: the lot may be deleted
    if (annulation) { annulation.hidden = true; }
    if (continue_) { continue_.hidden = true; }
    if (suppression) { suppression.hidden = false; }
  }
  function suivre() {
    fetch(bloc.dataset.etat, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (etat) {
        barre.max = etat.total;
        barre.value = etat.faits;
        barre.textContent = etat.faits + " / " + etat.total;
        texte.textContent = etat.texte;
        if (etat.zip) { lien.hidden = false; fini(); return; }
        if (etat.etat === "echoue") {  // the bar stops, and says why instead of « en cours »
          raison.textContent = etat.raison || "";
          echec.hidden = false;
          fini();
          return;
        }
        if (etat.etat === "annule") { fini(); return; }
        setTimeout(suivre, 1000);
      })
      .catch(function () { setTimeout(suivre, 3000); });
  }
  suivre();
}());
