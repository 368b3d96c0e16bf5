import { chromium } from "playwright-core";
const [,, url, out, action, scheme] = process.argv;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
const ctx = await browser.newContext({ viewport: { width: 1000, height: 1400 }, colorScheme: scheme || "light" });
const page = await ctx.newPage();
const errors = [];
page.on("pageerror", e => errors.push(String(e)));
page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
await page.goto(url);
if (action === "answer") {
  const q = page.locator("form.quiz-form").first();
  await q.locator("input").first().check().catch(() => {});
  await q.locator("select").first().selectOption({ index: 1 }).catch(() => {});
  await q.locator("button.quiz-check").click();
}
await page.screenshot({ path: out, fullPage: action === "full" });
console.log(JSON.stringify(errors));
await browser.close();
