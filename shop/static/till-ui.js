// The till's small shared pieces: money and dates as Vietnamese read them, and elements.

export const MONEY = new Intl.NumberFormat("vi-VN", { style: "currency", currency: "VND" });
export const NUMBER = new Intl.NumberFormat("vi-VN");
export const WHEN = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" });
export const DAY = new Intl.DateTimeFormat("vi-VN");

export const money = (n) => MONEY.format(n);
export const digits = (text) => parseInt(String(text || "").replace(/\D/g, ""), 10) || 0;
export const short = (id) => id.slice(0, 8).toUpperCase();

export function fold(text) {
  return (text || "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// Amounts typed in đồng show their thousands as they are typed: "585.000".
export function formatMoneyInput(input) {
  const n = digits(input.value);
  input.value = input.value.trim() === "" ? "" : NUMBER.format(n);
}
