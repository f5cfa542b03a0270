// Checkout page: show the fields of the chosen delivery, fill the communes of the chosen
// province (today's map, from the places API), list the pickup points of the province chosen
// for them when there are too many to list at once, show the delivery fee and the total, and keep
// a double click from sending the form twice (the idempotency key would make it one order
// anyway). Without script the form still works: the server computes the fee and the total.
const form = document.getElementById("checkout");
const province = document.getElementById("province");
const commune = document.getElementById("commune");
const fee = document.getElementById("shipping-fee");
const total = document.getElementById("order-total");
const totalNote = document.getElementById("total-note");
const subtotal = Number(form.dataset.subtotal);
const pointsProvince = document.getElementById("pickup-province");
const provincePoints = document.getElementById("province-points");
const money = new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency: "VND" });

function delivery() {
  return form.querySelector("input[name=delivery]:checked")?.value || "ship";
}

function showDelivery() {
  for (const block of form.querySelectorAll("[data-when]")) {
    block.hidden = block.dataset.when !== delivery();
  }
  updateFee();
}

async function loadCommunes() {
  const code = province.value;
  commune.replaceChildren(new Option(commune.dataset.placeholder, ""));
  if (!code) return;
  const path = `/api/v1/places/provinces/${encodeURIComponent(code)}/communes`;
  for (let page = 1, seen = 0; ; page += 1) {
    const response = await fetch(`${path}?page=${page}&page_size=200`);
    if (!response.ok) return;
    const body = await response.json();
    for (const place of body.items) {
      commune.append(new Option(place.name, place.code));
    }
    seen += body.items.length;
    if (!body.items.length || seen >= body.total) return;
  }
}

async function loadPoints() {
  const code = pointsProvince.value;
  const hint = document.getElementById("province-hint");
  hint.hidden = Boolean(code);
  if (!code) return provincePoints.replaceChildren();
  // The server draws the items as the page does (what each point holds of this cart).
  const response = await fetch(`/checkout/pickup-points?province=${encodeURIComponent(code)}`);
  if (!response.ok || pointsProvince.value !== code) return;
  provincePoints.innerHTML = await response.text();
}

function showTotal(feeVnd) {
  fee.textContent = feeVnd === null ? fee.dataset.unknown : money.format(feeVnd);
  total.textContent = money.format(subtotal + (feeVnd || 0));
  if (totalNote) totalNote.hidden = feeVnd !== null;
}

async function updateFee() {
  if (delivery() === "pickup") return showTotal(0);
  if (!province.value) return showTotal(null);
  const query = new URLSearchParams({ province_code: province.value, subtotal_vnd: form.dataset.subtotal });
  const response = await fetch(`/api/v1/shipping-fees?${query}`);
  if (!response.ok) return;
  showTotal((await response.json()).fee_vnd);
}

form.addEventListener("change", (event) => {
  if (event.target.name === "delivery") showDelivery();
  if (event.target === province) loadCommunes().then(updateFee);
  if (event.target === pointsProvince) loadPoints();
});
// With script the list follows the select: the button that posts the form to draw it goes
// (removed, not hidden: as the form's first button, Enter in a field would press it).
if (pointsProvince) document.getElementById("show-points").remove();
form.addEventListener("submit", () => {
  // Disabled after the browser has collected the form, so the first submission still goes.
  setTimeout(() => { document.getElementById("place-order").disabled = true; }, 0);
});
showDelivery();
