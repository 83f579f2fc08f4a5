// The queue page: N claims and opens the next debtor. Keys typed into a form
// field are left alone.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (event.key === "n" || event.key === "N") {
      var form = document.getElementById("queue-next-form");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  });
})();
