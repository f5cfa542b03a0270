// The photo forms: a photo taken or chosen is sent at once, and the page says it is sending
// (a phone photo takes a few seconds on a slow connection). Without this script the person
// presses "Upload"; the server does the same either way.
for (const form of document.querySelectorAll("form[data-photo-upload]")) {
  const input = form.querySelector("input[type=file]");
  const sending = form.querySelector("[data-photo-sending]");
  const button = form.querySelector("[data-photo-send]");
  button.hidden = true; // the pick is sent at once
  input.addEventListener("change", () => {
    if (!input.files || input.files.length === 0) return;
    sending.hidden = false;
    button.disabled = true;
    form.submit();
  });
}
