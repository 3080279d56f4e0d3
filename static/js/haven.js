/* Haven's small progressive enhancement. No inline script anywhere (strict CSP):
 * pages opt in with data- attributes. Without JavaScript every page still works. */
(function () {
  "use strict";

  function watchThread(notice) {
    var path = notice.getAttribute("data-thread-socket");
    if (!path || !("WebSocket" in window)) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 1000;
    function connect() {
      var socket = new WebSocket(scheme + window.location.host + path);
      socket.onopen = function () { delay = 1000; };
      socket.onmessage = function (message) {
        var event;
        try { event = JSON.parse(message.data); } catch (e) { return; }
        if (event.type === "post.created" && !document.getElementById("post-" + event.post_id)) {
          notice.hidden = false; /* tell, don't jump content under the reader */
        }
      };
      socket.onclose = function (closed) {
        if (closed.code === 4403) { return; }
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var notice = document.getElementById("live-notice");
    if (notice) { watchThread(notice); }
  });
})();
