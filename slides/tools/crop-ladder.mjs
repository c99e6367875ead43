// Crops a ladder SVG written by `socklab trace show --svg` to the rows a slide can hold.
// Usage: node crop-ladder.mjs IN.svg OUT.svg [--max-rows N] [--keep-first N]
//
// `trace show` draws one row per segment, 30 px apart, below a 124 px header (legend, title,
// column heads). A 1 MiB echo is a thousand rows, far past a 720 px slide. This keeps the rows
// that carry the lesson: SYN, FIN and RST (and one row of context each side), then rows with a
// tcp.analysis flag (zero window, retransmission, keep-alive probe), then the first rows of
// data, up to --max-rows; each run of dropped rows becomes one "rows cut" row, drawn like the
// ladder's own folded rows. Nothing is invented: every kept row is the SVG's own, moved up.
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output, ...rest] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: crop-ladder.mjs IN.svg OUT.svg [--max-rows N] [--keep-first N]');
  process.exit(2);
}
const option = (name, fallback) => {
  const at = rest.indexOf(name);
  return at >= 0 ? Number(rest[at + 1]) : fallback;
};
const maxRows = option('--max-rows', 16);
const keepFirst = option('--keep-first', 4);

const ROW_TOP = 124;  // y of the first row's top in socklab's ladder layout
const ROW_HEIGHT = 30;
const lines = readFileSync(input, 'utf8').split('\n');
const header = [];
const rows = new Map();  // row index -> its elements
let closing = '</svg>';
for (const line of lines) {
  if (line.startsWith('</svg>')) { closing = line; continue; }
  const y = /\s(?:y|y1)="([0-9.]+)"/.exec(line);
  const isLifeline = /^<path d="M150,/.test(line);
  if (isLifeline) continue;  // redrawn below for the kept rows
  if (!y || Number(y[1]) < ROW_TOP) { header.push(line); continue; }
  const row = Math.floor((Number(y[1]) - ROW_TOP) / ROW_HEIGHT);
  if (!rows.has(row)) rows.set(row, []);
  rows.get(row).push(line);
}
const rowCount = rows.size ? Math.max(...rows.keys()) + 1 : 0;
const colourOf = (row) => (rows.get(row) || []).join(' ');
const isFold = (row) => /font-style="italic"/.test(colourOf(row));
const has = (row, colour) => colourOf(row).includes(colour);
const RST = '#c62828', FIN = '#2e7d32', SYN = '#1565c0', FLAG = '#e65100';

let kept = new Set();
if (rowCount <= maxRows) {
  for (let r = 0; r < rowCount; r++) kept.add(r);
} else {
  // Priorities, most telling first; each adds rows (with context) while there is room.
  const want = [];
  const all = [...Array(rowCount).keys()];
  for (const r of all.slice(0, keepFirst)) want.push(r);  // the handshake: where it starts
  for (const r of all) if (has(r, RST) || has(r, FIN)) want.push(r - 1, r, r + 1);
  for (const r of all) if (has(r, SYN)) want.push(r);
  for (const r of all) if (has(r, FLAG)) want.push(r);
  // Room for the cut markers: each gap costs a row, so stop a little early.
  for (const r of want) {
    if (r < 0 || r >= rowCount || kept.has(r)) continue;
    const trial = new Set(kept).add(r);
    if (layout(trial).length > maxRows) continue;
    kept = trial;
  }
}

// The new order of rows: kept rows, and one marker for each run of dropped ones.
function layout(keptRows) {
  const sorted = [...keptRows].sort((a, b) => a - b);
  const out = [];
  let previous = -1;
  for (const r of sorted) {
    if (r > previous + 1) out.push({ cut: r - previous - 1 });
    out.push({ row: r });
    previous = r;
  }
  if (previous < rowCount - 1) out.push({ cut: rowCount - 1 - previous });
  return out;
}

const placed = layout(kept);
const body = [];
const solid = [];
const dashed = [];
placed.forEach((slot, j) => {
  const top = j === 0 ? ROW_TOP : ROW_TOP + j * ROW_HEIGHT + 6;
  const bottom = ROW_TOP + (j + 1) * ROW_HEIGHT + 6;
  const segment = `M150,${top} V${bottom} M830,${top} V${bottom} `;
  if (slot.cut !== undefined) {
    dashed.push(segment);
    body.push(`<text x="490" y="${149 + j * ROW_HEIGHT}" font-size="11" fill="#616161" ` +
              `text-anchor="middle" font-style="italic">\u22ef ${slot.cut} more ` +
              `row${slot.cut === 1 ? '' : 's'} of this ladder cut for the slide \u22ef</text>`);
    return;
  }
  (isFold(slot.row) ? dashed : solid).push(segment);
  const dy = (j - slot.row) * ROW_HEIGHT;
  body.push(`<g transform="translate(0,${dy})">`, ...rows.get(slot.row), '</g>');
});
const height = ROW_TOP + placed.length * ROW_HEIGHT + 30;
const svg = [
  // Only the root <svg> and its background change size; the arrow markers keep their own boxes.
  ...header.map((line) => (line.startsWith('<svg')
    ? line.replace(/height="[0-9.]+"/, `height="${height}"`)
      .replace(/viewBox="0 0 ([0-9.]+) [0-9.]+"/, `viewBox="0 0 $1 ${height}"`)
    : line.replace(/^<rect width="([0-9.]+)" height="[0-9.]+"/, `<rect width="$1" height="${height}"`))),
  `<path d="${solid.join('')}" stroke="#616161" stroke-width="2"/>`,
  `<path d="${dashed.join('')}" stroke="#616161" stroke-width="2" stroke-dasharray="4 4"/>`,
  ...body,
  closing,
].join('\n');
writeFileSync(output, svg + '\n');
