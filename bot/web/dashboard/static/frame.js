// Inside Telegram's web client the Mini App is a cross-site frame, where browsers neither
// keep nor send the session cookie (SameSite=Lax). There the sign-in (signin.js) gets the
// session itself, and this script asks for every page with a POST that carries it in its
// body, never in an address: the links, the sign-out button, a live page's reload. Each
// page so asked for holds the session it was sent (data-session); the frame's
// sessionStorage, where the browser allows it, keeps it for a reload or the back button.
// Anywhere else there is no such session and this does nothing.
(function () {
  "use strict";
  var KEY = "dashboard_session";
  var PREFIX = "/dashboard/";
  var body = document.body;
  var session = body.getAttribute("data-session");
  if (!session) {
    try { session = window.sessionStorage.getItem(KEY); } catch (e) { session = null; }
  }
  if (!session) { return; }

  function forget() {
    try { window.sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
  }
  function field() {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "session";
    input.value = session;
    return input;
  }
  function open(path) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = path;
    form.appendChild(field());
    body.appendChild(form);
    form.submit();
  }
  function here() { return window.location.pathname + window.location.search; }

  if (body.hasAttribute("data-signin")) {
    // Answered to a POST, the session is over (expired, signed out): forget it. Reached by
    // a GET (a reload, the back button), the page is asked for again with the session,
    // unless Telegram hands over initData afresh (signin.js signs in with it).
    if (body.hasAttribute("data-posted")) { forget(); return; }
    if (window.location.hash.indexOf("tgWebAppData") !== -1) { return; }
    open(here());
    return;
  }
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return; }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== window.location.origin) { return; }
    if (link.pathname.indexOf(PREFIX) !== 0 || link.pathname.indexOf(PREFIX + "static/") === 0) {
      return;
    }
    event.preventDefault();
    open(link.pathname + link.search);
  });
  var signout = document.querySelector("form.signout");
  if (signout) {
    signout.addEventListener("submit", function () {
      signout.appendChild(field());
      forget();
    });
  }
  var refresh = parseInt(body.getAttribute("data-refresh") || "", 10);
  if (refresh > 0) { window.setTimeout(function () { open(here()); }, refresh * 1000); }
})();
