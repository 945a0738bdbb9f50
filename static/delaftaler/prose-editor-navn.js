// django-prose-editor's editing area (role="textbox") gets its field's label as its name:
// the <label> points at the textarea the editor hides, which a screen reader never reaches.
(function () {
  "use strict";
  function navngiv() {
    document.querySelectorAll('.prose-editor [role="textbox"]:not([aria-labelledby])').forEach(function (tekst) {
      var omslag = tekst.closest(".prose-editor");
      var felt = omslag && omslag.querySelector("textarea");
      var etiket = felt && felt.id && document.querySelector('label[for="' + felt.id + '"]');
      if (!etiket) {
        return;
      }
      if (!etiket.id) {
        etiket.id = felt.id + "_etiket";
      }
      tekst.setAttribute("aria-labelledby", etiket.id);
    });
  }
  new MutationObserver(navngiv).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", navngiv);
})();
