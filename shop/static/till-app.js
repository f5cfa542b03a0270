// The till as an app: persistent storage asked for, the service worker registered, and a
// new version started between sales, never in the middle of one.

const UPDATE_CHECK_MS = 30 * 60 * 1000;

export const App = {
  async askPersistence() {
    let kept = false;
    try {
      kept = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    } catch {
      kept = false;
    }
    this.$("storage-refused").hidden = kept;
    this.root.dataset.storage = kept ? "persistent" : "refused";
  },

  async registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    const sw = navigator.serviceWorker;
    let controlled = Boolean(sw.controller);
    sw.addEventListener("controllerchange", () => {
      // The first worker taking this page over is no update; a later one is: start it.
      if (!controlled) controlled = true;
      else location.reload();
    });
    let registration;
    try {
      // The version in the address: a page of a new version installs its new worker.
      const version = encodeURIComponent(this.root.dataset.version);
      registration = await sw.register(`/pos/sw.js?v=${version}`, { scope: "/pos/" });
    } catch {
      return;
    }
    const watch = (worker) =>
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && sw.controller) this.updateReady(worker);
      });
    if (registration.waiting && sw.controller) this.updateReady(registration.waiting);
    watch(registration.installing);
    registration.addEventListener("updatefound", () => watch(registration.installing));
    const ready = await sw.ready;
    this.showVersion(ready.active);
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      if (event.data.cached) this.root.dataset.offline = "ready"; // this page opens with no network
    };
    ready.active.postMessage({ type: "cache-page", path: location.pathname }, [channel.port2]);
    this.worker = ready.active;
    this.keepPhotos(ready.active);
    setInterval(() => registration.update().catch(() => {}), UPDATE_CHECK_MS);
    window.addEventListener("online", () => registration.update().catch(() => {}));
  },

  // The grid's photos, fetched and kept by the worker so that they show offline: this page's
  // first load ran before the worker controlled it, and a grid shows only its first tiles.
  keepPhotos(worker) {
    const paths = this.products.map((p) => p.thumb_url).filter(Boolean);
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      this.root.dataset.photos = event.data.kept >= paths.length ? "kept" : "partial";
    };
    worker.postMessage({ type: "keep-photos", paths }, [channel.port2]);
  },

  // The version that runs: the worker's, which serves this page's code.
  showVersion(worker) {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      this.$("app-version").textContent = event.data.version;
    };
    worker.postMessage({ type: "version" }, [channel.port2]);
  },

  updateReady(worker) {
    this.update = worker;
    this.$("update-ready").hidden = false;
    this.applyUpdateIfIdle();
  },

  // A new version starts between sales, never in the middle of one; what waits to sync is
  // in IndexedDB and is sent by the new version as by the old.
  applyUpdateIfIdle() {
    const busy =
      this.cart.size || this.payments.length || this.buyerBusy() || !this.$("return-panel").hidden || !this.$("close-panel").hidden;
    if (this.update && !busy) this.update.postMessage({ type: "activate" });
  },
};
