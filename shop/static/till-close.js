// Closing the shift, online or not: the counts are queued after the shift's last sale, and
// the Z-report computed here is provisional until the server's is set beside it.

import { queue } from "./till-store.js";
import { differences, report } from "./till-report.js";
import { NUMBER, digits, el, money, short } from "./till-ui.js";

export const Closing = {
  async openClose() {
    if (!this.shift) return;
    const { sales, returns } = await this.shiftDocuments(this.shift);
    await this.renderReport(this.$("x-report"), report(this.shift, sales, returns), this.text.xTitle);
    this.$("close-message").textContent = "";
    this.$("close-panel").hidden = false;
    this.$("count-cash").focus();
  },

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
  },

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
  },

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
  },
};
