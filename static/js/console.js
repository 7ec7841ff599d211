// Agent Console: the one small script of our own (CSP allows only same-origin scripts).
// - opens the shared <dialog> when htmx swaps a dialog body into it, and moves focus in;
// - closes it when a dialog form succeeds (204) or Cancel is pressed (Esc is native);
// - briefly shows the message every HX-Trigger event carries.
(function () {
  "use strict";

  function dialog() {
    return document.getElementById("dialog");
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var d = dialog();
    if (!d || event.detail.target !== d) return;
    if (!d.open) d.showModal();
    // A field marked autofocus, else the title: the dialog opens at its top, and no
    // confirming button ever has focus by default.
    // A form sent back with errors: its first invalid field.
    var focus = d.querySelector("[aria-invalid=true]") || d.querySelector("[autofocus]") ||
      d.querySelector("#dialog-title");
    if (focus) {
      if (!focus.matches("input, select, textarea, button")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  });

  // Focus never falls to the page after a swap: when the focused element was
  // replaced, it goes to the first invalid field (a failed save: the error summary
  // above lists them all), else to the first new row (Load more), else to the
  // updated panel's heading. Dialogs are handled above.
  // Swaps in flight, by target: a save's events refresh other panels meanwhile.
  var swaps = new WeakMap();
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target === dialog()) return;
    var active = document.activeElement;
    // A request's own button is disabled while it runs, which drops focus to the
    // page: count that as focus inside the target too. An element that fetches itself
    // (polling, loading after the page) had no focus: it never takes it.
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    var lost = (!active || active === document.body) && elt !== target;
    swaps.set(target, {
      target: target,
      id: target.id,
      parent: target.parentElement,
      previous: target.previousElementSibling,
      hadFocus: lost ? !!elt && target.contains(elt) : target.contains(active),
    });
  });
  function focusable(el) {
    if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) el.setAttribute("tabindex", "-1");
    return el;
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var was = event.detail.target && swaps.get(event.detail.target);
    if (!was) return;
    swaps.delete(was.target);
    if (!was.hadFocus) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var region = document.contains(was.target) ? was.target : (was.id && document.getElementById(was.id));
    var first = null;
    if (!region) {
      first = was.previous ? was.previous.nextElementSibling : was.parent && was.parent.firstElementChild;
      if (!first) return;
      focusable(first).focus();
      return;
    }
    var invalid = region.querySelector("[aria-invalid=true]");
    if (invalid) {
      invalid.scrollIntoView({block: "center"});
      invalid.focus({preventScroll: true});
      return;
    }
    var summary = region.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return;
    }
    var heading = region.querySelector("h1, h2, h3") || region;
    focusable(heading).focus({preventScroll: true});
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var d = dialog();
    var xhr = event.detail.xhr;
    if (d && d.open && xhr && xhr.status === 204 && d.contains(event.detail.elt)) {
      // The dialog acted: focus goes to the heading of the panel it was opened
      // from (that panel is being redrawn), not to a button that may be gone.
      var section = dialogOpener && dialogOpener.section && document.getElementById(dialogOpener.section);
      d.close();
      var heading = section && (section.querySelector("h1, h2, h3") || section);
      if (heading) {
        focusable(heading).focus({preventScroll: true});
        pendingSection = section.id;
        clearTimeout(pendingTimer);
        pendingTimer = setTimeout(function () { pendingSection = null; }, 3000);
      }
    }
  });

  // While a form's request runs, its submit buttons are disabled and show progress.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.tagName !== "FORM") return;
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.tagName !== "FORM") return;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });

  // Compare opened from the history: bring it into view and move focus to its title;
  // Close gives focus back to the button that opened it.
  var compareOpener = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.target && event.detail.target.id === "compare-panel") compareOpener = event.detail.elt;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "compare-panel") return;
    var title = event.detail.target.querySelector("#compare-title");
    if (!title) return;
    title.setAttribute("tabindex", "-1");
    title.scrollIntoView({block: "start"});
    title.focus({preventScroll: true});
  });

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.value).then(function () { toast("Copied."); },
          function () { source.select(); toast("Press Ctrl+C to copy."); });
      } else if (source) {
        source.select();
      }
      return;
    }
    var clear = event.target.closest("[data-clear]");
    if (clear) {
      var target = document.querySelector(clear.getAttribute("data-clear"));
      if (target) {
        event.preventDefault();
        target.replaceChildren();
        // The address showed the comparison: back to the page's own.
        var url = clear.getAttribute("data-url");
        if (url) history.replaceState(history.state, "", url);
        if (compareOpener && document.contains(compareOpener)) compareOpener.focus();
        return;
      }
    }
    // Error summary links move focus to the field, not only the scroll position.
    var problem = event.target.closest("[data-error-summary] a[href^='#']");
    if (problem) {
      var field = document.getElementById(problem.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({block: "center"});
        focusable(field).focus({preventScroll: true});
      }
      return;
    }
    var button = event.target.closest("[data-close-dialog]");
    if (!button) return;
    var d = button.closest("dialog");
    if (d) {
      event.preventDefault();
      d.close();
    } else {
      window.history.back();
    }
  });

  // What opened the dialog, to give focus back to when it closes. When a refresh
  // replaced that button meanwhile (a release redraws the history), focus goes to
  // the same button redrawn, else to the heading of the panel it was in.
  var dialogOpener = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var d = dialog();
    if (d && event.detail.target === d && !d.contains(event.detail.elt)) {
      var elt = event.detail.elt;
      var section = elt.closest("section[id]");
      dialogOpener = {elt: elt, get: elt.getAttribute("hx-get"), section: section && section.id};
    }
  });

  document.addEventListener("close", function (event) {
    if (event.target !== dialog()) return;
    event.target.replaceChildren();
    var was = dialogOpener;
    dialogOpener = null;
    var active = document.activeElement;
    if (!was || (active && active !== document.body && document.contains(active))) return;
    var again = was.get && Array.prototype.find.call(
      document.querySelectorAll("[hx-get]"), function (el) { return el.getAttribute("hx-get") === was.get; });
    var section = was.section && document.getElementById(was.section);
    var heading = section && (section.querySelector("h1, h2, h3") || section);
    var to = again || heading;
    if (to) focusable(to).focus({preventScroll: !!again});
    // A refresh still on its way may replace what just got focus: until it lands,
    // a focus that falls to the page goes back to that panel.
    pendingSection = was.section;
    clearTimeout(pendingTimer);
    pendingTimer = setTimeout(function () { pendingSection = null; }, 3000);
  }, true);

  var pendingSection = null;
  var pendingTimer;
  document.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    if (!pendingSection || (active && active !== document.body && document.contains(active))) return;
    var d = dialog();
    if (d && d.open) return;
    var section = document.getElementById(pendingSection);
    var heading = section && (section.querySelector("h1, h2, h3") || section);
    if (heading) focusable(heading).focus({preventScroll: true});
  });

  // Acting on a row that the refresh then removes (Acknowledge an alert): focus
  // goes to the list's heading at once, and comes back there if the redraw that
  // follows drops it, never to the top of the page.
  document.addEventListener("htmx:afterRequest", function (event) {
    var row = event.detail.elt.closest && event.detail.elt.closest("[data-refocus-list] > li");
    var section = row && row.closest("section[id]");
    if (!section || !event.detail.successful) return;
    var heading = section.querySelector("h1, h2") || section;
    focusable(heading).focus({preventScroll: true});
    pendingSection = section.id;
    clearTimeout(pendingTimer);
    pendingTimer = setTimeout(function () { pendingSection = null; }, 3000);
  });

  // The draft editor: "Unsaved edits" once a field changes, a warning before leaving
  // the page with them, and the Restore dialog says they would be lost.
  function dirtyForm() {
    return document.querySelector("form[data-dirty-track][data-dirty]");
  }

  function markDirty(event) {
    var form = event.target.closest && event.target.closest("form[data-dirty-track]");
    if (!form || form.dataset.dirty) return;
    form.dataset.dirty = "1";
    var label = form.querySelector("[data-dirty-label]");
    if (label) label.hidden = false;
    var saved = form.querySelector("[data-saved-label]");
    if (saved) saved.hidden = true;
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  // Presence heartbeats say whether this viewer has unsaved edits ("editing").
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.hasAttribute("data-presence")) return;
    event.detail.parameters.editing = dirtyForm() ? "1" : "0";
  });

  document.addEventListener("submit", function (event) {
    // A normal (non-htmx) submit leaves the page on purpose.
    var form = event.target;
    if (form.matches("[data-dirty-track]") && !form.hasAttribute("hx-post")) delete form.dataset.dirty;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirtyForm()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var d = dialog();
    if (!d || event.detail.target !== d || !dirtyForm()) return;
    d.querySelectorAll("[data-if-dirty]").forEach(function (el) { el.hidden = false; });
    // What only holds for the saved draft goes: its revision, its diff and the
    // button that would snapshot it (so Enter cannot pick it either).
    d.querySelectorAll("[data-if-clean]").forEach(function (el) { el.remove(); });
  });

  // Times typed in datetime-local fields are the operator's local time: send the
  // browser's offset along (the server stores UTC) and say which zone that is.
  function localZones(root) {
    root.querySelectorAll("[data-tz-offset]").forEach(function (input) {
      input.value = String(new Date().getTimezoneOffset());
    });
    root.querySelectorAll("[data-tz-name]").forEach(function (el) {
      var zone = "";
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
      var minutes = -new Date().getTimezoneOffset();
      var sign = minutes >= 0 ? "+" : "-";
      var abs = Math.abs(minutes);
      var hh = String(Math.floor(abs / 60)).padStart(2, "0");
      var mm = String(abs % 60).padStart(2, "0");
      el.textContent = "Your time zone: " + (zone ? zone + " " : "") + "(UTC" + sign + hh + ":" + mm + "); stored in UTC.";
    });
  }
  document.addEventListener("htmx:afterSettle", function () { localZones(document); });
  document.addEventListener("DOMContentLoaded", function () { localZones(document); });
  // "When: Now / At": the time is one control that only takes part once "At" is
  // chosen, so Tab goes from the radio group (arrow keys move inside it) to what
  // follows instead of through the date's parts, and Enter releases now; with "At"
  // the time is the next Tab stop. Without JavaScript the time field is always there.
  function syncWhen(root) {
    root.querySelectorAll("[data-when]").forEach(function (group) {
      var later = group.querySelector("input[type=radio][value=later]");
      var at = group.querySelector("input[type=datetime-local]");
      if (later && at) at.disabled = !later.checked;
    });
  }
  document.addEventListener("change", function (event) {
    var group = event.target.closest && event.target.closest("[data-when]");
    if (!group || event.target.type !== "radio") return;
    syncWhen(group.parentNode);
  });
  document.addEventListener("htmx:afterSettle", function () { syncWhen(document); });
  document.addEventListener("DOMContentLoaded", function () { syncWhen(document); });

  // Links styled as buttons (they open dialogs and panels) answer Space like buttons.
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || !event.target.matches || !event.target.matches("a.button")) return;
    event.preventDefault();
    event.target.click();
  });

  // Chat boxes: Enter sends, Shift+Enter (or an input method composing) adds a line.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!box.matches || !box.matches("textarea[data-enter-sends]")) return;
    event.preventDefault();
    if (box.value.trim() && box.form) box.form.requestSubmit();
  });

  // Channel form: the live total of the A/B weights.
  function updateWeightTotal() {
    var out = document.querySelector("[data-weight-total]");
    if (!out) return;
    var total = 0;
    var any = false;
    document.querySelectorAll("[data-weight]").forEach(function (input) {
      if (input.value !== "") {
        any = true;
        total += parseInt(input.value, 10) || 0;
      }
    });
    out.textContent = any ? String(total) : "—";
    out.classList.toggle("error", any && total !== 100);
    var warning = document.querySelector("[data-weight-warning]");
    if (warning) warning.hidden = !(any && total !== 100);
  }
  // A form that came back with problems: focus goes to the first field named.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("form[data-focus-invalid] [aria-invalid=true]");
    if (invalid) invalid.focus();
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-weight]")) updateWeightTotal();
  });
  document.addEventListener("DOMContentLoaded", updateWeightTotal);

  var toastTimer;
  function toast(text) {
    var el = document.getElementById("toast");
    if (!el || !text) return;
    el.textContent = text;
    el.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.classList.remove("show"); }, 3000);
  }
  // Every event a view sends (HX-Trigger) carries the message to show; the event
  // names themselves live in agents/views/htmx.py, so nothing here lists them.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var header = xhr && xhr.getResponseHeader("HX-Trigger");
    if (!header || header.charAt(0) !== "{") return;
    var events;
    try { events = JSON.parse(header); } catch (e) { return; }
    Object.keys(events).forEach(function (name) {
      var detail = events[name];
      if (detail && detail.message) toast(detail.message);
    });
  });
})();
