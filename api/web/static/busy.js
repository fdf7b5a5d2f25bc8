// Every page: an action that takes more than a moment says it is working. A form sent, or
// a link to another page of the service, that has not brought the next page within 300 ms
// gets aria-busy (shown in app.css: a wait cursor and "…"), and a form is not sent twice.
// Downloads and links within the page are left alone.
(function () {
  const en = document.documentElement.lang === "en";
  const working = en ? "Working…" : "Procesando…";
  const timers = [];

  function busy(control) {
    if (!control || control.getAttribute("aria-busy") === "true") return;
    timers.push(setTimeout(() => {
      control.setAttribute("aria-busy", "true");
      control.setAttribute("title", working);
      document.body.setAttribute("aria-busy", "true");
    }, 300));
    // A download never leaves the page: free it again after a while.
    timers.push(setTimeout(done, 15000));
  }

  function done() {
    timers.splice(0).forEach(clearTimeout);
    document.querySelectorAll("[aria-busy=true]").forEach((c) => {
      c.removeAttribute("aria-busy");
      c.removeAttribute("title");
    });
    document.querySelectorAll("form[data-sent]").forEach((f) => delete f.dataset.sent);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    busy(event.submitter || form.querySelector("[type=submit]"));
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || /\.(csv|xlsx|json)$/.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    busy(link);
  });

  // Back to a page from the browser's cache: nothing is working any more.
  window.addEventListener("pageshow", done);

  // A page still preparing what it shows (data-refresh: seconds) asks again by itself.
  const waiting = document.querySelector("[data-refresh]");
  if (waiting) setTimeout(() => location.reload(), 1000 * Number(waiting.dataset.refresh));
})();
