// The debtor workspace: single-key shortcuts and the "?" help overlay.
// Keys live in the page as data-ws-keys="1 b" on the element they act on
// (a radio is chosen, a <details> opens and its first field gets the focus,
// once its form has loaded; anything else is clicked), so the
// help overlay the server renders and the keys never disagree. Keys typed
// into a text field are left alone; Esc leaves the field.
//
// No bare key logs a call: an outcome key only chooses the outcome (and puts
// the focus on it), Enter then saves the form the focus is in, never another
// one. N is Next, as on the queue. Enter inside [data-ws-no-enter] does
// nothing; a field marked data-ws-select selects its value when the focus
// comes in, so typing replaces a prefilled amount.
(function () {
  "use strict";

  function typing(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    return !/^(radio|checkbox|button|submit|reset)$/.test(el.type);
  }

  function keyNames(event) {
    // Shift with a digit is its own key ("Shift+1"), never the bare digit.
    var digit = /^Digit(\d)$/.exec(event.code || "");
    if (event.shiftKey && digit) return ["Shift+" + digit[1]];
    return [event.key];
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
    var noEnter = target && target.closest && target.closest("[data-ws-no-enter]");
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && noEnter) {
      event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    if (event.key === "?") {
      event.preventDefault();
      help();
      return;
    }
    if (event.key === "Enter") {
      // Only the form the focus is in: with the focus nowhere, Enter does nothing.
      if (target && /^(A|BUTTON|SUMMARY)$/.test(target.tagName)) return;
      if (target && target.form) {
        event.preventDefault();
        submit(target.form);
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

  function selects(el) {
    return !!(el && el.hasAttribute && el.hasAttribute("data-ws-select") && el.select);
  }

  document.addEventListener("focusin", function (event) {
    if (selects(event.target)) event.target.select();
  });

  // A click into the field places the caret after the focus came in: select
  // again once the button is up (a click in a field already focused is left be).
  var clicked = null;
  document.addEventListener("mousedown", function (event) {
    clicked = selects(event.target) && event.target !== document.activeElement ? event.target : null;
  });
  document.addEventListener("mouseup", function (event) {
    if (clicked && event.target === clicked) {
      event.preventDefault();
      clicked.select();
    }
    clicked = null;
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

  document.addEventListener("htmx:afterSettle", function (event) {
    // A form sent back names where the focus goes (autofocus: the first
    // instalment after a split, the first field in error); htmx would put it
    // back in the field it was in before.
    var wanted = event.target.querySelector && event.target.querySelector("[autofocus]");
    if (wanted && wanted !== document.activeElement) wanted.focus();
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
