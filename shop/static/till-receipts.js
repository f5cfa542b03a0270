// After a sale: its receipt on screen, and printed straight to the roll (80 or 58 mm): the
// server's numbered receipt when the sale is synced, else a provisional one made here.

import { NUMBER, WHEN, el, money, short } from "./till-ui.js";
const PAPER_KEY = "ocop-till-paper";

export const Receipts = {
  showProvisional(sale) {
    const box = this.$("last-sale");
    box.hidden = false;
    box.dataset.sale = sale.id;
    const change = sale.payments.reduce((sum, p) => sum + (p.tendered ? p.tendered - p.amount : 0), 0);
    const print = el("button", { type: "button", className: "secondary", textContent: this.text.print });
    print.addEventListener("click", () => this.printLocal(sale));
    box.replaceChildren(
      el("p", { textContent: `${this.text.provisional} (${short(sale.id)}) · ${money(sale.total)}` }),
      ...(sale.buyer ? [el("p", { className: "buyer", textContent: this.buyerLine(sale.buyer) })] : []),
      ...(change ? [el("p", {}, el("strong", { textContent: `${this.text.change}: ${money(change)}` }))] : []),
      el("p", { className: "actions" }, print, this.paperChoice()),
    );
  },

  showReceipt(sale, buyer = null) {
    const box = this.$("last-sale");
    box.hidden = false;
    box.dataset.sale = sale.id;
    const change = sale.payments.reduce((sum, p) => sum + p.change, 0);
    const print = el("button", { type: "button", textContent: this.text.print, id: "print-receipt" });
    print.addEventListener("click", () => this.printReceipt(sale.id));
    const base = `/pos/${this.location}/sales/${sale.id}`;
    box.replaceChildren(
      el("p", {}, el("strong", { textContent: `${this.text.synced} ${sale.number} · ${money(sale.total)}` })),
      ...(buyer ? [el("p", { className: "buyer", textContent: this.buyerLine(buyer) })] : []),
      ...(change ? [el("p", {}, el("strong", { textContent: `${this.text.change}: ${money(change)}` }))] : []),
      el(
        "p",
        { className: "actions" },
        print,
        this.paperChoice(),
        el("a", { className: "button", href: `${base}?layout=a5&print=1`, textContent: this.text.a5 }),
        el("a", { href: `${base}/return`, textContent: this.text.returnSale }),
      ),
    );
  },

  paper() {
    return localStorage.getItem(PAPER_KEY) === "58mm" ? "58mm" : "80mm";
  },

  paperChoice() {
    const select = el("select", { ariaLabel: this.text.paper });
    for (const value of ["80mm", "58mm"]) select.append(el("option", { value, textContent: value.replace("mm", " mm"), selected: value === this.paper() }));
    select.addEventListener("change", () => localStorage.setItem(PAPER_KEY, select.value));
    return select;
  },

  // The receipt as the server prints it (numbered, with trace codes), straight to the
  // print dialog: loaded out of sight, printed from there.
  printReceipt(saleId) {
    document.getElementById("receipt-frame")?.remove();
    const frame = el("iframe", { id: "receipt-frame", title: this.text.print, src: `/pos/${this.location}/sales/${saleId}?layout=${this.paper()}` });
    // Out of sight but as wide as the paper, so the receipt measures its own length.
    frame.style.cssText = `position:fixed;left:-200mm;top:0;width:${this.paper()};height:50mm;border:0`;
    frame.addEventListener("load", () => frame.contentWindow.print());
    document.body.append(frame);
  },

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
      ...(sale.buyer ? [el("p", { textContent: this.buyerLine(sale.buyer) })] : []),
      el("table", {}, el("tbody", {}, ...rows)),
      el("p", { className: "total" }, `${this.text.total} `, el("strong", { textContent: money(sale.total) })),
      el("ul", { className: "payments" }, ...sale.payments.map((p) => el("li", { textContent: `${this.text[p.method]}: ${money(p.amount)}${p.tendered ? ` (${money(p.tendered)}, ${this.text.change} ${money(p.tendered - p.amount)})` : ""}` }))),
      el("p", { textContent: this.text.thanks }),
    );
    this.printArea();
  },

  // A roll has no page length: the page is as long as what it prints, then the cut.
  printArea() {
    const area = this.$("print-area");
    area.style.cssText = `display:block;position:fixed;left:-200mm;top:0;width:${this.paper()}`;
    const mm = Math.ceil((area.getBoundingClientRect().height * 25.4) / 96) + 6;
    area.style.cssText = "";
    this.$("page-size").textContent = `@page { size: ${this.paper()} ${mm}mm; margin: 0; }`;
    window.print();
  },
};
