// Every page: a form sent or a link marked data-busy that takes more than a moment says it
// is working (aria-busy on the pressed control, styled in app.css), and a second press
// does not send it twice.
(function () {
  const en = document.documentElement.lang === "en";
  const working = en ? "Working…" : "Procesando…";
  function busy(control) {
    if (!control || control.getAttribute("aria-busy") === "true") return false;
    setTimeout(() => {
      control.setAttribute("aria-busy", "true");
      control.setAttribute("title", working);
    }, 300);
    return true;
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // A form whose answer is a download never leaves the page: free it again later.
    setTimeout(() => delete form.dataset.sent, 10000);
    busy(event.submitter || form.querySelector("[type=submit]"));
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-busy]");
    if (link) busy(link);
  });
  // Back to a page from the browser's cache: nothing is working any more.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("[aria-busy=true]").forEach((c) => c.removeAttribute("aria-busy"));
    document.querySelectorAll("form[data-sent]").forEach((f) => delete f.dataset.sent);
  });
})();
