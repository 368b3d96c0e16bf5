import { fileUrl, launch, serveDir } from "/work/main/tests/browser/lib.mjs";
const site = process.argv[2];
const browser = await launch();
const server = await serveDir(site);
for (const url of [fileUrl(site, "index.html"), server.url + "index.html"]) {
 for (let i = 0; i < 3; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const r = await page.evaluate((q) => new Promise((ok) => {
    const ev = [];
    const t0 = performance.now();
    const patch = () => {
      const P = typeof rapportSearchWasm !== "undefined" && rapportSearchWasm.SearchEngine && rapportSearchWasm.SearchEngine.prototype;
      if (!P) return setTimeout(patch, 1);
      ev.push(["glue", performance.now() - t0]);
      const s = P.search, a = P.addPiece;
      P.search = function (...args) { const t = performance.now(); const r = s.apply(this, args); ev.push(["search", t - t0, performance.now() - t, r.slice(0, 60)]); return r; };
      let n = 0; window.__addMs = 0; P.addPiece = function (...args) { n++; const t = performance.now(); const r = a.apply(this, args); window.__addMs += performance.now() - t; return r; };
      window.__n = () => n;
    };
    patch();
    const input = document.getElementById("search-input");
    document.addEventListener("rapport-search-rendered", () => ok({ total: performance.now() - t0, ev, pieces: window.__n(), add: window.__addMs }), { once: true });
    input.focus(); input.value = q; input.dispatchEvent(new Event("input"));
  }), "therapeutic alliance");
  console.log(url.slice(0, 5), r.total.toFixed(0), "ms, pieces", r.pieces, "add", r.add.toFixed(1), r.ev.map(e => e[0] === "search" ? `[search@${e[1].toFixed(0)} ${e[2].toFixed(0)}ms ${e[3].startsWith('{"need') ? 'need ' + JSON.parse(e[3].length < 60 ? e[3] : e[3].replace(/,[^,]*$/, "]}")).need?.length : 'ok'}]` : `${e[0]}@${e[1].toFixed(0)}`).join(" "));
  await context.close();
 }
}
await server.close(); await browser.close();
