// The plan page: follows a queued or running plan (queue position, the solver's best plan
// and bound over time, time left) and reloads when it finishes; in the decision form, names
// the family's planned city, which a decision without a city is about.
(function () {
  const en = document.documentElement.lang === "en";
  const words = en
    ? { best: "best plan so far", bound: "bound", gap: "at most this far from the best possible plan", left: "s left at most", s: "s elapsed",
        wait: "Waiting for the first result…", queued: "Queued", position: "position", next: "Starts when a running plan finishes.",
        running: "Running", planned: "The plan's city" }
    : { best: "mejor plan hasta ahora", bound: "cota", gap: "distancia máxima al mejor plan posible", left: "s restantes como máximo", s: "s transcurridos",
        wait: "Esperando el primer resultado del cálculo…", queued: "En cola", position: "posición", next: "Empieza cuando termine un cálculo en curso.",
        running: "Calculando", planned: "La ciudad del plan" };

  const family = document.getElementById("d-family");
  const city = document.getElementById("d-city");
  if (family && city) {
    const name = () => {
      const planned = family.selectedOptions[0] && family.selectedOptions[0].dataset.city;
      city.options[0].textContent = planned ? city.dataset.planned + " (" + planned + ")" : city.dataset.planned;
    };
    family.addEventListener("change", name);
    name();
  }

  const box = document.getElementById("progress");
  if (!box) return;
  const id = box.dataset.plan;
  const limit = Number(box.dataset.limit) || 60;
  const state = document.getElementById("progress-state");
  const text = document.getElementById("progress-text");
  const chart = document.getElementById("progress-chart");

  function bar(queued, elapsed) {
    // Queued: an indeterminate bar (no value), never a full one.
    const old = document.getElementById("progress-bar");
    if (queued) { old.removeAttribute("value"); return; }
    old.max = limit;
    old.value = Math.min(elapsed || 0, limit);
  }

  function draw(history) {
    const points = (history || []).filter((h) => h[1] != null || h[2] != null);
    if (points.length < 2) return;
    const values = points.flatMap((h) => [h[1], h[2]]).filter((v) => v != null);
    const lo = Math.min(...values), hi = Math.max(...values);
    const t1 = Math.max(points[points.length - 1][0], 1);
    const x = (t) => (300 * t) / t1;
    const y = (v) => 95 - (90 * (v - lo)) / (hi - lo || 1);
    const line = (k) => points.filter((h) => h[k] != null).map((h) => x(h[0]).toFixed(1) + "," + y(h[k]).toFixed(1)).join(" ");
    const svg = chart.querySelector("svg");
    svg.querySelectorAll("polyline").forEach((p) => p.remove());
    for (const [k, colour, dash] of [[1, "#1f5f8b", ""], [2, "#8a6d00", "4 3"]]) {
      const p = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      p.setAttribute("points", line(k));
      p.setAttribute("fill", "none");
      p.setAttribute("stroke", colour);
      p.setAttribute("stroke-width", "2");
      if (dash) p.setAttribute("stroke-dasharray", dash);
      svg.appendChild(p);
    }
    chart.hidden = false;
  }

  async function poll() {
    try {
      const response = await fetch("/plans/" + id + "/progress", { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const plan = await response.json();
      // Finished, or started after waiting in the queue: the page shows the new state.
      if (plan.status !== box.dataset.status) {
        window.location.reload();
        return;
      }
      const queued = plan.status === "queued";
      bar(queued, plan.elapsed_seconds);
      if (queued) {
        state.textContent = words.queued + (plan.queue_position ? ": " + words.position + " " + plan.queue_position + ". " + words.next : "");
        text.textContent = "";
      } else {
        state.textContent = words.running;
        const p = plan.progress || {};
        const parts = [];
        if (plan.elapsed_seconds != null) {
          parts.push(plan.elapsed_seconds.toFixed(0) + " " + words.s);
          parts.push(Math.max(limit - plan.elapsed_seconds, 0).toFixed(0) + " " + words.left);
        }
        if (p.objective != null) parts.push(words.best + ": " + p.objective.toFixed(2));
        if (p.bound != null) parts.push(words.bound + ": " + p.bound.toFixed(2));
        if (p.gap != null) parts.push(words.gap + ": " + (100 * p.gap).toFixed(1) + " %");
        text.textContent = parts.length ? parts.join(" · ") : words.wait;
        draw(p.history);
      }
    } catch (error) {
      text.textContent = words.wait;
    }
    setTimeout(poll, 1500);
  }
  poll();
})();
