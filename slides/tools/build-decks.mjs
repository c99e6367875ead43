// Turns the deck sources (slides/NN-*.md) into what Marp builds: slides/build/NN-*.md, with every
// picture generated from the project's own data into slides/build/img/.
//
// A deck names its pictures by where they come from, and this script makes each one:
//   build/img/ladder/LAB/SCENARIO.cN.rM.svg   `socklab trace show traces/LAB/SCENARIO.pcap.gz
//                                              --connection N --svg`, cropped to M rows
//   build/img/dot/NAME.svg                    `dot -Tsvg diagrams/NAME.dot`
// and expands three markers (HTML comments, so a source deck is valid Marp as it is):
//   <!-- socklab:trace LAB SCENARIO -->       the golden normalized trace, as a text block
//   <!-- socklab:mutants LAB -->              one "spot the bug" slide per mutant of LAB
//                                              (tests/mutants/CMakeLists.txt), with its verdict,
//                                              and its ladder beside the golden's
//   <!-- socklab:bench LAB -->                the scaling plots re-drawn from bench/results/*.gp
//                                              and .csv, or a slide that says to run make bench
// A trace, patch, verdict or result that changes therefore changes the slides.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const slides = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(slides);
const build = join(slides, 'build');
const socklab = join(root, 'build/bin/socklab');
const problems = [];
const warnings = [];

const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
const ensureDir = (path) => mkdirSync(path, { recursive: true });
const escapeHtml = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// Text inside a Marp speaker note must not close the comment.
const noteSafe = (text) => text.replace(/--/g, '\u2011\u2011');

// ---- pictures --------------------------------------------------------------------------------

function ladder(pcap, connection, maxRows, out) {
  ensureDir(dirname(out));
  const raw = out.replace(/\.svg$/, '.full.svg');
  run(socklab, ['trace', 'show', pcap, '--connection', String(connection), '--svg', raw],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  run(process.execPath, [join(slides, 'tools/crop-ladder.mjs'), raw, out, '--max-rows',
                         String(maxRows)]);
}

function makePicture(ref) {
  const out = join(build, ref);
  let m;
  if ((m = /^img\/ladder\/([a-z0-9-]+)\/([a-z0-9-]+)\.c(\d+)\.r(\d+)\.svg$/.exec(ref))) {
    const pcap = join(root, 'traces', m[1], `${m[2]}.pcap.gz`);
    if (!existsSync(pcap)) throw new Error(`${ref}: no golden capture ${pcap}`);
    ladder(pcap, m[3], m[4], out);
  } else if ((m = /^img\/dot\/([a-z0-9-]+)\.svg$/.exec(ref))) {
    ensureDir(dirname(out));
    run('dot', ['-Tsvg', join(slides, 'diagrams', `${m[1]}.dot`), '-o', out]);
  } else if (/^img\/(mutant|bench)\//.test(ref)) {
    if (!existsSync(out)) throw new Error(`${ref}: not generated`);
  } else {
    throw new Error(`${ref}: no rule makes this picture (see tools/build-decks.mjs)`);
  }
}

// ---- golden normalized traces ----------------------------------------------------------------

function goldenTrace(lab, scenario) {
  const text = readFileSync(join(root, 'traces', lab, `${scenario}.trace`), 'utf8');
  // One block per kind of connection; several blocks sit side by side so that a slide holds them.
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const blocks = [];
  for (const line of lines) {
    if (/^connection /.test(line) || !blocks.length) blocks.push([]);
    blocks[blocks.length - 1].push(line.replace(/^  /, ''));
  }
  const cells = blocks.map((b) => `<pre class="trace">${escapeHtml(b.join('\n'))}</pre>`).join('\n');
  return `<div class="trace-grid cols-${Math.min(blocks.length, 3)}">\n${cells}\n</div>\n\n` +
    `<span class="small">traces/${lab}/${scenario}.trace (golden)</span>`;
}

// ---- mutants ---------------------------------------------------------------------------------

function mutantTable() {
  const cmake = readFileSync(join(root, 'tests/mutants/CMakeLists.txt'), 'utf8');
  const rows = [];
  for (const m of cmake.matchAll(/^add_mutant(_catch)?\(([a-z0-9-]+) +([a-z0-9-]+) +([a-z0-9-]+) +"([^"]*)"/gm))
    rows.push({ catch: !!m[1], name: m[2], lab: m[3], scenario: m[4], phrase: m[5] });
  return rows;
}

function readPatch(name) {
  const text = readFileSync(join(root, 'tests/mutants', `${name}.patch`), 'utf8');
  const [description] = text.split(/\n(?=--- a\/)/);
  const summary = description.replace(/^Mutant [^:]*: */, '').replace(/\s+/g, ' ').trim();
  const files = [];
  for (const part of text.split(/\n(?=--- a\/)/).slice(1)) {
    const file = /^\+\+\+ b\/([^\t\n]*)/m.exec(part)[1];  // not the timestamp diff -u adds
    const hunks = part.split(/\n(?=@@ )/).slice(1).map((hunk) => hunk.split('\n').slice(1));
    files.push({ file, hunks });
  }
  return { summary, files };
}

// The spot-the-bug code column (section.spot in theme/socklab.css: 17 px DejaVu Sans Mono in the
// left 3/5 of the slide) holds 64 characters. Marp's auto-scaling shrinks a code block until its
// longest line fits, so one long line made every line of the excerpt small (a 94-character line
// drew the whole block at 13 px, a 100-character comment at 11 px): every line is wrapped here.
const SPOT_CODE_WIDTH = 62;

// Where a line's string and character literals are, how deep in brackets each character is (a
// bracket counts at the depth outside it), and where its // comment starts (-1: none).
function scanCode(line) {
  const inString = new Array(line.length).fill(false);
  const depth = new Array(line.length).fill(0);
  let quote = null, level = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    depth[i] = level;
    if (quote) {
      inString[i] = true;
      if (c === '\\' && i + 1 < line.length) { inString[i + 1] = true; depth[i + 1] = level; i++; }
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      inString[i] = true;
    } else if (c === '/' && line[i + 1] === '/') {
      return { inString, depth, comment: i };
    } else if ('([{'.includes(c)) {
      level++;
    } else if (')]}'.includes(c)) {
      level--;
      depth[i] = level;
    }
  }
  return { inString, depth, comment: -1 };
}

// Where to break a code line so that its head is no wider than `width`: the end of the head, or
// -1. The rest goes on a continuation line indented `minHead`. A break outside brackets beats one
// inside them; at the same depth, after a comma or semicolon beats before || or &&, which beats
// after an opening brace, after an if's condition or before return, then after =, then before
// another operator, then after an opening parenthesis, then any space. A break whose rest fits on
// the one continuation line comes first; of equal breaks, the latest.
function codeBreak(line, width, minHead) {
  const { inString, depth } = scanCode(line);
  const kinds = [ // pattern, where the head ends (from the match), rank
    [/[,;] /g, 1, 0], [/ (\|\||&&) /g, 0, 1], [/[{)] /g, 1, 2], [/ return /g, 0, 2],
    [/ = /g, 3, 3], [/ (==|!=|<=|>=|<<|>>|[-+*/%<>|&^?:]) /g, 0, 4], [/\((?!\))/g, 1, 15],
    [/ /g, 0, 8],
  ];
  let best = null;
  for (const [pattern, offset, rank] of kinds) {
    for (const m of line.matchAll(pattern)) {
      const cut = m.index + offset;
      if (inString[m.index] || cut <= minHead) continue;
      const head = line.slice(0, cut).trimEnd(), rest = line.slice(cut).trim();
      if (head.length > width || !rest || head.length <= minHead || /\breturn$/.test(head)) continue;
      const fits = minHead + rest.length <= width;
      const score = [fits ? 0 : 1, depth[m.index] * 10 + rank, -cut];
      const k = best ? score.findIndex((v, j) => v !== best.score[j]) : -1;  // lexicographic
      if (!best || (k >= 0 && score[k] < best.score[k])) best = { cut, score };
    }
  }
  return best ? best.cut : -1;
}

// One source line as lines no wider than `width` (as far as its words allow). A comment is
// re-flowed as comment lines; a trailing comment moves above its code; code breaks at the best
// place (codeBreak) and goes on indented by four more spaces.
function wrapCodeLine(line, width = SPOT_CODE_WIDTH) {
  if (line.length <= width) return [line];
  const indent = /^\s*/.exec(line)[0];
  const { comment } = scanCode(line);
  if (comment === indent.length) {
    const lines = [];
    let current = `${indent}//`;
    for (const word of line.slice(comment + 2).trim().split(/\s+/)) {
      if (current.length + 1 + word.length > width && current.trim() !== '//') {
        lines.push(current);
        current = `${indent}//`;
      }
      current += ` ${word}`;
    }
    return [...lines, current];
  }
  if (comment > 0) {
    return [...wrapCodeLine(indent + line.slice(comment).trim(), width),
            ...wrapCodeLine(line.slice(0, comment).trimEnd(), width)];
  }
  const continuation = `${indent}    `;
  const out = [];
  let rest = line;
  while (rest.length > width) {
    const cut = codeBreak(rest, width, continuation.length);
    if (cut < 0) break;
    out.push(rest.slice(0, cut).trimEnd());
    rest = continuation + rest.slice(cut).trimStart();
  }
  return [...out, rest];
}

// The code as the mutant has it: context and added lines, near each change, no markers, at most
// `budget` lines (17 fit a spot-the-bug slide above its side-by-side verdict). A hunk that only
// adds #include lines becomes one comment line; changes far apart in a hunk are shown apart. When
// the excerpt is too long, the context shrinks first (2 lines before and 2 after each change, then
// 1 and 1, then none but around a removal), so that every change stays on the slide; only then
// is the excerpt cut.
function mutantCode(patch, budget = 17) {
  const include = /^[+-]\s*#\s*include\b/;
  const render = (before, after) => {
    const out = [];
    let lastFile = null;
    const gap = () => { if (out.length) out.push('// ...'); };
    for (const { file, hunks } of patch.files) {
      for (const lines of hunks) {
        const changed = lines.map((l, i) => (/^[+-]/.test(l) ? i : -1)).filter((i) => i >= 0);
        if (!changed.length) continue;
        const header = () => { if (file !== lastFile) out.push(`// ${file}`); lastFile = file; };
        const includes = changed.filter((i) => include.test(lines[i]));
        if (includes.length && changed.every((i) => lines[i].startsWith('+') &&
                                             (include.test(lines[i]) || !lines[i].slice(1).trim()))) {
          gap(); header();
          const names = includes.map((i) => lines[i].replace(include, '').trim());
          out.push(...wrapCodeLine(`// (adds #include ${names.join(', ')})`));
          continue;
        }
        // Windows of context around runs of changed lines; overlapping windows merge.
        const windows = [];
        for (const i of changed) {
          // A removed line is not shown: the lines around it show where it was.
          const b = lines[i].startsWith('-') ? Math.max(before, 1) : before;
          const a = lines[i].startsWith('-') ? Math.max(after, 1) : after;
          const from = Math.max(0, i - b), to = Math.min(lines.length, i + a + 1);
          const last = windows[windows.length - 1];
          if (last && from <= last.to) last.to = Math.max(last.to, to);
          else windows.push({ from, to });
        }
        for (const { from, to } of windows) {
          const shown = lines.slice(from, to).filter((l) => !l.startsWith('-') && l !== '\\ No newline at end of file')
            .map((l) => l.slice(1));
          while (shown.length && !shown[shown.length - 1].trim()) shown.pop();
          while (shown.length && !shown[0].trim()) shown.shift();
          if (!shown.length) continue;
          gap(); header();
          out.push(...shown.flatMap((line) => wrapCodeLine(line)));
        }
      }
    }
    return out;
  };
  let out = [];
  for (const [before, after] of [[2, 2], [1, 1], [0, 0]]) {
    out = render(before, after);
    if (out.length <= budget) return out;
  }
  out = out.slice(0, budget - 1);
  while (out.length && out[out.length - 1] === '// ...') out.pop();
  return [...out, '// ... (the rest of the patch is in the notes)'];
}

function diffText(patch) {
  return patch.files.map(({ file, hunks }) => `${file}:\n` + hunks.map((lines) =>
    lines.filter((l) => /^[+-]/.test(l)).join('\n')).join('\n')).join('\n');
}

const recordedPath = join(slides, 'mutants-recorded.json');
const recorded = existsSync(recordedPath) ? JSON.parse(readFileSync(recordedPath, 'utf8')) : {};

// The verdict of one mutant run: this build's own run, else the one recorded in the repository.
function evidence(name, scenario) {
  const key = `${name}--${scenario}`;
  const dir = join(build, 'mutants', key);
  const report = join(dir, 'report.json');
  if (existsSync(report)) {
    const s = JSON.parse(readFileSync(report, 'utf8')).scenarios[0];
    const finding = typeof s.finding === 'object' && s.finding ? s.finding : {};
    return {
      live: true,
      pcap: existsSync(join(dir, 'mutant.pcap')) ? join(dir, 'mutant.pcap') : null,
      expected: finding.expected || '', happened: finding.happened || s.message || '',
      meaning: finding.meaning || '', divergence: (s.golden && s.golden.divergence) || '',
      side_by_side: (s.golden && s.golden.side_by_side) || [], server_exit: s.server_exit || '',
    };
  }
  // The mutant ran here and passed its scenario: the slide says so rather than invent a verdict.
  const log = join(dir, 'check.log');
  if (existsSync(log) && /^1 passed, 0 failed/m.test(readFileSync(log, 'utf8'))) {
    warnings.push(`mutant ${key}: socklab passed it on this machine (it should fail); its slide says so`);
    const r = recorded[key] || {};
    return { live: true, passedHere: true, pcap: null, side_by_side: [], divergence: '',
             expected: r.expected || '', meaning: r.meaning || '',
             happened: `this build's run PASSED ${scenario}: the bug went unnoticed on this machine ` +
                       `(see slides/build/mutants/${key}/check.log)` };
  }
  if (recorded[key]) return { live: false, pcap: null, ...recorded[key] };
  problems.push(`mutant ${key}: no run in this build and no recorded verdict in mutants-recorded.json`);
  return null;
}

// One line per connection of a capture: "client sent N bytes then FIN, server sent ...".
function connectionSummaries(pcap) {
  const text = run(socklab, ['trace', 'show', pcap], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = text.split('\n');
  const out = [];
  lines.forEach((line, i) => {
    if (/^connection \d+ of \d+:/.test(line)) out.push(lines[i + 1].trim().replace(/;.*$/, ''));
  });
  return out;
}

// The connection that shows the bug: the mutant's first one unlike the golden's, and the
// golden's connection whose client did the same thing.
function pickConnections(goldenPcap, mutantPcap) {
  const golden = connectionSummaries(goldenPcap);
  const mutant = connectionSummaries(mutantPcap);
  const goldenSet = new Set(golden);
  let m = mutant.findIndex((s) => !goldenSet.has(s));
  if (m < 0) m = 0;
  const clientPart = (s) => (s || '').replace(/, server.*$/, '');
  let g = golden.findIndex((s) => clientPart(s) === clientPart(mutant[m]));
  if (g < 0) g = 0;
  return { golden: g + 1, mutant: m + 1, goldenSummary: golden[g], mutantSummary: mutant[m] };
}

function mutantSlides(lab) {
  const rows = mutantTable().filter((r) => r.lab === lab);
  const slidesOut = [];
  for (const row of rows.filter((r) => !r.catch)) {
    const patch = readPatch(row.name);
    const ev = evidence(row.name, row.scenario);
    const also = rows.filter((r) => r.catch && r.name === row.name);
    const code = mutantCode(patch);
    const wire = ev && ev.side_by_side.length > 0;
    let s = `---\n\n<!-- _class: spot -->\n\n## Spot the bug: \`${row.name}\`\n\n`;
    s += `<div class="spot-grid">\n<div>\n\n\`\`\`cpp\n${code.join('\n')}\n\`\`\`\n\n</div>\n<div>\n\n`;
    s += `Caught by \`socklab check ${lab} --scenario ${row.scenario}\`\n\n`;
    if (ev) {
      const expected = ev.expected || `a failed verdict whose diagnosis says "${row.phrase}"`;
      s += `**Expected:** ${escapeHtml(expected)}\n\n**Happened:** ${escapeHtml(ev.happened)}\n\n`;
      if (!wire && !ev.passedHere) s += `*The wire looks like the golden's: this bug shows in the process, not in the capture.*\n\n`;
      if (!ev.live) s += `<span class="small">Recorded verdict (this build could not run the mutant).</span>\n\n`;
    }
    s += `</div>\n</div>\n\n`;
    if (wire) s += '```text\n' + ev.side_by_side.map((l) => l.replace(/\s+$/, '')).join('\n') + '\n```\n\n';
    s += `<!--\nThe bug (${noteSafe(patch.summary)})\n\n${noteSafe(diffText(patch))}\n\n`;
    if (ev) s += `What socklab says it means: ${noteSafe(ev.meaning)}\n`;
    if (ev && ev.divergence) s += `\nOn the wire: ${noteSafe(ev.divergence)}\n`;
    for (const a of also) {
      const ea = evidence(a.name, a.scenario);
      s += `\nAlso caught by ${a.scenario}${ea ? `: ${noteSafe(ea.happened)}` : ''}\n`;
    }
    s += `-->\n\n`;
    slidesOut.push(s);
    if (wire && ev.pcap) slidesOut.push(ladderPair(row, ev));
  }
  return slidesOut.join('');
}

function ladderPair(row, ev) {
  const goldenPcap = join(root, 'traces', row.lab, `${row.scenario}.pcap.gz`);
  const pick = pickConnections(goldenPcap, ev.pcap);
  const base = `img/mutant/${row.name}--${row.scenario}`;
  ladder(goldenPcap, pick.golden, 13, join(build, `${base}.golden.svg`));
  ladder(ev.pcap, pick.mutant, 13, join(build, `${base}.mutant.svg`));
  // Two full-size slides, golden then mutant, flipped between: side by side at half width the
  // ladders' 12 px labels shrink to 8 px, too small to read from the back of a room.
  const one = (which, src, caption) =>
    `---\n\n<!-- _class: figure -->\n\n## \`${row.name}\` on the wire (${which})\n\n` +
    `![h:520](${src})\n\n<span class="small">${escapeHtml(caption)}</span>\n\n` +
    `<!--\nCropped to the rows that carry the lesson (SYN, FIN, RST, flagged segments). ` +
    `Flip between the golden and the mutant. ${noteSafe(ev.divergence)}\n-->\n\n`;
  return one('1/2: golden', `${base}.golden.svg`,
             `golden, ref-${row.lab}, ${row.scenario}, connection ${pick.golden}: ${pick.goldenSummary || ''}`) +
    one('2/2: mutant', `${base}.mutant.svg`,
        `mutant-${row.name}, this build's run, connection ${pick.mutant}: ${pick.mutantSummary || ''}`);
}

// ---- bench -----------------------------------------------------------------------------------

function benchSlides(lab) {
  const results = join(root, 'bench/results');
  const scripts = existsSync(results) ? readdirSync(results).filter((f) => /^scaling.*\.gp$/.test(f)).sort() : [];
  if (!scripts.length) {
    return `---\n\n## Scaling: ${lab} against the other models\n\n` +
      `<div class="callout">\n\nNo measurements yet: <code>bench/results/scaling-*.gp</code> and ` +
      `<code>.csv</code> are not in this tree.\n\nRun <code>make bench</code> (it runs ` +
      `<code>socklab bench scaling</code>), then <code>make slides</code>: this slide becomes ` +
      `the plots.\n\n</div>\n\n<!--\nThe plots come from bench/results, written by socklab bench scaling. ` +
      `Until the results are committed, ask the class what they expect: where does select's O(n) ` +
      `scan start to show, and where does a thread per connection run out?\n-->\n\n`;
  }
  const plots = join(build, 'img/bench');
  ensureDir(plots);
  let out = '';
  for (const script of scripts) {
    // One script may draw several plots (socklab bench scaling's draws four): it runs in a copy
    // of bench/results' data inside build/, with its terminal set for a slide, so every
    // `set output` lands in img/bench and the committed plots stay untouched.
    const lines = readFileSync(join(results, script), 'utf8').split('\n');
    const outputs = lines.map((l) => /^\s*set\s+output\s+['"]([^'"]+)['"]/.exec(l)).filter(Boolean).map((m) => m[1]);
    for (const data of readdirSync(results).filter((f) => f.endsWith('.csv'))) {
      writeFileSync(join(plots, data), readFileSync(join(results, data)));
    }
    const body = lines.filter((l) => !/^\s*set\s+(term|terminal)\b/.test(l)).join('\n');
    const header = `set terminal svg size 1100,460 dynamic font 'DejaVu Sans,16' background '#ffffff'\n`;
    try {
      run('gnuplot', [], { cwd: plots, input: header + body, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      problems.push(`bench/results/${script}: gnuplot failed: ${String(error.stderr || error).trim()}`);
      continue;
    }
    for (const svg of outputs) {
      if (!existsSync(join(plots, svg))) {
        problems.push(`bench/results/${script}: gnuplot wrote no ${svg}`);
        continue;
      }
      const name = basename(svg, '.svg');
      out += `---\n\n<!-- _class: plot -->\n\n## Measured: \`${name}\`\n\n![${name}](img/bench/${svg})\n\n` +
        `<span class="small">Re-drawn by <code>make slides</code> from bench/results/${script} by socklab bench scaling.</span>\n\n` +
        `<!--\nPoint at where the ${lab} curve bends, and compare it with the other models on the same axes.\n-->\n\n`;
    }
  }
  return out;
}

// ---- decks -----------------------------------------------------------------------------------

ensureDir(build);
const decks = readdirSync(slides).filter((f) => /^\d\d-[a-z-]+\.md$/.test(f)).sort();
for (const deck of decks) {
  let text = readFileSync(join(slides, deck), 'utf8');
  text = text.replace(/<!-- socklab:trace ([a-z0-9-]+) ([a-z0-9-]+) -->/g, (_, lab, sc) => goldenTrace(lab, sc));
  text = text.replace(/<!-- socklab:mutants ([a-z0-9-]+) -->\n*/g, (_, lab) => mutantSlides(lab));
  text = text.replace(/<!-- socklab:bench ([a-z0-9-]+) -->\n*/g, (_, lab) => benchSlides(lab));
  text = text.replace(/\]\(build\/img\//g, '](img/').replace(/url\(build\/img\//g, 'url(img/');
  for (const m of text.matchAll(/\]\((img\/[^)\s]+)\)/g)) {
    try { makePicture(m[1]); } catch (error) { problems.push(`${deck}: ${error.message}`); }
  }
  writeFileSync(join(build, deck), text);
}
copyFileSync(join(slides, 'theme/socklab.css'), join(build, 'socklab.css'));
for (const w of warnings) console.error(`slides: warning: ${w}`);
if (problems.length) {
  for (const p of problems) console.error(`slides: ${p}`);
  process.exit(1);
}
console.log(`slides: ${decks.length} decks staged in ${build}`);
