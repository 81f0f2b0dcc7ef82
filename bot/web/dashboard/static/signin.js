// Signing in inside Telegram (a Mini App): Telegram hands the page its signed initData, in
// the address's fragment (tgWebAppData) or through its own script (Telegram.WebApp.initData).
// It is sent to the server, which checks its signature; nothing is loaded from elsewhere.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-auth");
  if (!endpoint) { return; }
  var data = "";
  var app = window.Telegram && window.Telegram.WebApp;
  if (app && typeof app.initData === "string") { data = app.initData; }
  if (!data && window.location.hash.length > 1) {
    data = new URLSearchParams(window.location.hash.slice(1)).get("tgWebAppData") || "";
  }
  if (!data) { return; }
  var waiting = document.getElementById("signin-status");
  var refused = document.getElementById("signin-refused");
  if (waiting) { waiting.hidden = false; }
  fetch(endpoint, {
    method: "POST",
    credentials: "same-origin",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "init_data=" + encodeURIComponent(data)
  }).then(function (response) {
    if (response.type === "opaqueredirect" || response.ok) {
      window.location.replace(window.location.pathname + window.location.search);
    } else {
      if (waiting) { waiting.hidden = true; }
      if (refused) { refused.hidden = false; }
    }
  }, function () {
    if (waiting) { waiting.hidden = true; }
    if (refused) { refused.hidden = false; }
  });
})();
