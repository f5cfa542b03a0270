// The till's service worker: the till opens, and sells, with no network at all.
//
// It keeps three caches. The shell (scripts, styles, icons) is cached per version, when the
// worker installs. The till pages themselves are cached each time one loads online
// (network first), in a cache every version shares, so a new version still opens a till
// offline. The product photos of the grid are cached when seen and when the till names them
// ("keep-photos"), cache first: a /media/ name is a digest of its content, so a kept copy
// never goes stale; at most PHOTOS_LIMIT are kept, those the till named last kept longest.
// Sales, returns and shifts waiting to sync are in IndexedDB, which this worker never
// touches: an update cannot lose them. A new version waits until the till says its sale is
// finished (the "activate" message), then takes over.

const VERSION = "__VERSION__"; // filled in by the server: a digest of this file and the shell
const SHELL = ["__SHELL__"];
const SHELL_CACHE = `ocop-till-shell-${VERSION}`;
const PAGES_CACHE = "ocop-till-pages";
const PHOTOS_CACHE = "ocop-till-photos";
// Thumbnails of 160 px weigh 3-10 kB: a few megabytes in all, the grid of a large shop.
const PHOTOS_LIMIT = 600;
const PHOTOS_AT_ONCE = 4; // fetched together when the till names its photos
const MEDIA = /^\/media\/[a-z0-9/]+\.(?:webp|jpg)$/;
const TILL_PAGE = /^\/pos\/[^/]+\/till$/;
const MANIFEST = /^\/pos\/[^/]+\/manifest\.webmanifest$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL_CACHE);
      await shell.addAll(SHELL.map((path) => new Request(path, { cache: "reload" })));
      await refreshPages(); // best effort: the pages as this version renders them
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("ocop-till-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "activate") self.skipWaiting();
  else if (data.type === "version") event.ports[0]?.postMessage({ version: VERSION });
  else if (data.type === "cache-page" && typeof data.path === "string" && TILL_PAGE.test(data.path)) {
    // The page may have loaded before this worker controlled it: keep it for the next time,
    // then tell the page it can open offline.
    event.waitUntil(cachePage(data.path).then((cached) => event.ports[0]?.postMessage({ cached })));
  } else if (data.type === "keep-photos" && Array.isArray(data.paths)) {
    // The till's grid photos, fetched now: its first page load ran before this worker
    // controlled it, and products beyond the first screen may not have been shown yet.
    event.waitUntil(keepPhotos(data.paths).then((kept) => event.ports[0]?.postMessage({ kept })));
  }
});

// Whether the page is now in the cache (fetched afresh, or the copy kept from before).
async function cachePage(path) {
  const pages = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
    if (isPage(response)) await pages.put(path, response);
  } catch {
    // Offline: the copy we have stays.
  }
  return Boolean(await pages.match(path));
}

async function refreshPages() {
  const pages = await caches.open(PAGES_CACHE);
  for (const request of await pages.keys()) await cachePage(new URL(request.url).pathname);
}

// A till page worth keeping: a 200 of our own, not a redirect to the login page.
const isPage = (response) => response.ok && response.type === "basic" && !response.redirected;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const ours = url.origin === self.location.origin;
  if ((ours && MEDIA.test(url.pathname)) || (request.destination === "image" && fromTill(request))) {
    event.respondWith(photo(request)); // product photos, ours or a producer's site's
    return;
  }
  if (!ours) return;
  if (request.mode === "navigate" && TILL_PAGE.test(url.pathname)) {
    event.respondWith(tillPage(request, url.pathname));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/pos/")) {
    event.respondWith(otherPage(request));
  } else if (SHELL.includes(url.pathname) || MANIFEST.test(url.pathname)) {
    event.respondWith(shellFile(request, url.pathname));
  }
  // Everything else (the API above all) goes to the network as if there were no worker:
  // the till itself decides what to do when it fails.
});

function fromTill(request) {
  try {
    return TILL_PAGE.test(new URL(request.referrer).pathname);
  } catch {
    return false;
  }
}

async function tillPage(request, path) {
  try {
    const response = await fetch(request);
    if (isPage(response)) await (await caches.open(PAGES_CACHE)).put(path, response.clone());
    return response;
  } catch {
    const saved = await caches.match(path, { cacheName: PAGES_CACHE });
    return saved || offlinePage();
  }
}

async function otherPage(request) {
  try {
    return await fetch(request);
  } catch {
    return offlinePage();
  }
}

function offlinePage() {
  const tills = "<p><a href='/pos/till'>/pos/till</a></p>";
  const body = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>OCOP</title><h1>Không có mạng · Offline</h1>
<p>Máy bán hàng vẫn dùng được khi không có mạng. The till works offline once it has been opened online.</p>${tills}`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function shellFile(request, path) {
  const saved = await caches.match(path, { cacheName: SHELL_CACHE });
  if (saved) return saved;
  try {
    const response = await fetch(request);
    if (response.ok && MANIFEST.test(path)) await (await caches.open(SHELL_CACHE)).put(path, response.clone());
    return response;
  } catch {
    return Response.error();
  }
}

async function photo(request) {
  const cache = await caches.open(PHOTOS_CACHE);
  // Vary ignored: a photo's bytes never change under its name, whatever was asked.
  const saved = await cache.match(request, { ignoreVary: true });
  if (saved) return saved;
  try {
    const response = await fetch(request);
    if (response.ok || response.type === "opaque") {
      await cache.put(request, response.clone());
      trimPhotos(cache);
    }
    return response;
  } catch {
    return Response.error(); // offline and never seen: the tile shows the product's initial
  }
}

// Whether each of the till's photos is now kept, fetching those that are not (a few at a
// time); only our own /media/ names, and no more than the cache holds.
async function keepPhotos(paths) {
  const wanted = [...new Set(paths.filter((p) => typeof p === "string" && MEDIA.test(p)))].slice(0, PHOTOS_LIMIT);
  const cache = await caches.open(PHOTOS_CACHE);
  const queue = [];
  for (const path of wanted) if (!(await cache.match(path, { ignoreVary: true }))) queue.push(path);
  let kept = wanted.length - queue.length;
  const fetchOne = async () => {
    for (let path = queue.shift(); path; path = queue.shift()) {
      try {
        const response = await fetch(path, { credentials: "same-origin" });
        if (response.ok) {
          await cache.put(path, response);
          kept += 1;
        }
      } catch {
        // Offline again: the rest waits for the next time the till names them.
      }
    }
  };
  await Promise.all(Array.from({ length: PHOTOS_AT_ONCE }, fetchOne));
  await trimPhotos(cache, new Set(wanted.map((p) => new URL(p, self.location.origin).href)));
  return kept;
}

// At most PHOTOS_LIMIT photos: the oldest go first, those the till named last stay longest.
// One trim at a time (each reads the cache afresh), so two never delete for the same excess.
let trimmed = Promise.resolve();
function trimPhotos(cache, keep = new Set()) {
  trimmed = trimmed.then(async () => {
    const keys = await cache.keys(); // in the order they were put
    let over = keys.length - PHOTOS_LIMIT;
    for (const named of [false, true]) {
      for (const request of keys) {
        if (over <= 0) return;
        if (keep.has(request.url) === named && (await cache.delete(request))) over -= 1;
      }
    }
  }).catch(() => {});
  return trimmed;
}
