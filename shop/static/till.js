// The till: sells from a product list kept on the device, opens and closes shifts, takes
// returns, with or without a network, and never loses or doubles anything.
//
// What the server must learn of goes through the outbox (till-store.js) under its own id,
// sent in order when the network allows. The page itself, its scripts and styles are kept by
// the service worker (/pos/sw.js), so the till opens with no network at all. The shift's
// report is computed here too (till-report.js): provisional offline, reconciled once synced.

import { App } from "./till-app.js";
import { Buyer } from "./till-buyer.js";
import { Closing } from "./till-close.js";
import { Receipts } from "./till-receipts.js";
import { report } from "./till-report.js";
import { Returns } from "./till-returns.js";
import { all, call, counts, one, openDb, prune, put, queue, remove, sync, waiting } from "./till-store.js";
import { DAY, NUMBER, WHEN, digits, el, fold, formatMoneyInput, money, short } from "./till-ui.js";

const RETRY_MS = 3000;
// A certificate the province just decided (new stars, or the right to sell) reaches the
// till within the minute, as it reaches the storefront and the trace pages.
const CATALOG_REFRESH_MS = 60 * 1000;
const SHIFT_CHECK_MS = 60 * 1000;
const TRANSFER_POLL_MS = 2000; // while a VietQR code is shown: has the bank told us yet?
const NOTES = [50_000, 100_000, 200_000, 500_000]; // quick tender: the next round notes
const KEYS = { F2: "cash", F3: "bank_transfer", F4: "card" };
const PAGE = crypto.randomUUID(); // this page load: only its own sales are sent "live"
const MAX_TILES = 150;

// The cash a customer is likely to hand over: the exact amount, then the next round notes.
export function quickTenders(amount) {
  const out = [amount];
  for (const note of NOTES) {
    const next = Math.ceil(amount / note) * note;
    if (next > amount && !out.includes(next)) out.push(next);
  }
  return out.sort((a, b) => a - b);
}

// What differs between the product list the till had and the one the server gives now.
function catalogChanges(before, after, text) {
  const old = new Map(before.map((p) => [p.id, p]));
  const out = [];
  for (const p of after) {
    const o = old.get(p.id);
    if (!o) continue;
    old.delete(p.id);
    if (o.price !== p.price) out.push(`${p.name}: ${text.price} ${money(o.price)} → ${money(p.price)}`);
    if (o.sellable && !p.sellable) out.push(`${p.name}: ${text.nowBlocked}${p.blocked ? ` (${p.blocked})` : ""}`);
    else if (!o.sellable && p.sellable) out.push(`${p.name}: ${text.nowSellable}`);
    if (p.sellable && o.stars && p.stars && o.stars !== p.stars) out.push(`${p.name}: ${o.stars} → ${p.stars} ${text.stars}`);
  }
  for (const o of old.values()) out.push(`${o.name}: ${text.gone}`);
  return out;
}

// --- closing a shift from its page: only with nothing left to sync ----------------------

async function guardClose(box) {
  const db = await openDb();
  const { location } = box.dataset;
  const blocked = box.querySelector("#close-blocked");
  const submit = box.querySelector("#close-submit");
  const refresh = async () => {
    const left = (await waiting(db, location)).length;
    blocked.hidden = left === 0;
    submit.disabled = left > 0;
    return left;
  };
  await refresh();
  box.querySelector("form").addEventListener("submit", async (event) => {
    if (await refresh()) event.preventDefault();
  });
}

// --- the till ---------------------------------------------------------------------------

class Till {
  constructor(root, db) {
    this.root = root;
    this.db = db;
    const d = root.dataset;
    this.location = d.location;
    this.cashier = d.cashier;
    this.manager = d.manager === "yes";
    this.text = JSON.parse(document.getElementById("till-text").textContent);
    this.products = [];
    this.catalogAt = 0;
    this.group = "";
    this.shift = null;
    this.lastClosed = null;
    this.online = navigator.onLine;
    this.syncing = false;
    this.again = false;
    this.shiftCheckedAt = 0;
    this.update = null;
    this.worker = null; // the service worker, once it runs (it keeps the grid's photos)
    this.returnSale = null;
    this.watch = null; // the transfer awaited while the VietQR code is shown
    this.$ = (id) => document.getElementById(id);
    this.newSale();
  }

  newSale() {
    this.saleId = crypto.randomUUID();
    this.cart = new Map(); // product id → { product, quantity, discount }
    this.payments = [];
    this.method = null;
    this.arrived = new Set(); // references of transfers the bank confirmed for this sale
    this.showArrived(null);
    this.resetBuyer();
  }

  async start() {
    this.bind();
    await prune(this.db, this.location);
    await this.loadShift();
    await this.loadCatalog();
    this.render();
    await this.showStatus();
    await this.showSynced();
    this.root.dataset.ready = "yes"; // products and shift loaded: scanning works from here
    this.kick();
    setInterval(() => this.kick(), RETRY_MS);
    setInterval(() => this.loadCatalog(), CATALOG_REFRESH_MS);
    window.addEventListener("online", () => {
      this.kick();
      this.loadCatalog();
    });
    window.addEventListener("offline", () => this.setOnline(false));
    this.focusSearch();
    this.askPersistence();
    this.registerWorker();
  }

  // --- the shift ---

  async loadShift() {
    const mine = (await all(this.db, "shifts")).filter((s) => s.location === this.location && s.cashier === this.cashier);
    let open = mine.find((s) => s.status === "open");
    const hint = Number(this.root.dataset.shift) || null;
    // The page says the server has this shift open, and the device knows nothing of it.
    if (!open && hint && !mine.some((s) => s.serverId === hint)) {
      open = {
        key: `server-${hint}`,
        location: this.location,
        cashier: this.cashier,
        serverId: hint,
        status: "open",
        openingFloat: Number(this.root.dataset.shiftFloat) || 0,
        openedAt: this.root.dataset.shiftOpened || new Date().toISOString(),
      };
      await put(this.db, "shifts", open);
    }
    this.shift = open || null;
    this.lastClosed = mine.filter((s) => s.status === "closed").sort((a, b) => (a.closedAt < b.closedAt ? -1 : 1)).pop() || null;
    await this.showShift();
  }

  async showShift() {
    const open = Boolean(this.shift);
    this.$("open-panel").hidden = open;
    this.$("sell").hidden = !open;
    this.$("open-return").disabled = !open;
    this.$("open-close").disabled = !open;
    const label = this.shift?.serverId ? `${this.text.shift} #${this.shift.serverId}` : this.text.shiftPending;
    this.$("shift-label").textContent = open ? ` · ${label}` : "";
    const box = this.$("last-z");
    box.hidden = open || !this.lastClosed;
    if (!open && this.lastClosed) await this.renderZ(box, this.lastClosed);
    this.render();
  }

  async openShift(event) {
    event.preventDefault();
    const input = this.$("opening_float");
    const shift = {
      key: crypto.randomUUID(),
      location: this.location,
      cashier: this.cashier,
      status: "open",
      openingFloat: digits(input.value),
      openedAt: new Date().toISOString(),
    };
    await queue(
      this.db,
      { id: crypto.randomUUID(), kind: "open", location: this.location, shift: shift.key, body: { opening_float: shift.openingFloat } },
      [["shifts", shift]],
    );
    input.value = "";
    this.shift = shift;
    await this.showShift();
    this.focusSearch();
    this.kick();
  }

  async shiftDocuments(shift) {
    const sales = (await all(this.db, "sales")).filter((s) => s.shift === shift.key && !s.refused);
    const returns = (await all(this.db, "returns")).filter((r) => r.shift === shift.key && !r.refused);
    sales.sort((a, b) => (a.soldAt < b.soldAt ? -1 : 1));
    return { sales, returns };
  }

  // Closed somewhere else (the shift page, a manager): the device follows, once synced.
  async checkShift() {
    const shift = this.shift;
    if (!shift?.serverId || Date.now() - this.shiftCheckedAt < SHIFT_CHECK_MS) return;
    this.shiftCheckedAt = Date.now();
    try {
      const response = await call(`/api/v1/sales-points/${this.location}/shifts/${shift.serverId}`);
      if (!response.ok) return;
      const server = await response.json();
      if (server.status !== "closed" || this.shift !== shift || (await waiting(this.db, this.location)).length) return;
      const { sales, returns } = await this.shiftDocuments(shift);
      const counted = Object.fromEntries(server.report.by_method.map((m) => [m.method, m.counted ?? 0]));
      Object.assign(shift, { status: "closed", closedAt: server.closed_at, counted, server: server.report });
      shift.local = report(shift, sales, returns);
      await put(this.db, "shifts", shift);
      this.shift = null;
      this.lastClosed = shift;
      await this.showShift();
    } catch {
      // Offline: checked again later.
    }
  }

  // --- the product list ---

  async loadCatalog() {
    try {
      const products = await this.fetchCatalog();
      const before = await one(this.db, "catalog", this.location);
      if (before) this.showChanges(catalogChanges(before.products, products, this.text));
      this.products = products;
      this.catalogAt = Date.now();
      await put(this.db, "catalog", { location: this.location, products, at: this.catalogAt });
      if (this.worker) this.keepPhotos(this.worker); // photos new since: kept for offline
      this.setOnline(true);
      await this.markSynced();
    } catch {
      const saved = await one(this.db, "catalog", this.location);
      if (saved && !this.products.length) {
        this.products = saved.products;
        this.catalogAt = saved.at;
      }
      this.setOnline(false);
    }
    this.renderGroups();
    this.renderGrid();
  }

  // Every page of the till's product list (the API answers it in pages of at most 200).
  async fetchCatalog() {
    const products = [];
    for (let page = 1; ; page += 1) {
      const query = new URLSearchParams({ page: String(page), page_size: "200" });
      const response = await call(`/api/v1/sales-points/${this.location}/till/products?${query}`);
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      products.push(...body.items);
      if (!body.items.length || products.length >= body.total) return products;
    }
  }

  showChanges(changes) {
    if (!changes.length) return;
    const list = this.$("changes-list");
    for (const change of changes) list.append(el("li", { textContent: change }));
    this.$("catalog-changes").hidden = false;
  }

  matches(query) {
    const q = query.trim();
    if (!q) return [];
    const exact = this.products.filter((p) => p.gtin === q || p.trace_code === q.toUpperCase());
    if (exact.length) return exact;
    const terms = fold(q).split(/\s+/).filter(Boolean);
    return this.products.filter((p) => terms.every((t) => p.search.includes(t)));
  }

  renderGroups() {
    const box = this.$("groups");
    const groups = [...new Set(this.products.map((p) => p.group))];
    box.replaceChildren();
    for (const [value, label] of [["", this.text.all], ...groups.map((g) => [g, g])]) {
      const button = el("button", { type: "button", textContent: label });
      button.dataset.group = value;
      button.setAttribute("aria-pressed", String(value === this.group));
      box.append(button);
    }
  }

  renderGrid() {
    const query = this.$("till-search").value;
    const shown = query.trim() ? this.matches(query) : this.products.filter((p) => !this.group || p.group === this.group);
    this.$("search-message").textContent = query.trim() && !shown.length ? this.text.notFound : "";
    this.$("products").replaceChildren(...shown.slice(0, MAX_TILES).map((p) => this.tile(p)));
  }

  // The product's main photo (WebP, or JPEG where WebP is not read), else an address the
  // office typed, else its initial. A photo that cannot load (offline and never kept) goes,
  // and the initial behind it shows; the box is the same size either way.
  photo(product) {
    const box = el("span", { className: "photo" });
    if (!product.image_url || product.thumb_url) box.append(el("span", { className: "initial", textContent: product.name.slice(0, 1) }));
    if (product.thumb_url) {
      const img = el("img", { src: product.thumb_jpg_url || product.thumb_url, alt: "", decoding: "async" });
      const picture = el("picture", {}, el("source", { srcset: product.thumb_url, type: "image/webp" }), img);
      img.addEventListener("error", () => picture.remove());
      box.append(picture);
    } else if (product.image_url) box.style.backgroundImage = `url("${encodeURI(product.image_url)}")`;
    return box;
  }

  tile(product) {
    const photo = this.photo(product);
    const stock = product.available > 0 ? `${NUMBER.format(product.available)} ${this.text.left}` : this.text.outOfStock;
    const stars = product.stars ? el("span", { className: "stars", textContent: "★".repeat(product.stars) }) : el("span");
    let why = null;
    if (!product.sellable) why = product.blocked || this.text.notSellable;
    else if (product.clearance) why = `${this.text.clearance}: ${product.clearance}`;
    const button = el(
      "button",
      { type: "button", className: "tile", disabled: !product.sellable },
      photo,
      el("span", { className: "name", textContent: product.name }),
      el("span", { className: "price", textContent: money(product.price) }),
      el("span", { className: "meta" }, stars, el("span", { textContent: stock })),
      why ? el("span", { className: "why", textContent: why }) : null,
    );
    button.dataset.product = product.id;
    if (product.certified_until) button.title = `${this.text.until} ${DAY.format(new Date(product.certified_until))}`;
    return el("li", {}, button);
  }

  add(product) {
    if (!product.sellable) {
      this.$("search-message").textContent = `${this.text.notSellable}: ${product.blocked || ""}`;
      return;
    }
    const line = this.cart.get(product.id) || { product, quantity: 0, discount: 0 };
    line.quantity += 1;
    this.cart.set(product.id, line);
    this.payments = [];
    this.$("till-search").value = "";
    this.$("last-sale").hidden = true;
    this.renderGrid();
    this.render();
    this.focusSearch();
  }

  focusSearch() {
    if (this.shift && matchMedia("(pointer: fine)").matches) this.$("till-search").focus();
  }

  // --- the sale ---

  total() {
    let total = 0;
    for (const line of this.cart.values()) total += line.product.price * line.quantity - line.discount;
    return total;
  }

  paid() {
    return this.payments.reduce((sum, p) => sum + p.amount, 0);
  }

  change() {
    return this.payments.reduce((sum, p) => sum + (p.tendered ? p.tendered - p.amount : 0), 0);
  }

  cartRow(line) {
    const row = el("tr");
    row.dataset.product = line.product.id;
    const qty = el("input", { className: "qty", inputMode: "numeric", value: String(line.quantity) });
    qty.setAttribute("aria-label", `${line.product.name}`);
    const stepper = el(
      "span",
      { className: "stepper" },
      el("button", { type: "button", className: "secondary minus", textContent: "−", ariaLabel: "−1" }),
      qty,
      el("button", { type: "button", className: "secondary plus", textContent: "+", ariaLabel: "+1" }),
    );
    row.append(el("td", {}, line.product.name, el("br"), el("small", { textContent: money(line.product.price) })), el("td", {}, stepper));
    if (this.manager) {
      const discount = el("input", { className: "discount", inputMode: "numeric", value: line.discount ? NUMBER.format(line.discount) : "" });
      discount.dataset.money = "";
      row.append(el("td", {}, discount));
    }
    row.append(
      el("td", { className: "amount", textContent: money(line.product.price * line.quantity - line.discount) }),
      el("td", {}, el("button", { type: "button", className: "link remove", textContent: "✕", ariaLabel: "✕" })),
    );
    return row;
  }

  render() {
    this.$("cart-lines").replaceChildren(...[...this.cart.values()].map((line) => this.cartRow(line)));
    const total = this.total();
    const remaining = total - this.paid();
    this.$("total").textContent = money(total);
    this.$("remaining").textContent = money(Math.max(remaining, 0));
    this.$("change").textContent = money(this.change());
    this.$("payments").replaceChildren(
      ...this.payments.map((payment, i) => {
        const label = this.text[payment.method];
        const tendered = payment.tendered ? ` (${money(payment.tendered)} → ${this.text.change} ${money(payment.tendered - payment.amount)})` : "";
        const drop = el("button", { type: "button", className: "link", textContent: "✕" });
        drop.dataset.drop = String(i);
        const arrived = payment.method === "bank_transfer" && this.arrived.has(payment.reference);
        const item = el("li", { textContent: `${arrived ? "✓ " : ""}${label}: ${money(payment.amount)}${tendered}${payment.reference ? ` · ${payment.reference}` : ""} ` }, drop);
        if (arrived) item.className = "arrived";
        return item;
      }),
    );
    const canPay = Boolean(this.shift) && this.cart.size > 0 && remaining > 0;
    this.root.querySelectorAll("[data-method]").forEach((b) => {
      b.disabled = !canPay;
    });
    if (!canPay) this.closePayForm();
    this.$("complete").disabled = !this.shift || !this.cart.size || remaining !== 0 || total <= 0;
  }

  setQuantity(id, quantity) {
    const line = this.cart.get(id);
    if (!line) return;
    if (!Number.isFinite(quantity) || quantity <= 0) this.cart.delete(id);
    else {
      line.quantity = Math.min(quantity, 1_000_000);
      line.discount = Math.min(line.discount, line.product.price * line.quantity);
    }
    this.payments = [];
    this.render();
  }

  updateLine(row) {
    const id = Number(row.dataset.product);
    const line = this.cart.get(id);
    if (!line) return;
    const discount = row.querySelector(".discount");
    if (discount) line.discount = Math.min(digits(discount.value), line.product.price * line.quantity);
    this.setQuantity(id, parseInt(row.querySelector(".qty").value, 10));
  }

  // --- payments ---

  async choose(method) {
    const remaining = this.total() - this.paid();
    if (remaining <= 0) return;
    this.stopWatching();
    this.method = method;
    this.root.querySelectorAll("[data-method]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.method === method)));
    this.$("pay-form").hidden = false;
    this.$("pay-amount").value = NUMBER.format(remaining);
    this.$("pay-tendered").value = "";
    this.$("pay-reference").value = "";
    this.$("tendered-field").hidden = method !== "cash";
    this.$("reference-field").hidden = method === "cash";
    this.$("vietqr").hidden = method !== "bank_transfer";
    this.renderQuick(method === "cash" ? remaining : null);
    if (method === "bank_transfer") {
      await this.showQr(remaining);
      if (this.method === "bank_transfer") this.watchTransfer(remaining);
    }
    (method === "cash" ? this.$("pay-tendered") : this.$("pay-amount")).focus();
  }

  renderQuick(amount) {
    const box = this.$("quick-tender");
    box.replaceChildren();
    if (amount === null) return;
    for (const value of quickTenders(amount)) {
      const button = el("button", { type: "button", textContent: value === amount ? `${this.text.exact} ${NUMBER.format(value)}` : NUMBER.format(value) });
      button.dataset.tender = String(value);
      box.append(button);
    }
  }

  closePayForm() {
    this.stopWatching();
    this.method = null;
    this.$("pay-form").hidden = true;
    this.$("vietqr").hidden = true;
    this.root.querySelectorAll("[data-method]").forEach((b) => b.setAttribute("aria-pressed", "false"));
  }

  reference() {
    return `${this.location} ${short(this.saleId)}`;
  }

  async showQr(amount) {
    const code = this.$("vietqr-code");
    this.$("transfer-received").checked = false;
    this.$("pay-reference").value = this.reference();
    const text = `${money(amount)} · ${this.text.transferRef}: ${this.reference()}`;
    try {
      const query = new URLSearchParams({ amount: String(amount), reference: this.reference() });
      const response = await call(`/api/v1/sales-points/${this.location}/vietqr?${query}`);
      if (!response.ok) throw new Error(String(response.status));
      const qr = await response.json();
      code.innerHTML = qr.svg; // our server's SVG: no script in it
      this.$("vietqr-text").textContent = `${text} · ${qr.account} ${qr.holder || ""}`;
    } catch {
      // Offline: the account's static code, and the amount and reference to type in.
      code.innerHTML = this.$("static-qr").innerHTML;
      this.$("vietqr-text").textContent = code.innerHTML.trim() ? text : this.text.noBank;
    }
  }

  // --- a transfer confirmed by the bank: the server is told by the bank's notifier (SePay)
  // and the till asks for the code's reference every two seconds while the code is shown.

  stopWatching() {
    if (this.watch) clearInterval(this.watch.timer);
    this.watch = null;
  }

  watchTransfer(amount) {
    this.stopWatching();
    const watch = { reference: this.reference(), amount, timer: null };
    const status = this.$("transfer-watch");
    status.dataset.state = "waiting";
    status.textContent = this.text.transferWaiting;
    this.$("vietqr").classList.remove("arrived");
    const check = async () => {
      if (this.watch !== watch || !navigator.onLine) return;
      try {
        const query = new URLSearchParams({ reference: watch.reference, amount: String(amount) });
        const response = await call(`/api/v1/sales-points/${this.location}/transfer-status?${query}`);
        if (response.ok && this.watch === watch) this.transferAnswer(watch, await response.json());
      } catch {
        // Offline: the cashier ticks by hand, as before.
      }
    };
    watch.timer = setInterval(check, TRANSFER_POLL_MS);
    this.watch = watch;
    check();
  }

  transferAnswer(watch, answer) {
    const status = this.$("transfer-watch");
    status.dataset.state = answer.state;
    if (answer.state === "partial" || answer.state === "over") {
      status.textContent = `${this.text.transferDiffers} ${money(answer.received_vnd)} / ${money(watch.amount)}`;
      return;
    }
    if (answer.state !== "paid" || this.method !== "bank_transfer") return;
    this.stopWatching();
    this.$("vietqr").classList.add("arrived");
    this.$("transfer-received").checked = true;
    this.$("pay-amount").value = NUMBER.format(watch.amount);
    this.$("pay-reference").value = watch.reference;
    this.arrived.add(watch.reference);
    this.addPayment();
    this.showArrived(`${this.text.transferArrived}: ${money(answer.received_vnd)} · ${watch.reference}`);
  }

  showArrived(text) {
    const banner = document.getElementById("transfer-status");
    if (!banner) return;
    banner.hidden = !text;
    banner.textContent = text ? `✓ ${text}` : "";
  }

  addPayment(tendered = null) {
    const amount = tendered === null ? digits(this.$("pay-amount").value) : this.total() - this.paid();
    if (amount <= 0 || !this.method) return;
    const payment = { method: this.method, amount };
    const message = this.$("search-message");
    if (this.method === "cash") {
      const handed = tendered ?? digits(this.$("pay-tendered").value);
      if (handed > amount) payment.tendered = handed;
    } else {
      const reference = this.$("pay-reference").value.trim();
      if (this.method === "card" && !reference) {
        message.textContent = this.text.needReference;
        return;
      }
      if (this.method === "bank_transfer" && !this.$("transfer-received").checked) {
        message.textContent = this.text.confirmTransfer;
        return;
      }
      if (reference) payment.reference = reference.slice(0, 100);
    }
    message.textContent = "";
    this.payments.push(payment);
    this.closePayForm();
    this.render();
    this.$("complete").focus();
  }

  // --- completing and syncing ---

  async complete() {
    const button = this.$("complete");
    if (button.disabled || !this.shift) return;
    const buyer = this.readBuyer(); // false: a field is wrong, and says why; the sale waits
    if (buyer === false) return;
    button.disabled = true;
    const cart = [...this.cart.values()];
    const body = {
      id: this.saleId,
      sold_at: new Date().toISOString(),
      lines: cart.map((line) => ({
        product_id: line.product.id,
        quantity: line.quantity,
        unit_price: line.product.price, // the price the customer was shown
        ...(line.discount ? { discount: line.discount } : {}),
      })),
      payments: this.payments,
      ...(buyer ? { buyer } : {}),
    };
    const local = {
      id: body.id,
      location: this.location,
      shift: this.shift.key,
      cashier: this.cashier,
      soldAt: body.sold_at,
      lines: cart.map((line) => ({
        product_id: line.product.id,
        name: line.product.name,
        quantity: line.quantity,
        unit_price: line.product.price,
        discount: line.discount,
        total: line.product.price * line.quantity - line.discount,
      })),
      payments: this.payments,
      total: this.total(),
      number: null,
      buyer,
    };
    // Durable first: from here on, the sale survives a reload, a crash or an app update.
    await queue(
      this.db,
      { id: body.id, kind: "sale", location: this.location, shift: this.shift.key, body, live: this.online, page: PAGE },
      [["sales", local]],
    );
    this.held = { id: body.id, cart: this.cart, buyer };
    this.newSale();
    for (const line of cart) line.product.available -= line.quantity;
    await put(this.db, "catalog", { location: this.location, products: this.products, at: this.catalogAt });
    this.render();
    this.renderGrid();
    this.showProvisional(local);
    this.focusSearch();
    await this.kick();
    this.applyUpdateIfIdle();
  }

  hooks() {
    return {
      online: (online) => this.setOnline(online),
      login: () => {
        this.$("search-message").textContent = this.text.loginAgain;
      },
      sent: async (item, answer) => {
        if (item.kind === "sale" && this.$("last-sale").dataset.sale === item.id) this.showReceipt(answer, item.body.buyer);
        if (item.kind === "open" && this.shift?.key === item.shift) {
          this.shift = await one(this.db, "shifts", item.shift);
          await this.showShift();
        }
        if (item.kind === "close" && this.lastClosed?.key === item.shift) {
          this.lastClosed = await one(this.db, "shifts", item.shift);
          await this.showShift();
        }
      },
      refused: async (item, problem) => {
        await this.markRefused(item);
        const live = item.kind === "sale" && item.live && item.page === PAGE && !item.tried;
        if (!live || this.held?.id !== item.id || this.cart.size) return false;
        // Refused live (stock, certificate, price): nothing was recorded; the cart comes back.
        await remove(this.db, "sales", item.id);
        this.cart = this.held.cart;
        this.restoreBuyer(this.held.buyer);
        this.saleId = item.id;
        for (const line of this.cart.values()) line.product.available += line.quantity;
        this.$("last-sale").hidden = true;
        this.$("search-message").textContent = problem.detail || "";
        this.render();
        this.renderGrid();
        return true;
      },
    };
  }

  async markRefused(item) {
    const name = item.kind === "return" ? "returns" : item.kind === "sale" ? "sales" : null;
    const record = name && (await one(this.db, name, item.id));
    if (record) await put(this.db, name, { ...record, refused: true });
  }

  async kick() {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.again = false;
        if (await sync(this.db, this.location, this.hooks(), PAGE)) {
          await this.markSynced();
          await this.checkShift();
        }
      } while (this.again);
    } finally {
      this.syncing = false;
      await this.showStatus();
    }
  }

  setOnline(online) {
    this.online = online;
    const badge = this.$("network");
    badge.textContent = online ? this.text.online : this.text.offline;
    badge.classList.toggle("warn", !online);
  }

  async markSynced() {
    if ((await waiting(this.db, this.location)).length) return;
    await put(this.db, "meta", { key: `synced:${this.location}`, at: Date.now() });
    await this.showSynced();
  }

  async showSynced() {
    const meta = await one(this.db, "meta", `synced:${this.location}`);
    this.$("last-synced").textContent = meta ? WHEN.format(new Date(meta.at)) : this.text.never;
  }

  async showStatus() {
    const n = await counts(this.db, this.location);
    this.$("pending").hidden = n.sale + n.return + n.close === 0;
    this.$("pending-count").textContent = String(n.sale);
    const more = [];
    if (n.return) more.push(`${n.return} ${this.text.returnsWaiting}`);
    if (n.close) more.push(this.text.closing);
    this.$("pending-more").textContent = more.length ? ` · ${more.join(" · ")}` : "";
    this.$("pending").dataset.returns = String(n.return);
    const rejected = (await all(this.db, "rejected")).filter((item) => item.location === this.location);
    const box = this.$("rejected");
    box.hidden = rejected.length === 0;
    box.textContent = rejected.length
      ? `${rejected.length} ${this.text.rejected}: ${rejected.map((r) => r.problem.detail || "").join(" · ")}`
      : "";
  }

  // --- events ---

  bind() {
    const search = this.$("till-search");
    search.addEventListener("input", () => this.renderGrid());
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !search.value.trim()) return;
      event.preventDefault(); // a scanner types the code, then Enter
      const found = this.matches(search.value);
      if (found.length === 1) this.add(found[0]);
    });
    this.$("groups").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-group]");
      if (!button) return;
      this.group = button.dataset.group;
      this.renderGroups();
      this.renderGrid();
    });
    this.$("products").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-product]");
      const product = button && this.products.find((p) => p.id === Number(button.dataset.product));
      if (product) this.add(product);
    });
    this.$("changes-ok").addEventListener("click", () => {
      this.$("catalog-changes").hidden = true;
      this.$("changes-list").replaceChildren();
    });
    this.bindCart();
    this.bindPayments();
    this.bindPanels();
    this.bindBuyer();
    this.root.addEventListener("input", (event) => {
      if (event.target.matches("input[data-money]")) formatMoneyInput(event.target);
    });
    document.addEventListener("keydown", (event) => this.shortcut(event));
  }

  bindCart() {
    const lines = this.$("cart-lines");
    lines.addEventListener("change", (event) => this.updateLine(event.target.closest("tr")));
    lines.addEventListener("click", (event) => {
      const row = event.target.closest("tr");
      const id = Number(row?.dataset.product);
      const line = this.cart.get(id);
      if (!line) return;
      if (event.target.closest("button.remove")) this.setQuantity(id, 0);
      else if (event.target.closest("button.minus")) this.setQuantity(id, line.quantity - 1);
      else if (event.target.closest("button.plus")) this.setQuantity(id, line.quantity + 1);
    });
    this.$("clear").addEventListener("click", () => {
      this.newSale();
      this.render();
      this.focusSearch();
      this.applyUpdateIfIdle();
    });
  }

  bindPayments() {
    this.root.querySelectorAll("[data-method]").forEach((button) => button.addEventListener("click", () => this.choose(button.dataset.method)));
    this.$("pay-add").addEventListener("click", () => this.addPayment());
    this.$("quick-tender").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tender]");
      if (button) this.addPayment(Number(button.dataset.tender));
    });
    this.$("pay-form").addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.addPayment();
      }
    });
    this.$("payments").addEventListener("click", (event) => {
      const drop = event.target.closest("button[data-drop]");
      if (!drop) return;
      this.payments.splice(Number(drop.dataset.drop), 1);
      this.render();
    });
    this.$("complete").addEventListener("click", () => this.complete());
  }

  bindPanels() {
    this.$("open-form").addEventListener("submit", (event) => this.openShift(event));
    this.$("open-return").addEventListener("click", () => this.openReturn());
    this.$("open-close").addEventListener("click", () => this.openClose());
    this.$("return-sales").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-sale]");
      if (button) this.chooseReturnSale(button.dataset.sale);
    });
    this.$("return-form").addEventListener("input", () => this.previewRefund());
    this.$("return-form").addEventListener("submit", (event) => this.recordReturn(event));
    this.$("close-form").addEventListener("submit", (event) => this.closeShift(event));
    this.root.querySelectorAll("[data-dismiss]").forEach((button) =>
      button.addEventListener("click", () => {
        button.closest(".overlay").hidden = true;
        this.applyUpdateIfIdle();
      }),
    );
  }

  // On a PC: F2, F3, F4 choose how the customer pays; Enter completes the sale; Escape
  // closes what is open.
  shortcut(event) {
    const overlay = this.root.querySelector(".overlay:not([hidden])");
    if (overlay) {
      if (event.key === "Escape") overlay.hidden = true;
      return;
    }
    if (!this.shift) return;
    const method = KEYS[event.key];
    if (method) {
      event.preventDefault();
      if (!this.root.querySelector(`[data-method=${method}]`).disabled) this.choose(method);
    } else if (event.key === "Escape") this.closePayForm();
    else if (event.key === "Enter" && !event.defaultPrevented) {
      const target = event.target;
      if (target.tagName === "BUTTON" || target.tagName === "A" || target.closest(".cart, #pay-form, #buyer-fields")) return;
      if (!this.$("complete").disabled) {
        event.preventDefault();
        this.complete();
      }
    }
  }
}

// The panels and the app's housekeeping, each in its own module, are methods of the till.
Object.assign(Till.prototype, Receipts, Returns, Closing, App, Buyer);

const root = document.getElementById("till");
if (root) openDb().then((db) => new Till(root, db).start());
const closeBox = document.getElementById("close-shift");
if (closeBox) guardClose(closeBox);
