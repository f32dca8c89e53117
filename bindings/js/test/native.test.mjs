// The wasm build against the native command, in the same run: every scenario of the
// conformance corpus under every preset gives exactly `corsgate replay --engine X`'s line, and
// explain() gives exactly `corsgate explain --json`'s object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explain, replayLine } from '../index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const corpus = join(root, 'tests', 'data', 'conformance');
const ENGINES = ['spec', 'chromium', 'firefox', 'webkit'];

/** The native `corsgate` (built by cargo if it is not yet). */
function corsgate(args) {
  return execFileSync('cargo', ['run', '-q', '-p', 'corsgate-cli', '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

test('the conformance corpus replayed through wasm equals the native replay, every file and preset', () => {
  const files = readdirSync(corpus).filter((f) => f.endsWith('.jsonl')).sort();
  assert.ok(files.length >= 7, `corpus files: ${files}`);
  let compared = 0;
  for (const file of files) {
    const lines = readFileSync(join(corpus, file), 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim() !== '');
    for (const engine of ENGINES) {
      const native = corsgate(['replay', '--engine', engine, join(corpus, file)]).split('\n').filter((l) => l !== '');
      assert.equal(native.length, lines.length, `${file} ${engine}: native wrote every line`);
      lines.forEach((line, i) => {
        assert.equal(replayLine(line, engine), native[i], `${file} line ${i + 1} ${engine}`);
        compared++;
      });
    }
  }
  // Every scenario of every file, four presets.
  const scenarios = files.reduce(
    (n, f) => n + readFileSync(join(corpus, f), 'utf8').split('\n').filter((l) => l.trim() !== '').length,
    0,
  );
  assert.equal(compared, scenarios * ENGINES.length);
  assert.ok(scenarios > 1000, `${scenarios} scenarios`);
  console.log(`compared ${compared} replays (${scenarios} scenarios x ${ENGINES.length} presets)`);
});

test('explain() equals corsgate explain --json', () => {
  const cases = [
    { origin: 'https://app.example', url: 'https://api.example/v1/items', method: 'PUT', headers: [['Content-Type', 'application/json'], ['X-Token', '1']], engine: 'chromium' },
    { origin: 'https://app.example/page?q', url: 'https://app.example/x', engine: 'webkit' },
    { origin: 'null', url: 'https://api.example/', method: 'POST', headers: [['content-type', 'text/plain'], ['Cookie', 'a=b']], credentials: 'include', engine: 'firefox' },
    { origin: 'https://app.example', url: 'https://api.example:6000/', engine: 'spec' },
    { origin: 'https://app.example', url: 'https://api.example/', method: 'TRACE' },
    { origin: 'https://app.example', url: 'https://api.example/', mode: 'no-cors', method: 'PUT', headers: [['Range', 'bytes=0-']] },
    { origin: 'https://app.example', url: 'https://u:p@api.example/', mode: 'same-origin' },
    // Non-ASCII hosts: the package hands them to the WebAssembly in their ASCII form.
    { origin: 'https://bücher.example', url: 'https://api.bücher.example/x', method: 'PUT', engine: 'chromium' },
    { origin: 'https://shop.公司.cn/page', url: 'https://api.公司.cn/', credentials: 'include', engine: 'firefox' },
    { origin: 'https://xn--bcher-kva.example', url: 'https://bücher.example/same' },
  ];
  for (const c of cases) {
    const args = ['explain', '--json', '--origin', c.origin, '--url', c.url];
    if (c.method) args.push('-X', c.method);
    for (const [n, v] of c.headers ?? []) args.push('-H', `${n}: ${v}`);
    if (c.credentials) args.push('--credentials', c.credentials);
    if (c.mode) args.push('--mode', c.mode);
    if (c.engine) args.push('--engine', c.engine);
    let out;
    try {
      out = corsgate(args);
    } catch (e) {
      out = e.stdout; // exit status 1: refused or blocked before sending
    }
    assert.deepEqual(explain(c), JSON.parse(out), JSON.stringify(c));
  }
});
