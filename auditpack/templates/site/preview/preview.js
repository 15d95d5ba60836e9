// auditpack serve: reload the page when the site is rebuilt, and show content errors as a banner.
// Injected by the preview server only; never part of a built site.
(function () {
  "use strict";
  var seen = null;
  function banner(text) {
    var box = document.getElementById("auditpack-error");
    if (!text) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "auditpack-error";
      box.setAttribute("role", "alert");
      document.body.prepend(box);
    }
    box.textContent = "The content has problems; this preview shows the last good version.\n\n" + text;
  }
  function check() {
    fetch("/__auditpack__/status", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (seen !== null && status.version !== seen && !status.error) { location.reload(); return; }
        seen = status.version;
        banner(status.error);
      })
      .catch(function () { /* the server is restarting; try again */ })
      .finally(function () { setTimeout(check, 500); });
  }
  check();
})();
