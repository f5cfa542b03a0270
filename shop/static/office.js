// The office's forms: once a province is chosen, the commune field offers its communes
// (and, on the former map, its districts). Without this script the field is plain text,
// which the server reads the same way.
for (const picker of document.querySelectorAll("[data-place-picker]")) {
  const province = picker.querySelector("[data-province]");
  const commune = picker.querySelector("[data-commune]");
  const list = document.getElementById(commune.getAttribute("list"));
  const load = async () => {
    list.replaceChildren();
    if (!province.value) return;
    const response = await fetch(`/office/places/${encodeURIComponent(province.value)}/communes`);
    if (!response.ok) return;
    for (const name of await response.json()) list.append(new Option(name, name));
  };
  province.addEventListener("change", () => {
    commune.value = "";
    load();
  });
  load();
}

// A form that asks before it acts (revoking a certificate) says what will happen first,
// on the page itself; this only keeps a double click from sending it twice.
for (const form of document.querySelectorAll("form[data-once]")) {
  form.addEventListener("submit", () => {
    // After the form data is taken: a disabled button would drop its own name and value.
    setTimeout(() => {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  });
}
