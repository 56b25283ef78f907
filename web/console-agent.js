// The agent screen pop (GET /console/agent): keeps the server-rendered list live with the event
// stream (GET /console/agent/events, Server-Sent Events). Each event is one pop as JSON
// (docs/API.md); a pop that changes later (link activity) comes again with the same "id" and
// replaces its entry. The browser reconnects by itself, sending Last-Event-ID, and the server
// replays what was missed. Builds the DOM with textContent only: nothing from an event is ever
// parsed as HTML.
(function () {
  "use strict";
  var list = document.getElementById("pops");
  if (!list || !window.EventSource) return;
  var status = document.getElementById("stream-status");
  var announcer = document.getElementById("pop-announcer");
  var empty = document.getElementById("no-pops");
  var kMaxPops = 100;

  function setStatus(text) {
    if (status && status.textContent !== text) status.textContent = text;
  }

  function seconds(ms) {
    return ms < 0 ? "unknown" : (Math.round(ms / 100) / 10).toFixed(1) + " s";
  }

  var linkTexts = { opened: "Link opened", redeemed: "Link confirmed", member_added: "Member added" };

  function row(dl, label, value, cls) {
    if (!value) return;
    var div = document.createElement("div");
    if (cls) div.className = cls;
    var dt = document.createElement("dt");
    dt.textContent = label;
    var dd = document.createElement("dd");
    dd.textContent = value;
    div.appendChild(dt);
    div.appendChild(dd);
    dl.appendChild(div);
  }

  function title(pop) {
    if (!pop.authenticated) return "Unverified caller";
    return pop.name || "Authenticated caller";
  }

  function render(pop) {
    var li = document.createElement("li");
    li.className = "pop " + (pop.authenticated ? "pop-auth" : "pop-unauth");
    li.setAttribute("data-handoff", String(pop.id));
    li.setAttribute("data-seq", String(pop.seq));
    var article = document.createElement("article");
    article.setAttribute("aria-labelledby", "pop-" + pop.id);
    var h2 = document.createElement("h2");
    h2.id = "pop-" + pop.id;
    h2.textContent = title(pop);
    var verdict = document.createElement("p");
    verdict.className = "verdict";
    var badge = document.createElement("span");
    badge.className = "badge " + (pop.authenticated ? "ok" : "warn");
    badge.textContent = pop.authenticated ? "Authenticated" : "Not authenticated";
    verdict.appendChild(badge);
    verdict.appendChild(document.createTextNode(" " + (pop.authenticated ? pop.how + " (" + pop.level + ")" : "")));
    var dl = document.createElement("dl");
    row(dl, "Handed over", pop.at, "at");
    row(dl, "Queue", pop.queue);
    row(dl, "Channel", pop.channel);
    row(dl, "Caller", pop.caller);
    row(dl, "User id", pop.userId);
    row(dl, "Level", pop.custLevel);
    row(dl, "Language", pop.language);
    row(dl, "Time to verdict", seconds(pop.timeToVerdictMs));
    var valid = pop.tokenCheck === "valid";
    row(dl, "Token check", valid ? "valid" : "refused: " + pop.tokenCheck, valid ? "check-ok" : "check-bad");
    row(dl, "Link", linkTexts[pop.link] || "", "link");
    row(dl, "Verdict id", pop.jti, "jti");
    article.appendChild(h2);
    article.appendChild(verdict);
    article.appendChild(dl);
    li.appendChild(article);
    return li;
  }

  function announce(text) {
    if (!announcer) return;
    // Cleared first so the same text twice is still announced.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function onPop(event) {
    var pop;
    try {
      pop = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (typeof pop.id !== "number") return;
    var existing = list.querySelector('li[data-handoff="' + pop.id + '"]');
    if (existing) {
      if (Number(existing.getAttribute("data-seq")) >= pop.seq) return;  // seen already
      list.replaceChild(render(pop), existing);
      if (pop.link) announce(title(pop) + ": " + (linkTexts[pop.link] || pop.link));
      return;
    }
    // Newest first: before the first entry with a smaller id.
    var node = render(pop);
    var before = null;
    for (var i = 0; i < list.children.length; i++) {
      if (Number(list.children[i].getAttribute("data-handoff")) < pop.id) {
        before = list.children[i];
        break;
      }
    }
    list.insertBefore(node, before);
    while (list.children.length > kMaxPops) list.removeChild(list.lastElementChild);
    if (empty) empty.hidden = true;
    announce("New call: " + title(pop) + ", " + (pop.authenticated ? pop.how : "not authenticated") +
             (pop.queue ? ", queue " + pop.queue : ""));
  }

  var source = new EventSource(list.getAttribute("data-stream"));
  source.addEventListener("handoff", onPop);
  // The server ends each stream after a while and the browser reopens it at once (so the
  // session is checked again): say "reconnecting" only when that takes more than a few seconds,
  // so a screen reader does not announce every routine reopening.
  var lostTimer = null;
  source.addEventListener("open", function () {
    if (lostTimer) { clearTimeout(lostTimer); lostTimer = null; }
    setStatus("Live: new calls appear here as they arrive, newest first.");
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      if (lostTimer) { clearTimeout(lostTimer); lostTimer = null; }
      setStatus("Disconnected. Reload the page (you may need to sign in again).");
    } else if (!lostTimer) {
      lostTimer = setTimeout(function () {
        lostTimer = null;
        if (source.readyState !== EventSource.OPEN) setStatus("Connection lost; reconnecting…");
      }, 5000);
    }
  });
})();
