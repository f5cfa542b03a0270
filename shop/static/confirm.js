// Asks before an action that cannot be undone: a form, or one of its buttons, with
// data-confirm="what will happen", data-confirm-yes and data-confirm-no (the buttons' words).
// The question is a <dialog>; "yes" sends the form with the button that was pressed.
// Without JavaScript the form is sent as it is: the server still checks everything.

function ask(source, onYes) {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm";
  dialog.style.cssText = "max-width:min(90vw,28rem);border:1px solid #ccc;border-radius:.5rem";
  const text = document.createElement("p");
  text.textContent = source.dataset.confirm;
  const row = document.createElement("p");
  row.className = "confirm-buttons";
  row.style.cssText = "display:flex;flex-wrap:wrap;gap:.5rem;justify-content:flex-end";
  const no = document.createElement("button");
  no.type = "button";
  no.className = "secondary";
  no.textContent = source.dataset.confirmNo || "←";
  const yes = document.createElement("button");
  yes.type = "button";
  yes.className = "danger";
  yes.textContent = source.dataset.confirmYes || "OK";
  row.append(no, yes);
  dialog.append(text, row);
  document.body.append(dialog);
  no.addEventListener("click", () => dialog.close());
  yes.addEventListener("click", () => {
    dialog.close();
    onYes();
  });
  dialog.addEventListener("close", () => dialog.remove());
  dialog.showModal();
  no.focus();
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const button = event.submitter;
  const source = button && button.dataset.confirm ? button : form.dataset.confirm ? form : null;
  if (!source || form.dataset.confirmed === "1") return;
  event.preventDefault();
  ask(source, () => {
    form.dataset.confirmed = "1";
    form.requestSubmit(button || undefined);
    delete form.dataset.confirmed;
  });
});
