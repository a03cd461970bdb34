// The error summary of a form: focused when the page opens, so the person hears how many
// errors there are and where; each link puts the focus in its field, with its label in view
// (a plain #fragment link would scroll to the input and leave the focus on the link).
(function () {
  "use strict";
  var resume = document.getElementById("resume-erreurs");
  if (!resume) { return; }
  if (document.activeElement !== resume) { resume.focus(); }
  resume.addEventListener("click", function (e) {
    var lien = e.target.closest("a[href^='#']");
    var champ = lien && document.getElementById(lien.getAttribute("href").slice(1));
    if (!champ) { return; }
    e.preventDefault();
    (champ.closest(".champ, fieldset") || champ).scrollIntoView();
    champ.focus({ preventScroll: true });
  });
}());
