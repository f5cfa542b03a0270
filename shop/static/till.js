// The till: sells from a product list kept on the device, opens and closes shifts, takes
// returns, with or without a network, and never loses or doubles anything.
//
// What the server must learn of goes through the outbox (till-store.js) under its own id,
// sent in order when the network allows. The page itself, its scripts and styles are kept by
// the service worker (/pos/sw.js), so the till opens with no network at all. The shift's
// report is computed here too (till-report.js): provisional offline, reconciled once synced.

import { all, call, counts, one, openDb, put, queue, remove, sync, waiting } from "./till-store.js";
import { differences, refundFor, refunds, report, returnedByLine } from "./till-report.js";

const RETRY_MS = 3000;
const CATALOG_REFRESH_MS = 5 * 60 * 1000;
const UPDATE_CHECK_MS = 30 * 60 * 1000;
const SHIFT_CHECK_MS = 60 * 1000;
const NOTES = [50_000, 100_000, 200_000, 500_000]; // quick tender: the next round notes
const KEYS = { F2: "cash", F3: "bank_transfer", F4: "card" };
const PAGE = crypto.randomUUID(); // this page load: only its own sales are sent "live"
const PAPER_KEY = "ocop-till-paper";
const MAX_TILES = 150;

const MONEY = new Intl.NumberFormat("vi-VN", { style: "currency", currency: "VND" });
const NUMBER = new Intl.NumberFormat("vi-VN");
const WHEN = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" });
const DAY = new Intl.DateTimeFormat("vi-VN");

const money = (n) => MONEY.format(n);
const digits = (text) => parseInt(String(text || "").replace(/\D/g, ""), 10) || 0;
const short = (id) => id.slice(0, 8).toUpperCase();

function fold(text) {
  return (text || "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// Amounts typed in đồng show their thousands as they are typed: "585.000".
function formatMoneyInput(input) {
  const n = digits(input.value);
  input.value = input.value.trim() === "" ? "" : NUMBER.format(n);
}

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
    this.returnSale = null;
    this.$ = (id) => document.getElementById(id);
    this.newSale();
  }

  newSale() {
    this.saleId = crypto.randomUUID();
    this.cart = new Map(); // product id → { product, quantity, discount }
    this.payments = [];
    this.method = null;
  }

  async start() {
    this.bind();
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
      const response = await call(`/api/v1/sales-points/${this.location}/till/products`);
      if (!response.ok) throw new Error(String(response.status));
      const products = await response.json();
      const before = await one(this.db, "catalog", this.location);
      if (before) this.showChanges(catalogChanges(before.products, products, this.text));
      this.products = products;
      this.catalogAt = Date.now();
      await put(this.db, "catalog", { location: this.location, products, at: this.catalogAt });
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

  tile(product) {
    const photo = el("span", { className: "photo", textContent: product.image_url ? "" : product.name.slice(0, 1) });
    if (product.image_url) photo.style.backgroundImage = `url("${encodeURI(product.image_url)}")`;
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
        return el("li", { textContent: `${label}: ${money(payment.amount)}${tendered}${payment.reference ? ` · ${payment.reference}` : ""} ` }, drop);
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
    if (method === "bank_transfer") await this.showQr(remaining);
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
    };
    // Durable first: from here on, the sale survives a reload, a crash or an app update.
    await queue(
      this.db,
      { id: body.id, kind: "sale", location: this.location, shift: this.shift.key, body, live: this.online, page: PAGE },
      [["sales", local]],
    );
    this.held = { id: body.id, cart: this.cart };
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
        if (item.kind === "sale" && this.$("last-sale").dataset.sale === item.id) this.showReceipt(answer);
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
    if (n.return) more.push(`${n.return} ${this.text.returns}`);
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

  // --- after a sale: its receipt ---

  showProvisional(sale) {
    const box = this.$("last-sale");
    box.hidden = false;
    box.dataset.sale = sale.id;
    const change = sale.payments.reduce((sum, p) => sum + (p.tendered ? p.tendered - p.amount : 0), 0);
    const print = el("button", { type: "button", className: "secondary", textContent: this.text.print });
    print.addEventListener("click", () => this.printLocal(sale));
    box.replaceChildren(
      el("p", { textContent: `${this.text.provisional} (${short(sale.id)}) · ${money(sale.total)}` }),
      change ? el("p", {}, el("strong", { textContent: `${this.text.change}: ${money(change)}` })) : null,
      el("p", { className: "actions" }, print, this.paperChoice()),
    );
  }

  showReceipt(sale) {
    const box = this.$("last-sale");
    box.hidden = false;
    box.dataset.sale = sale.id;
    const change = sale.payments.reduce((sum, p) => sum + p.change, 0);
    const print = el("button", { type: "button", textContent: this.text.print, id: "print-receipt" });
    print.addEventListener("click", () => this.printReceipt(sale.id));
    const base = `/pos/${this.location}/sales/${sale.id}`;
    box.replaceChildren(
      el("p", {}, el("strong", { textContent: `${this.text.synced} ${sale.number} · ${money(sale.total)}` })),
      change ? el("p", {}, el("strong", { textContent: `${this.text.change}: ${money(change)}` })) : null,
      el(
        "p",
        { className: "actions" },
        print,
        this.paperChoice(),
        el("a", { className: "button", href: `${base}?layout=a5&print=1`, textContent: this.text.a5 }),
        el("a", { href: `${base}/return`, textContent: this.text.returnSale }),
      ),
    );
  }

  paper() {
    return localStorage.getItem(PAPER_KEY) === "58mm" ? "58mm" : "80mm";
  }

  paperChoice() {
    const select = el("select", { ariaLabel: this.text.paper });
    for (const value of ["80mm", "58mm"]) select.append(el("option", { value, textContent: value.replace("mm", " mm"), selected: value === this.paper() }));
    select.addEventListener("change", () => localStorage.setItem(PAPER_KEY, select.value));
    return select;
  }

  // The receipt as the server prints it (numbered, with trace codes), straight to the
  // print dialog: loaded out of sight, printed from there.
  printReceipt(saleId) {
    document.getElementById("receipt-frame")?.remove();
    const frame = el("iframe", { id: "receipt-frame", title: this.text.print, src: `/pos/${this.location}/sales/${saleId}?layout=${this.paper()}` });
    // Out of sight but as wide as the paper, so the receipt measures its own length.
    frame.style.cssText = `position:fixed;left:-200mm;top:0;width:${this.paper()};height:50mm;border:0`;
    frame.addEventListener("load", () => frame.contentWindow.print());
    document.body.append(frame);
  }

  // A sale the server has not numbered yet: its provisional receipt, printed from here.
  printLocal(sale) {
    const area = this.$("print-area");
    area.className = `receipt receipt-${this.paper()} print-only`;
    const rows = sale.lines.map((l) =>
      el("tr", {}, el("td", { textContent: l.name }), el("td", { textContent: `${l.quantity} × ${NUMBER.format(l.unit_price)}` }), el("td", { textContent: money(l.total) })),
    );
    area.replaceChildren(
      el("h2", { textContent: document.querySelector(".till-where").textContent }),
      el("p", {}, el("strong", { textContent: this.text.receiptProvisional })),
      el("p", { textContent: `${short(sale.id)} · ${WHEN.format(new Date(sale.soldAt))} · ${this.text.cashier}: ${sale.cashier}` }),
      el("table", {}, el("tbody", {}, ...rows)),
      el("p", { className: "total" }, `${this.text.total} `, el("strong", { textContent: money(sale.total) })),
      el("ul", { className: "payments" }, ...sale.payments.map((p) => el("li", { textContent: `${this.text[p.method]}: ${money(p.amount)}${p.tendered ? ` (${money(p.tendered)}, ${this.text.change} ${money(p.tendered - p.amount)})` : ""}` }))),
      el("p", { textContent: this.text.thanks }),
    );
    this.printArea();
  }

  // A roll has no page length: the page is as long as what it prints, then the cut.
  printArea() {
    const area = this.$("print-area");
    area.style.cssText = `display:block;position:fixed;left:-200mm;top:0;width:${this.paper()}`;
    const mm = Math.ceil((area.getBoundingClientRect().height * 25.4) / 96) + 6;
    area.style.cssText = "";
    this.$("page-size").textContent = `@page { size: ${this.paper()} ${mm}mm; margin: 0; }`;
    window.print();
  }

  // --- returns ---

  async openReturn() {
    if (!this.shift) return;
    const { sales } = await this.shiftDocuments(this.shift);
    const list = this.$("return-sales");
    list.replaceChildren();
    for (const sale of sales.reverse()) {
      const label = `${sale.number || `${this.text.kept} ${short(sale.id)}`} · ${WHEN.format(new Date(sale.soldAt))} · ${money(sale.total)}`;
      const button = el("button", { type: "button", textContent: label });
      button.dataset.sale = sale.id;
      list.append(el("li", {}, button));
    }
    if (!sales.length) list.append(el("li", { textContent: this.text.noSales }));
    this.$("return-form").hidden = true;
    this.$("return-panel").hidden = false;
  }

  async chooseReturnSale(id) {
    const sale = await one(this.db, "sales", id);
    if (!sale) return;
    const earlier = (await all(this.db, "returns")).filter((r) => r.sale === id && !r.refused);
    const returned = returnedByLine(sale, earlier);
    this.returnSale = { sale, earlier, returned };
    const rows = sale.lines.map((line, i) => {
      const left = line.quantity - returned[i];
      const qty = left > 0 ? el("input", { className: "return-qty", inputMode: "numeric", size: 4, ariaLabel: line.name }) : "—";
      if (left > 0) qty.dataset.line = String(i);
      const damaged = left > 0 ? el("input", { type: "checkbox", className: "return-damaged", ariaLabel: line.name }) : "";
      return el("tr", {}, el("td", { textContent: line.name }), el("td", { textContent: String(line.quantity) }), el("td", { textContent: String(returned[i]) }), el("td", {}, qty), el("td", {}, damaged));
    });
    this.$("return-lines").replaceChildren(...rows);
    this.$("return-reason").value = "";
    this.$("return-message").textContent = "";
    this.$("return-refund").textContent = "";
    this.$("return-form").hidden = false;
    this.$("return-form").querySelector(".return-qty")?.focus();
  }

  returnLines() {
    const { sale, returned } = this.returnSale;
    const out = [];
    for (const input of this.$("return-lines").querySelectorAll(".return-qty")) {
      const i = Number(input.dataset.line);
      const line = sale.lines[i];
      const quantity = Math.min(digits(input.value), line.quantity - returned[i]);
      if (!quantity) continue;
      const restock = !input.closest("tr").querySelector(".return-damaged").checked;
      out.push({ line: i, product_id: line.product_id, quantity, restock, amount: refundFor(line, returned[i], quantity) });
    }
    return out;
  }

  previewRefund() {
    if (!this.returnSale) return;
    const total = this.returnLines().reduce((sum, l) => sum + l.amount, 0);
    this.$("return-refund").textContent = total ? `${this.text.refund}: ${money(total)}` : "";
  }

  async recordReturn(event) {
    event.preventDefault();
    const lines = this.returnLines();
    const reason = this.$("return-reason").value.trim();
    const message = this.$("return-message");
    if (!lines.length) message.textContent = this.text.chooseUnits;
    else if (!reason) message.textContent = this.text.reasonNeeded;
    if (!lines.length || !reason) return;
    const { sale, earlier } = this.returnSale;
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const id = crypto.randomUUID();
    const local = { id, location: this.location, shift: this.shift.key, sale: sale.id, lines, total, refunds: refunds(sale, earlier, total), reason, at: new Date().toISOString() };
    const body = { id, lines: lines.map((l) => ({ product_id: l.product_id, quantity: l.quantity, restock: l.restock })), reason: reason.slice(0, 300) };
    await queue(this.db, { id, kind: "return", location: this.location, shift: this.shift.key, sale: sale.id, body }, [["returns", local]]);
    for (const l of lines) {
      const product = this.products.find((p) => p.id === l.product_id);
      if (product && l.restock) product.available += l.quantity;
    }
    this.returnSale = null;
    this.$("return-panel").hidden = true;
    this.$("search-message").textContent = `${this.text.returnKept} ${this.text.refund}: ${money(total)}`;
    this.renderGrid();
    await this.kick();
  }

  // --- closing the shift, online or not ---

  async openClose() {
    if (!this.shift) return;
    const { sales, returns } = await this.shiftDocuments(this.shift);
    await this.renderReport(this.$("x-report"), report(this.shift, sales, returns), this.text.xTitle);
    this.$("close-message").textContent = "";
    this.$("close-panel").hidden = false;
    this.$("count-cash").focus();
  }

  async closeShift(event) {
    event.preventDefault();
    const cash = this.$("count-cash").value.trim();
    if (!cash) {
      this.$("close-message").textContent = this.text.typeCash;
      return;
    }
    const shift = this.shift;
    const counted = { cash: digits(cash), bank_transfer: digits(this.$("count-bank_transfer").value), card: digits(this.$("count-card").value) };
    const note = this.$("count-note").value.trim().slice(0, 500);
    const { sales, returns } = await this.shiftDocuments(shift);
    Object.assign(shift, { status: "closed", closedAt: new Date().toISOString(), counted });
    shift.local = report(shift, sales, returns);
    await queue(
      this.db,
      { id: crypto.randomUUID(), kind: "close", location: this.location, shift: shift.key, body: { counted, ...(note ? { note } : {}) } },
      [["shifts", shift]],
    );
    for (const id of ["count-cash", "count-bank_transfer", "count-card", "count-note"]) this.$(id).value = "";
    this.$("close-panel").hidden = true;
    this.shift = null;
    this.lastClosed = shift;
    this.newSale();
    this.$("last-sale").hidden = true;
    await this.showShift();
    await this.kick();
    this.applyUpdateIfIdle();
  }

  async renderZ(box, shift) {
    const status = el("p");
    if (!shift.server) status.append(el("span", { className: "provisional", textContent: this.text.provisionalZ }));
    else {
      const diff = differences(shift.local, shift.server);
      if (!diff.length) status.append(el("span", { className: "reconciled", textContent: this.text.reconciled }));
      else {
        status.append(el("span", { className: "differs", textContent: this.text.differs }));
        const list = el("ul");
        for (const [name, here, there] of diff) {
          const label = name.startsWith("expected:") ? `${this.text.expected} · ${this.text[name.slice(9)]}` : this.text[name];
          list.append(el("li", { textContent: `${label}: ${NUMBER.format(here)} ${this.text.here}, ${NUMBER.format(there)} ${this.text.server}` }));
        }
        status.append(list);
      }
    }
    const title = `${this.text.zTitle} · ${this.text.shift} ${shift.serverId ? `#${shift.serverId}` : short(shift.key)}`;
    await this.renderReport(box, shift.server ? { ...shift.server } : shift.local, title, status);
    box.dataset.state = !shift.server ? "provisional" : differences(shift.local, shift.server).length ? "differs" : "reconciled";
    const print = el("button", { type: "button", className: "secondary", textContent: this.text.printZ });
    print.addEventListener("click", () => {
      this.$("print-area").className = `receipt receipt-${this.paper()} print-only`;
      this.$("print-area").replaceChildren(box.cloneNode(true));
      this.printArea();
    });
    box.append(el("p", { className: "no-print" }, print));
  }

  async renderReport(box, r, title, status = null) {
    const figures = ["sales", "gross", "discounts", "returns", "refunds", "net", "units_sold", "units_returned"];
    const amounts = new Set(["gross", "discounts", "refunds", "net"]);
    const rows = figures.map((name) => el("tr", {}, el("th", { scope: "row", textContent: this.text[name] }), el("td", { className: "num", textContent: amounts.has(name) ? money(r[name]) : NUMBER.format(r[name]) })));
    const head = el("tr", {}, ...["method", "sales", "refunds", "expected", "counted", "difference"].map((k) => el("th", { scope: "col", textContent: this.text[k] })));
    const methods = r.by_method.map((m) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", textContent: this.text[m.method] }),
        ...[m.sales, m.refunds, m.expected, m.counted, m.difference].map((v) => el("td", { className: "num", textContent: v === null || v === undefined ? "—" : money(v) })),
      ),
    );
    box.replaceChildren(
      el("h3", { textContent: title }),
      status,
      el("table", {}, el("tbody", {}, ...rows)),
      el("table", {}, el("thead", {}, head), el("tbody", {}, ...methods)),
    );
  }

  // --- the app: persistent storage, updates ---

  async askPersistence() {
    let kept = false;
    try {
      kept = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    } catch {
      kept = false;
    }
    this.$("storage-refused").hidden = kept;
    this.root.dataset.storage = kept ? "persistent" : "refused";
  }

  async registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    const sw = navigator.serviceWorker;
    let controlled = Boolean(sw.controller);
    sw.addEventListener("controllerchange", () => {
      // The first worker taking this page over is no update; a later one is: start it.
      if (!controlled) controlled = true;
      else location.reload();
    });
    let registration;
    try {
      // The version in the address: a page of a new version installs its new worker.
      const version = encodeURIComponent(this.root.dataset.version);
      registration = await sw.register(`/pos/sw.js?v=${version}`, { scope: "/pos/" });
    } catch {
      return;
    }
    const watch = (worker) =>
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && sw.controller) this.updateReady(worker);
      });
    if (registration.waiting && sw.controller) this.updateReady(registration.waiting);
    watch(registration.installing);
    registration.addEventListener("updatefound", () => watch(registration.installing));
    const ready = await sw.ready;
    this.showVersion(ready.active);
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      if (event.data.cached) this.root.dataset.offline = "ready"; // this page opens with no network
    };
    ready.active.postMessage({ type: "cache-page", path: location.pathname }, [channel.port2]);
    setInterval(() => registration.update().catch(() => {}), UPDATE_CHECK_MS);
    window.addEventListener("online", () => registration.update().catch(() => {}));
  }

  // The version that runs: the worker's, which serves this page's code.
  showVersion(worker) {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      this.$("app-version").textContent = event.data.version;
    };
    worker.postMessage({ type: "version" }, [channel.port2]);
  }

  updateReady(worker) {
    this.update = worker;
    this.$("update-ready").hidden = false;
    this.applyUpdateIfIdle();
  }

  // A new version starts between sales, never in the middle of one; what waits to sync is
  // in IndexedDB and is sent by the new version as by the old.
  applyUpdateIfIdle() {
    const busy = this.cart.size || this.payments.length || !this.$("return-panel").hidden || !this.$("close-panel").hidden;
    if (this.update && !busy) this.update.postMessage({ type: "activate" });
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
      if (target.tagName === "BUTTON" || target.tagName === "A" || target.closest(".cart, #pay-form")) return;
      if (!this.$("complete").disabled) {
        event.preventDefault();
        this.complete();
      }
    }
  }
}

const root = document.getElementById("till");
if (root) openDb().then((db) => new Till(root, db).start());
const closeBox = document.getElementById("close-shift");
if (closeBox) guardClose(closeBox);
