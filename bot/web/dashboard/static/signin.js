// Signing in inside Telegram (a Mini App): Telegram hands the page its signed initData, in
// the address's fragment (tgWebAppData) or through its own script (Telegram.WebApp.initData).
// It is sent to the server, which checks its signature; nothing is loaded from elsewhere.
// In a frame (Telegram's web client: another site, where the SameSite=Lax cookie is neither
// kept nor sent) the server answers with the session itself, kept in this frame's
// sessionStorage for frame.js, and the page is asked for with it in a POST's body.
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

  function framedIn(session) {
    try {
      window.sessionStorage.setItem("dashboard_session", session);
    } catch (e) { /* no storage here: this page only */ }
    var form = document.createElement("form");
    form.method = "post";
    form.action = window.location.pathname + window.location.search;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "session";
    input.value = session;
    form.appendChild(input);
    document.body.appendChild(form);
    form.submit();
  }
  var framed = true;
  try { framed = window.self !== window.top; } catch (e) { framed = true; }
  var waiting = document.getElementById("signin-status");
  var refused = document.getElementById("signin-refused");
  function fail() {
    if (waiting) { waiting.hidden = true; }
    if (refused) { refused.hidden = false; }
  }
  if (waiting) { waiting.hidden = false; }
  fetch(endpoint, {
    method: "POST",
    credentials: "same-origin",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "init_data=" + encodeURIComponent(data) + (framed ? "&frame=1" : "")
  }).then(function (response) {
    if (framed && response.ok) {
      return response.json().then(function (found) { framedIn(found.session); });
    }
    if (response.type === "opaqueredirect" || response.ok) {
      window.location.replace(window.location.pathname + window.location.search);
    } else {
      fail();
    }
  }).catch(fail);
})();
