// A buyer who asks for a VAT e-invoice in their name: the form on the till's payment step.
//
// Closed, the sale is an anonymous retail sale, as before. Opened, the buyer's name is needed;
// a tax code (10 digits, 10-3 for a branch, or a person's 12-digit ID) and an email (to
// receive the invoice's PDF) are checked with the patterns the server itself checks (the
// page is given them), so a sale kept on the device with its buyer is never refused for
// them when it syncs. A wrong field says why beside it and the sale waits: nothing typed is
// lost. The buyer travels in the sale's body, queued offline like the rest of it; the form
// is emptied and closed for the next customer.

const FIELDS = ["name", "tax-code", "address", "email"];

// Spaces typed inside a code, and the dashes a phone keyboard or a pasted text may give.
const taxCode = (text) => text.replace(/\s+/g, "").replace(/[\u2010-\u2015\u2212]/g, "-");
const matches = (input, value) => new RegExp(input.dataset.pattern, "u").test(value);

export const Buyer = {
  buyerInput(field) {
    return this.$(`buyer-${field}`);
  },

  bindBuyer() {
    const box = this.$("buyer-fields");
    // A page kept from an older version (no form): the till sells as before, anonymously.
    if (!box) return;
    this.$("buyer-toggle").addEventListener("click", () => this.openBuyer(box.hidden));
    // Checked when the sale is completed, not as a field is left: a message appearing then
    // would move "Complete sale" from under the finger that is tapping it.
    box.addEventListener("input", (event) => this.buyerError(event.target.id.replace("buyer-", ""), ""));
    // Enter goes on to the next field, then to "Complete sale": it never completes by itself.
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const next = FIELDS[FIELDS.indexOf(event.target.id.replace("buyer-", "")) + 1];
      (next ? this.buyerInput(next) : this.$("complete")).focus();
    });
  },

  openBuyer(open) {
    this.$("buyer-fields").hidden = !open;
    this.$("buyer-toggle").setAttribute("aria-expanded", String(open));
    if (open) this.buyerInput("name").focus();
  },

  buyerError(field, message) {
    const input = this.buyerInput(field);
    const error = this.$(`buyer-${field}-error`);
    if (!input || !error) return;
    error.textContent = message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  },

  // One field's value as it is sent ("" when left empty), and what is wrong with it.
  checkBuyerField(field) {
    const input = this.buyerInput(field);
    let value = input.value.trim();
    let wrong = "";
    if (field === "name" && !value) wrong = this.text.buyerNameNeeded;
    if (field === "tax-code" && value) {
      value = taxCode(value);
      if (matches(input, value)) input.value = value;
      else wrong = this.text.buyerTaxCodeWrong;
    }
    if (field === "email" && value && !matches(input, value)) wrong = this.text.buyerEmailWrong;
    this.buyerError(field, wrong);
    return { value, wrong };
  },

  // The buyer for the sale's body: null for an anonymous sale (the form closed), false when
  // a field is wrong (the first wrong field has the focus; the sale waits).
  readBuyer() {
    if (this.$("buyer-fields")?.hidden ?? true) return null;
    const out = {};
    let first = null;
    for (const field of FIELDS) {
      const { value, wrong } = this.checkBuyerField(field);
      if (wrong && !first) first = field;
      if (value) out[field === "tax-code" ? "tax_code" : field] = value;
    }
    if (first) {
      this.$("search-message").textContent = this.text.buyerCheck;
      this.buyerInput(first).focus();
      return false;
    }
    return out;
  },

  // A sale refused live comes back to the cart: its buyer comes back to the form.
  restoreBuyer(buyer) {
    if (!buyer) return;
    this.buyerInput("name").value = buyer.name || "";
    this.buyerInput("tax-code").value = buyer.tax_code || "";
    this.buyerInput("email").value = buyer.email || "";
    this.buyerInput("address").value = buyer.address || "";
    this.openBuyer(true);
  },

  // The next customer starts with the form closed and empty.
  resetBuyer() {
    if (!this.$("buyer-fields")) return;
    for (const field of FIELDS) {
      this.buyerInput(field).value = "";
      this.buyerError(field, "");
    }
    this.openBuyer(false);
  },

  // Something typed in the form: the sale is under way (no app update in the middle of it).
  buyerBusy() {
    return FIELDS.some((field) => this.buyerInput(field)?.value.trim());
  },

  // "Invoice to: name · Tax code: …" on the screen's and the printed provisional receipt.
  buyerLine(buyer) {
    if (!buyer?.name) return "";
    return `${this.text.buyer}: ${buyer.name}${buyer.tax_code ? ` · ${this.text.taxCode}: ${buyer.tax_code}` : ""}`;
  },
};
