/* Haven's small progressive enhancement. No inline script anywhere (strict CSP):
 * pages opt in with data- attributes. Without JavaScript every page still works. */
(function () {
  "use strict";

  /* The live thread (ws/threads/<id>/). Events carry ids only; each changed post is
   * fetched from /p/<id>/live/ as this reader may see it. A new reply is put in its
   * place in the tree when that is on screen below the reader; otherwise (long thread,
   * a later page, or the place is above the viewport) the notice counts "N new replies
   * since you opened this page" and nothing moves under the reader. Reconnects with
   * back-off and asks what it missed; without WebSocket it offers a plain reload link. */
  var LONG_THREAD = 60;

  function watchThread(notice) {
    var path = notice.getAttribute("data-thread-socket");
    var offline = document.getElementById("live-offline");
    var container = document.getElementById("thread-posts");
    var liveUrl = notice.getAttribute("data-live-url") || "";
    var lastPage = notice.getAttribute("data-last-page") === "1";
    var since = parseFloat(notice.getAttribute("data-opened-at")) || Date.now() / 1000;
    var unseen = {};
    if (!path || !container) { return; }
    if (!("WebSocket" in window) || !window.fetch || !window.JSON) {
      if (offline) { offline.hidden = false; }
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var attempts = 0;
    var connectedOnce = false;

    function postEl(id) { return document.getElementById("post-" + id); }

    function countUnseen(id) {
      unseen[id] = true;
      var n = Object.keys(unseen).length;
      var link = document.getElementById("live-notice-link");
      if (link) {
        link.textContent = n + (n === 1 ? " new reply" : " new replies") +
          " since you opened this page. Show them";
      }
      notice.hidden = false; /* tell, don't jump content under the reader */
    }

    function fetchPost(id) {
      var url = liveUrl.replace(/\/0\/live\/$/, "/" + id + "/live/");
      return window.fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { return null; }
          return response.text().then(function (html) {
            var holder = document.createElement("template");
            holder.innerHTML = html.trim();
            return holder.content.querySelector("article.post");
          });
        })
        .catch(function () { return null; });
    }

    function activate(node) { if (window.htmx) { window.htmx.process(node); } }

    /* After the parent and all its descendants already shown (tree order by path). */
    function insertionPoint(article) {
      var parentId = article.getAttribute("data-parent-id");
      var parent = parentId ? postEl(parentId) : null;
      if (parentId && !parent) { return null; } /* its parent is on another page */
      var posts = container.querySelectorAll("article.post[data-path]");
      var prefix = parent ? parent.getAttribute("data-path") + "/" : "";
      var mine = article.getAttribute("data-path");
      var after = parent;
      for (var i = 0; i < posts.length; i += 1) {
        var p = posts[i].getAttribute("data-path");
        if ((!parent || p.indexOf(prefix) === 0) && p < mine) { after = posts[i]; }
      }
      return { after: after };
    }

    function created(id) {
      if (postEl(id) || unseen[id]) { return; }
      if (!lastPage || container.querySelectorAll("article.post").length > LONG_THREAD) {
        countUnseen(id);
        return;
      }
      fetchPost(id).then(function (article) {
        if (!article || postEl(id)) { return; }
        var place = insertionPoint(article);
        if (!place) { countUnseen(id); return; }
        var ref = place.after;
        var above = ref ? ref.getBoundingClientRect().bottom < 0 : false;
        if (above) { countUnseen(id); return; }
        article.classList.add("is-live-new");
        if (ref) {
          ref.parentNode.insertBefore(article, ref.nextSibling);
        } else {
          container.appendChild(article);
        }
        activate(article);
      });
    }

    function replaced(id, collapse) {
      var old = postEl(id);
      if (!old) { return; }
      fetchPost(id).then(function (article) {
        var current = postEl(id);
        if (!current) { return; }
        if (!article) { /* no longer visible to this reader: fold it away */
          current.classList.add("is-collapsed");
          current.setAttribute("aria-hidden", "true");
          current.hidden = true;
          return;
        }
        if (collapse) { article.classList.add("is-collapsed"); }
        current.parentNode.replaceChild(article, current);
        activate(article);
      });
    }

    function reacted(id) {
      var old = postEl(id);
      if (!old) { return; }
      fetchPost(id).then(function (article) {
        var current = postEl(id);
        if (!current || !article) { return; }
        var fresh = article.querySelector(".post-actions");
        var stale = current.querySelector(".post-actions");
        if (fresh && stale) { stale.parentNode.replaceChild(fresh, stale); activate(fresh); }
      });
    }

    function handle(event) {
      if (typeof event.at === "number" && event.at > since) { since = event.at; }
      if (event.type === "post.created") { created(event.post_id); }
      else if (event.type === "post.edited") { replaced(event.post_id, false); }
      else if (event.type === "post.deleted") { replaced(event.post_id, true); }
      else if (event.type === "post.reacted") { reacted(event.post_id); }
      else if (event.type === "catch_up") {
        (event.created || []).forEach(created);
        (event.edited || []).forEach(function (id) { replaced(id, false); });
        (event.deleted || []).forEach(function (id) { replaced(id, true); });
        (event.reacted || []).forEach(reacted);
      }
    }

    function connect() {
      var socket;
      try { socket = new WebSocket(scheme + window.location.host + path); } catch (e) {
        if (offline) { offline.hidden = false; }
        return;
      }
      socket.onopen = function () {
        attempts = 0;
        if (offline) { offline.hidden = true; }
        /* also on the first connection: replies posted while the page loaded */
        socket.send(JSON.stringify({ type: "catch_up", since: since }));
        connectedOnce = true;
      };
      socket.onmessage = function (message) {
        var event;
        try { event = JSON.parse(message.data); } catch (e) { return; }
        handle(event);
      };
      socket.onclose = function (closed) {
        if (closed.code === 4401 || closed.code === 4403) { return; }
        attempts += 1;
        if (offline && (attempts > 3 || !connectedOnce)) { offline.hidden = false; }
        var delay = Math.min(30000, 1000 * Math.pow(2, attempts - 1));
        window.setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      };
    }
    connect();
  }

  /* The header's unread-notifications badge, kept live over ws/me/. Closed for good on
   * 4401 (account suspended) or 4403 (signed out); otherwise reconnects with backoff. */
  function watchBadge(link) {
    var path = link.getAttribute("data-notify-socket");
    var badge = link.querySelector("[data-unread-badge]");
    if (!path || !badge || !("WebSocket" in window)) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 1000;
    function show(count) {
      badge.textContent = String(count);
      badge.setAttribute("aria-label", count + " unread");
      badge.hidden = count < 1;
      badge.classList.toggle("badge-new", count > 0);
    }
    function connect() {
      var socket = new WebSocket(scheme + window.location.host + path);
      socket.onopen = function () { delay = 1000; };
      socket.onmessage = function (message) {
        var event;
        try { event = JSON.parse(message.data); } catch (e) { return; }
        if (event.type === "unread" && typeof event.count === "number") { show(event.count); }
      };
      socket.onclose = function (closed) {
        if (closed.code === 4401 || closed.code === 4403) { return; }
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var notice = document.getElementById("live-notice");
    if (notice) { watchThread(notice); }
    var badgeLink = document.getElementById("notifications-link"); if (badgeLink) { watchBadge(badgeLink); }
  });
})();
