// `npm pack` makes a tarball that installs offline into a fresh app and gives the API, from
// ESM and from CommonJS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

test('npm pack: the tarball installs offline into a fresh directory and gives the API', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'corsgate-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: pkgDir, encoding: 'utf8' });
    const [{ filename, files }] = JSON.parse(out);
    const names = files.map((f) => f.path).sort();
    assert.deepEqual(names, [
      'README.md', 'index.cjs', 'index.d.ts', 'index.mjs', 'package.json',
      'pkg/corsgate_js.js', 'pkg/corsgate_js_bg.wasm',
    ]);
    const app = join(tmp, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(tmp, filename)], { cwd: app, stdio: 'pipe' });
    const check = (file, source) => {
      writeFileSync(join(app, file), source);
      return execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }).trim();
    };
    const body = `
      const e = explain({ origin: 'https://app.example', url: 'https://api.example/v1/items', method: 'PUT' });
      const f = createFetch({ origin: 'https://app.example', engine: 'chromium' });
      console.log(typeof f, e.decision, e.first_request.method);`;
    assert.equal(check('esm.mjs', `import { createFetch, explain } from 'corsgate';${body}`), 'function preflight OPTIONS');
    assert.equal(check('cjs.cjs', `const { createFetch, explain } = require('corsgate');${body}`), 'function preflight OPTIONS');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
