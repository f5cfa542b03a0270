// Checkout page: show the fields of the chosen delivery, fill the communes of the chosen
// province (today's map, from the places API), show the shipping fee, and keep a double
// click from sending the form twice (the idempotency key would make it one order anyway).
const form = document.getElementById("checkout");
const province = document.getElementById("province");
const commune = document.getElementById("commune");
const fee = document.getElementById("shipping-fee");

function showDelivery() {
  const chosen = form.querySelector("input[name=delivery]:checked")?.value || "ship";
  for (const block of form.querySelectorAll("[data-when]")) {
    block.hidden = block.dataset.when !== chosen;
  }
  updateFee();
}

async function loadCommunes() {
  const code = province.value;
  commune.replaceChildren(new Option(commune.dataset.placeholder, ""));
  if (!code) return;
  const response = await fetch(`/api/v1/places/provinces/${encodeURIComponent(code)}/communes`);
  if (!response.ok) return;
  for (const place of await response.json()) {
    commune.append(new Option(place.name, place.code));
  }
}

async function updateFee() {
  const chosen = form.querySelector("input[name=delivery]:checked")?.value || "ship";
  if (chosen === "pickup") {
    fee.textContent = new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency: "VND" }).format(0);
    return;
  }
  if (!province.value) return;
  const query = new URLSearchParams({ province_code: province.value, subtotal_vnd: form.dataset.subtotal });
  const response = await fetch(`/api/v1/shipping-fees?${query}`);
  if (!response.ok) return;
  const body = await response.json();
  fee.textContent = new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency: "VND" }).format(body.fee_vnd);
}

form.addEventListener("change", (event) => {
  if (event.target.name === "delivery") showDelivery();
  if (event.target === province) loadCommunes().then(updateFee);
});
form.addEventListener("submit", () => {
  // Disabled after the browser has collected the form, so the first submission still goes.
  setTimeout(() => { document.getElementById("place-order").disabled = true; }, 0);
});
showDelivery();
