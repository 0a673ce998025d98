/* Small page behaviours, named by data attributes instead of inline event handlers (the
   Content-Security-Policy runs scripts only from the app's own files):
     data-print                 a button that prints the page
     data-confirm="question"    a submit button that asks first; when the user agrees, the
                                form's `confirm` field is set to 1 (core/confirmation.py: without
                                it the server shows the question on a confirmation page)
     data-autosubmit            a field that submits its form when changed
     data-select-on-focus       a field whose text is selected when focused (to copy it)
     data-navgroup              a <details> group of the main menu: opening one closes the
                                others; a click elsewhere or Escape closes it */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var print = target.closest("[data-print]");
    if (print) { window.print(); return; }
    var ask = target.closest("[data-confirm]");
    if (ask) {
      if (!window.confirm(ask.dataset.confirm)) { event.preventDefault(); return; }
      var field = ask.form ? ask.form.elements.namedItem("confirm") : null;
      if (field instanceof HTMLInputElement) { field.value = "1"; }
    }
  });
  function closeGroups(except) {
    document.querySelectorAll("details[data-navgroup][open]").forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (group instanceof Element && group.hasAttribute("data-navgroup") && group.open) {
      closeGroups(group);
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || !target.closest("details[data-navgroup]")) { closeGroups(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var target = event.target instanceof Element ? event.target : null;
    var group = target && target.closest("details[data-navgroup][open]");
    if (group) { group.open = false; group.querySelector("summary").focus(); }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-autosubmit") && field.form) {
      if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
    }
  });
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
      field.select();
    }
  });
})();
