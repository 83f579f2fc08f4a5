// The debtor workspace: single-key shortcuts and the "?" help overlay.
// Keys live in the page as data-ws-keys="1 n" on the element they act on
// (a radio is chosen, a <details> opens and its first field gets the focus,
// once its form has loaded; anything else is clicked), so the
// help overlay the server renders and the keys never disagree. Keys typed
// into a text field are left alone; Esc leaves the field.
(function () {
  "use strict";

  function typing(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    return !/^(radio|checkbox|button|submit|reset)$/.test(el.type);
  }

  function keyNames(event) {
    var names = [event.key];
    var digit = /^Digit(\d)$/.exec(event.code || "");
    if (event.shiftKey && digit) names.push("Shift+" + digit[1]);
    return names;
  }

  function find(names) {
    var nodes = document.querySelectorAll("[data-ws-keys]");
    for (var i = 0; i < nodes.length; i++) {
      var own = nodes[i].getAttribute("data-ws-keys").split(" ");
      for (var j = 0; j < names.length; j++) {
        if (own.indexOf(names[j]) !== -1) return nodes[i];
      }
    }
    return null;
  }

  function focusFirst(el) {
    var first = el.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    return !!first;
  }

  function activate(el) {
    if (el.tagName === "DETAILS") {
      el.open = true;
      el.scrollIntoView({ block: "nearest" });
      // A side form loads when its panel opens: focus it once htmx has drawn it.
      if (!focusFirst(el)) el.setAttribute("data-ws-focus", "");
    } else if (el.type === "radio") {
      el.checked = true;
      el.focus();
    } else {
      el.click();
    }
  }

  function submit(form) {
    var button = form.querySelector("[data-ws-submit]") || form.querySelector("[type=submit]");
    if (button) button.click();
    else form.requestSubmit();
  }

  function help(show) {
    var overlay = document.getElementById("ws-help");
    if (!overlay) return;
    overlay.hidden = show === undefined ? !overlay.hidden : !show;
    if (!overlay.hidden) overlay.focus();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Escape") {
      help(false);
      if (typing(target)) target.blur();
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target && target.form) {
      event.preventDefault();
      submit(target.form);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    if (event.key === "?") {
      event.preventDefault();
      help();
      return;
    }
    if (event.key === "Enter") {
      if (target && /^(A|BUTTON|SUMMARY)$/.test(target.tagName)) return;
      var form = (target && target.form) || document.getElementById("ws-log-form");
      if (form) {
        event.preventDefault();
        submit(form);
      }
      return;
    }
    if (event.key === "t") {
      var notes = document.querySelector("#ws-log-form textarea");
      if (notes) {
        event.preventDefault();
        notes.focus();
      }
      return;
    }
    if (event.key === "o") {
      var objection = document.querySelector("#script-panel .objections details");
      if (objection) {
        event.preventDefault();
        objection.open = true;
        objection.querySelector("summary").focus();
      }
      return;
    }
    var el = find(keyNames(event));
    if (el) {
      event.preventDefault();
      if (el.hasAttribute("data-ws-help-toggle")) help();
      else activate(el);
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-ws-help-toggle], [data-ws-help-close]");
    if (!el) return;
    help(el.hasAttribute("data-ws-help-toggle") ? undefined : false);
  });

  // The track version in use is the one the script panel shows now (its stage
  // may have changed since the page was drawn).
  document.addEventListener(
    "submit",
    function (event) {
      var panel = document.querySelector("#script-panel [data-track]");
      if (!panel) return;
      var fields = event.target.querySelectorAll("input[name=track]");
      for (var i = 0; i < fields.length; i++) fields[i].value = panel.getAttribute("data-track");
    },
    true
  );

  document.addEventListener("htmx:afterSettle", function () {
    // "No answer, then Next": once the outcome is saved, go on to Next.
    var next = document.querySelector("form[data-ws-autosubmit]");
    if (next) {
      next.removeAttribute("data-ws-autosubmit");
      next.submit();
    }
    // A panel opened by its key whose form has just arrived.
    var waiting = document.querySelectorAll("details[data-ws-focus]");
    for (var i = 0; i < waiting.length; i++) {
      if (focusFirst(waiting[i])) waiting[i].removeAttribute("data-ws-focus");
    }
  });
})();
