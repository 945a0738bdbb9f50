/* Opfølgningens indtastningsgitter: tjek tallene, mens de skrives.
 *
 * Samme regler og samme danske beskeder som serveren (indikatorer/forms.py DanskTalField,
 * delaftaler/forms_opfoelgning.py MaalingForm), så det er serveren, der afgør, og siden
 * virker uden JavaScript. Markup, scriptet bruger:
 *   - input[data-tal]: et tal på dansk (11,3 · 56,20 · 1.234 · 1.234,5); data-procent: 0–100;
 *   - input[data-begrundelse-for="<navn på afkrydsningsfeltet>"]: påkrævet, når
 *     »Ikke tilgængelig« er markeret, og så skal værdien være tom.
 * En fejl vises som dkfds' .form-error-message foran feltet med id "<feltets id>_error",
 * feltet får aria-invalid og aria-describedby – som når serveren viser fejlen.
 */
(function () {
  "use strict";

  var BESKED = {
    tal: "Skriv et tal, fx 11,3 eller 47.",
    komma: "Brug komma som decimaltegn, fx 1,5.",
    decimaler: "Højst fire decimaler.",
    stort: "Tallet er for stort.",
    negativ: "Værdien kan ikke være negativ.",
    procent: "En procentsats skal ligge mellem 0 og 100.",
    begrundelse: "Skriv hvorfor værdien ikke er tilgængelig.",
    begge: "Slet værdien, eller fjern markeringen »ikke tilgængelig«."
  };
  /* Som indikatorer/tal.py: punktum og mellemrum grupperer kun tusinder (1.500 · 12.345,6). */
  var TAL = /^([+-]?)(\d+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+)?(?:,(\d+))?$/;
  var PUNKTUM_TAL = /^[+-]?[\d.,]*\.[\d.,]*$/;

  /* Som indikatorer/tal.py fortolk_tal: {vaerdi, decimaler}, eller {fejl} med beskeden. */
  function fortolk(tekst) {
    var renset = tekst
      .replace(/[\u00a0\u202f]/g, " ")
      .replace(/\u2212/g, "-")
      .trim();
    if (renset.slice(-1) === "%") {
      renset = renset.slice(0, -1).trim();
    }
    var fundet = TAL.exec(renset);
    if (!fundet || !(fundet[2] || fundet[3])) {
      return { fejl: PUNKTUM_TAL.test(renset) ? BESKED.komma : BESKED.tal };
    }
    var heltal = (fundet[2] || "0").replace(/[. ]/g, "");
    var brok = fundet[3] || "";
    return {
      vaerdi: parseFloat(fundet[1] + heltal + (brok ? "." + brok : "")),
      decimaler: brok.length
    };
  }

  function felt(form, navn) {
    return navn ? form.elements.namedItem(navn) : null;
  }

  function prefiks(input) {
    return input.name.slice(0, input.name.lastIndexOf("-") + 1);
  }

  function talfejl(input) {
    var tekst = input.value.trim();
    if (!tekst) {
      return "";
    }
    var tal = tekst.length > 20 ? { fejl: BESKED.tal } : fortolk(tekst);
    if (tal.fejl) {
      return tal.fejl;
    }
    if (tal.decimaler > 4) {
      return BESKED.decimaler;
    }
    if (Math.abs(tal.vaerdi) >= 1e8) {
      return BESKED.stort;
    }
    if (tal.vaerdi < 0) {
      return BESKED.negativ;
    }
    if (input.dataset.procent && tal.vaerdi > 100) {
      return BESKED.procent;
    }
    if (input.name.slice(-7) === "-vaerdi") {
      var afkrydset = felt(input.form, prefiks(input) + "ikke_tilgaengelig");
      if (afkrydset && afkrydset.checked) {
        return BESKED.begge;
      }
    }
    return "";
  }

  function begrundelsesfejl(input) {
    var afkrydset = felt(input.form, input.dataset.begrundelseFor);
    return afkrydset && afkrydset.checked && !input.value.trim() ? BESKED.begrundelse : "";
  }

  function beskrevetAf(input, id, med) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (med) {
      ids.push(id);
    }
    if (ids.length) {
      input.setAttribute("aria-describedby", ids.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  function vis(input, besked) {
    var id = input.id + "_error";
    var boks = document.getElementById(id);
    var celle = input.closest("td, .form-group");
    if (besked) {
      if (!boks) {
        boks = document.createElement("span");
        boks.className = "form-error-message";
        boks.id = id;
        input.parentNode.insertBefore(boks, input);
      }
      boks.textContent = "";
      var skjult = document.createElement("span");
      skjult.className = "sr-only";
      skjult.textContent = "Fejl: ";
      boks.appendChild(skjult);
      boks.appendChild(document.createTextNode(besked));
      input.setAttribute("aria-invalid", "true");
      beskrevetAf(input, id, true);
      if (celle) {
        celle.classList.add("form-error");
      }
    } else {
      if (boks) {
        boks.remove();
      }
      input.removeAttribute("aria-invalid");
      beskrevetAf(input, id, false);
      if (celle) {
        celle.classList.remove("form-error");
      }
    }
    return !besked;
  }

  function tjek(input) {
    if (input.disabled) {
      return true;
    }
    if (input.dataset.tal) {
      return vis(input, talfejl(input));
    }
    if (input.dataset.begrundelseFor) {
      return vis(input, begrundelsesfejl(input));
    }
    return true;
  }

  function start() {
    var form = document.getElementById("indtastning");
    if (!form) {
      return;
    }
    var felter = form.querySelectorAll("input[data-tal], input[data-begrundelse-for]");
    var roert = new WeakSet();
    Array.prototype.forEach.call(felter, function (input) {
      input.addEventListener("input", function () {
        roert.add(input);
        tjek(input);
      });
      input.addEventListener("blur", function () {
        roert.add(input);
        tjek(input);
      });
    });
    form.addEventListener("change", function (haendelse) {
      var afkrydset = haendelse.target;
      if (afkrydset.type !== "checkbox" || afkrydset.name.slice(-18) !== "-ikke_tilgaengelig") {
        return;
      }
      var p = prefiks(afkrydset);
      var vaerdi = felt(form, p + "vaerdi");
      var begrundelse = felt(form, p + "begrundelse");
      if (vaerdi) {
        tjek(vaerdi);
      }
      if (begrundelse && (roert.has(begrundelse) || !afkrydset.checked)) {
        tjek(begrundelse);
      }
    });
    form.addEventListener("submit", function (haendelse) {
      var foerste = null;
      Array.prototype.forEach.call(felter, function (input) {
        if (!tjek(input) && !foerste) {
          foerste = input;
        }
      });
      if (foerste) {
        haendelse.preventDefault();
        /* Et valgfrit felt kan stå i en lukket <details> under rækken: fold den ud. */
        var detaljer = foerste.closest("details");
        if (detaljer) {
          detaljer.open = true;
        }
        foerste.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
