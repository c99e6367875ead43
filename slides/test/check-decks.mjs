// Opens every built deck (slides/build/NN-*.html) in headless Chromium, as an instructor's
// browser would, and checks each slide: its content fits the 16:9 frame, every image loaded,
// no console error; it writes a PNG of every slide to slides/build/shots/<deck>-NN.png.
// With --report failing=PAGE and --report passing=PAGE (socklab's report.html of a failing and
// of a passing run; slides/test/sample-reports.sh makes both) it opens each page in a laptop's
// 1280 px window: nothing wider than the window, every ladder drawn with a size and its labels
// readable, the failures the run had and no others, no console error or failed request; a
// full-page PNG of each goes to slides/build/shots/report-<name>.png.
// Exit 0: all good. 1: problems, one line each (deck, slide, what). 77: cannot check here
// (no Chromium, no playwright-core, no built decks), with the reason; ctest reports SKIPPED.
// Uses Debian's /usr/bin/chromium (or $CHROMIUM); it never downloads a browser.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const slides = dirname(dirname(fileURLToPath(import.meta.url)));
const build = join(slides, 'build');
const shots = join(build, 'shots');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const WIDTH = 1280, HEIGHT = 720;  // Marp's 16:9 frame, shown at its own size
const TOLERANCE = 1;               // px: sub-pixel rounding is not overflow

const REPORT_WIDTH = 1280, REPORT_HEIGHT = 800;  // a laptop's window
const MIN_LADDER_TEXT = 9;         // px: the smallest label height still read without zooming

const reports = [];
for (let i = 2; i < process.argv.length; i++) {
  const [name, path] = process.argv[i] === '--report' ? (process.argv[++i] || '').split('=') : [];
  if (!['failing', 'passing'].includes(name) || !path) {
    console.error(`usage: check-decks.mjs [--report failing=PAGE] [--report passing=PAGE] (got ${process.argv[i]})`);
    process.exit(2);
  }
  reports.push({ name, path });
}

const skip = (reason) => { console.log(`SKIPPED: ${reason}`); process.exit(77); };
// make test builds the decks with SLIDES_OPTIONAL=1: where it could not, it says why here.
const notBuilt = join(build, 'NOT-BUILT');
if (existsSync(notBuilt)) skip(`the decks could not be built here: ${readFileSync(notBuilt, 'utf8').trim()}`);
if (!existsSync(chromium)) skip(`no Chromium at ${chromium} (apt-get install chromium, or make slides)`);
let chromiumLauncher;
try {
  ({ chromium: chromiumLauncher } = await import(join(slides, 'node_modules/playwright-core/index.mjs')));
} catch {
  skip('playwright-core is not installed in slides/node_modules (make slides runs npm ci)');
}
const decks = existsSync(build) ? readdirSync(build).filter((f) => /^\d\d-[a-z-]+\.html$/.test(f)).sort() : [];
if (!decks.length) skip('no built decks in slides/build (run make slides)');

rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const browser = await chromiumLauncher.launch({ executablePath: chromium, headless: true,
                                               args: ['--no-sandbox', '--disable-gpu'] });
const problems = [];
let slideTotal = 0;
for (const deck of decks) {
  const name = deck.replace(/\.html$/, '');
  const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  await page.goto(pathToFileURL(join(build, deck)).href, { waitUntil: 'load' });
  // The on-screen controls appear on navigation; an instructor's audience never sees them.
  await page.addStyleTag({ content: '.bespoke-marp-osc { display: none !important; }' });
  const count = await page.evaluate(() => document.querySelectorAll('svg[data-marpit-svg]').length);
  if (!count) problems.push(`${name}: no slides found (not a Marp deck?)`);
  for (let n = 1; n <= count; n++) {
    await page.evaluate((k) => { location.hash = `#${k}`; }, n);
    await page.waitForFunction((k) => {
      const active = document.querySelector('svg[data-marpit-svg].bespoke-marp-active');
      return active && [...document.querySelectorAll('svg[data-marpit-svg]')].indexOf(active) === k - 1;
    }, n, { timeout: 5000 }).catch(() => problems.push(`${name} slide ${n}: could not navigate to it`));
    const found = await page.evaluate((tolerance) => {
      const out = [];
      const svg = document.querySelector('svg[data-marpit-svg].bespoke-marp-active');
      const section = svg && svg.querySelector('section');
      if (!section) return ['no section'];
      const describe = (el) => {
        const text = (el.getAttribute('alt') || el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
        return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''}> "${text}"`;
      };
      if (section.scrollHeight > section.clientHeight + tolerance)
        out.push(`content is ${section.scrollHeight - section.clientHeight} px taller than the slide`);
      if (section.scrollWidth > section.clientWidth + tolerance)
        out.push(`content is ${section.scrollWidth - section.clientWidth} px wider than the slide`);
      // Positions in the slide's own 1280x720 coordinates, whatever the browser's zoom.
      const frame = section.getBoundingClientRect();
      const scale = frame.width / section.offsetWidth || 1;
      const reported = [];
      for (const el of section.querySelectorAll('*')) {
        if (reported.some((outer) => outer.contains(el))) continue;  // the outermost says it
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        const beyond = [];
        if (r.bottom > frame.bottom + tolerance * scale) beyond.push(`${Math.round((r.bottom - frame.bottom) / scale)} px below`);
        if (r.right > frame.right + tolerance * scale) beyond.push(`${Math.round((r.right - frame.right) / scale)} px right of`);
        if (r.top < frame.top - tolerance * scale) beyond.push(`${Math.round((frame.top - r.top) / scale)} px above`);
        if (r.left < frame.left - tolerance * scale) beyond.push(`${Math.round((frame.left - r.left) / scale)} px left of`);
        if (beyond.length) {
          out.push(`${describe(el)} reaches ${beyond.join(', ')} the frame`);
          reported.push(el);
        }
        if (el.tagName === 'PRE' && (el.scrollWidth > el.clientWidth + tolerance || el.scrollHeight > el.clientHeight + tolerance))
          out.push(`${describe(el)}: code block clipped (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
      }
      for (const img of section.querySelectorAll('img')) {
        if (!img.complete || img.naturalWidth === 0) out.push(`image ${img.getAttribute('src')} did not load`);
      }
      return out;
    }, TOLERANCE);
    for (const p of found) problems.push(`${name} slide ${n}: ${p}`);
    await page.screenshot({ path: join(shots, `${name}-${String(n).padStart(2, '0')}.png`) });
  }
  for (const e of errors) problems.push(`${name}: console error: ${e}`);
  console.log(`${name}: ${count} slides`);
  slideTotal += count;
  await page.close();
}
for (const { name, path } of reports) {
  if (!existsSync(path)) { problems.push(`report ${name}: ${path} does not exist`); continue; }
  const page = await browser.newPage({ viewport: { width: REPORT_WIDTH, height: REPORT_HEIGHT } });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  const seen = await page.evaluate((minText) => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1)
      out.push(`the page is ${root.scrollWidth - window.innerWidth} px wider than a ${window.innerWidth} px window`);
    const pictures = [...document.querySelectorAll('svg')];
    pictures.forEach((svg, i) => {
      const box = svg.getBoundingClientRect();
      if (!box.width || !box.height) out.push(`picture ${i + 1} is drawn with no size`);
    });
    let smallest = Infinity;
    for (const label of document.querySelectorAll('svg text')) {
      const height = label.getBoundingClientRect().height;
      if (height) smallest = Math.min(smallest, height);
    }
    if (smallest < minText) out.push(`the smallest ladder label is ${smallest.toFixed(1)} px tall, under ${minText} px`);
    const body = parseFloat(getComputedStyle(document.body).fontSize);
    if (body < 14) out.push(`the text is ${body} px, under 14 px`);
    return { out, pictures: pictures.length, failures: document.querySelectorAll('section.failure').length,
             netns: /netns mode/.test(document.body.textContent) };
  }, MIN_LADDER_TEXT);
  for (const p of seen.out) problems.push(`report ${name}: ${p}`);
  if (name === 'failing' && seen.failures === 0) problems.push('report failing: no failure section in a failing run');
  // In netns mode every failure has a capture: this server's ladder and the golden one.
  if (name === 'failing' && seen.netns && seen.pictures < 2)
    problems.push(`report failing: ${seen.pictures} ladder(s), expected this server's and the golden one`);
  if (name === 'passing' && seen.failures !== 0) problems.push(`report passing: ${seen.failures} failure section(s) in a passing run`);
  for (const e of errors) problems.push(`report ${name}: console error: ${e}`);
  await page.screenshot({ path: join(shots, `report-${name}.png`), fullPage: true });
  console.log(`report ${name}: ${seen.failures} failure(s), ${seen.pictures} ladder(s)`);
  await page.close();
}
await browser.close();
if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  console.error(`${problems.length} problem(s) in ${decks.length} decks, ${slideTotal} slides; screenshots in ${shots}`);
  process.exit(1);
}
const reported = reports.length ? ` and ${reports.length} report page(s) read well at ${REPORT_WIDTH} px` : '';
console.log(`OK: ${decks.length} decks, ${slideTotal} slides fit their frames, every image loaded, no console error${reported}; screenshots in ${shots}`);
