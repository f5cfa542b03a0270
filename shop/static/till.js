// The till: sells from a product list kept in the browser, and never loses or doubles a sale.
//
// Every completed sale is written to IndexedDB (the outbox) *before* it is sent, under the
// UUID that names it on the server. The server records a sale once per UUID, so sending it
// again after a lost answer, a reload or a network cut is always safe. While sales wait in
// the outbox the till says how many, retries by itself, and the shift cannot be closed.

const DB_NAME = "ocop-till";
const RETRY_MS = 3000;
const CATALOG_REFRESH_MS = 5 * 60 * 1000;

// --- storage --------------------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("outbox", { keyPath: "id" });
      db.createObjectStore("rejected", { keyPath: "id" });
      db.createObjectStore("catalog", { keyPath: "location" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function store(db, name, mode, action) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const result = action(tx.objectStore(name));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const put = (db, name, value) => store(db, name, "readwrite", (s) => s.put(value));
const remove = (db, name, key) => store(db, name, "readwrite", (s) => s.delete(key));
const all = (db, name) => store(db, name, "readonly", (s) => s.getAll());
const one = (db, name, key) => store(db, name, "readonly", (s) => s.get(key));

// --- the server -----------------------------------------------------------------------

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)ocop_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// Resolves with the response (any status); rejects only when the network failed.
function call(path, body) {
  const options = { credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.headers["X-CSRF-Token"] = csrfToken();
    options.body = JSON.stringify(body);
  }
  return fetch(path, options);
}

// Refused for good (the sale is wrong, not the network): keep it aside for a person.
const isFinal = (status) => status >= 400 && status < 500 && ![401, 408, 429].includes(status);

// --- text ------------------------------------------------------------------------------

function fold(text) {
  return (text || "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

// ``busy``: ids being sent live right now (a live sale must not also go out flagged offline).
async function sync(db, location, onChange, busy = new Set()) {
  let sent = 0;
  const waiting = (await all(db, "outbox")).filter((item) => item.location === location && !busy.has(item.id));
  waiting.sort((a, b) => a.created.localeCompare(b.created));
  for (const item of waiting) {
    let response;
    try {
      // Sent again from the outbox: flagged offline, so too little stock never refuses it.
      response = await call(`/api/v1/sales-points/${location}/sales`, { ...item.body, offline: true });
    } catch {
      onChange({ online: false });
      return sent;
    }
    if (response.ok) {
      await remove(db, "outbox", item.id);
      sent += 1;
      onChange({ online: true, synced: await response.json() });
    } else if (isFinal(response.status)) {
      const problem = await response.json().catch(() => ({}));
      await put(db, "rejected", { ...item, problem });
      await remove(db, "outbox", item.id);
      onChange({ online: true });
    } else {
      onChange({ online: response.status !== 503, login: response.status === 401 });
      return sent;
    }
  }
  onChange({ online: true });
  return sent;
}

async function pendingFor(db, location, shift) {
  const items = await all(db, "outbox");
  return items.filter((item) => item.location === location && (!shift || String(item.body.shift_id) === shift));
}

// --- closing a shift: only with nothing left to sync ------------------------------------

async function guardClose(box) {
  const db = await openDb();
  const { location, shift } = box.dataset;
  const blocked = box.querySelector("#close-blocked");
  const submit = box.querySelector("#close-submit");
  const refresh = async () => {
    const waiting = (await pendingFor(db, location, shift)).length;
    blocked.hidden = waiting === 0;
    submit.disabled = waiting > 0;
    return waiting;
  };
  if (await refresh()) {
    await sync(db, location, () => {});
    await refresh();
  }
  box.querySelector("form").addEventListener("submit", async (event) => {
    if (await refresh()) event.preventDefault();
  });
}

// --- the till ---------------------------------------------------------------------------

class Till {
  constructor(root, db) {
    this.root = root;
    this.db = db;
    this.location = root.dataset.location;
    this.shift = Number(root.dataset.shift);
    this.manager = root.dataset.manager === "yes";
    this.text = JSON.parse(document.getElementById("till-text").textContent);
    const locale = root.dataset.lang === "vi" ? "vi-VN" : root.dataset.lang;
    this.money = new Intl.NumberFormat(locale, { style: "currency", currency: "VND" });
    this.products = [];
    this.online = true;
    this.syncing = false;
    this.waiting = 0;
    this.sending = new Set(); // sales being sent live, which the sync loop leaves alone
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
    await this.loadCatalog();
    this.bind();
    this.render();
    await this.showStatus();
    this.root.dataset.ready = "yes"; // products loaded: scanning works from here
    this.kick();
    setInterval(() => this.kick(), RETRY_MS);
    setInterval(() => this.loadCatalog(), CATALOG_REFRESH_MS);
    window.addEventListener("online", () => this.kick());
    this.$("till-search").focus();
  }

  async loadCatalog() {
    try {
      const response = await call(`/api/v1/sales-points/${this.location}/till/products`);
      if (!response.ok) throw new Error(String(response.status));
      this.products = await response.json();
      await put(this.db, "catalog", { location: this.location, products: this.products, at: Date.now() });
      this.setOnline(true);
    } catch {
      const saved = await one(this.db, "catalog", this.location);
      if (saved) this.products = saved.products;
      this.setOnline(false);
    }
  }

  // --- finding products ---

  matches(query) {
    const q = query.trim();
    if (!q) return [];
    const exact = this.products.filter((p) => p.gtin === q || p.trace_code === q.toUpperCase());
    if (exact.length) return exact;
    const terms = fold(q).split(/\s+/).filter(Boolean);
    return this.products.filter((p) => terms.every((t) => p.search.includes(t))).slice(0, 20);
  }

  showResults() {
    const list = this.$("results");
    list.replaceChildren();
    const found = this.matches(this.$("till-search").value);
    this.$("search-message").textContent = this.$("till-search").value.trim() && !found.length ? this.text.notFound : "";
    for (const product of found) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "result";
      button.dataset.product = product.id;
      button.disabled = !product.sellable;
      const stock = product.available > 0 ? `${product.available} ${this.text.left}` : this.text.outOfStock;
      button.textContent = `${product.name} · ${this.money.format(product.price)} · ${stock}`;
      item.append(button);
      if (!product.sellable || product.clearance) {
        const why = document.createElement("small");
        why.textContent = product.blocked && !product.clearance ? product.blocked : `${this.text.clearance}: ${product.clearance}`;
        item.append(why);
      }
      list.append(item);
    }
  }

  add(product) {
    if (!product.sellable) {
      this.$("search-message").textContent = `${this.text.notSellable}: ${product.blocked}`;
      return;
    }
    const line = this.cart.get(product.id) || { product, quantity: 0, discount: 0 };
    line.quantity += 1;
    this.cart.set(product.id, line);
    this.$("till-search").value = "";
    this.$("results").replaceChildren();
    this.render();
    this.$("till-search").focus();
  }

  // --- money ---

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

  render() {
    const body = this.$("cart-lines");
    body.replaceChildren();
    for (const line of this.cart.values()) {
      const row = document.createElement("tr");
      row.dataset.product = line.product.id;
      row.innerHTML = `<td></td><td><input class="qty" inputmode="numeric" size="3"></td>${
        this.manager ? '<td><input class="discount" inputmode="numeric" size="7"></td>' : ""
      }<td class="amount"></td><td><button type="button" class="link remove" aria-label="✕">✕</button></td>`;
      row.cells[0].textContent = line.product.name;
      row.querySelector(".qty").value = String(line.quantity);
      if (this.manager) row.querySelector(".discount").value = line.discount ? String(line.discount) : "";
      row.querySelector(".amount").textContent = this.money.format(line.product.price * line.quantity - line.discount);
      body.append(row);
    }
    const remaining = this.total() - this.paid();
    this.$("total").textContent = this.money.format(this.total());
    this.$("remaining").textContent = this.money.format(Math.max(remaining, 0));
    this.$("change").textContent = this.money.format(this.change());
    const list = this.$("payments");
    list.replaceChildren();
    this.payments.forEach((payment, i) => {
      const item = document.createElement("li");
      const label = this.root.querySelector(`[data-method=${payment.method}]`).textContent;
      item.textContent = `${label}: ${this.money.format(payment.amount)}${payment.reference ? ` · ${payment.reference}` : ""} `;
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "link";
      drop.textContent = "✕";
      drop.addEventListener("click", () => {
        this.payments.splice(i, 1);
        this.render();
      });
      item.append(drop);
      list.append(item);
    });
    this.$("complete").disabled = !this.cart.size || remaining !== 0 || this.total() <= 0;
  }

  updateLine(row) {
    const line = this.cart.get(Number(row.dataset.product));
    if (!line) return;
    const quantity = parseInt(row.querySelector(".qty").value, 10);
    const discount = parseInt((row.querySelector(".discount")?.value || "0").replace(/\D/g, ""), 10) || 0;
    if (Number.isNaN(quantity) || quantity <= 0) this.cart.delete(line.product.id);
    else {
      line.quantity = Math.min(quantity, 1_000_000);
      line.discount = Math.min(discount, line.product.price * line.quantity);
    }
    this.payments = [];
    this.render();
  }

  // --- payments ---

  async choose(method) {
    this.method = method;
    const remaining = this.total() - this.paid();
    this.$("pay-form").hidden = false;
    this.$("pay-amount").value = String(Math.max(remaining, 0));
    this.$("pay-tendered").value = "";
    this.$("pay-reference").value = "";
    this.$("tendered-field").hidden = method !== "cash";
    this.$("reference-field").hidden = method === "cash";
    this.$("vietqr").hidden = method !== "bank_transfer";
    if (method === "bank_transfer") await this.showQr(Math.max(remaining, 0));
    (method === "cash" ? this.$("pay-tendered") : this.$("pay-amount")).focus();
  }

  reference() {
    return `${this.location} ${this.saleId.slice(0, 8).toUpperCase()}`;
  }

  async showQr(amount) {
    const code = this.$("vietqr-code");
    this.$("transfer-received").checked = false;
    this.$("pay-reference").value = this.reference();
    const text = `${this.money.format(amount)} · ${this.text.transferRef}: ${this.reference()}`;
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

  addPayment() {
    const amount = parseInt(this.$("pay-amount").value.replace(/\D/g, ""), 10) || 0;
    if (amount <= 0 || !this.method) return;
    const payment = { method: this.method, amount };
    const message = this.$("search-message");
    if (this.method === "cash") {
      const tendered = parseInt(this.$("pay-tendered").value.replace(/\D/g, ""), 10) || 0;
      if (tendered > amount) payment.tendered = tendered;
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
    this.$("pay-form").hidden = true;
    this.method = null;
    this.render();
    this.$("complete").focus();
  }

  // --- completing and syncing ---

  async complete() {
    this.$("complete").disabled = true;
    const lines = [...this.cart.values()].map((line) => ({
      product_id: line.product.id,
      quantity: line.quantity,
      unit_price: line.product.price, // the price the customer was shown
      ...(line.discount ? { discount: line.discount } : {}),
    }));
    const body = {
      id: this.saleId,
      sold_at: new Date().toISOString(),
      shift_id: this.shift,
      lines,
      payments: this.payments,
      offline: !this.online,
    };
    if (!body.offline) this.sending.add(body.id); // before it is in the outbox: the loop skips it
    // Durable first: from here on, the sale survives a reload or a crash.
    await put(this.db, "outbox", { id: body.id, location: this.location, body, created: body.sold_at });
    const cart = this.cart;
    this.newSale();
    this.render();
    for (const line of cart.values()) line.product.available -= line.quantity;
    if (!body.offline) await this.sendNow(body, cart);
    else this.showProvisional(body);
    await this.showStatus();
  }

  async sendNow(body, cart) {
    try {
      await this.sendLive(body, cart);
    } finally {
      this.sending.delete(body.id);
    }
  }

  async sendLive(body, cart) {
    let response;
    try {
      response = await call(`/api/v1/sales-points/${this.location}/sales`, body);
    } catch {
      this.setOnline(false);
      this.showProvisional(body);
      return;
    }
    this.setOnline(true);
    if (response.ok) {
      await remove(this.db, "outbox", body.id);
      this.showReceipt(await response.json());
    } else if (isFinal(response.status)) {
      // Refused live (stock, certificate, price): nothing was recorded; the cart comes back.
      await remove(this.db, "outbox", body.id);
      const problem = await response.json().catch(() => ({}));
      this.cart = cart;
      for (const line of cart.values()) line.product.available += line.quantity;
      this.saleId = body.id;
      this.$("search-message").textContent = problem.detail || String(response.status);
      this.render();
    } else {
      this.showProvisional(body);
    }
  }

  showProvisional(body) {
    const box = this.$("last-sale");
    box.hidden = false;
    box.dataset.sale = body.id;
    box.textContent = `${this.text.provisional} (${body.id.slice(0, 8).toUpperCase()})`;
  }

  showReceipt(sale) {
    const box = this.$("last-sale");
    box.hidden = false;
    box.dataset.sale = sale.id;
    box.replaceChildren();
    const title = document.createElement("p");
    title.innerHTML = "<strong></strong>";
    title.firstChild.textContent = `${this.text.synced} ${sale.number} · ${this.money.format(sale.total)}`;
    box.append(title);
    const change = sale.payments.reduce((sum, p) => sum + p.change, 0);
    if (change) box.append(Object.assign(document.createElement("p"), { textContent: `${this.text.change}: ${this.money.format(change)}` }));
    for (const [layout, label] of [["80mm", this.text.print], ["a5", this.text.a5]]) {
      const link = document.createElement("a");
      link.href = `/pos/${this.location}/sales/${sale.id}?layout=${layout}`;
      link.className = "button";
      link.textContent = label;
      box.append(link, " ");
    }
  }

  setOnline(online) {
    this.online = online;
    const badge = this.$("network");
    badge.textContent = online ? this.text.online : this.text.offline;
    badge.classList.toggle("warn", !online);
  }

  async showStatus() {
    const waiting = (await pendingFor(this.db, this.location)).length;
    this.waiting = waiting;
    this.$("pending").hidden = waiting === 0;
    this.$("pending-count").textContent = String(waiting);
    const rejected = (await all(this.db, "rejected")).filter((item) => item.location === this.location);
    const box = this.$("rejected");
    box.hidden = rejected.length === 0;
    box.textContent = rejected.length
      ? `${rejected.length} ${this.text.rejected}: ${rejected.map((r) => r.problem.detail || "").join(" · ")}`
      : "";
    return waiting;
  }

  async kick() {
    if (this.syncing) return;
    this.syncing = true;
    try {
      await sync(this.db, this.location, ({ online, synced, login }) => {
        this.setOnline(online);
        if (login) this.$("search-message").textContent = this.text.loginAgain;
        if (synced && this.$("last-sale").dataset.sale === synced.id) this.showReceipt(synced);
      }, this.sending);
    } finally {
      this.syncing = false;
      await this.showStatus();
    }
  }

  bind() {
    const search = this.$("till-search");
    search.addEventListener("input", () => this.showResults());
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault(); // a scanner types the code, then Enter
      const found = this.matches(search.value);
      if (found.length === 1) this.add(found[0]);
      else this.showResults();
    });
    this.$("results").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-product]");
      const product = button && this.products.find((p) => p.id === Number(button.dataset.product));
      if (product) this.add(product);
    });
    this.$("cart-lines").addEventListener("change", (event) => this.updateLine(event.target.closest("tr")));
    this.$("cart-lines").addEventListener("click", (event) => {
      if (!event.target.closest("button.remove")) return;
      this.cart.delete(Number(event.target.closest("tr").dataset.product));
      this.payments = [];
      this.render();
    });
    this.root.querySelectorAll("[data-method]").forEach((button) =>
      button.addEventListener("click", () => this.choose(button.dataset.method)),
    );
    this.$("pay-add").addEventListener("click", () => this.addPayment());
    this.$("pay-form").addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.addPayment();
      }
    });
    this.$("complete").addEventListener("click", () => this.complete());
    this.$("clear").addEventListener("click", () => {
      this.newSale();
      this.render();
      search.focus();
    });
    // Known now, not after an await: a click's default cannot be stopped later.
    this.$("close-link").addEventListener("click", (event) => {
      if (this.waiting > 0) {
        event.preventDefault();
        this.$("search-message").textContent = this.text.pendingClose;
      }
    });
  }
}

const root = document.getElementById("till");
if (root) openDb().then((db) => new Till(root, db).start());
const closeBox = document.getElementById("close-shift");
if (closeBox) guardClose(closeBox);
