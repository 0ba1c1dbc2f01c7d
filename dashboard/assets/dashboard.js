// infinitic dashboard: refreshes the live parts of a page ([data-live]
// elements with an id) every data-refresh seconds, from the same URL.
// Pages work without this script; it only saves reloading them.
(function () {
  "use strict";
  var seconds = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  var state = document.getElementById("live-state");
  if (!seconds || !window.fetch || !window.DOMParser) {
    return;
  }
  var busy = false;

  function openDetails(el) {
    var open = [];
    el.querySelectorAll("details").forEach(function (d, i) {
      if (d.open) { open.push(i); }
    });
    return open;
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live][id]").forEach(function (el) {
          var fresh = next.getElementById(el.id);
          if (!fresh || el.contains(document.activeElement)) {
            return; // someone is using it: next time
          }
          var open = openDetails(el);
          el.innerHTML = fresh.innerHTML;
          var details = el.querySelectorAll("details");
          open.forEach(function (i) { if (details[i]) { details[i].open = true; } });
        });
        ["status"].forEach(function (id) {
          var el = document.getElementById(id), fresh = next.getElementById(id);
          if (el && fresh) { el.outerHTML = fresh.outerHTML; }
        });
        if (state) { state.textContent = "updated " + new Date().toLocaleTimeString(); }
      })
      .catch(function (e) {
        if (state) { state.textContent = "not updated: " + e.message; }
      })
      .then(function () { busy = false; });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); }
  });
})();
