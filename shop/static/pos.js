// Sales-point stock screens: lines typed on a tablet or read by a barcode scanner.
// A scanner acts as a keyboard: it types the digits, then Enter. Everything here is a
// convenience; without it the forms still work (the server resolves barcodes on submit).

const lineForms = document.querySelectorAll("form[data-lines-form]");

function inputsOf(row) {
  return [...row.querySelectorAll("input:not([type=hidden]), select")];
}

function blankRow(table) {
  return [...table.querySelectorAll("tbody tr[data-line]")].find((row) =>
    inputsOf(row).every((input) => !input.value),
  );
}

function addRow(table) {
  const template = table.closest("form").querySelector("template");
  const rows = table.querySelectorAll("tbody tr[data-line]");
  let row;
  if (template) {
    row = template.content.firstElementChild.cloneNode(true);
  } else if (rows.length) {
    row = rows[rows.length - 1].cloneNode(true);
    row.classList.remove("has-errors");
    row.querySelectorAll(".field-errors").forEach((el) => el.remove());
    row.querySelectorAll("input").forEach((input) => {
      input.value = "";
      input.removeAttribute("aria-invalid");
    });
  } else {
    return null;
  }
  table.querySelector("tbody").append(row);
  return row;
}

// Enter inside a line moves to the next field instead of submitting the whole form.
function moveOnEnter(event) {
  const target = event.target;
  if (event.key !== "Enter" || !(target instanceof HTMLInputElement)) return;
  const row = target.closest("tr[data-line]");
  if (!row) return;
  event.preventDefault();
  const table = row.closest("table");
  const fields = [...table.querySelectorAll("tbody tr[data-line]")].flatMap(inputsOf);
  const next = fields[fields.indexOf(target) + 1];
  (next || addRow(table)?.querySelector("input:not([type=hidden])"))?.focus();
}

function bump(input) {
  const current = parseInt(input.value, 10);
  input.value = String(Number.isNaN(current) ? 1 : current + 1);
}

// Receipts, transfers, write-offs: a scan adds a line (or one more unit on its line).
function scanIntoLines(table, code) {
  const same = [...table.querySelectorAll("input[data-product]")].find(
    (input) => input.value === code || input.value.startsWith(`${code} `),
  );
  if (same) {
    const quantity = same.closest("tr").querySelector("[data-quantity]");
    if (quantity) bump(quantity);
    return;
  }
  const row = blankRow(table) || addRow(table);
  if (!row) return;
  row.querySelector("input[data-product]").value = code;
  const quantity = row.querySelector("[data-quantity]");
  if (quantity && !quantity.value) quantity.value = "1";
}

// A count sheet: a scan counts one more of its line, or adds the goods found.
function scanIntoCount(table, code) {
  const row = [...table.querySelectorAll("tbody tr[data-codes]")].find((tr) =>
    tr.dataset.codes.split(" ").includes(code),
  );
  const target = row || addRow(table);
  if (!target) return;
  if (!row) target.querySelector("input[data-product]").value = code;
  const counted = target.querySelector("[data-counted]");
  bump(counted);
  counted.dispatchEvent(new Event("change", { bubbles: true })); // saved like a typed line
  counted.focus();
  counted.select();
}

function onScan(event) {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const field = event.currentTarget;
  const code = field.value.trim();
  const form = document.querySelector("form[data-lines-form]");
  const table = form?.querySelector("table[data-lines]");
  if (!code || !table) return;
  if (field.dataset.scan === "count") scanIntoCount(table, code);
  else scanIntoLines(table, code);
  field.value = "";
  if (field.dataset.scan !== "count") field.focus();
}

// Receiving a transfer: a quantity that differs from what was sent needs its reason.
function requireReason(event) {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.dataset.sent === undefined) return;
  const reason = input.closest("tr").querySelector("input[name='line-reason']");
  if (reason) reason.required = input.value.trim() !== input.dataset.sent;
}

lineForms.forEach((form) => {
  form.addEventListener("keydown", moveOnEnter);
  form.addEventListener("input", requireReason);
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const table = form.querySelector("table[data-lines]");
    if (button.hasAttribute("data-add-line")) {
      addRow(table)?.querySelector("input:not([type=hidden])")?.focus();
    } else if (button.hasAttribute("data-remove-line")) {
      const rows = table.querySelectorAll("tbody tr[data-line]");
      const row = button.closest("tr");
      if (rows.length > 1) row.remove();
      else inputsOf(row).forEach((input) => { input.value = ""; });
    }
  });
});

document.querySelectorAll("input[data-scan]").forEach((field) => {
  field.addEventListener("keydown", onScan);
});
document.querySelector("input[data-scan]")?.focus();

// Product fields offer what matches as it is typed: the location's own goods first (the
// server decides), refreshed after a short pause so a fast typist sends one request.
function suggestInto(form) {
  const url = form.dataset.suggest;
  const list = document.getElementById("products");
  if (!url || !list) return;
  let timer;
  let asked = "";
  form.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLInputElement) || field.dataset.product === undefined) return;
    const text = field.value.trim();
    if (text.length < 2 || text === asked || list.querySelector(`option[value="${CSS.escape(text)}"]`)) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      asked = text;
      const query = new URL(url, location.href);
      query.searchParams.set("q", text);
      const producer = form.querySelector("select[name=producer]")?.value;
      if (producer) query.searchParams.set("producer", producer);
      try {
        const answer = await fetch(query, { headers: { Accept: "application/json" } });
        if (!answer.ok) return;
        list.replaceChildren(
          ...(await answer.json()).map((item) => {
            const option = document.createElement("option");
            option.value = item.label;
            if (item.on_hand) option.label = `${item.name} · ${item.on_hand}`;
            return option;
          }),
        );
      } catch {
        // offline: the list the page came with stays
      }
    }, 200);
  });
}

lineForms.forEach(suggestInto);

// A count sheet saves each counted line on the server as it is typed, so a reload or a
// flat battery loses nothing; the Save button still sends everything at once.
function csrfToken() {
  return document.cookie.split("; ").find((c) => c.startsWith("ocop_csrf="))?.slice(10) || "";
}

function autosave(form) {
  const url = form.dataset.autosave;
  const status = form.querySelector("[data-autosave-status]");
  if (!url) return;
  const send = async (row) => {
    const value = (name) => row.querySelector(`input[name='line-${name}']`)?.value.trim() || "";
    const counted = value("counted").replace(/[.,\s]/g, "");
    if (!value("product_id") || !/^\d+$/.test(counted)) return;
    const line = { product_id: Number(value("product_id")), counted: Number(counted) };
    if (value("batch")) line.batch_code = value("batch");
    if (value("ownership")) line.ownership = value("ownership");
    if (value("reason")) line.reason = value("reason");
    try {
      const answer = await fetch(url, {
        method: "PUT",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ lines: [line] }),
        credentials: "same-origin",
      });
      row.dataset.saved = answer.ok ? "yes" : "no";
      if (status) status.textContent = answer.ok ? form.dataset.saved : form.dataset.notSaved;
    } catch {
      row.dataset.saved = "no";
      if (status) status.textContent = form.dataset.notSaved;
    }
  };
  form.addEventListener("change", (event) => {
    const row = event.target.closest?.("tr[data-line]");
    if (row) send(row);
  });
}

document.querySelectorAll("form[data-autosave]").forEach(autosave);
