// The score sheet on a tablet: the totals per part and overall follow the options chosen,
// and a gate criterion left at no points stops the sheet (the criteria after it are
// greyed out and not sent, as the server would drop them). The server computes what is
// kept; without this script the page shows the totals of the last save.
const form = document.querySelector("form[data-sheet]");

function update() {
  const parts = { A: 0, B: 0, C: 0 };
  let stopped = false;
  let left = 0;
  for (const criterion of form.querySelectorAll("[data-criterion]")) {
    criterion.classList.toggle("stopped", stopped);
    if (form.dataset.editable === "1") {
      for (const input of criterion.querySelectorAll("input, textarea")) input.disabled = stopped;
    }
    if (stopped) continue;
    const chosen = criterion.querySelector("input[type=radio]:checked");
    if (!chosen) {
      left += 1;
      continue;
    }
    const points = Number(chosen.dataset.points);
    parts[criterion.dataset.part] += points;
    if (criterion.dataset.gate === "1" && points === 0) stopped = true;
  }
  for (const [part, value] of Object.entries(parts)) {
    const output = document.querySelector(`[data-part-total="${part}"]`);
    if (output) output.textContent = String(value);
  }
  document.querySelector("[data-total]").textContent = String(parts.A + parts.B + parts.C);
  const remaining = document.querySelector("[data-left]");
  if (remaining) remaining.textContent = String(left);
  const banner = document.querySelector("[data-gate-banner]");
  if (banner) banner.hidden = !stopped;
}

if (form) {
  form.addEventListener("change", update);
  update();
}
