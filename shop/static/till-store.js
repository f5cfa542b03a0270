// The till's storage and its outbox: nothing lost, nothing doubled.
//
// Everything the till does that the server must learn of (opening a shift, a sale, a return,
// closing the shift) is written to IndexedDB first, in the outbox, under the id that names it
// on the server, and only then sent. The outbox is sent strictly in the order things were
// done, so a shift is opened before its sales arrive and closed after the last of them. The
// server records a sale or a return once per id and answers a closing again with the shift
// already closed, so sending anything twice after a lost answer, a reload or a whole day
// offline is always safe. A service worker update never touches this database.

const DB_NAME = "ocop-till";
const DB_VERSION = 2;

// Version 1 had the outbox (sales only), the refused sales and the product list; version 2
// adds shifts, this device's own sales and returns (for returns and the local Z-report) and
// small facts such as the last sync. Upgrades only ever add: nothing queued is dropped.
export function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const [name, key] of [
        ["outbox", "id"],
        ["rejected", "id"],
        ["catalog", "location"],
        ["shifts", "key"],
        ["sales", "id"],
        ["returns", "id"],
        ["meta", "key"],
      ]) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: key });
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer till (an app update in another tab) needs the database: let it have it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
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

// Several writes as one: all of them are kept, or none (a sale and its place in the outbox).
export function putAll(db, writes) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction([...new Set(writes.map(([name]) => name))], "readwrite");
    for (const [name, value] of writes) tx.objectStore(name).put(value);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const put = (db, name, value) => store(db, name, "readwrite", (s) => s.put(value));
export const remove = (db, name, key) => store(db, name, "readwrite", (s) => s.delete(key));
export const all = (db, name) => store(db, name, "readonly", (s) => s.getAll());
export const one = (db, name, key) => store(db, name, "readonly", (s) => s.get(key));

// --- the outbox ------------------------------------------------------------------------

let counter = 0;

// The order things were done in: milliseconds, then a counter for the same millisecond.
export const nextSeq = () => Date.now() * 1000 + (counter++ % 1000);

// Items of version 1 were sales with only a creation time.
const seqOf = (item) => item.seq ?? Date.parse(item.created) * 1000;
const kindOf = (item) => item.kind || "sale";

// An outbox item, numbered in the order things were done; written with ``also`` in one go.
export async function queue(db, item, also = []) {
  const full = { seq: nextSeq(), created: new Date().toISOString(), ...item };
  await putAll(db, [["outbox", full], ...also]);
  return full;
}

export async function waiting(db, location) {
  const items = (await all(db, "outbox")).filter((item) => item.location === location);
  return items.sort((a, b) => seqOf(a) - seqOf(b));
}

export async function counts(db, location) {
  const out = { sale: 0, return: 0, close: 0, open: 0 };
  for (const item of await waiting(db, location)) out[kindOf(item)] += 1;
  return out;
}

// --- the server -----------------------------------------------------------------------

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)ocop_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// Resolves with the response (any status); rejects only when the network failed.
export function call(path, body) {
  const options = { credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.headers["X-CSRF-Token"] = csrfToken();
    options.body = JSON.stringify(body);
  }
  return fetch(path, options);
}

// Refused for good (the document is wrong, not the network): kept aside for a person.
export const isFinal = (status) => status >= 400 && status < 500 && ![401, 408, 429].includes(status);

// The request an outbox item makes, with the server's id of its shift once it is known.
async function request(db, location, item, page) {
  const shift = item.shift ? await one(db, "shifts", item.shift) : null;
  const shiftId = shift?.serverId;
  const base = `/api/v1/sales-points/${location}`;
  switch (kindOf(item)) {
    case "open":
      return [`${base}/shifts`, item.body];
    case "close":
      return shiftId ? [`${base}/shifts/${shiftId}/close`, item.body] : null;
    case "return":
      return [`/api/v1/sales/${item.sale}/returns`, withShift(item.body, shiftId)];
    default: {
      // Sent live by the page that made it: a sale beyond the stock is refused and comes
      // back to the cart. Anything older was sold offline (rule 7: never refused for stock).
      const live = item.live && item.page === page && !item.tried;
      return [`${base}/sales`, { ...withShift(item.body, shiftId), offline: !live }];
    }
  }
}

const withShift = (body, shiftId) => (shiftId ? { ...body, shift_id: shiftId } : body);

// Sends what waits, in order, until the network fails. ``hooks`` hear of each outcome:
// online(bool), login(), sent(item, answer), refused(item, problem) -> true when the page
// took the refusal back itself (a live sale returns to its cart).
export async function sync(db, location, hooks, page = "") {
  for (const item of await waiting(db, location)) {
    const req = await request(db, location, item, page);
    if (!req) {
      // A closing whose shift the server never opened (its opening was refused): aside.
      await remove(db, "outbox", item.id);
      await put(db, "rejected", { ...item, problem: {} });
      continue;
    }
    let response;
    try {
      response = await call(...req);
    } catch {
      await put(db, "outbox", { ...item, tried: true });
      hooks.online(false);
      return false;
    }
    if (response.ok) {
      const answer = await response.json();
      await settle(db, item, answer);
      await remove(db, "outbox", item.id);
      hooks.online(true);
      await hooks.sent(item, answer);
    } else if (isFinal(response.status)) {
      const problem = await response.json().catch(() => ({}));
      await remove(db, "outbox", item.id);
      if (!(await hooks.refused(item, problem))) await put(db, "rejected", { ...item, problem });
      hooks.online(true);
    } else {
      await put(db, "outbox", { ...item, tried: true });
      hooks.online(response.status !== 503);
      if (response.status === 401) hooks.login();
      return false;
    }
  }
  return true;
}

// What the server's answer teaches the device: the shift's id, a receipt's number, the
// server's Z-report of a closed shift.
async function settle(db, item, answer) {
  const kind = kindOf(item);
  if (kind === "open" || kind === "close") {
    const shift = await one(db, "shifts", item.shift);
    if (!shift) return;
    shift.serverId = answer.id;
    if (kind === "close") shift.server = answer.report;
    else if (answer.opening_float !== shift.openingFloat) shift.serverFloat = answer.opening_float;
    await put(db, "shifts", shift);
  } else if (kind === "sale") {
    const sale = await one(db, "sales", item.id);
    if (sale) await put(db, "sales", { ...sale, number: answer.number, synced: true });
  } else if (kind === "return") {
    const done = await one(db, "returns", item.id);
    if (done) await put(db, "returns", { ...done, synced: true, refunds: answer.refunds });
  }
}

// A shift closed and reconciled with the server over a week ago has done its work on this
// device: it goes, with its sales and returns (the server keeps them all).
export async function prune(db, location, keepDays = 7) {
  const before = new Date(Date.now() - keepDays * 86_400_000).toISOString();
  const done = (await all(db, "shifts")).filter(
    (s) => s.location === location && s.status === "closed" && s.server && s.closedAt < before,
  );
  if (!done.length) return;
  const keys = new Set(done.map((s) => s.key));
  const sales = (await all(db, "sales")).filter((s) => keys.has(s.shift));
  const returns = (await all(db, "returns")).filter((r) => keys.has(r.shift));
  await new Promise((resolve, reject) => {
    const tx = db.transaction(["shifts", "sales", "returns"], "readwrite");
    for (const s of done) tx.objectStore("shifts").delete(s.key);
    for (const s of sales) tx.objectStore("sales").delete(s.id);
    for (const r of returns) tx.objectStore("returns").delete(r.id);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}
