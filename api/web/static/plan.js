// Watches a running plan through the page's progress route and reloads the page when it finishes.
(function () {
  const box = document.getElementById("progress");
  if (!box) return;
  const id = box.dataset.plan;
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  const en = document.documentElement.lang === "en";
  const words = en
    ? { best: "best plan so far", bound: "bound", gap: "gap", s: "s elapsed", wait: "Waiting for the solver…" }
    : { best: "mejor plan hasta ahora", bound: "cota", gap: "brecha", s: "s transcurridos", wait: "Esperando al calculador…" };
  async function poll() {
    try {
      const response = await fetch("/plans/" + id + "/progress", { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const plan = await response.json();
      if (plan.status !== "queued" && plan.status !== "running") {
        window.location.reload();
        return;
      }
      const p = plan.progress || {};
      const parts = [];
      if (plan.elapsed_seconds != null) {
        bar.value = Math.min(plan.elapsed_seconds, Number(bar.max));
        parts.push(plan.elapsed_seconds.toFixed(0) + " " + words.s);
      }
      if (p.objective != null) parts.push(words.best + ": " + p.objective.toFixed(1));
      if (p.bound != null) parts.push(words.bound + ": " + p.bound.toFixed(1));
      if (p.gap != null) parts.push(words.gap + ": " + (100 * p.gap).toFixed(1) + " %");
      text.textContent = parts.length ? parts.join(" · ") : words.wait;
    } catch (error) {
      text.textContent = words.wait;
    }
    setTimeout(poll, 1500);
  }
  poll();
})();
