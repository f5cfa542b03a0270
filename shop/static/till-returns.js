// Returns at the till, online or not: against a sale made here in this shift, refunded as
// the server will (card and transfer first, then cash), queued like a sale.

import { all, one, queue } from "./till-store.js";
import { refundFor, refunds, returnedByLine } from "./till-report.js";
import { WHEN, digits, el, money, short } from "./till-ui.js";

export const Returns = {
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
  },

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
  },

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
  },

  previewRefund() {
    if (!this.returnSale) return;
    const total = this.returnLines().reduce((sum, l) => sum + l.amount, 0);
    this.$("return-refund").textContent = total ? `${this.text.refund}: ${money(total)}` : "";
  },

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
  },
};
