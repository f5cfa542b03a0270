// The till's own arithmetic, the server's rules done again on the device: what a return
// refunds and how, and the shift's Z-report from the sales and returns made here. Offline it
// is the report the cashier prints, marked provisional; once synced it is set beside the
// server's, and every figure that differs is named.

export const METHODS = ["cash", "bank_transfer", "card"];
// Refunds reverse these first: the drawer pays back only what was paid in cash.
const REFUND_ORDER = ["card", "bank_transfer", "cash"];

// What ``quantity`` more units of a line refund: its total spread over its units, the last
// unit taking the rounding (as shop/till/returns.py).
export function refundFor(line, returned, quantity) {
  const per = (n) => Math.floor((line.total * n) / line.quantity);
  return per(returned + quantity) - per(returned);
}

// The refund of ``total`` split over what each method of the sale has not yet had back.
export function refunds(sale, earlier, total) {
  const paid = {};
  for (const p of sale.payments) paid[p.method] = (paid[p.method] || 0) + p.amount;
  const back = {};
  for (const r of earlier) for (const f of r.refunds) back[f.method] = (back[f.method] || 0) + f.amount;
  const out = [];
  let need = total;
  for (const method of REFUND_ORDER) {
    const amount = Math.min((paid[method] || 0) - (back[method] || 0), need);
    if (amount > 0) {
      out.push({ method, amount });
      need -= amount;
    }
  }
  return out;
}

// How many of each line of ``sale`` the ``returns`` took back already.
export function returnedByLine(sale, returns) {
  const out = sale.lines.map(() => 0);
  for (const r of returns) for (const l of r.lines) out[l.line] += l.quantity;
  return out;
}

// The Z-report (X-report while open) of one shift from this device's sales and returns.
export function report(shift, sales, returns) {
  const r = {
    sales: sales.length,
    gross: 0,
    discounts: 0,
    net_sales: 0,
    returns: returns.length,
    refunds: 0,
    units_sold: 0,
    units_returned: 0,
  };
  const paid = {};
  const back = {};
  for (const sale of sales) {
    for (const line of sale.lines) {
      r.gross += line.unit_price * line.quantity;
      r.discounts += line.discount;
      r.units_sold += line.quantity;
    }
    r.net_sales += sale.total;
    for (const p of sale.payments) paid[p.method] = (paid[p.method] || 0) + p.amount;
  }
  for (const ret of returns) {
    r.refunds += ret.total;
    for (const l of ret.lines) r.units_returned += l.quantity;
    for (const f of ret.refunds) back[f.method] = (back[f.method] || 0) + f.amount;
  }
  r.net = r.net_sales - r.refunds;
  const counted = shift.counted || {};
  r.by_method = METHODS.map((method) => {
    const expected = (paid[method] || 0) - (back[method] || 0) + (method === "cash" ? shift.openingFloat : 0);
    const got = shift.counted ? counted[method] : null;
    return {
      method,
      sales: paid[method] || 0,
      refunds: back[method] || 0,
      expected,
      counted: got,
      difference: got === null ? null : got - expected,
    };
  });
  return r;
}

const FIGURES = ["sales", "net_sales", "discounts", "returns", "refunds", "net", "units_sold", "units_returned"];

// The figures where the device's report and the server's differ: [[name, here, server]].
export function differences(local, server) {
  const out = [];
  for (const name of FIGURES) if (local[name] !== server[name]) out.push([name, local[name], server[name]]);
  for (const row of local.by_method) {
    const theirs = server.by_method.find((m) => m.method === row.method);
    if (theirs && theirs.expected !== row.expected) out.push([`expected:${row.method}`, row.expected, theirs.expected]);
  }
  return out;
}
