// Writes slides/mutants-recorded.json from this build's mutant runs (slides/build/mutants/):
// the verdict text each spot-the-bug slide shows, kept in the repository so that a machine
// that cannot run the mutants (no network namespaces) still builds those slides, and says so.
// Run after `make slides` on a machine where the mutants run: node slides/tools/record-mutant-verdicts.mjs
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const slides = dirname(dirname(fileURLToPath(import.meta.url)));
const runs = join(slides, 'build/mutants');
const recorded = {};
for (const key of readdirSync(runs).sort()) {
  const report = join(runs, key, 'report.json');
  if (!existsSync(report)) continue;
  const s = JSON.parse(readFileSync(report, 'utf8')).scenarios[0];
  const f = s.finding && typeof s.finding === 'object' ? s.finding : {};
  recorded[key] = {
    expected: f.expected || '', happened: f.happened || s.message || '', meaning: f.meaning || '',
    divergence: (s.golden && s.golden.divergence) || '', side_by_side: (s.golden && s.golden.side_by_side) || [],
    server_exit: s.server_exit || '',
  };
}
writeFileSync(join(slides, 'mutants-recorded.json'), JSON.stringify(recorded, null, 1) + '\n');
console.log(`recorded ${Object.keys(recorded).length} mutant verdicts in slides/mutants-recorded.json`);
