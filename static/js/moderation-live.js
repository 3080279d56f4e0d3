/* Live crisis alerts for facilitators and admins (loaded on their pages only).
 *
 * Connects to ws(s)://<host>/ws/mod/, asks for what it missed since the last alert this
 * browser saw (kept in localStorage), and shows each new alert as a toast (role=alert,
 * visible until dismissed, no sound). On the review queue a new alert is added at the top
 * with a "refresh the queue" banner; the nav's review count follows the queue.
 * Messages carry severity, group, time and a link, never a post's words.
 * CSP-safe (no inline script, no eval); without WebSocket or storage it does nothing and
 * every page still works. */
(function () {
  "use strict";

  var script = document.currentScript;
  var SOCKET_PATH = (script && script.getAttribute("data-socket")) || "/ws/mod/";
  var QUEUE_URL = (script && script.getAttribute("data-queue-url")) || "/mod/queue/";
  var STORE_KEY = "haven.mod.lastAlertId";
  var MAX_DELAY = 30000;

  if (!("WebSocket" in window) || !window.JSON) { return; }

  function lastSeen() {
    try { return parseInt(window.localStorage.getItem(STORE_KEY), 10) || 0; } catch (e) { return 0; }
  }
  var memoryLast = 0;
  function remember(alertId) {
    memoryLast = Math.max(memoryLast, alertId);
    try {
      if (alertId > lastSeen()) { window.localStorage.setItem(STORE_KEY, String(alertId)); }
    } catch (e) { /* private mode: remember for this page only */ }
  }
  function seen(alertId) { return alertId <= Math.max(memoryLast, lastSeen()); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function where(event) {
    return event.group_name ? "in " + event.group_name : "for the admins";
  }

  /* --- toasts --- */

  var region = null;
  function toastRegion() {
    if (!region) {
      region = el("div", { "class": "mod-toasts", "aria-label": "Crisis alerts" });
      document.body.appendChild(region);
    }
    return region;
  }

  function toast(text, url, severity, linkText) {
    var box = el("div", { "class": "mod-toast mod-toast-" + (severity || 3), "role": "alert" });
    box.appendChild(el("p", { "class": "mod-toast-text" }, text));
    var actions = el("p", { "class": "mod-toast-actions" });
    if (url) { actions.appendChild(el("a", { "href": url, "class": "button button-small" }, linkText || "Open the alert")); }
    var dismiss = el("button", { "type": "button", "class": "button button-secondary button-small" }, "Dismiss");
    dismiss.addEventListener("click", function () { box.parentNode.removeChild(box); });
    actions.appendChild(dismiss);
    box.appendChild(actions);
    toastRegion().appendChild(box);
    while (region.children.length > 4) { region.removeChild(region.firstChild); }
  }

  /* --- the review queue page --- */

  function onQueuePage() { return window.location.pathname === QUEUE_URL; }

  function queueBanner() {
    var banner = document.getElementById("mod-live-banner");
    if (banner) { return banner; }
    banner = el("div", { "id": "mod-live-banner", "class": "card mod-live-banner", "role": "status" });
    banner.appendChild(el("strong", {}, "New crisis alert. "));
    var refresh = el("a", { "href": window.location.pathname + window.location.search }, "Refresh the queue");
    banner.appendChild(refresh);
    banner.appendChild(document.createTextNode(" to see it in context."));
    var list = document.querySelector(".queue-list");
    var nav = document.querySelector(".mod-nav");
    if (list) {
      list.parentNode.insertBefore(banner, list);
    } else if (nav) {
      nav.parentNode.insertBefore(banner, nav.nextSibling);
    } else {
      (document.getElementById("main") || document.body).appendChild(banner);
    }
    return banner;
  }

  function rowFor(event) {
    var links = document.querySelectorAll(".queue-item a[href]");
    for (var i = 0; i < links.length; i += 1) {
      if (links[i].getAttribute("href") === event.url) { return links[i].closest(".queue-item"); }
    }
    return null;
  }

  function showInQueue(event) {
    if (!onQueuePage()) { return; }
    var row = rowFor(event);
    if (row) { row.classList.add("mod-live-new"); return; }
    var banner = queueBanner();
    var list = document.querySelector(".queue-list");
    if (!list) {
      list = el("ol", { "class": "queue-list" });
      banner.parentNode.insertBefore(list, banner.nextSibling);
    }
    row = el("li", { "class": "card queue-item mod-live-new severity-" + event.severity, "data-live-alert": String(event.alert_id) });
    var badges = el("p", { "class": "badges" });
    badges.appendChild(el("span", { "class": "badge alert-severity alert-severity-" + event.severity }, event.severity_label + " crisis alert"));
    badges.appendChild(el("span", { "class": "badge badge-warn" }, "New, not yet acknowledged"));
    if (event.group_name) { badges.appendChild(el("span", { "class": "badge badge-quiet" }, event.group_name)); }
    row.appendChild(badges);
    var title = el("h2", { "class": "queue-title" });
    title.appendChild(el("a", { "href": event.url }, "Open the " + event.severity_label.toLowerCase() + " crisis alert " + where(event)));
    row.appendChild(title);
    list.insertBefore(row, list.firstChild);
  }

  function markChanged(event) {
    var row = rowFor(event) || document.querySelector('[data-live-alert="' + event.alert_id + '"]');
    if (row) { row.setAttribute("data-alert-state", event.state); }
  }

  /* --- the nav badge --- */

  function updateCount(count) {
    var link = document.querySelector('nav[aria-label="Main"] a[href="' + QUEUE_URL + '"]');
    if (!link) { return; }
    var badge = link.querySelector(".badge");
    if (!count) { if (badge) { link.removeChild(badge); } return; }
    if (!badge) {
      badge = el("span", { "class": "badge badge-new" });
      link.appendChild(document.createTextNode(" "));
      link.appendChild(badge);
    }
    badge.textContent = String(count);
    badge.setAttribute("aria-label", count + " waiting");
  }

  /* --- the queue page's live counts (flags, pending posts, join requests) --- */

  function updateQueueCounts(counts) {
    var cells = document.querySelectorAll("[data-queue-count]");
    for (var i = 0; i < cells.length; i += 1) {
      var kind = cells[i].getAttribute("data-queue-count");
      if (typeof counts[kind] === "number") { cells[i].textContent = String(counts[kind]); }
    }
    if (typeof counts.all === "number") { updateCount(counts.all); }
  }

  /* --- events --- */

  function newAlert(event) {
    if (seen(event.alert_id)) { return; }
    remember(event.alert_id);
    toast(event.severity_label + " crisis alert " + where(event) + ". Someone may need help now.",
          event.url, event.severity);
    showInQueue(event);
  }

  function handle(event) {
    if (event.type === "crisis.alert") {
      newAlert(event);
    } else if (event.type === "crisis.catch_up") {
      var fresh = (event.alerts || []).filter(function (a) { return !seen(a.alert_id); });
      if (fresh.length === 1) {
        newAlert(fresh[0]);
      } else if (fresh.length > 1) {
        fresh.forEach(function (a) { remember(a.alert_id); showInQueue(a); });
        toast(fresh.length + (event.more ? "+" : "") + " crisis alerts are waiting for a facilitator.",
              QUEUE_URL, Math.max.apply(null, fresh.map(function (a) { return a.severity; })), "Open the review queue");
      }
    } else if (event.type === "crisis.alert_changed") {
      markChanged(event);
      if (event.state === "open" && event.escalation_level > 0) {
        toast("Still waiting: " + event.severity_label.toLowerCase() + " crisis alert " + where(event) +
              " has not been acknowledged.", event.url, event.severity);
      }
    } else if (event.type === "review.changed" && typeof event.count === "number") {
      updateCount(event.count);
    } else if (event.type === "queue.changed" && event.counts) {
      updateQueueCounts(event.counts);
    }
  }

  /* --- the socket, with back-off and jitter --- */

  var attempts = 0;
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try { socket = new WebSocket(scheme + window.location.host + SOCKET_PATH); } catch (e) { return; }
    socket.onopen = function () {
      attempts = 0;
      document.documentElement.setAttribute("data-mod-live", "connected");
      socket.send(JSON.stringify({ type: "catch_up", since: Math.max(memoryLast, lastSeen()) }));
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      handle(event);
    };
    socket.onclose = function (closed) {
      document.documentElement.setAttribute("data-mod-live", "offline");
      if (closed.code === 4403) { return; } /* not (or no longer) a moderator */
      var delay = Math.min(MAX_DELAY, 1000 * Math.pow(2, attempts));
      attempts += 1;
      window.setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();
